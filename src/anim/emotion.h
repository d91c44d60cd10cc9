// SPDX-License-Identifier: Apache-2.0
// Emotion presets: ARKit offsets blended into the face at a strength 0..1.
#ifndef VOXFACE_SRC_ANIM_EMOTION_H_
#define VOXFACE_SRC_ANIM_EMOTION_H_

#include <map>
#include <string>
#include <vector>

#include "anim/pose_library.h"
#include "voxface/status.h"

namespace voxface {

using EmotionPresets = std::map<std::string, Pose>;

Result<EmotionPresets> ParseEmotionPresets(const std::string& json);
Result<EmotionPresets> DefaultEmotionPresets();

// Adds sum(strength * preset) to every frame, clamped to 0..1. Lip closure is enforced after
// this step, so no preset can part the lips on p/b/m.
Status ApplyEmotion(const std::map<std::string, float>& mix, const EmotionPresets& presets,
                    std::vector<float>* weights);

}  // namespace voxface

#endif  // VOXFACE_SRC_ANIM_EMOTION_H_
