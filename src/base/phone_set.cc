// SPDX-License-Identifier: Apache-2.0
#include "base/phone_set.h"

#include <algorithm>
#include <cctype>

namespace voxface {

std::string NormalizePhone(std::string_view raw) {
  std::string p;
  for (char c : raw) {
    if (std::isdigit(static_cast<unsigned char>(c))) continue;
    p.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (p.empty() || p == "sil" || p == "<sil>" || p == "pau" || p == "sp" || p == "spn" ||
      p == "h#" || p == "<s>" || p == "</s>" || p == "_" || (p.front() == '+' && p.back() == '+') ||
      (p.front() == '[' && p.back() == ']')) {
    return "sil";
  }
  // Common spellings from other aligners.
  if (p == "ax" || p == "ah0") return "ah";
  if (p == "axr") return "er";
  if (p == "ix") return "ih";
  if (p == "dx") return "d";
  if (p == "en") return "n";
  if (p == "el") return "l";
  return IsPhone(p) ? p : "";
}

bool IsPhone(std::string_view phone) {
  return std::find(kPhones.begin(), kPhones.end(), phone) != kPhones.end();
}

bool IsVowel(std::string_view p) {
  static constexpr std::string_view kVowels[] = {"aa", "ae", "ah", "ao", "aw", "ay", "eh", "er",
                                                 "ey", "ih", "iy", "ow", "oy", "uh", "uw"};
  return std::find(std::begin(kVowels), std::end(kVowels), p) != std::end(kVowels);
}

bool IsSilence(std::string_view phone) { return phone == "sil"; }

bool IsBilabial(std::string_view p) { return p == "p" || p == "b" || p == "m"; }

}  // namespace voxface
