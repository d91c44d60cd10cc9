// SPDX-License-Identifier: Apache-2.0
// The 52 ARKit blendshapes in Apple's documentation order (ARFaceAnchor.BlendShapeLocation).
// Readers and writers must map by name, never by an assumed order: other tools use alphabetical
// order or swap the left/right jaw and mouth pairs.
#ifndef VOXFACE_ARKIT_H_
#define VOXFACE_ARKIT_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace voxface {

inline constexpr int kArkitCount = 52;

// Apple's camelCase names in Apple's order.
inline constexpr std::array<std::string_view, kArkitCount> kArkitNames = {
    "eyeBlinkLeft",      "eyeLookDownLeft",    "eyeLookInLeft",
    "eyeLookOutLeft",    "eyeLookUpLeft",      "eyeSquintLeft",
    "eyeWideLeft",       "eyeBlinkRight",      "eyeLookDownRight",
    "eyeLookInRight",    "eyeLookOutRight",    "eyeLookUpRight",
    "eyeSquintRight",    "eyeWideRight",       "jawForward",
    "jawLeft",           "jawRight",           "jawOpen",
    "mouthClose",        "mouthFunnel",        "mouthPucker",
    "mouthLeft",         "mouthRight",         "mouthSmileLeft",
    "mouthSmileRight",   "mouthFrownLeft",     "mouthFrownRight",
    "mouthDimpleLeft",   "mouthDimpleRight",   "mouthStretchLeft",
    "mouthStretchRight", "mouthRollLower",     "mouthRollUpper",
    "mouthShrugLower",   "mouthShrugUpper",    "mouthPressLeft",
    "mouthPressRight",   "mouthLowerDownLeft", "mouthLowerDownRight",
    "mouthUpperUpLeft",  "mouthUpperUpRight",  "browDownLeft",
    "browDownRight",     "browInnerUp",        "browOuterUpLeft",
    "browOuterUpRight",  "cheekPuff",          "cheekSquintLeft",
    "cheekSquintRight",  "noseSneerLeft",      "noseSneerRight",
    "tongueOut",
};

// Index constants for the channels the engine touches by name.
enum Arkit : int {
  kEyeBlinkLeft = 0,
  kEyeLookDownLeft,
  kEyeLookInLeft,
  kEyeLookOutLeft,
  kEyeLookUpLeft,
  kEyeSquintLeft,
  kEyeWideLeft,
  kEyeBlinkRight,
  kEyeLookDownRight,
  kEyeLookInRight,
  kEyeLookOutRight,
  kEyeLookUpRight,
  kEyeSquintRight,
  kEyeWideRight,
  kJawForward,
  kJawLeft,
  kJawRight,
  kJawOpen,
  kMouthClose,
  kMouthFunnel,
  kMouthPucker,
  kMouthLeft,
  kMouthRight,
  kMouthSmileLeft,
  kMouthSmileRight,
  kMouthFrownLeft,
  kMouthFrownRight,
  kMouthDimpleLeft,
  kMouthDimpleRight,
  kMouthStretchLeft,
  kMouthStretchRight,
  kMouthRollLower,
  kMouthRollUpper,
  kMouthShrugLower,
  kMouthShrugUpper,
  kMouthPressLeft,
  kMouthPressRight,
  kMouthLowerDownLeft,
  kMouthLowerDownRight,
  kMouthUpperUpLeft,
  kMouthUpperUpRight,
  kBrowDownLeft,
  kBrowDownRight,
  kBrowInnerUp,
  kBrowOuterUpLeft,
  kBrowOuterUpRight,
  kCheekPuff,
  kCheekSquintLeft,
  kCheekSquintRight,
  kNoseSneerLeft,
  kNoseSneerRight,
  kTongueOut,
};
static_assert(kTongueOut == kArkitCount - 1);

// Finds a blendshape by name. Accepts Apple's camelCase ("jawOpen"), PascalCase as in Unreal and
// Live Link Face ("JawOpen"), and the "_L"/"_R" suffixes some rigs use ("eyeBlink_L").
// Matching ignores case. Returns nullopt for an unknown name.
std::optional<int> ArkitIndex(std::string_view name);

// "JawOpen" for index 17: the Live Link Face / Unreal spelling; "" for an index out of range.
std::string ArkitPascalName(int index);

}  // namespace voxface

#endif  // VOXFACE_ARKIT_H_
