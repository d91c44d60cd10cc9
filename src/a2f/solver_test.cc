// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "a2f/blendshape_solver.h"
#include "a2f/bvls.h"
#include "a2f/test_util.h"

namespace voxface::a2f {
namespace {

// KKT conditions of min ||Ax-b||^2 on the box: zero gradient inside, pointing out at bounds.
void ExpectKkt(const Eigen::MatrixXd& a, const Eigen::VectorXd& b, const Eigen::VectorXd& lo,
               const Eigen::VectorXd& hi, const Eigen::VectorXd& x) {
  Eigen::VectorXd g = a.transpose() * (a * x - b);
  const double tol = 1e-7 * (1 + (a.transpose() * b).cwiseAbs().maxCoeff());
  for (int j = 0; j < x.size(); ++j) {
    ASSERT_GE(x(j), lo(j) - 1e-12);
    ASSERT_LE(x(j), hi(j) + 1e-12);
    if (x(j) > lo(j) + 1e-9 && x(j) < hi(j) - 1e-9) {
      EXPECT_NEAR(g(j), 0.0, tol) << j;
    } else if (x(j) <= lo(j) + 1e-9) {
      EXPECT_GE(g(j), -tol) << j;
    } else {
      EXPECT_LE(g(j), tol) << j;
    }
  }
}

TEST(BvlsTest, SatisfiesKktOnRandomProblems) {
  std::mt19937 rng(3);
  std::normal_distribution<double> n01;
  for (int trial = 0; trial < 200; ++trial) {
    const int cols = 1 + trial % 12, rows = cols + trial % 7;
    Eigen::MatrixXd a(rows, cols);
    for (int i = 0; i < a.size(); ++i) a.data()[i] = n01(rng);
    Eigen::VectorXd b(rows);
    for (int i = 0; i < rows; ++i) b(i) = 2 * n01(rng);
    Eigen::VectorXd lo = Eigen::VectorXd::Zero(cols), hi = Eigen::VectorXd::Ones(cols);
    if (trial % 3 == 0) lo(0) = -0.5, hi(cols - 1) = 0.25;
    BvlsResult r = SolveBvls(a, b, lo, hi);
    EXPECT_TRUE(r.converged) << trial;
    ExpectKkt(a, b, lo, hi, r.x);
  }
}

TEST(BvlsTest, InteriorSolutionIsLeastSquares) {
  Eigen::MatrixXd a(3, 2);
  a << 1, 0, 0, 1, 1, 1;
  Eigen::VectorXd x_true(2);
  x_true << 0.3, 0.6;
  BvlsResult r = SolveBvls(a, a * x_true, Eigen::VectorXd::Zero(2), Eigen::VectorXd::Ones(2));
  EXPECT_NEAR(r.x(0), 0.3, 1e-12);
  EXPECT_NEAR(r.x(1), 0.6, 1e-12);
}

// A random rig: V vertices, P poses, no regularisation unless the test sets it.
BlendshapeRig RandomRig(int verts, int poses, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n01;
  BlendshapeRig rig;
  for (int i = 0; i < 3 * verts; ++i) rig.neutral.push_back(10 * n01(rng));
  for (int p = 0; p < poses; ++p) {
    rig.pose_names.push_back("p" + std::to_string(p));
    for (int i = 0; i < 3 * verts; ++i) rig.deltas.push_back(n01(rng));
  }
  BlendshapeParams& q = rig.params;
  q.strength_l1 = q.strength_l2 = q.strength_temporal = q.strength_symmetry = 0.0;
  q.active.assign(poses, true);
  q.cancel_pairs.assign(poses, -1);
  q.symmetry_pairs.assign(poses, -1);
  q.multipliers.assign(poses, 1.0f);
  q.offsets.assign(poses, 0.0f);
  return rig;
}

// Sets templateBBSize to the rig's own diagonal, so the regulariser scale s is 1.
void UnitScale(BlendshapeRig* rig) {
  rig->params.template_bb_size = 1.0;
  rig->params.template_bb_size = std::sqrt(BlendshapeSolver::Create(rig)->scale());
}

std::vector<float> Synthesize(const BlendshapeRig& rig, const std::vector<float>& w) {
  std::vector<float> mesh = rig.neutral;
  for (int p = 0; p < rig.num_poses(); ++p) {
    for (size_t i = 0; i < mesh.size(); ++i) mesh[i] += w[p] * rig.deltas[p * mesh.size() + i];
  }
  return mesh;
}

std::vector<float> SolveOnce(const BlendshapeRig& rig, const std::vector<float>& mesh) {
  auto s = BlendshapeSolver::Create(&rig);
  EXPECT_TRUE(s.ok());
  std::vector<float> w(rig.num_poses());
  EXPECT_TRUE(s->Solve(mesh.data(), mesh.size(), w.data()).ok());
  return w;
}

TEST(BlendshapeSolverTest, RecoversWeightsAndRespectsBounds) {
  BlendshapeRig rig = RandomRig(60, 8, 1);
  std::vector<float> w_true = {0.0f, 0.2f, 0.5f, 1.0f, 0.0f, 0.75f, 0.1f, 0.9f};
  std::vector<float> w = SolveOnce(rig, Synthesize(rig, w_true));
  for (int p = 0; p < 8; ++p) EXPECT_NEAR(w[p], w_true[p], 1e-4) << p;
  // Out-of-range weights are clamped to the box.
  std::vector<float> w_far = {1.8f, -0.6f, 0.5f, 0, 0, 0, 0, 0};
  w = SolveOnce(rig, Synthesize(rig, w_far));
  for (float x : w) {
    EXPECT_GE(x, 0.0f);
    EXPECT_LE(x, 1.0f);
  }
  EXPECT_NEAR(w[0], 1.0f, 1e-6);
  EXPECT_NEAR(w[1], 0.0f, 1e-6);
}

TEST(BlendshapeSolverTest, RegularisersBehave) {
  BlendshapeRig rig = RandomRig(60, 6, 2);
  std::vector<float> w_true = {0.3f, 0.6f, 0.2f, 0.0f, 0.8f, 0.4f};
  std::vector<float> mesh = Synthesize(rig, w_true);
  auto sum = [](const std::vector<float>& v) {
    double s = 0;
    for (float x : v) s += x;
    return s;
  };
  UnitScale(&rig);
  rig.params.strength_l2 = 1.0;
  std::vector<float> l2 = SolveOnce(rig, mesh);
  EXPECT_LT(sum(l2), sum(w_true) - 1e-3);  // Shrinks towards zero.
  rig.params.strength_l2 = 0.0;

  // Symmetry pulls a pair together.
  rig.params.symmetry_pairs[0] = rig.params.symmetry_pairs[1] = 0;
  rig.params.strength_symmetry = 1000.0;
  std::vector<float> sym = SolveOnce(rig, mesh);
  EXPECT_NEAR(sym[0], sym[1], 0.01);
  rig.params.symmetry_pairs.assign(6, -1);

  // Cancel pair: the weaker of poses 1 and 4 is switched off.
  rig.params.cancel_pairs[1] = rig.params.cancel_pairs[4] = 0;
  std::vector<float> cancel = SolveOnce(rig, mesh);
  EXPECT_LT(cancel[1], 1e-9);
  EXPECT_GT(cancel[4], 0.5);
  rig.params.cancel_pairs.assign(6, -1);

  // Inactive poses are 0 before offsets; multipliers and offsets apply after.
  rig.params.active[3] = false;
  rig.params.multipliers[2] = 2.0f;
  rig.params.offsets[3] = 0.05f;
  std::vector<float> mo = SolveOnce(rig, mesh);
  EXPECT_FLOAT_EQ(mo[3], 0.05f);
  EXPECT_NEAR(mo[2], 2 * w_true[2], 1e-3);
}

TEST(BlendshapeSolverTest, TemporalTermPullsTowardsThePreviousFrame) {
  BlendshapeRig rig = RandomRig(40, 4, 3);
  UnitScale(&rig);
  rig.params.strength_temporal = 1.0;
  auto s = BlendshapeSolver::Create(&rig);
  ASSERT_TRUE(s.ok());
  std::vector<float> a = Synthesize(rig, {0.8f, 0.8f, 0.8f, 0.8f});
  std::vector<float> zero = Synthesize(rig, {0, 0, 0, 0});
  std::vector<float> w(4), first(4);
  ASSERT_TRUE(s->Solve(a.data(), a.size(), w.data()).ok());
  ASSERT_TRUE(s->Solve(zero.data(), zero.size(), w.data()).ok());
  EXPECT_GT(w[0] + w[1] + w[2] + w[3], 1e-3);  // Still remembers the 0.8 frame.
  s->Reset();
  ASSERT_TRUE(s->Solve(zero.data(), zero.size(), first.data()).ok());
  EXPECT_LT(first[0] + first[1] + first[2] + first[3], 1e-9);
}

TEST(BlendshapeSolverTest, FrontalMaskIgnoresOtherVertices) {
  BlendshapeRig rig = RandomRig(50, 5, 4);
  for (int v = 0; v < 30; ++v) rig.frontal_mask.push_back(v);
  std::vector<float> w_true = {0.1f, 0.4f, 0.0f, 0.7f, 0.3f};
  std::vector<float> mesh = Synthesize(rig, w_true);
  for (size_t i = 90; i < mesh.size(); ++i) mesh[i] += 100.0f;  // Outside the mask.
  std::vector<float> w = SolveOnce(rig, mesh);
  for (int p = 0; p < 5; ++p) EXPECT_NEAR(w[p], w_true[p], 1e-4);
}

TEST(BlendshapeSolverTest, SyntheticModelRigReconstructsWithinTolerance) {
  auto rig = LoadBlendshapeRig(testing::SyntheticModelDir() + "/bs_skin.npz",
                               testing::SyntheticModelDir() + "/bs_skin_config.json");
  ASSERT_TRUE(rig.ok()) << rig.status().message();
  auto s = BlendshapeSolver::Create(&*rig);
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR(s->scale(), 1.0, 1e-6);  // templateBBSize is this mesh's diagonal.
  std::vector<float> w_true(52, 0.0f);
  w_true[17] = 0.6f;  // jawOpen
  w_true[23] = 0.4f;  // mouthSmileLeft
  w_true[24] = 0.4f;  // mouthSmileRight
  w_true[43] = 0.3f;  // browInnerUp
  std::vector<float> mesh = Synthesize(*rig, w_true);
  std::vector<float> w(52);
  ASSERT_TRUE(s->Solve(mesh.data(), mesh.size(), w.data()).ok());
  std::vector<float> fit = Synthesize(*rig, w);
  double err = 0;
  for (size_t v = 0; v < fit.size(); v += 3) {
    err += std::hypot(fit[v] - mesh[v], fit[v + 1] - mesh[v + 1], fit[v + 2] - mesh[v + 2]);
  }
  err /= fit.size() / 3;
  EXPECT_LT(err, 0.2);  // NVIDIA's solver tolerance, in the rig's units.
  // The regularisers (tuned for Mark's 10k masked vertices) shrink weights on this small mesh.
  EXPECT_EQ(std::max_element(w.begin(), w.end()) - w.begin(), 17);
  for (float x : w) {
    EXPECT_GE(x, 0.0f);
    EXPECT_LE(x, 1.0f);
  }
}

}  // namespace
}  // namespace voxface::a2f
