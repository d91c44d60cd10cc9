// SPDX-License-Identifier: Apache-2.0
// The blendshape solve of a2f-sdk.md section 5.2: per frame, the pose weights in [0, 1] that best
// rebuild the target mesh from the rig's deltas, with the SDK's regularisers (squared-sum "L1",
// L2, temporal, symmetry pairs), active poses, cancel pairs, frontal mask, bounding-box scale,
// multipliers and offsets. CPU: bounded-variable least squares (bvls.h).
#ifndef VOXFACE_SRC_A2F_BLENDSHAPE_SOLVER_H_
#define VOXFACE_SRC_A2F_BLENDSHAPE_SOLVER_H_

#include <Eigen/Dense>
#include <utility>
#include <vector>

#include "a2f/model.h"
#include "voxface/status.h"

namespace voxface::a2f {

class BlendshapeSolver {
 public:
  // Builds the constant system matrix (the SDK's Prepare()). `rig` must outlive the solver.
  static Result<BlendshapeSolver> Create(const BlendshapeRig* rig);

  // `target`: absolute vertex positions, rig.neutral.size() floats. `weights`: rig.num_poses()
  // values in pose order, after multipliers and offsets. Uses and updates the temporal state.
  Status Solve(const float* target, size_t target_size, float* weights);
  // Starts a new track: the temporal term forgets the previous frame.
  void Reset() { previous_.setZero(); }

  // s = (bounding-box diagonal of the neutral / templateBBSize)^2, for tests.
  double scale() const { return scale_; }

 private:
  const BlendshapeRig* rig_ = nullptr;
  std::vector<int> active_;                  // Pose indices taking part.
  std::vector<int> rows_;                    // Float indices (3 per vertex) of the frontal mask.
  Eigen::MatrixXd deltas_;                   // rows_.size() x active_.size().
  Eigen::MatrixXd system_;                   // A.
  std::vector<std::pair<int, int>> cancel_;  // Active-index pairs.
  Eigen::VectorXd previous_;                 // Last frame's solution (active, pre-multiplier).
  double scale_ = 1.0;
};

}  // namespace voxface::a2f

#endif  // VOXFACE_SRC_A2F_BLENDSHAPE_SOLVER_H_
