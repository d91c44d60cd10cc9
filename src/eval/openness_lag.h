// SPDX-License-Identifier: Apache-2.0
// The reference openness track and the lag search behind the R and LAG metrics.
#ifndef VOXFACE_SRC_EVAL_OPENNESS_LAG_H_
#define VOXFACE_SRC_EVAL_OPENNESS_LAG_H_

#include <string_view>
#include <vector>

#include "voxface/types.h"

namespace voxface {

// How far a phone typically opens the mouth: 0.6 for open vowels down to 0 for p/b/m and silence.
float ReferenceOpenness(std::string_view phone);

// The reference openness sampled at frame times i / fps for i in [0, num_frames); frames that
// no phone covers count as silence. `phones` must be sorted by start time.
std::vector<float> ReferenceOpennessTrack(const std::vector<PhoneSegment>& phones, double fps,
                                          int num_frames);

// Pearson correlation of x[i] and y[i]; 0 when either is constant (no shape to match).
double PearsonCorrelation(const std::vector<float>& x, const std::vector<float>& y);

struct LagResult {
  int lag_frames = 0;  // Positive: the animation is late.
  double r = 0.0;      // Correlation at that lag.
};

// Finds the lag L in [-max_lag_frames, max_lag_frames] maximising the correlation of
// anim[t + L] with ref[t]. Ties go to the smaller |L|, so a flat track reports no lag.
LagResult BestLag(const std::vector<float>& anim, const std::vector<float>& ref,
                  int max_lag_frames);

}  // namespace voxface

#endif  // VOXFACE_SRC_EVAL_OPENNESS_LAG_H_
