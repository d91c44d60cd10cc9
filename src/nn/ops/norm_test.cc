// SPDX-License-Identifier: Apache-2.0
// Normalisation ops against double-precision formulas.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "nn/ops/kernel_test_util.h"

namespace voxface::nn {
namespace {

using kernel_test::NodeBuilder;
using kernel_test::RandomTensor;
using kernel_test::RunKernel;
using kernel_test::TensorNear;

// Mean and 1/sqrt(var + eps) of `count` values.
std::pair<double, double> Stats(const float* x, int64_t count, int64_t stride, double eps) {
  double mean = 0.0, var = 0.0;
  for (int64_t i = 0; i < count; ++i) mean += x[i * stride];
  mean /= count;
  for (int64_t i = 0; i < count; ++i) var += (x[i * stride] - mean) * (x[i * stride] - mean);
  var /= count;
  return {mean, 1.0 / std::sqrt(var + eps)};
}

TEST(LayerNormTest, NormalizesTrailingAxesWithOptionalOutputs) {
  std::mt19937 rng(31);
  const Shape x_shape = {2, 3, 4, 5};
  for (int64_t axis : {-1, -2, 1, 0, 3}) {
    for (bool with_bias : {false, true}) {
      const int a = static_cast<int>(axis < 0 ? axis + 4 : axis);
      Shape norm(x_shape.begin() + a, x_shape.end());
      Tensor x = RandomTensor(x_shape, rng, -3.0f, 5.0f);
      Tensor scale = RandomTensor(norm, rng), bias = RandomTensor(norm, rng);
      const int64_t inner = NumElements(norm), outer = x.size() / inner;
      std::vector<double> y, mean, inv;
      for (int64_t r = 0; r < outer; ++r) {
        auto [m, s] = Stats(x.data<float>() + r * inner, inner, 1, 1e-3);
        mean.push_back(m);
        inv.push_back(s);
        for (int64_t i = 0; i < inner; ++i) {
          y.push_back((x.data<float>()[r * inner + i] - m) * s * scale.data<float>()[i] +
                      (with_bias ? bias.data<float>()[i] : 0.0));
        }
      }
      Shape stat_shape = x_shape;
      for (int i = a; i < 4; ++i) stat_shape[i] = 1;
      NodeInfo node = NodeBuilder("LayerNormalization")
                          .Int("axis", axis)
                          .Float("epsilon", 1e-3f)
                          .Inputs({true, true, with_bias})
                          .Outputs({true, true, true})
                          .Build();
      std::vector<std::optional<Tensor>> inputs = {x, scale};
      if (with_bias) inputs.push_back(bias);
      auto out = RunKernel(node, inputs, 2);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      EXPECT_TRUE(TensorNear(*(*out)[0], x_shape, y)) << "axis " << axis;
      EXPECT_TRUE(TensorNear(*(*out)[1], stat_shape, mean));
      EXPECT_TRUE(TensorNear(*(*out)[2], stat_shape, inv));
    }
  }
}

TEST(LayerNormTest, BroadcastsScaleAndRejectsBadAxis) {
  std::mt19937 rng(32);
  Tensor x = RandomTensor({3, 4}, rng), scale = RandomTensor({1}, rng);
  std::vector<double> want;
  for (int r = 0; r < 3; ++r) {
    auto [m, s] = Stats(x.data<float>() + r * 4, 4, 1, 1e-5);
    for (int i = 0; i < 4; ++i)
      want.push_back((x.data<float>()[r * 4 + i] - m) * s * scale.data<float>()[0]);
  }
  auto out = RunKernel(NodeBuilder("LayerNormalization").Inputs({true, true}).Build(), {x, scale});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(TensorNear(*(*out)[0], {3, 4}, want));
  out = RunKernel(NodeBuilder("LayerNormalization").Int("axis", 2).Inputs({true, true}).Build(),
                  {x, scale});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("LayerNormalization node"), std::string::npos);
}

TEST(InstanceNormTest, NormalizesEachChannelOfEachImage) {
  std::mt19937 rng(33);
  for (const Shape& shape : {Shape{2, 3, 10}, Shape{1, 4, 3, 5}, Shape{3, 2}}) {
    Tensor x = RandomTensor(shape, rng, 10.0f, 12.0f);  // large mean: tests the two-pass variance
    const int64_t c = shape[1];
    Tensor scale = RandomTensor({c}, rng), bias = RandomTensor({c}, rng);
    const int64_t spatial = x.size() / (shape[0] * c);
    std::vector<double> want;
    for (int64_t plane = 0; plane < shape[0] * c; ++plane) {
      auto [m, s] = Stats(x.data<float>() + plane * spatial, spatial, 1, 1e-5);
      for (int64_t i = 0; i < spatial; ++i) {
        want.push_back((x.data<float>()[plane * spatial + i] - m) * s *
                           scale.data<float>()[plane % c] +
                       bias.data<float>()[plane % c]);
      }
    }
    auto out = RunKernel(NodeBuilder("InstanceNormalization").Inputs({true, true, true}).Build(),
                         {x, scale, bias});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE(TensorNear(*(*out)[0], shape, want, 1e-4, 1e-3)) << ShapeToString(shape);
  }
}

TEST(GroupNormTest, PerGroupAndPerChannelAffine) {
  std::mt19937 rng(34);
  const Shape shape = {2, 6, 7};
  const int64_t groups = 3, c = 6, spatial = 7, cg = 2;
  for (bool per_channel : {false, true}) {
    Tensor x = RandomTensor(shape, rng);
    const int64_t params = per_channel ? c : groups;
    Tensor scale = RandomTensor({params}, rng), bias = RandomTensor({params}, rng);
    std::vector<double> want;
    for (int64_t item = 0; item < 2 * groups; ++item) {
      auto [m, s] = Stats(x.data<float>() + item * cg * spatial, cg * spatial, 1, 1e-5);
      for (int64_t ch = 0; ch < cg; ++ch) {
        const int64_t p = per_channel ? (item % groups) * cg + ch : item % groups;
        for (int64_t i = 0; i < spatial; ++i) {
          want.push_back((x.data<float>()[(item * cg + ch) * spatial + i] - m) * s *
                             scale.data<float>()[p] +
                         bias.data<float>()[p]);
        }
      }
    }
    auto out = RunKernel(NodeBuilder("GroupNormalization", 18)
                             .Int("num_groups", groups)
                             .Inputs({true, true, true})
                             .Build(),
                         {x, scale, bias});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE(TensorNear(*(*out)[0], shape, want)) << "per_channel " << per_channel;
  }
}

TEST(BatchNormTest, InferenceAndTrainingModes) {
  std::mt19937 rng(35);
  const Shape shape = {3, 4, 2, 5};
  const int64_t c = 4, spatial = 10, n = 3;
  Tensor x = RandomTensor(shape, rng);
  Tensor scale = RandomTensor({c}, rng), bias = RandomTensor({c}, rng);
  Tensor mean = RandomTensor({c}, rng), var = RandomTensor({c}, rng, 0.5f, 2.0f);
  for (bool training : {false, true}) {
    std::vector<double> want, run_mean, run_var;
    std::vector<double> mu(c), v(c);
    for (int64_t ch = 0; ch < c; ++ch) {
      mu[ch] = mean.data<float>()[ch];
      v[ch] = var.data<float>()[ch];
      if (training) {
        double s = 0.0, sq = 0.0;
        for (int64_t i = 0; i < n; ++i) {
          for (int64_t p = 0; p < spatial; ++p) s += x.data<float>()[(i * c + ch) * spatial + p];
        }
        const double m = s / (n * spatial);
        for (int64_t i = 0; i < n; ++i) {
          for (int64_t p = 0; p < spatial; ++p) {
            const double d = x.data<float>()[(i * c + ch) * spatial + p] - m;
            sq += d * d;
          }
        }
        run_mean.push_back(mu[ch] * 0.8 + m * 0.2);
        run_var.push_back(v[ch] * 0.8 + sq / (n * spatial) * 0.2);
        mu[ch] = m;
        v[ch] = sq / (n * spatial);
      }
    }
    for (int64_t i = 0; i < x.size(); ++i) {
      const int64_t ch = (i / spatial) % c;
      want.push_back((x.data<float>()[i] - mu[ch]) / std::sqrt(v[ch] + 1e-2) *
                         scale.data<float>()[ch] +
                     bias.data<float>()[ch]);
    }
    NodeBuilder nb("BatchNormalization", 15);
    nb.Float("epsilon", 1e-2f).Float("momentum", 0.8f).Int("training_mode", training);
    nb.Inputs({true, true, true, true, true});
    nb.Outputs(training ? std::vector<bool>{true, true, true} : std::vector<bool>{true});
    auto out = RunKernel(nb.Build(), {x, scale, bias, mean, var});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE(TensorNear(*(*out)[0], shape, want)) << "training " << training;
    if (training) {
      EXPECT_TRUE(TensorNear(*(*out)[1], {c}, run_mean));
      EXPECT_TRUE(TensorNear(*(*out)[2], {c}, run_var));
    }
  }
}

}  // namespace
}  // namespace voxface::nn
