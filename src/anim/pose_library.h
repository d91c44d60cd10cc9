// SPDX-License-Identifier: Apache-2.0
// The viseme pose library: each viseme is an ARKit-52 mix, and each phone names its viseme(s)
// and how strongly it holds them against its neighbours. Loaded from an editable JSON file
// (data/visemes.json is compiled in as the default).
#ifndef VOXFACE_SRC_ANIM_POSE_LIBRARY_H_
#define VOXFACE_SRC_ANIM_POSE_LIBRARY_H_

#include <array>
#include <map>
#include <string>
#include <vector>

#include "voxface/arkit.h"
#include "voxface/status.h"

namespace voxface {

using Pose = std::array<float, kArkitCount>;

// The 15 Oculus visemes in their index order; a library may add more after these.
inline constexpr std::array<const char*, 15> kOculusVisemes = {
    "sil", "PP", "FF", "TH", "DD", "kk", "CH", "SS", "nn", "RR", "aa", "E", "ih", "oh", "ou"};

struct PhoneShape {
  int viseme = 0;
  int second_viseme = -1;  // Diphthongs glide to this viseme...
  float split = 1.0f;      // ...starting at this fraction of the phone.
  float scale = 1.0f;
  Pose add{};                    // Extra channel offsets after scaling.
  float dominance = 1.0f;        // Jaw and lips.
  float round_dominance = 1.0f;  // mouthFunnel / mouthPucker.
};

class PoseLibrary {
 public:
  static Result<PoseLibrary> Parse(const std::string& json);
  static Result<PoseLibrary> Load(const std::string& path);
  // The library compiled in from data/visemes.json.
  static Result<PoseLibrary> Default();

  const std::vector<std::string>& viseme_names() const { return viseme_names_; }
  const Pose& viseme(int index) const { return visemes_[index]; }
  // Unknown phones fall back to the "sil" shape.
  const PhoneShape& phone(const std::string& phone) const;
  // The pose a phone aims for (first or second part of a diphthong), clamped to 0..1.
  Pose Target(const PhoneShape& shape, bool second_part) const;

 private:
  std::vector<std::string> viseme_names_;
  std::vector<Pose> visemes_;
  std::map<std::string, PhoneShape> phones_;
};

// Reads {"jawOpen": 0.5, "mouthSmile": 0.2, ...} into a pose. A name without Left/Right that has
// both sides ("mouthSmile") sets both. Unknown names are an error naming the key.
Status ParsePoseObject(const void* json_object, Pose* pose, const std::string& where);

// The emotion presets from data/emotions.json (compiled in).
const std::string& DefaultVisemesJson();
const std::string& DefaultEmotionsJson();

}  // namespace voxface

#endif  // VOXFACE_SRC_ANIM_POSE_LIBRARY_H_
