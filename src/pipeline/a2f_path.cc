// SPDX-License-Identifier: Apache-2.0
#include "pipeline/a2f_path.h"

#include <algorithm>

namespace voxface {
namespace {

// voxface emotion names -> the ten A2F emotions (network_info.json explicit_emotions).
std::string A2fEmotionName(const std::string& name) {
  if (name == "surprise") return "amazement";
  return name;  // joy, sadness, anger, fear, disgust and A2F's own names pass through.
}

}  // namespace

Result<std::unique_ptr<a2f::RegressionPipeline>> LoadA2fPipeline(const EngineConfig& config) {
  auto p = a2f::RegressionPipeline::Load(config.model_path, config.model_threads);
  if (!p.ok()) return p.status().WithContext("loading --model " + config.model_path);
  return std::move(p).value();
}

Result<Track> AnimateWithA2f(const a2f::RegressionPipeline& pipeline, const Audio& audio,
                             const AnimConfig& anim) {
  a2f::RegressionOptions options;
  options.fps_hz = anim.fps_hz;
  for (const auto& [name, strength] : anim.emotion) {
    if (name != "neutral") options.emotion[A2fEmotionName(name)] = strength;
  }
  VF_ASSIGN_OR_RETURN(a2f::RegressionOutput out, pipeline.Run(audio.samples, options));
  Track track;
  track.fps = out.fps_hz;
  track.duration_s = audio.duration_s();
  track.analyzer = "a2f-regression";
  track.seed = anim.seed;
  track.weights.assign(static_cast<size_t>(out.num_frames) * kArkitCount, 0.0f);
  // Names, not positions: a rig may order or subset its poses differently.
  const size_t num_poses = out.skin_pose_names.size();
  std::vector<std::string> unknown;
  for (size_t p = 0; p < num_poses; ++p) {
    std::optional<int> index = ArkitIndex(out.skin_pose_names[p]);
    if (!index) {
      unknown.push_back(out.skin_pose_names[p]);
      continue;
    }
    for (int k = 0; k < out.num_frames; ++k) {
      track.weight(k, *index) =
          std::clamp(out.skin_weights[static_cast<size_t>(k) * num_poses + p], 0.0f, 1.0f);
    }
  }
  if (!unknown.empty()) {
    track.warnings.push_back(
        std::to_string(unknown.size()) +
        " rig poses are not ARKit shapes and were left out (first: " + unknown.front() + ")");
  }
  track.warnings.insert(track.warnings.begin(), audio.warnings.begin(), audio.warnings.end());
  return track;
}

}  // namespace voxface
