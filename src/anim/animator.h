// SPDX-License-Identifier: Apache-2.0
// Phones + prosody -> ARKit-52 track. The steps run in a fixed order:
//   coarticulation blend -> emotion -> lip rules (closure wins) -> upper face -> clamp.
#ifndef VOXFACE_SRC_ANIM_ANIMATOR_H_
#define VOXFACE_SRC_ANIM_ANIMATOR_H_

#include <memory>

#include "anim/coarticulation.h"
#include "anim/emotion.h"
#include "anim/lip_rules.h"
#include "anim/pose_library.h"
#include "anim/upper_face.h"
#include "voxface/config.h"
#include "voxface/types.h"

namespace voxface {

class Animator {
 public:
  // Loads config.poses_path if set, else the compiled-in library.
  static Result<std::unique_ptr<Animator>> Create(const AnimConfig& config);

  // Frames: ceil(duration_s * fps); frame i is at i / fps.
  Result<Track> Animate(const Analysis& analysis, double duration_s) const;

  const PoseLibrary& library() const { return library_; }

 private:
  Animator(AnimConfig config, PoseLibrary library, EmotionPresets emotions)
      : config_(std::move(config)), library_(std::move(library)), emotions_(std::move(emotions)) {}

  AnimConfig config_;
  PoseLibrary library_;
  EmotionPresets emotions_;
  CoarticulationParams coart_;
  LipRuleParams lip_rules_;
  UpperFaceParams upper_;
};

int FrameCount(double duration_s, double fps);

}  // namespace voxface

#endif  // VOXFACE_SRC_ANIM_ANIMATOR_H_
