// SPDX-License-Identifier: Apache-2.0
#include "a2f/blendshape_solver.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "a2f/bvls.h"

namespace voxface::a2f {
namespace {

// Pairs (by pose index) of a pair-id array, keeping only pairs whose members are both active;
// returned in active-index space.
std::vector<std::pair<int, int>> ActivePairs(const std::vector<int>& ids,
                                             const std::vector<int>& active_of_pose) {
  std::map<int, std::vector<int>> members;
  for (int p = 0; p < static_cast<int>(ids.size()); ++p) {
    if (ids[p] >= 0) members[ids[p]].push_back(p);
  }
  std::vector<std::pair<int, int>> pairs;
  for (const auto& [id, poses] : members) {
    if (poses.size() != 2) continue;
    int a = active_of_pose[poses[0]], b = active_of_pose[poses[1]];
    if (a >= 0 && b >= 0) pairs.emplace_back(a, b);
  }
  return pairs;
}

}  // namespace

Result<BlendshapeSolver> BlendshapeSolver::Create(const BlendshapeRig* rig) {
  const BlendshapeParams& p = rig->params;
  const int num_poses = rig->num_poses();
  const size_t size = rig->neutral.size();
  if (p.active.size() != static_cast<size_t>(num_poses)) {
    return Status::InvalidArgument("blendshape params need one entry per pose");
  }
  BlendshapeSolver s;
  s.rig_ = rig;
  std::vector<int> active_of_pose(num_poses, -1);
  for (int i = 0; i < num_poses; ++i) {
    if (p.active[i]) {
      active_of_pose[i] = static_cast<int>(s.active_.size());
      s.active_.push_back(i);
    }
  }
  if (rig->frontal_mask.empty()) {
    for (size_t i = 0; i < size; ++i) s.rows_.push_back(static_cast<int>(i));
  } else {
    for (int32_t v : rig->frontal_mask) {
      for (int c = 0; c < 3; ++c) s.rows_.push_back(3 * v + c);
    }
  }
  const int k = static_cast<int>(s.active_.size());
  s.deltas_.resize(static_cast<Eigen::Index>(s.rows_.size()), k);
  for (int j = 0; j < k; ++j) {
    const float* delta = rig->deltas.data() + static_cast<size_t>(s.active_[j]) * size;
    for (size_t r = 0; r < s.rows_.size(); ++r) s.deltas_(r, j) = delta[s.rows_[r]];
  }

  // The scale makes the regularisers independent of the rig's units.
  Eigen::Vector3d lo = Eigen::Vector3d::Constant(INFINITY), hi = -lo;
  for (size_t i = 0; i < size; i += 3) {
    Eigen::Vector3d v(rig->neutral[i], rig->neutral[i + 1], rig->neutral[i + 2]);
    lo = lo.cwiseMin(v);
    hi = hi.cwiseMax(v);
  }
  s.scale_ = std::pow((hi - lo).norm() / p.template_bb_size, 2);

  const double sc = s.scale_;
  Eigen::MatrixXd a = s.deltas_.transpose() * s.deltas_;
  a.array() += p.strength_l1 * p.strength_l1 * 0.25 * sc;
  a.diagonal().array() += p.strength_l2 * 10.0 * sc + p.strength_temporal * 100.0 * sc;
  for (const auto& [i, j] : ActivePairs(p.symmetry_pairs, active_of_pose)) {
    // G^T G for the row (e_i - e_j).
    const double w = p.strength_symmetry * 10.0 * sc;
    a(i, i) += w, a(j, j) += w, a(i, j) -= w, a(j, i) -= w;
  }
  s.system_ = std::move(a);
  s.cancel_ = ActivePairs(p.cancel_pairs, active_of_pose);
  s.previous_ = Eigen::VectorXd::Zero(k);
  return s;
}

Status BlendshapeSolver::Solve(const float* target, size_t target_size, float* weights) {
  const BlendshapeRig& rig = *rig_;
  const BlendshapeParams& p = rig.params;
  if (target_size != rig.neutral.size()) {
    return Status::InvalidArgument("blendshape solve: target has " + std::to_string(target_size) +
                                   " floats, the rig " + std::to_string(rig.neutral.size()));
  }
  const int k = static_cast<int>(active_.size());
  Eigen::VectorXd t(static_cast<Eigen::Index>(rows_.size()));
  for (size_t r = 0; r < rows_.size(); ++r) {
    t(r) = static_cast<double>(target[rows_[r]]) - rig.neutral[rows_[r]];
  }
  // As the SDK codes it: the temporal weight here is T s, not the T 100 s of the matrix.
  Eigen::VectorXd b = deltas_.transpose() * t + p.strength_temporal * scale_ * previous_;
  Eigen::VectorXd lo = Eigen::VectorXd::Zero(k), hi = Eigen::VectorXd::Ones(k);
  Eigen::VectorXd x = SolveBvls(system_, b, lo, hi).x;
  if (!cancel_.empty()) {
    // Poses that cancel each other (e.g. pucker vs. stretch): the weaker one is switched off.
    for (const auto& [i, j] : cancel_) hi(x(i) < x(j) ? i : j) = 1e-10;
    x = SolveBvls(system_, b, lo, hi).x;
  }
  previous_ = x;
  for (int i = 0; i < rig.num_poses(); ++i) weights[i] = 0.0f;
  for (int j = 0; j < k; ++j) weights[active_[j]] = static_cast<float>(x(j));
  for (int i = 0; i < rig.num_poses(); ++i) {
    weights[i] = weights[i] * p.multipliers[i] + p.offsets[i];
  }
  return Status::Ok();
}

}  // namespace voxface::a2f
