// SPDX-License-Identifier: Apache-2.0
#include "anim/animator.h"

#include <algorithm>
#include <cmath>

namespace voxface {

int FrameCount(double duration_s, double fps) {
  return std::max(0, static_cast<int>(std::ceil(duration_s * fps - 1e-9)));
}

Result<std::unique_ptr<Animator>> Animator::Create(const AnimConfig& config) {
  VF_RETURN_IF_ERROR(config.Validate());
  VF_ASSIGN_OR_RETURN(PoseLibrary library, config.poses_path.empty()
                                               ? PoseLibrary::Default()
                                               : PoseLibrary::Load(config.poses_path));
  VF_ASSIGN_OR_RETURN(EmotionPresets emotions, DefaultEmotionPresets());
  for (const auto& [name, strength] : config.emotion) {
    if (!emotions.count(name)) {
      std::string known;
      for (const auto& [n, pose] : emotions) known += (known.empty() ? "" : ", ") + n;
      return Status::InvalidArgument("unknown emotion '" + name + "'; use one of: " + known);
    }
  }
  std::unique_ptr<Animator> a(new Animator(config, std::move(library), std::move(emotions)));
  a->coart_.round_anticipation_ms = config.anticipation_ms;
  a->coart_.articulation = config.articulation;
  return a;
}

Result<Track> Animator::Animate(const Analysis& analysis, double duration_s) const {
  if (!(duration_s >= 0.0)) return Status::InvalidArgument("duration must be >= 0");
  const double fps = config_.fps_hz;
  const int frames = FrameCount(duration_s, fps);
  BlendResult blend = BlendPhones(analysis.phones, library_, coart_, fps, frames);
  Track track;
  track.fps = fps;
  track.duration_s = duration_s;
  track.weights = std::move(blend.weights);
  track.visemes = std::move(blend.visemes);
  track.viseme_names = library_.viseme_names();
  VF_RETURN_IF_ERROR(ApplyEmotion(config_.emotion, emotions_, &track.weights));
  ApplyLipRules(analysis.phones, fps, lip_rules_, &track.weights);
  if (config_.upper_face) {
    AddUpperFace(analysis.phones, analysis.prosody, fps, config_.seed, upper_, &track.weights);
  }
  for (auto& w : track.weights) w = std::clamp(w, 0.0f, 1.0f);
  track.phones = analysis.phones;
  track.words = analysis.words;
  track.analyzer = analysis.analyzer;
  track.seed = config_.seed;
  track.warnings = analysis.warnings;
  return track;
}

}  // namespace voxface
