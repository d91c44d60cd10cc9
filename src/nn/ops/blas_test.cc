// SPDX-License-Identifier: Apache-2.0
#include "nn/ops/blas.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace voxface::nn::blas {
namespace {

struct Case {
  bool ta, tb;
  int64_t m, n, k;
  float alpha, beta;
};

// Reference in double; C is ldc wide with n used columns.
std::vector<double> Reference(const Case& c, const std::vector<float>& a, int64_t lda,
                              const std::vector<float>& b, int64_t ldb,
                              const std::vector<float>& c0, int64_t ldc) {
  std::vector<double> out(c0.begin(), c0.end());
  for (int64_t i = 0; i < c.m; ++i) {
    for (int64_t j = 0; j < c.n; ++j) {
      double s = 0.0;
      for (int64_t p = 0; p < c.k; ++p) {
        const double av = c.ta ? a[p * lda + i] : a[i * lda + p];
        const double bv = c.tb ? b[j * ldb + p] : b[p * ldb + j];
        s += av * bv;
      }
      const double prev = c.beta == 0.0f ? 0.0 : c.beta * static_cast<double>(c0[i * ldc + j]);
      out[i * ldc + j] = c.alpha * s + prev;
    }
  }
  return out;
}

using GemmFn = void (*)(bool, bool, int64_t, int64_t, int64_t, float, const float*, int64_t,
                        const float*, int64_t, float, float*, int64_t);

void Check(const Case& c, GemmFn fn, ThreadPool* pool, std::mt19937& rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  const int64_t lda = (c.ta ? c.m : c.k) + 3, ldb = (c.tb ? c.k : c.n) + 1, ldc = c.n + 2;
  std::vector<float> a((c.ta ? c.k : c.m) * lda + 1), b((c.tb ? c.n : c.k) * ldb + 1);
  std::vector<float> cm(c.m * ldc + 1);
  for (float& v : a) v = dist(rng);
  for (float& v : b) v = dist(rng);
  for (float& v : cm) v = c.beta == 0.0f ? std::numeric_limits<float>::quiet_NaN() : dist(rng);
  // Padding columns of C must survive untouched.
  for (int64_t i = 0; i < c.m; ++i) {
    for (int64_t j = c.n; j < ldc; ++j) cm[i * ldc + j] = 7.0f;
  }
  const std::vector<double> want = Reference(c, a, lda, b, ldb, cm, ldc);
  if (fn != nullptr) {
    fn(c.ta, c.tb, c.m, c.n, c.k, c.alpha, a.data(), lda, b.data(), ldb, c.beta, cm.data(), ldc);
  } else {
    Gemm(c.ta, c.tb, c.m, c.n, c.k, c.alpha, a.data(), lda, b.data(), ldb, c.beta, cm.data(), ldc,
         pool);
  }
  for (int64_t i = 0; i < c.m; ++i) {
    for (int64_t j = 0; j < ldc; ++j) {
      const double w = j < c.n ? want[i * ldc + j] : 7.0;
      ASSERT_NEAR(cm[i * ldc + j], w, 1e-4 * (1.0 + std::sqrt(static_cast<double>(c.k))))
          << "ta=" << c.ta << " tb=" << c.tb << " m=" << c.m << " n=" << c.n << " k=" << c.k
          << " at " << i << "," << j;
    }
  }
}

std::vector<Case> Cases() {
  std::vector<Case> cases;
  const int64_t dims[][3] = {{1, 1, 1},    {1, 7, 5},  {3, 1, 4},     {2, 768, 64},
                             {4, 4, 4},    {5, 9, 13}, {8, 600, 40},  {33, 17, 65},
                             {64, 64, 64}, {2, 3, 0},  {1, 520, 300}, {6, 1000, 140}};
  for (const auto& d : dims) {
    for (int t = 0; t < 4; ++t) {
      cases.push_back({(t & 1) != 0, (t & 2) != 0, d[0], d[1], d[2], 1.0f, 0.0f});
    }
    cases.push_back({false, true, d[0], d[1], d[2], 0.5f, 1.0f});
    cases.push_back({true, false, d[0], d[1], d[2], -2.0f, 0.25f});
  }
  return cases;
}

TEST(BlasTest, GemmMatchesReferenceOnEveryPath) {
  std::mt19937 rng(7);
  for (const Case& c : Cases()) {
    Check(c, nullptr, nullptr, rng);
    Check(c, &GemmSmall, nullptr, rng);
    Check(c, &GemmOpenBlas, nullptr, rng);
  }
}

TEST(BlasTest, ParallelGemmSplitsRowsAndColumns) {
  std::mt19937 rng(8);
  ThreadPool pool(3);
  const Case cases[] = {
      {false, false, 300, 200, 150, 1.0f, 0.0f},  // rows
      {true, true, 300, 200, 150, 1.0f, 1.0f},
      {false, true, 20, 900, 300, 1.0f, 0.0f},  // columns
      {true, false, 20, 900, 300, 0.5f, 0.5f},
  };
  for (const Case& c : cases) Check(c, nullptr, &pool, rng);
}

TEST(BlasTest, StridedBatchedBroadcastsSharedOperand) {
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  const int64_t batch = 5, m = 7, n = 6, k = 40;
  std::vector<float> a(batch * m * k), b(k * n), c(batch * m * n, 1.0f);
  for (float& v : a) v = dist(rng);
  for (float& v : b) v = dist(rng);
  ThreadPool pool(2);
  GemmStridedBatched(false, false, m, n, k, 1.0f, a.data(), k, m * k, b.data(), n, 0, 0.0f,
                     c.data(), n, m * n, batch, &pool);
  for (int64_t t = 0; t < batch; ++t) {
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        double s = 0.0;
        for (int64_t p = 0; p < k; ++p) s += a[t * m * k + i * k + p] * b[p * n + j];
        ASSERT_NEAR(c[t * m * n + i * n + j], s, 1e-4);
      }
    }
  }
}

}  // namespace
}  // namespace voxface::nn::blas
