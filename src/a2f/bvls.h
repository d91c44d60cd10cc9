// SPDX-License-Identifier: Apache-2.0
// Bounded-variable least squares: min ||A x - b||^2 subject to lo <= x <= hi (Stark and Parker,
// 1995), for the small dense problems of the blendshape solve (tens of variables).
#ifndef VOXFACE_SRC_A2F_BVLS_H_
#define VOXFACE_SRC_A2F_BVLS_H_

#include <Eigen/Dense>

namespace voxface::a2f {

struct BvlsOptions {
  // Stop when no bound variable's KKT violation exceeds tolerance x (1 + max|A^T b|).
  double tolerance = 1e-10;
  // Outer iterations (freeing one variable each); 0 = 3 n + 10.
  int max_iterations = 0;
};

struct BvlsResult {
  Eigen::VectorXd x;
  int iterations = 0;
  bool converged = false;
};

// REQUIRES: A.cols() == lo.size() == hi.size(), A.rows() == b.size(), lo <= hi elementwise.
BvlsResult SolveBvls(const Eigen::MatrixXd& a, const Eigen::VectorXd& b, const Eigen::VectorXd& lo,
                     const Eigen::VectorXd& hi, const BvlsOptions& options = {});

}  // namespace voxface::a2f

#endif  // VOXFACE_SRC_A2F_BVLS_H_
