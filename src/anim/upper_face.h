// SPDX-License-Identifier: Apache-2.0
// The upper face and idle life: blinks, eye saccades, brows on pitch accents, squint on emphasis
// and slow micro-motion, all deterministic for a seed.
#ifndef VOXFACE_SRC_ANIM_UPPER_FACE_H_
#define VOXFACE_SRC_ANIM_UPPER_FACE_H_

#include <cstdint>
#include <vector>

#include "voxface/types.h"

namespace voxface {

struct UpperFaceParams {
  double blink_min_interval_s = 2.0;
  double blink_max_interval_s = 6.0;
  // Chance of an extra blink where a phrase ends (speech followed by >= 300 ms of silence).
  double phrase_end_blink_chance = 0.6;
  double saccade_min_interval_s = 0.6;
  double saccade_max_interval_s = 2.5;
  float gaze_range = 0.2f;         // Largest eyeLook* weight from saccades.
  float brow_accent_gain = 0.35f;  // Brow raise on a strong pitch accent.
  float squint_emphasis_gain = 0.15f;
  float idle_amplitude = 0.02f;
};

// Adds to weights (frames x kArkitCount); mouth-opening channels are not touched.
void AddUpperFace(const std::vector<PhoneSegment>& phones, const ProsodyTrack& prosody, double fps,
                  uint64_t seed, const UpperFaceParams& params, std::vector<float>* weights);

// Blink onset times (s) for a clip; exposed for tests.
std::vector<double> PlanBlinks(const std::vector<PhoneSegment>& phones, double duration_s,
                               uint64_t seed, const UpperFaceParams& params);

}  // namespace voxface

#endif  // VOXFACE_SRC_ANIM_UPPER_FACE_H_
