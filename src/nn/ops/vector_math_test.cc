// SPDX-License-Identifier: Apache-2.0
#include "nn/ops/vector_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace voxface::nn::vmath {
namespace {

std::vector<float> Grid(float lo, float hi, int n) {
  std::vector<float> x(n);
  for (int i = 0; i < n; ++i) x[i] = lo + (hi - lo) * static_cast<float>(i) / (n - 1);
  return x;
}

TEST(VectorMathTest, ExpSigmoidTanhMatchLibm) {
  // Odd length: the tail path runs too.
  std::vector<float> x = Grid(-30.0f, 30.0f, 200001);
  for (float v : {0.0f, -0.0f, 1e-6f, -1e-6f, 0.6249f, 0.6251f, -0.625f, 85.0f, -85.0f}) {
    x.push_back(v);
  }
  std::vector<float> y(x.size());
  Exp(x.data(), y.data(), static_cast<int64_t>(x.size()));
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = std::exp(static_cast<double>(x[i]));
    ASSERT_NEAR(y[i], want, 4e-7 * want) << "exp(" << x[i] << ")";
  }
  Sigmoid(x.data(), y.data(), static_cast<int64_t>(x.size()));
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = 1.0 / (1.0 + std::exp(-static_cast<double>(x[i])));
    ASSERT_NEAR(y[i], want, 4e-7 * want + 1e-30) << "sigmoid(" << x[i] << ")";
  }
  Tanh(x.data(), y.data(), static_cast<int64_t>(x.size()));
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = std::tanh(static_cast<double>(x[i]));
    ASSERT_NEAR(y[i], want, 1e-7 + 3e-7 * std::fabs(want)) << "tanh(" << x[i] << ")";
  }
}

TEST(VectorMathTest, ErfMatchesLibm) {
  std::vector<float> x = Grid(-6.0f, 6.0f, 240001);
  for (float v : {0.0f, -0.0f, 1e-30f, -1e-6f, 3.999f, 4.0f, 4.001f, -4.5f}) x.push_back(v);
  std::vector<float> y(x.size());
  Erf(x.data(), y.data(), static_cast<int64_t>(x.size()));
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = std::erf(static_cast<double>(x[i]));
    ASSERT_NEAR(y[i], want, 5e-7 * std::fabs(want) + 1e-38) << "erf(" << x[i] << ")";
  }
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> special = {inf, -inf, std::nanf("")};
  Erf(special.data(), special.data(), 3);
  EXPECT_EQ(special[0], 1.0f);
  EXPECT_EQ(special[1], -1.0f);
  EXPECT_TRUE(std::isnan(special[2]));
}

TEST(VectorMathTest, SpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> x = {inf, -inf, std::nanf(""), -200.0f, 200.0f};
  std::vector<float> y(x.size());
  Sigmoid(x.data(), y.data(), 5);
  EXPECT_EQ(y[0], 1.0f);
  EXPECT_LT(y[1], 1e-37f);
  EXPECT_TRUE(std::isnan(y[2]));
  Tanh(x.data(), y.data(), 5);
  EXPECT_EQ(y[0], 1.0f);
  EXPECT_EQ(y[1], -1.0f);
  EXPECT_TRUE(std::isnan(y[2]));
  EXPECT_EQ(y[3], -1.0f);
  Exp(x.data(), y.data(), 5);
  EXPECT_TRUE(std::isnan(y[2]));
  EXPECT_LT(y[3], 1e-37f);
  EXPECT_GT(y[4], 1e38f);
}

}  // namespace
}  // namespace voxface::nn::vmath
