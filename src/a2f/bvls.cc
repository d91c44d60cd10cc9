// SPDX-License-Identifier: Apache-2.0
#include "a2f/bvls.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace voxface::a2f {
namespace {

enum State : int { kAtLower = -1, kFree = 0, kAtUpper = 1 };

// Least-squares solution for the free variables with the bound ones held at their values.
Eigen::VectorXd SolveFree(const Eigen::MatrixXd& a, const Eigen::VectorXd& b,
                          const Eigen::VectorXd& x, const std::vector<int>& state,
                          std::vector<int>* free_idx) {
  free_idx->clear();
  Eigen::VectorXd rhs = b;
  for (int j = 0; j < static_cast<int>(state.size()); ++j) {
    if (state[j] == kFree) {
      free_idx->push_back(j);
    } else if (x(j) != 0.0) {
      rhs -= a.col(j) * x(j);
    }
  }
  if (free_idx->empty()) return Eigen::VectorXd();
  Eigen::MatrixXd af(a.rows(), free_idx->size());
  for (size_t k = 0; k < free_idx->size(); ++k) af.col(k) = a.col((*free_idx)[k]);
  return af.colPivHouseholderQr().solve(rhs);
}

}  // namespace

BvlsResult SolveBvls(const Eigen::MatrixXd& a, const Eigen::VectorXd& b, const Eigen::VectorXd& lo,
                     const Eigen::VectorXd& hi, const BvlsOptions& options) {
  const int n = static_cast<int>(a.cols());
  BvlsResult r;
  r.x = Eigen::VectorXd::Zero(n);
  if (n == 0) {
    r.converged = true;
    return r;
  }
  std::vector<int> state(n, kFree);
  std::vector<int> free_idx;
  Eigen::VectorXd& x = r.x;

  // Start: repeated unconstrained solves of the free set, clamping the variables that leave
  // their box, until the free solution is inside (the SDK's feasible start).
  for (int round = 0; round <= n; ++round) {
    if (std::count(state.begin(), state.end(), kFree) == 0) break;
    Eigen::VectorXd z = SolveFree(a, b, x, state, &free_idx);
    bool clamped = false;
    for (size_t k = 0; k < free_idx.size(); ++k) {
      const int j = free_idx[k];
      if (z(k) <= lo(j)) {
        x(j) = lo(j), state[j] = kAtLower, clamped = true;
      } else if (z(k) >= hi(j)) {
        x(j) = hi(j), state[j] = kAtUpper, clamped = true;
      } else {
        x(j) = z(k);
      }
    }
    if (!clamped) break;
  }

  const double tol = options.tolerance * (1.0 + (a.transpose() * b).cwiseAbs().maxCoeff());
  const int max_iterations = options.max_iterations > 0 ? options.max_iterations : 3 * n + 10;
  std::vector<bool> skip(n, false);
  for (r.iterations = 0; r.iterations < max_iterations; ++r.iterations) {
    // Free the bound variable whose gradient pulls hardest into the box.
    const Eigen::VectorXd w = a.transpose() * (b - a * x);
    int t = -1;
    double best = tol;
    for (int j = 0; j < n; ++j) {
      if (state[j] == kFree || skip[j]) continue;
      const double v = state[j] == kAtLower ? w(j) : -w(j);
      if (v > best) best = v, t = j;
    }
    if (t < 0) {
      r.converged = true;
      break;
    }
    state[t] = kFree;
    bool moved = false;
    for (int inner = 0; inner <= n; ++inner) {
      if (std::count(state.begin(), state.end(), kFree) == 0) break;
      Eigen::VectorXd z = SolveFree(a, b, x, state, &free_idx);
      double alpha = 1.0;
      for (size_t k = 0; k < free_idx.size(); ++k) {
        const int j = free_idx[k];
        if (z(k) < lo(j)) alpha = std::min(alpha, (lo(j) - x(j)) / (z(k) - x(j)));
        if (z(k) > hi(j)) alpha = std::min(alpha, (hi(j) - x(j)) / (z(k) - x(j)));
      }
      alpha = std::clamp(alpha, 0.0, 1.0);
      if (alpha >= 1.0) {
        for (size_t k = 0; k < free_idx.size(); ++k) x(free_idx[k]) = z(k);
        moved = true;
        break;
      }
      // Step to the first bound crossed; the variables that reach a bound leave the free set.
      for (size_t k = 0; k < free_idx.size(); ++k) {
        const int j = free_idx[k];
        x(j) += alpha * (z(k) - x(j));
        if (alpha > 0.0) moved = true;
        const double reach = 1e-12 * (1.0 + std::abs(hi(j) - lo(j)));
        if (z(k) < lo(j) && x(j) <= lo(j) + reach) {
          x(j) = lo(j), state[j] = kAtLower;
        } else if (z(k) > hi(j) && x(j) >= hi(j) - reach) {
          x(j) = hi(j), state[j] = kAtUpper;
        }
      }
      if (state[t] != kFree && !moved) break;  // Freeing t went nowhere: rounding.
    }
    if (moved) {
      std::fill(skip.begin(), skip.end(), false);
    } else {
      skip[t] = true;
    }
  }
  return r;
}

}  // namespace voxface::a2f
