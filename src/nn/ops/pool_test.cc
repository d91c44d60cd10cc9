// SPDX-License-Identifier: Apache-2.0
// Pooling against direct loops over padded windows.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "nn/ops/kernel_test_util.h"

namespace voxface::nn {
namespace {

using kernel_test::NodeBuilder;
using kernel_test::RandomTensor;
using kernel_test::RunKernel;
using kernel_test::TensorNear;

struct PoolCase {
  std::string op;
  Shape x;  // N, C, spatial...
  std::vector<int64_t> kernel, strides, dilations, pads;
  bool ceil_mode = false;
  bool count_include_pad = false;
  std::string auto_pad = "NOTSET";
};

struct PoolRef {
  Shape shape;
  std::vector<double> y, indices;
};

PoolRef RefPool(const PoolCase& pc, const Tensor& x, int storage_order, float p) {
  const size_t r = pc.x.size() - 2;
  std::vector<int64_t> in(pc.x.begin() + 2, pc.x.end()), out(r), pb(r), pe(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t s = pc.strides[i], span = (pc.kernel[i] - 1) * pc.dilations[i] + 1;
    if (pc.auto_pad == "NOTSET") {
      pb[i] = pc.pads[i];
      pe[i] = pc.pads[i + r];
      const double v = static_cast<double>(in[i] + pb[i] + pe[i] - span) / s + 1;
      out[i] = static_cast<int64_t>(pc.ceil_mode ? std::ceil(v) : std::floor(v));
      if (pc.ceil_mode && (out[i] - 1) * s >= in[i] + pb[i]) --out[i];
    } else {
      out[i] = (in[i] + s - 1) / s;
      const int64_t total = std::max<int64_t>(0, (out[i] - 1) * s + span - in[i]);
      pb[i] = pc.auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pe[i] = total - pb[i];
    }
  }
  PoolRef ref;
  ref.shape = {pc.x[0], pc.x[1]};
  ref.shape.insert(ref.shape.end(), out.begin(), out.end());
  const int64_t in_size = NumElements(in), planes = pc.x[0] * pc.x[1];
  for (int64_t plane = 0; plane < planes; ++plane) {
    std::vector<int64_t> o(r, 0);
    do {
      double best = -std::numeric_limits<double>::infinity(), sum = 0.0;
      int64_t best_index = -1, count = 0, padded_count = 0;
      std::vector<int64_t> k(r, 0);
      do {
        bool inside = true, inside_padded = true;
        int64_t flat = 0, col = 0, col_stride = 1;
        for (size_t d = 0; d < r; ++d) {
          const int64_t pos = o[d] * pc.strides[d] - pb[d] + k[d] * pc.dilations[d];
          inside = inside && pos >= 0 && pos < in[d];
          inside_padded = inside_padded && pos >= -pb[d] && pos < in[d] + pe[d];
          flat = flat * in[d] + pos;
          col += pos * col_stride;
          col_stride *= in[d];
        }
        padded_count += inside_padded;
        if (!inside) continue;
        const double v = x.data<float>()[plane * in_size + flat];
        ++count;
        sum += pc.op == "LpPool" ? std::pow(std::fabs(v), p) : v;
        if (v > best) {
          best = v;
          best_index = plane * in_size + (storage_order == 1 ? col : flat);
        }
      } while ([&] {
        for (int i = static_cast<int>(r) - 1; i >= 0; --i) {
          if (++k[i] < pc.kernel[i]) return true;
          k[i] = 0;
        }
        return false;
      }());
      if (pc.op == "MaxPool") {
        ref.y.push_back(best);
        ref.indices.push_back(static_cast<double>(best_index));
      } else if (pc.op == "LpPool") {
        ref.y.push_back(std::pow(sum, 1.0 / p));
      } else {
        ref.y.push_back(sum / static_cast<double>(pc.count_include_pad ? padded_count : count));
      }
    } while ([&] {
      for (int i = static_cast<int>(r) - 1; i >= 0; --i) {
        if (++o[i] < out[i]) return true;
        o[i] = 0;
      }
      return false;
    }());
  }
  return ref;
}

TEST(PoolTest, MatchesDirectLoops) {
  std::mt19937 rng(21);
  const PoolCase cases[] = {
      {"MaxPool", {1, 2, 20}, {3}, {2}, {1}, {1, 1}},
      {"MaxPool", {2, 3, 7, 9}, {3, 2}, {2, 2}, {1, 1}, {1, 0, 1, 1}, true},
      {"MaxPool", {1, 2, 8, 8}, {2, 2}, {1, 1}, {2, 2}, {0, 0, 0, 0}},
      {"MaxPool", {1, 2, 7, 8}, {3, 3}, {2, 2}, {1, 1}, {}, false, false, "SAME_UPPER"},
      {"MaxPool", {1, 1, 5, 4, 6}, {2, 2, 3}, {1, 2, 2}, {1, 1, 1}, {0, 1, 0, 1, 0, 1}},
      {"AveragePool", {1, 3, 11}, {4}, {3}, {1}, {2, 2}},
      {"AveragePool", {1, 3, 11}, {4}, {3}, {1}, {2, 2}, false, true},
      {"AveragePool", {2, 2, 6, 7}, {3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}, true, true},
      {"AveragePool", {2, 2, 6, 7}, {3, 3}, {2, 2}, {1, 1}, {1, 1, 1, 1}, true, false},
      {"AveragePool", {1, 2, 7, 8}, {3, 2}, {2, 3}, {1, 1}, {}, false, false, "SAME_LOWER"},
      {"LpPool", {1, 2, 6, 5}, {2, 2}, {2, 1}, {1, 1}, {0, 1, 1, 0}},
  };
  for (int threads : {1, 2}) {
    for (const PoolCase& pc : cases) {
      for (int storage_order : {0, 1}) {
        if (storage_order == 1 && pc.op != "MaxPool") continue;
        Tensor x = RandomTensor(pc.x, rng);
        const float p = 3.0f;
        PoolRef ref = RefPool(pc, x, storage_order, p);
        NodeBuilder nb(pc.op, 12);
        nb.Ints("kernel_shape", pc.kernel).Ints("strides", pc.strides);
        if (pc.op == "MaxPool") nb.Ints("dilations", pc.dilations);
        if (pc.auto_pad == "NOTSET") {
          nb.Ints("pads", pc.pads);
        } else {
          nb.Str("auto_pad", pc.auto_pad);
        }
        nb.Int("ceil_mode", pc.ceil_mode).Int("count_include_pad", pc.count_include_pad);
        nb.Int("storage_order", storage_order).Int("p", 3);
        const bool indices = pc.op == "MaxPool";
        nb.Inputs({true}).Outputs(indices ? std::vector<bool>{true, true}
                                          : std::vector<bool>{true});
        auto out = RunKernel(nb.Build(), {x}, threads);
        ASSERT_TRUE(out.ok()) << out.status().ToString();
        EXPECT_TRUE(TensorNear(*(*out)[0], ref.shape, ref.y))
            << pc.op << " X " << ShapeToString(pc.x) << " ceil " << pc.ceil_mode;
        if (indices) {
          EXPECT_TRUE(TensorNear(*(*out)[1], ref.shape, ref.indices, 0.0, 0.0))
              << pc.op << " indices, storage_order " << storage_order;
        }
      }
    }
  }
}

TEST(PoolTest, RandomGeometries) {
  std::mt19937 rng(23);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  const char* ops[] = {"MaxPool", "AveragePool", "LpPool"};
  for (int iter = 0; iter < 60; ++iter) {
    PoolCase pc;
    pc.op = ops[pick(0, 2)];
    pc.x = {pick(1, 2), pick(1, 3)};
    const int rank = static_cast<int>(pick(1, 2));
    for (int d = 0; d < rank; ++d) {
      pc.kernel.push_back(pick(1, 4));
      pc.strides.push_back(pick(1, 3));
      pc.dilations.push_back(pc.op == "MaxPool" ? pick(1, 2) : 1);
      pc.x.push_back((pc.kernel[d] - 1) * pc.dilations[d] + 1 + pick(0, 8));
    }
    // Pads smaller than the kernel, so no window lies entirely in padding.
    for (int d = 0; d < 2 * rank; ++d) pc.pads.push_back(pick(0, pc.kernel[d % rank] - 1));
    pc.ceil_mode = pc.op != "LpPool" && pick(0, 1) == 1;
    pc.count_include_pad = pick(0, 1) == 1;
    Tensor x = RandomTensor(pc.x, rng);
    const PoolRef ref = RefPool(pc, x, 0, 2.0f);
    NodeBuilder nb(pc.op, 12);
    nb.Ints("kernel_shape", pc.kernel).Ints("strides", pc.strides).Ints("pads", pc.pads);
    if (pc.op == "MaxPool") nb.Ints("dilations", pc.dilations);
    nb.Int("ceil_mode", pc.ceil_mode).Int("count_include_pad", pc.count_include_pad);
    auto out = RunKernel(nb.Inputs({true}).Build(), {x}, 1 + iter % 2);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE(TensorNear(*(*out)[0], ref.shape, ref.y))
        << "iteration " << iter << " " << pc.op << " X " << ShapeToString(pc.x) << " kernel "
        << ShapeToString(pc.kernel) << " strides " << ShapeToString(pc.strides) << " pads "
        << ShapeToString(pc.pads) << " ceil " << pc.ceil_mode;
  }
}

TEST(PoolTest, GlobalPoolsReduceEverySpatialAxis) {
  std::mt19937 rng(22);
  Tensor x = RandomTensor({2, 3, 4, 5}, rng);
  for (const char* op : {"GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool"}) {
    std::vector<double> want;
    for (int64_t plane = 0; plane < 6; ++plane) {
      double sum = 0.0, sq = 0.0, best = -1e30;
      for (int64_t i = 0; i < 20; ++i) {
        const double v = x.data<float>()[plane * 20 + i];
        sum += v;
        sq += v * v;
        best = std::max(best, v);
      }
      want.push_back(std::string(op) == "GlobalAveragePool" ? sum / 20
                     : std::string(op) == "GlobalMaxPool"   ? best
                                                            : std::sqrt(sq));
    }
    auto out = RunKernel(NodeBuilder(op).Inputs({true}).Build(), {x});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE(TensorNear(*(*out)[0], {2, 3, 1, 1}, want)) << op;
  }
}

TEST(PoolTest, MaxPoolOnUint8) {
  Tensor x = Tensor::FromVector<uint8_t>({1, 1, 2, 3}, {1, 200, 3, 4, 5, 255});
  auto out =
      RunKernel(NodeBuilder("MaxPool").Ints("kernel_shape", {2, 2}).Inputs({true}).Build(), {x});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0]->ToVector<uint8_t>(), (std::vector<uint8_t>{200, 255}));
}

TEST(PoolTest, RequiresKernelShape) {
  auto kernel = kernel_test::MakeKernel(NodeBuilder("AveragePool").Inputs({true}).Build());
  ASSERT_FALSE(kernel.ok());
  EXPECT_NE(kernel.status().message().find("kernel_shape"), std::string::npos);
}

}  // namespace
}  // namespace voxface::nn
