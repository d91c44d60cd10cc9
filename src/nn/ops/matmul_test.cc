// SPDX-License-Identifier: Apache-2.0
// MatMul and Gemm against double-precision loops.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "nn/ops/kernel_test_util.h"

namespace voxface::nn {
namespace {

using kernel_test::NodeBuilder;
using kernel_test::RandomTensor;
using kernel_test::RunKernel;
using kernel_test::Strides;
using kernel_test::TensorNear;

// numpy.matmul in double.
std::vector<double> RefMatMul(const Tensor& a, const Tensor& b, Shape* out_shape) {
  Shape sa = a.shape(), sb = b.shape();
  if (sa.size() == 1) sa.insert(sa.begin(), 1);
  if (sb.size() == 1) sb.push_back(1);
  const int64_t m = sa[sa.size() - 2], k = sa.back(), n = sb.back();
  const Shape ba(sa.begin(), sa.end() - 2), bb(sb.begin(), sb.end() - 2);
  const Shape batch = *BroadcastShapes(ba, bb);
  *out_shape = batch;
  if (a.rank() != 1) out_shape->push_back(m);
  if (b.rank() != 1) out_shape->push_back(n);
  const int r = static_cast<int>(batch.size());
  auto offset = [&](const Shape& s, const std::vector<int64_t>& idx, int64_t mat) {
    int64_t off = 0, stride = mat;
    for (int i = static_cast<int>(s.size()) - 1, o = r - 1; i >= 0; --i, --o) {
      off += (s[i] == 1 ? 0 : idx[o]) * stride;
      stride *= s[i];
    }
    return off;
  };
  std::vector<double> out;
  std::vector<int64_t> idx(r, 0);
  for (int64_t t = 0; t < NumElements(batch); ++t) {
    const float* pa = a.data<float>() + offset(ba, idx, m * k);
    const float* pb = b.data<float>() + offset(bb, idx, k * n);
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        double s = 0.0;
        for (int64_t p = 0; p < k; ++p) s += static_cast<double>(pa[i * k + p]) * pb[p * n + j];
        out.push_back(s);
      }
    }
    for (int i = r - 1; i >= 0 && ++idx[i] == batch[i]; --i) idx[i] = 0;
  }
  return out;
}

TEST(MatMulTest, MatchesNumpySemantics) {
  std::mt19937 rng(1);
  const std::pair<Shape, Shape> cases[] = {
      {{3, 4}, {4, 5}},
      {{4}, {4, 5}},
      {{3, 4}, {4}},
      {{4}, {4}},
      {{2, 3, 4}, {4, 6}},
      {{3, 4}, {2, 4, 6}},
      {{2, 1, 3, 4}, {5, 4, 2}},
      {{2, 3, 4}, {2, 4, 2}},
      {{1, 2, 3, 4}, {4, 3}},
      {{7, 1, 1, 16}, {3, 16, 9}},
      {{0, 3, 4}, {4, 2}},
      {{2, 3, 0}, {0, 4}},
      {{50, 768}, {768, 64}},
      {{4}, {3, 4, 2}},
  };
  for (int threads : {1, 2}) {
    for (const auto& [sa, sb] : cases) {
      Tensor a = RandomTensor(sa, rng), b = RandomTensor(sb, rng);
      Shape want_shape;
      std::vector<double> want = RefMatMul(a, b, &want_shape);
      auto out = RunKernel(NodeBuilder("MatMul").Inputs({true, true}).Build(), {a, b}, threads);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      EXPECT_TRUE(TensorNear(*(*out)[0], want_shape, want))
          << ShapeToString(sa) << " x " << ShapeToString(sb);
    }
  }
}

TEST(MatMulTest, RandomBroadcastShapes) {
  std::mt19937 rng(6);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  for (int iter = 0; iter < 50; ++iter) {
    const int64_t m = pick(1, 9), k = pick(1, 9), n = pick(1, 9);
    // Batch dims drawn so that each right-aligned pair broadcasts: equal, or one of them 1.
    Shape ba, bb;
    const int rank_a = static_cast<int>(pick(0, 3)), rank_b = static_cast<int>(pick(0, 3));
    const int rank = std::max(rank_a, rank_b);
    for (int i = 0; i < rank; ++i) {
      const int64_t d = pick(1, 3), which = pick(0, 2);
      if (i >= rank - rank_a) ba.push_back(which == 1 ? 1 : d);
      if (i >= rank - rank_b) bb.push_back(which == 2 ? 1 : d);
    }
    Shape sa = ba, sb = bb;
    sa.insert(sa.end(), {m, k});
    sb.insert(sb.end(), {k, n});
    if (pick(0, 5) == 0) sa = {k};
    if (pick(0, 5) == 0) sb = {k};
    Tensor a = RandomTensor(sa, rng), b = RandomTensor(sb, rng);
    Shape want_shape;
    std::vector<double> want = RefMatMul(a, b, &want_shape);
    auto out = RunKernel(NodeBuilder("MatMul").Inputs({true, true}).Build(), {a, b}, 2);
    ASSERT_TRUE(out.ok()) << out.status().ToString() << " " << ShapeToString(sa) << " x "
                          << ShapeToString(sb);
    EXPECT_TRUE(TensorNear(*(*out)[0], want_shape, want))
        << ShapeToString(sa) << " x " << ShapeToString(sb);
  }
}

TEST(MatMulTest, RejectsMismatchedShapesNamingTheNode) {
  std::mt19937 rng(2);
  auto out = RunKernel(NodeBuilder("MatMul").Inputs({true, true}).Build(),
                       {RandomTensor({3, 4}, rng), RandomTensor({5, 2}, rng)});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("MatMul node 'test_MatMul'"), std::string::npos);
  out = RunKernel(NodeBuilder("MatMul").Inputs({true, true}).Build(),
                  {RandomTensor({2, 3, 4}, rng), RandomTensor({3, 4, 2}, rng)});
  ASSERT_FALSE(out.ok());
}

std::vector<double> RefGemm(const Tensor& a, const Tensor& b, const Tensor* c, bool ta, bool tb,
                            float alpha, float beta) {
  const int64_t m = ta ? a.dim(1) : a.dim(0), k = ta ? a.dim(0) : a.dim(1);
  const int64_t n = tb ? b.dim(0) : b.dim(1);
  std::vector<double> out(m * n);
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double s = 0.0;
      for (int64_t p = 0; p < k; ++p) {
        const double av = ta ? a.data<float>()[p * m + i] : a.data<float>()[i * k + p];
        const double bv = tb ? b.data<float>()[j * k + p] : b.data<float>()[p * n + j];
        s += av * bv;
      }
      double cv = 0.0;
      if (c != nullptr) {
        const Shape& cs = c->shape();
        const int64_t cm = cs.size() == 2 ? cs[0] : 1;
        const int64_t cn = cs.empty() ? 1 : cs.back();
        cv = c->data<float>()[(cm == 1 ? 0 : i) * cn + (cn == 1 ? 0 : j)];
      }
      out[i * n + j] = alpha * s + beta * cv;
    }
  }
  return out;
}

TEST(GemmTest, TransposesScalesAndBroadcastsC) {
  std::mt19937 rng(3);
  const int64_t m = 5, n = 7, k = 6;
  const Shape c_shapes[] = {{}, {1}, {n}, {1, n}, {m, 1}, {m, n}};
  for (int t = 0; t < 4; ++t) {
    const bool ta = t & 1, tb = t & 2;
    for (bool with_c : {false, true}) {
      for (const Shape& cs : c_shapes) {
        if (!with_c && !cs.empty()) continue;
        for (bool constant_b : {false, true}) {
          Tensor a = RandomTensor(ta ? Shape{k, m} : Shape{m, k}, rng);
          Tensor b = RandomTensor(tb ? Shape{n, k} : Shape{k, n}, rng);
          Tensor c = RandomTensor(cs, rng);
          NodeBuilder nb("Gemm", 13);
          nb.Int("transA", ta).Int("transB", tb).Float("alpha", 0.75f).Float("beta", -1.5f);
          nb.Inputs({true, true, with_c});
          if (constant_b) nb.Constant(1, &b);
          std::vector<std::optional<Tensor>> inputs = {a, b};
          if (with_c) inputs.push_back(c);
          auto out = RunKernel(nb.Build(), inputs);
          ASSERT_TRUE(out.ok()) << out.status().ToString();
          EXPECT_TRUE(TensorNear(*(*out)[0], {m, n},
                                 RefGemm(a, b, with_c ? &c : nullptr, ta, tb, 0.75f, -1.5f)))
              << "transA=" << ta << " transB=" << tb << " C " << ShapeToString(cs) << " constant B "
              << constant_b;
        }
      }
    }
  }
}

TEST(GemmTest, LargeProductOnTwoThreads) {
  std::mt19937 rng(4);
  Tensor a = RandomTensor({300, 256}, rng), b = RandomTensor({200, 256}, rng);
  Tensor c = RandomTensor({200}, rng);
  NodeInfo node = NodeBuilder("Gemm").Int("transB", 1).Inputs({true, true, true}).Build();
  auto out = RunKernel(node, {a, b, c}, 2);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(TensorNear(*(*out)[0], {300, 200}, RefGemm(a, b, &c, false, true, 1.0f, 1.0f)));
}

TEST(GemmTest, RejectsBadC) {
  std::mt19937 rng(5);
  auto out =
      RunKernel(NodeBuilder("Gemm").Inputs({true, true, true}).Build(),
                {RandomTensor({2, 3}, rng), RandomTensor({3, 4}, rng), RandomTensor({3, 4}, rng)});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("cannot be broadcast"), std::string::npos);
}

}  // namespace
}  // namespace voxface::nn
