// SPDX-License-Identifier: Apache-2.0
#include "anim/emotion.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace voxface {

Result<EmotionPresets> ParseEmotionPresets(const std::string& text) {
  auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.contains("emotions") || !doc["emotions"].is_object()) {
    return Status::CorruptData("emotion presets need an 'emotions' object");
  }
  EmotionPresets presets;
  for (auto it = doc["emotions"].begin(); it != doc["emotions"].end(); ++it) {
    Pose pose{};
    VF_RETURN_IF_ERROR(ParsePoseObject(&it.value(), &pose, "emotions." + it.key()));
    presets[it.key()] = pose;
  }
  return presets;
}

Result<EmotionPresets> DefaultEmotionPresets() {
  auto presets = ParseEmotionPresets(DefaultEmotionsJson());
  if (!presets.ok()) return presets.status().WithContext("built-in data/emotions.json");
  return presets;
}

Status ApplyEmotion(const std::map<std::string, float>& mix, const EmotionPresets& presets,
                    std::vector<float>* weights) {
  Pose offset{};
  bool any = false;
  for (const auto& [name, strength] : mix) {
    auto it = presets.find(name);
    if (it == presets.end()) {
      return Status::InvalidArgument("unknown emotion '" + name + "'");
    }
    for (int c = 0; c < kArkitCount; ++c)
      offset[c] += std::clamp(strength, 0.0f, 1.0f) * it->second[c];
    any = any || strength > 0.0f;
  }
  if (!any) return Status::Ok();
  for (size_t i = 0; i < weights->size(); ++i) {
    float& w = (*weights)[i];
    w = std::clamp(w + offset[i % kArkitCount], 0.0f, 1.0f);
  }
  return Status::Ok();
}

}  // namespace voxface
