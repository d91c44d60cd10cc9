// SPDX-License-Identifier: Apache-2.0
// Regression post-processing, per frame and per track (a2f-sdk.md section 4): PCA reconstruction,
// skin strength/offsets, two-stage half-life smoothing split by the face mask, tongue, jaw by a
// Kabsch fit of 5 keypoints, eyes with the 30 fps saccade table.
#ifndef VOXFACE_SRC_A2F_POSTPROCESS_H_
#define VOXFACE_SRC_A2F_POSTPROCESS_H_

#include <array>
#include <vector>

#include "a2f/model.h"
#include "voxface/status.h"

namespace voxface::a2f {

// One frame of geometry, absolute positions.
struct FrameGeometry {
  std::vector<float> skin;    // V_skin x 3.
  std::vector<float> tongue;  // V_tongue x 3.
  // Lower-teeth rigid transform, 4x4 column-major [R t; 0 1].
  std::array<float, 16> jaw{};
  // Right eye (x, y, 0) then left eye (x, y, 0), degrees.
  std::array<float, 6> eyes{};
};

// The per-vertex lower-face weight m in [0, 1] from the neutral's heights (1 = lower face).
std::vector<float> FaceMask(const std::vector<float>& neutral, double level, double softness);

// Rigid transform (Kabsch) taking the points `from` onto `to` (both n x 3), column-major 4x4.
std::array<float, 16> RigidFit(const std::vector<float>& from, const std::vector<float>& to);

class RegressionPostProcessor {
 public:
  // `model` must outlive the processor. `fps` sets dt for smoothing and saccades.
  static Result<RegressionPostProcessor> Create(const RegressionModel* model, double fps);

  // `result`: one frame of network output (NetworkInfo::result_size() floats).
  void Process(const float* result, FrameGeometry* out);
  // Starts a new track: smoothing restarts on the next frame, saccades from the seed.
  void Reset();

 private:
  const RegressionModel* model_ = nullptr;
  double dt_s_ = 1.0 / 60.0;
  std::vector<float> mask_;
  std::vector<float> delta_;  // d' of the current frame.
  std::vector<float> lower1_, lower2_, upper1_, upper2_;
  bool first_frame_ = true;
  double saccade_time_ = 0.0;
};

}  // namespace voxface::a2f

#endif  // VOXFACE_SRC_A2F_POSTPROCESS_H_
