// SPDX-License-Identifier: Apache-2.0
// Reductions, ArgMax/ArgMin and the softmax family against element-by-element references.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "nn/ops/kernel_test_util.h"

namespace voxface::nn {
namespace {

using kernel_test::NodeBuilder;
using kernel_test::RandomTensor;
using kernel_test::RunKernel;
using kernel_test::Strides;
using kernel_test::TensorNear;

// Reduces `x` over `axes` (normalised, possibly empty = all) with a fold over the values.
std::vector<double> RefReduce(const Tensor& x, std::vector<bool> reduce,
                              const std::function<double(const std::vector<double>&)>& fold,
                              bool keepdims, Shape* out_shape) {
  const Shape& s = x.shape();
  out_shape->clear();
  Shape kept;  // the output index space, always with reduced dims as 1
  for (size_t i = 0; i < s.size(); ++i) {
    kept.push_back(reduce[i] ? 1 : s[i]);
    if (!reduce[i] || keepdims) out_shape->push_back(reduce[i] ? 1 : s[i]);
  }
  std::vector<std::vector<double>> groups(NumElements(kept));
  const std::vector<int64_t> ks = Strides(kept);
  std::vector<int64_t> idx(s.size(), 0);
  for (int64_t e = 0; e < x.size(); ++e) {
    int64_t o = 0;
    for (size_t i = 0; i < s.size(); ++i) o += (reduce[i] ? 0 : idx[i]) * ks[i];
    groups[o].push_back(x.data<float>()[e]);
    for (int i = static_cast<int>(s.size()) - 1; i >= 0 && ++idx[i] == s[i]; --i) idx[i] = 0;
  }
  std::vector<double> out;
  for (const auto& g : groups) out.push_back(fold(g));
  return out;
}

double Sum(const std::vector<double>& v, const std::function<double(double)>& f) {
  double s = 0.0;
  for (double x : v) s += f(x);
  return s;
}

const std::map<std::string, std::function<double(const std::vector<double>&)>>& Folds() {
  static const auto* folds =
      new std::map<std::string, std::function<double(const std::vector<double>&)>>{
          {"ReduceSum", [](const auto& v) { return Sum(v, [](double x) { return x; }); }},
          {"ReduceMean",
           [](const auto& v) { return Sum(v, [](double x) { return x; }) / v.size(); }},
          {"ReduceMax",
           [](const auto& v) {
             double m = -std::numeric_limits<double>::infinity();
             for (double x : v) m = std::max(m, x);
             return m;
           }},
          {"ReduceMin",
           [](const auto& v) {
             double m = std::numeric_limits<double>::infinity();
             for (double x : v) m = std::min(m, x);
             return m;
           }},
          {"ReduceProd",
           [](const auto& v) {
             double p = 1.0;
             for (double x : v) p *= x;
             return p;
           }},
          {"ReduceL1", [](const auto& v) { return Sum(v, [](double x) { return std::fabs(x); }); }},
          {"ReduceL2",
           [](const auto& v) { return std::sqrt(Sum(v, [](double x) { return x * x; })); }},
          {"ReduceSumSquare", [](const auto& v) { return Sum(v, [](double x) { return x * x; }); }},
          {"ReduceLogSum",
           [](const auto& v) { return std::log(Sum(v, [](double x) { return x; })); }},
          {"ReduceLogSumExp",
           [](const auto& v) { return std::log(Sum(v, [](double x) { return std::exp(x); })); }},
      };
  return *folds;
}

TEST(ReduceTest, EveryKindOverRandomAxisSets) {
  std::mt19937 rng(41);
  const Shape shape = {3, 1, 4, 5};
  // Axis subsets as bit masks over 4 axes, including none (= all) and every single axis.
  const std::vector<std::vector<int64_t>> axis_sets = {
      {}, {0}, {-1}, {2}, {1}, {0, 2}, {1, 3}, {-4, -2, -1}, {0, 1, 2, 3}, {3, 0}};
  for (const auto& [op, fold] : Folds()) {
    for (int opset : {13, 18}) {
      const bool axes_input = opset == 18 || op == "ReduceSum";
      for (const auto& axes : axis_sets) {
        for (bool keepdims : {false, true}) {
          // LogSum needs positive sums.
          Tensor x = RandomTensor(shape, rng, op == "ReduceLogSum" ? 0.1f : -1.0f, 1.0f);
          std::vector<bool> reduce(4, axes.empty());
          for (int64_t a : axes) reduce[a < 0 ? a + 4 : a] = true;
          Shape want_shape;
          const std::vector<double> want = RefReduce(x, reduce, fold, keepdims, &want_shape);
          NodeBuilder nb(op, opset);
          nb.Int("keepdims", keepdims);
          std::vector<std::optional<Tensor>> inputs = {x};
          if (axes_input) {
            nb.Inputs({true, !axes.empty()});
            if (!axes.empty())
              inputs.push_back(
                  Tensor::FromVector<int64_t>({static_cast<int64_t>(axes.size())}, axes));
          } else {
            if (!axes.empty()) nb.Ints("axes", axes);
            nb.Inputs({true});
          }
          auto out = RunKernel(nb.Build(), inputs);
          ASSERT_TRUE(out.ok()) << out.status().ToString();
          EXPECT_TRUE(TensorNear(*(*out)[0], want_shape, want))
              << op << " opset " << opset << " axes " << ShapeToString(axes) << " keepdims "
              << keepdims;
        }
      }
    }
  }
}

// Rows long enough for the eight running sums of the additive folds, with a remainder.
TEST(ReduceTest, AdditiveFoldsOverLongRows) {
  std::mt19937 rng(43);
  Tensor x = RandomTensor({3, 1003}, rng);
  for (const char* op : {"ReduceSum", "ReduceMean", "ReduceL1", "ReduceL2", "ReduceSumSquare"}) {
    Shape want_shape;
    const std::vector<double> want =
        RefReduce(x, {false, true}, Folds().at(op), false, &want_shape);
    NodeInfo node = NodeBuilder(op, 18).Int("keepdims", 0).Inputs({true, true}).Build();
    auto out = RunKernel(node, {x, Tensor::FromVector<int64_t>({1}, {1})});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE(TensorNear(*(*out)[0], want_shape, want)) << op;
  }
}

TEST(ReduceTest, NoopWithEmptyAxesAndEmptySets) {
  std::mt19937 rng(42);
  Tensor x = RandomTensor({2, 3}, rng);
  NodeInfo noop =
      NodeBuilder("ReduceSum", 13).Int("noop_with_empty_axes", 1).Inputs({true}).Build();
  auto out = RunKernel(noop, {x});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0]->ToVector<float>(), x.ToVector<float>());
  // Reducing an empty axis gives each reduction's identity.
  Tensor empty = Tensor::Zeros(DataType::kFloat32, {2, 0, 3});
  const std::pair<const char*, double> identities[] = {
      {"ReduceSum", 0.0},
      {"ReduceProd", 1.0},
      {"ReduceMax", -std::numeric_limits<double>::infinity()},
      {"ReduceMin", std::numeric_limits<double>::infinity()},
      {"ReduceLogSumExp", -std::numeric_limits<double>::infinity()}};
  for (const auto& [op, value] : identities) {
    auto r = RunKernel(
        NodeBuilder(op, 11).Ints("axes", {1}).Int("keepdims", 0).Inputs({true}).Build(), {empty});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(TensorNear(*(*r)[0], {2, 3}, std::vector<double>(6, value))) << op;
  }
  auto bad = RunKernel(NodeBuilder("ReduceMean", 13).Ints("axes", {2}).Inputs({true}).Build(), {x});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("ReduceMean node"), std::string::npos);
}

TEST(ReduceTest, IntegerSumAndMax) {
  Tensor x = Tensor::FromVector<int64_t>({2, 3}, {1, 5, -2, 4, 4, 9});
  auto out = RunKernel(
      NodeBuilder("ReduceMax", 13).Ints("axes", {1}).Int("keepdims", 0).Inputs({true}).Build(),
      {x});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0]->ToVector<int64_t>(), (std::vector<int64_t>{5, 9}));
  out = RunKernel(NodeBuilder("ReduceSum", 13).Inputs({true}).Int("keepdims", 0).Build(), {x});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0]->ToVector<int64_t>(), (std::vector<int64_t>{21}));
}

TEST(ArgTest, ExtremaAlongAnAxisWithTies) {
  Tensor x = Tensor::FromVector<float>({2, 3}, {1, 3, 3, 2, 0, 0});
  struct Case {
    const char* op;
    int64_t axis;
    bool keepdims, last;
    Shape shape;
    std::vector<double> want;
  };
  const Case cases[] = {
      {"ArgMax", 1, true, false, {2, 1}, {1, 0}},    {"ArgMax", -1, false, true, {2}, {2, 0}},
      {"ArgMin", 1, false, false, {2}, {0, 1}},      {"ArgMin", 1, false, true, {2}, {0, 2}},
      {"ArgMax", 0, true, false, {1, 3}, {1, 0, 0}}, {"ArgMin", -2, false, false, {3}, {0, 1, 1}},
  };
  for (const Case& c : cases) {
    NodeInfo node = NodeBuilder(c.op, 13)
                        .Int("axis", c.axis)
                        .Int("keepdims", c.keepdims)
                        .Int("select_last_index", c.last)
                        .Inputs({true})
                        .Build();
    auto out = RunKernel(node, {x});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE(TensorNear(*(*out)[0], c.shape, c.want, 0.0, 0.0)) << c.op << " axis " << c.axis;
  }
}

// Softmax-family rows of `len` elements `stride` apart.
std::vector<double> RefSoftmax(const std::string& op, const Tensor& x, int64_t len, int64_t inner) {
  std::vector<double> y(x.size());
  const int64_t outer = x.size() / (len * inner);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const float* p = x.data<float>() + o * len * inner + i;
      double m = -1e30, s = 0.0;
      int64_t arg = 0;
      for (int64_t j = 0; j < len; ++j) {
        if (p[j * inner] > m) {
          m = p[j * inner];
          arg = j;
        }
      }
      for (int64_t j = 0; j < len; ++j) s += std::exp(p[j * inner] - m);
      for (int64_t j = 0; j < len; ++j) {
        const double v = p[j * inner];
        double out = std::exp(v - m) / s;
        if (op == "LogSoftmax") out = v - m - std::log(s);
        if (op == "Hardmax") out = j == arg ? 1.0 : 0.0;
        y[o * len * inner + i + j * inner] = out;
      }
    }
  }
  return y;
}

TEST(SoftmaxTest, AxisSemanticsBeforeAndFromOpset13) {
  std::mt19937 rng(43);
  const Shape shape = {2, 3, 4};
  for (const char* op : {"Softmax", "LogSoftmax", "Hardmax"}) {
    for (int64_t axis : {-1, 0, 1, 2, -3}) {
      const int a = static_cast<int>(axis < 0 ? axis + 3 : axis);
      Tensor x = RandomTensor(shape, rng, -5.0f, 5.0f);
      // Opset 13: one axis. Opset 11: flatten at `axis`, normalise each row of the 2-D view.
      int64_t inner13 = 1, len11 = 1;
      for (int i = a + 1; i < 3; ++i) inner13 *= shape[i];
      for (int i = a; i < 3; ++i) len11 *= shape[i];
      for (int opset : {11, 13}) {
        const std::vector<double> want =
            opset == 13 ? RefSoftmax(op, x, shape[a], inner13) : RefSoftmax(op, x, len11, 1);
        auto out =
            RunKernel(NodeBuilder(op, opset).Int("axis", axis).Inputs({true}).Build(), {x}, 2);
        ASSERT_TRUE(out.ok()) << out.status().ToString();
        EXPECT_TRUE(TensorNear(*(*out)[0], shape, want))
            << op << " opset " << opset << " axis " << axis;
      }
    }
  }
  // Opset-11 default axis is 1.
  Tensor x = RandomTensor(shape, rng);
  auto out = RunKernel(NodeBuilder("Softmax", 11).Inputs({true}).Build(), {x});
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(TensorNear(*(*out)[0], shape, RefSoftmax("Softmax", x, 12, 1)));
}

}  // namespace
}  // namespace voxface::nn
