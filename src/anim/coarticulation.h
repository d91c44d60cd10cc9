// SPDX-License-Identifier: Apache-2.0
// Coarticulation by dominance blending (after Cohen & Massaro): every phone pulls the face toward
// its pose with a strength that is full inside the phone and falls off outside it; each frame is
// the dominance-weighted mean of the poses around it. Rounding has its own, longer reach
// backwards, so lips start to round up to ~150 ms before a rounded vowel.
#ifndef VOXFACE_SRC_ANIM_COARTICULATION_H_
#define VOXFACE_SRC_ANIM_COARTICULATION_H_

#include <vector>

#include "anim/pose_library.h"
#include "voxface/types.h"

namespace voxface {

struct CoarticulationParams {
  // Fall-off of dominance outside a phone (Gaussian width) for jaw and lips.
  double tau_ms = 20.0;
  // How far ahead rounding is anticipated, and how long it lingers after a rounded phone.
  double round_anticipation_ms = 150.0;
  double round_carryover_ms = 60.0;
  // Phones shorter than this still get a core this long, so they stay visible.
  double min_core_ms = 45.0;
  // Scales mouth motion (1 = as authored).
  float articulation = 1.0f;
};

struct BlendResult {
  std::vector<float> weights;  // frames x kArkitCount
  std::vector<float> visemes;  // frames x library.viseme_names().size()
};

// Frame i is sampled at i / fps.
BlendResult BlendPhones(const std::vector<PhoneSegment>& phones, const PoseLibrary& library,
                        const CoarticulationParams& params, double fps, int frames);

}  // namespace voxface

#endif  // VOXFACE_SRC_ANIM_COARTICULATION_H_
