// SPDX-License-Identifier: Apache-2.0
#include "anim/pose_library.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/phone_set.h"

namespace voxface {

using nlohmann::json;

Status ParsePoseObject(const void* json_object, Pose* pose, const std::string& where) {
  const json& obj = *static_cast<const json*>(json_object);
  if (!obj.is_object()) return Status::InvalidArgument(where + " must be an object of weights");
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (!it.value().is_number()) {
      return Status::InvalidArgument(where + "." + it.key() + " must be a number");
    }
    float v = it.value().get<float>();
    if (auto idx = ArkitIndex(it.key())) {
      (*pose)[*idx] = v;
      continue;
    }
    auto left = ArkitIndex(it.key() + "Left");
    auto right = ArkitIndex(it.key() + "Right");
    if (!left || !right) {
      return Status::InvalidArgument(
          where + ": '" + it.key() +
          "' is not an ARKit blendshape name (see include/voxface/arkit.h)");
    }
    (*pose)[*left] = v;
    (*pose)[*right] = v;
  }
  return Status::Ok();
}

Result<PoseLibrary> PoseLibrary::Parse(const std::string& text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::CorruptData("pose library is not valid JSON");
  }
  if (!doc.contains("visemes") || !doc["visemes"].is_object() || !doc.contains("phones") ||
      !doc["phones"].is_object()) {
    return Status::InvalidArgument("pose library needs 'visemes' and 'phones' objects");
  }
  PoseLibrary lib;
  const json& visemes = doc["visemes"];
  std::vector<std::string> names(kOculusVisemes.begin(), kOculusVisemes.end());
  for (auto it = visemes.begin(); it != visemes.end(); ++it) {
    if (std::find(names.begin(), names.end(), it.key()) == names.end()) names.push_back(it.key());
  }
  for (const auto& name : names) {
    if (!visemes.contains(name)) {
      return Status::InvalidArgument("pose library lacks viseme '" + name +
                                     "'; all 15 Oculus visemes are required");
    }
    Pose pose{};
    VF_RETURN_IF_ERROR(ParsePoseObject(&visemes[name], &pose, "visemes." + name));
    lib.viseme_names_.push_back(name);
    lib.visemes_.push_back(pose);
  }
  auto viseme_index = [&](const std::string& n) -> int {
    auto it = std::find(lib.viseme_names_.begin(), lib.viseme_names_.end(), n);
    return it == lib.viseme_names_.end() ? -1 : static_cast<int>(it - lib.viseme_names_.begin());
  };
  const json& phones = doc["phones"];
  for (auto it = phones.begin(); it != phones.end(); ++it) {
    const std::string where = "phones." + it.key();
    if (!IsPhone(it.key())) return Status::InvalidArgument(where + ": unknown phone");
    const json& p = it.value();
    if (!p.is_object()) return Status::InvalidArgument(where + " must be an object");
    // Typed reads with a message naming the field, instead of nlohmann's exceptions.
    auto text = [&](const char* key, std::string* out) -> Status {
      if (!p.contains(key)) return Status::Ok();
      if (!p[key].is_string())
        return Status::InvalidArgument(where + "." + key + " must be a string");
      *out = p[key].get<std::string>();
      return Status::Ok();
    };
    auto number = [&](const char* key, float* out) -> Status {
      if (!p.contains(key)) return Status::Ok();
      if (!p[key].is_number())
        return Status::InvalidArgument(where + "." + key + " must be a number");
      *out = p[key].get<float>();
      return Status::Ok();
    };
    PhoneShape s;
    std::string viseme, second;
    VF_RETURN_IF_ERROR(text("viseme", &viseme));
    VF_RETURN_IF_ERROR(text("second", &second));
    s.viseme = viseme_index(viseme);
    if (s.viseme < 0) return Status::InvalidArgument(where + ".viseme names no viseme");
    if (p.contains("second")) {
      s.second_viseme = viseme_index(second);
      if (s.second_viseme < 0) return Status::InvalidArgument(where + ".second names no viseme");
      s.split = 0.6f;
      VF_RETURN_IF_ERROR(number("split", &s.split));
    }
    VF_RETURN_IF_ERROR(number("scale", &s.scale));
    VF_RETURN_IF_ERROR(number("dom", &s.dominance));
    s.round_dominance = s.dominance;
    VF_RETURN_IF_ERROR(number("round_dom", &s.round_dominance));
    if (p.contains("add")) VF_RETURN_IF_ERROR(ParsePoseObject(&p["add"], &s.add, where + ".add"));
    if (!(s.dominance > 0 && s.round_dominance > 0 && s.split > 0 && s.split <= 1)) {
      return Status::InvalidArgument(where + ": dom and round_dom must be > 0, split in (0, 1]");
    }
    lib.phones_[it.key()] = s;
  }
  for (auto p : kPhones) {
    if (!lib.phones_.count(std::string(p))) {
      return Status::InvalidArgument("pose library has no entry for phone '" + std::string(p) +
                                     "'");
    }
  }
  return lib;
}

Result<PoseLibrary> PoseLibrary::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("pose library '" + path + "' not found");
  std::stringstream ss;
  ss << in.rdbuf();
  auto lib = Parse(ss.str());
  if (!lib.ok()) return lib.status().WithContext(path);
  return lib;
}

Result<PoseLibrary> PoseLibrary::Default() {
  auto lib = Parse(DefaultVisemesJson());
  if (!lib.ok()) return lib.status().WithContext("built-in data/visemes.json");
  return lib;
}

const PhoneShape& PoseLibrary::phone(const std::string& phone) const {
  auto it = phones_.find(phone);
  if (it == phones_.end()) it = phones_.find("sil");
  return it->second;
}

Pose PoseLibrary::Target(const PhoneShape& shape, bool second_part) const {
  const Pose& base =
      visemes_[second_part && shape.second_viseme >= 0 ? shape.second_viseme : shape.viseme];
  Pose out;
  for (int i = 0; i < kArkitCount; ++i) {
    out[i] = std::clamp(base[i] * shape.scale + shape.add[i], 0.0f, 1.0f);
  }
  return out;
}

}  // namespace voxface
