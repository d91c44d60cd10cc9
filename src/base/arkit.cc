// SPDX-License-Identifier: Apache-2.0
#include "voxface/arkit.h"

#include <cctype>

namespace voxface {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<int> ArkitIndex(std::string_view name) {
  std::string normalized(name);
  // Rigs such as three.js' facecap use "eyeBlink_L"; map the suffix to Apple's spelling.
  auto ends_with = [&](std::string_view s) {
    return normalized.size() >= s.size() &&
           EqualsIgnoreCase(std::string_view(normalized).substr(normalized.size() - s.size()), s);
  };
  if (ends_with("_L"))
    normalized = normalized.substr(0, normalized.size() - 2) + "Left";
  else if (ends_with("_R"))
    normalized = normalized.substr(0, normalized.size() - 2) + "Right";
  for (int i = 0; i < kArkitCount; ++i) {
    if (EqualsIgnoreCase(kArkitNames[i], normalized)) return i;
  }
  return std::nullopt;
}

std::string ArkitPascalName(int index) {
  if (index < 0 || index >= kArkitCount) return "";
  std::string name(kArkitNames[index]);
  name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
  return name;
}

}  // namespace voxface
