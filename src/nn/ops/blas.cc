// SPDX-License-Identifier: Apache-2.0
#include "nn/ops/blas.h"

#include <cblas.h>

#include <algorithm>
#include <vector>

namespace voxface::nn::blas {
namespace {

// Below this many flops a product stays on one thread: splitting costs a pool hand-off
// (a few microseconds) and halves the blocks OpenBLAS gets to work with.
constexpr double kParallelFlops = 4.0e6;

void EnsureSingleThreadedBlas() {
  static const bool done = [] {
    openblas_set_num_threads(1);
    return true;
  }();
  (void)done;
}

inline void ScaleRow(float* c, int64_t n, float beta) {
  if (beta == 0.0f) {
    std::fill(c, c + n, 0.0f);
  } else if (beta != 1.0f) {
    for (int64_t j = 0; j < n; ++j) c[j] *= beta;
  }
}

void ScaleMatrix(int64_t m, int64_t n, float beta, float* c, int64_t ldc) {
  for (int64_t i = 0; i < m; ++i) ScaleRow(c + i * ldc, n, beta);
}

// Sixteen independent partial sums, so that the compiler vectorises the reduction without
// -ffast-math (which we do not want for the rest of the numerics).
__attribute__((always_inline)) inline float Dot(const float* __restrict x,
                                                const float* __restrict y, int64_t k) {
  float acc[16] = {};
  int64_t p = 0;
  for (; p + 16 <= k; p += 16) {
    for (int l = 0; l < 16; ++l) acc[l] += x[p + l] * y[p + l];
  }
  for (int l = 0; l < 8; ++l) acc[l] += acc[l + 8];
  for (int l = 0; l < 4; ++l) acc[l] += acc[l + 4];
  float sum = (acc[0] + acc[2]) + (acc[1] + acc[3]);
  for (; p < k; ++p) sum += x[p] * y[p];
  return sum;
}

// Eight floats; aligned(4) so that loads from any float address are allowed. Under the
// avx2/avx512 targets below this is one ymm register, on baseline SSE2 two xmm.
typedef float V8 __attribute__((vector_size(32), aligned(4)));

__attribute__((always_inline)) inline float HorizontalSum(const V8& v) {
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

// Four dot products of x with rows y, y + ldy, y + 2 ldy, y + 3 ldy: x is loaded once for four.
__attribute__((always_inline)) inline void Dot4(const float* x, const float* y, int64_t ldy,
                                                int64_t k, float* out) {
  V8 acc0 = {}, acc1 = {}, acc2 = {}, acc3 = {};
  const float* y1 = y + ldy;
  const float* y2 = y + 2 * ldy;
  const float* y3 = y + 3 * ldy;
  int64_t p = 0;
  for (; p + 8 <= k; p += 8) {
    const V8 xv = *reinterpret_cast<const V8*>(x + p);
    acc0 += xv * *reinterpret_cast<const V8*>(y + p);
    acc1 += xv * *reinterpret_cast<const V8*>(y1 + p);
    acc2 += xv * *reinterpret_cast<const V8*>(y2 + p);
    acc3 += xv * *reinterpret_cast<const V8*>(y3 + p);
  }
  out[0] = HorizontalSum(acc0);
  out[1] = HorizontalSum(acc1);
  out[2] = HorizontalSum(acc2);
  out[3] = HorizontalSum(acc3);
  for (; p < k; ++p) {
    out[0] += x[p] * y[p];
    out[1] += x[p] * y1[p];
    out[2] += x[p] * y2[p];
    out[3] += x[p] * y3[p];
  }
}

// C rows += alpha * A(i, p) * B row p, four rows of C at a time so each B row is loaded once
// per four rows. op(B) untransposed: its rows are contiguous.
__attribute__((always_inline)) inline void SmallAxpyForm(bool trans_a, int64_t m, int64_t n,
                                                         int64_t k, float alpha, const float* a,
                                                         int64_t lda, const float* b, int64_t ldb,
                                                         float beta, float* c, int64_t ldc) {
  auto a_at = [&](int64_t i, int64_t p) { return trans_a ? a[p * lda + i] : a[i * lda + p]; };
  int64_t i = 0;
  for (; i + 4 <= m; i += 4) {
    float* __restrict c0 = c + i * ldc;
    float* __restrict c1 = c0 + ldc;
    float* __restrict c2 = c1 + ldc;
    float* __restrict c3 = c2 + ldc;
    ScaleRow(c0, n, beta);
    ScaleRow(c1, n, beta);
    ScaleRow(c2, n, beta);
    ScaleRow(c3, n, beta);
    for (int64_t p = 0; p < k; ++p) {
      const float a0 = alpha * a_at(i, p), a1 = alpha * a_at(i + 1, p);
      const float a2 = alpha * a_at(i + 2, p), a3 = alpha * a_at(i + 3, p);
      const float* __restrict brow = b + p * ldb;
      for (int64_t j = 0; j < n; ++j) {
        const float bv = brow[j];
        c0[j] += a0 * bv;
        c1[j] += a1 * bv;
        c2[j] += a2 * bv;
        c3[j] += a3 * bv;
      }
    }
  }
  for (; i < m; ++i) {
    float* __restrict crow = c + i * ldc;
    ScaleRow(crow, n, beta);
    for (int64_t p = 0; p < k; ++p) {
      const float av = alpha * a_at(i, p);
      const float* __restrict brow = b + p * ldb;
      for (int64_t j = 0; j < n; ++j) crow[j] += av * brow[j];
    }
  }
}

// C(i, j) = alpha * <A row i, B row j>: op(B) transposed, so both operands are contiguous
// along k. Columns outermost: B (the weights, large) streams through once while the few A rows
// stay in L1; a transposed A is gathered into rows first.
__attribute__((always_inline)) inline void SmallDotForm(bool trans_a, int64_t m, int64_t n,
                                                        int64_t k, float alpha, const float* a,
                                                        int64_t lda, const float* b, int64_t ldb,
                                                        float beta, float* c, int64_t ldc) {
  thread_local std::vector<float> rows;
  int64_t a_stride = lda;
  if (trans_a) {
    rows.resize(static_cast<size_t>(m * k));
    for (int64_t p = 0; p < k; ++p) {
      for (int64_t i = 0; i < m; ++i) rows[i * k + p] = a[p * lda + i];
    }
    a = rows.data();
    a_stride = k;
  }
  int64_t j = 0;
  for (; j + 4 <= n; j += 4) {
    const float* b0 = b + j * ldb;
    for (int64_t i = 0; i < m; ++i) {
      float dots[4];
      Dot4(a + i * a_stride, b0, ldb, k, dots);
      float* crow = c + i * ldc + j;
      for (int q = 0; q < 4; ++q) {
        crow[q] = beta == 0.0f ? alpha * dots[q] : alpha * dots[q] + beta * crow[q];
      }
    }
  }
  for (; j < n; ++j) {
    const float* brow = b + j * ldb;
    for (int64_t i = 0; i < m; ++i) {
      float* cij = c + i * ldc + j;
      const float dot = alpha * Dot(a + i * a_stride, brow, k);
      *cij = beta == 0.0f ? dot : dot + beta * *cij;
    }
  }
}

#define VOXFACE_SMALL_GEMM_BODY                                           \
  if (trans_b) {                                                          \
    SmallDotForm(trans_a, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);  \
  } else {                                                                \
    SmallAxpyForm(trans_a, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc); \
  }

using SmallGemmFn = void (*)(bool, bool, int64_t, int64_t, int64_t, float, const float*, int64_t,
                             const float*, int64_t, float, float*, int64_t);

// The same source compiled for three instruction sets, picked at run time: the build targets
// baseline x86-64 (SSE2), where these loops run at a quarter of AVX-512 speed.
__attribute__((target("avx512f,avx512vl,avx2,fma"))) void SmallGemmAvx512(
    bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
    int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  VOXFACE_SMALL_GEMM_BODY
}

__attribute__((target("avx2,fma"))) void SmallGemmAvx2(bool trans_a, bool trans_b, int64_t m,
                                                       int64_t n, int64_t k, float alpha,
                                                       const float* a, int64_t lda, const float* b,
                                                       int64_t ldb, float beta, float* c,
                                                       int64_t ldc) {
  VOXFACE_SMALL_GEMM_BODY
}

void SmallGemmBaseline(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                       const float* a, int64_t lda, const float* b, int64_t ldb, float beta,
                       float* c, int64_t ldc){VOXFACE_SMALL_GEMM_BODY}
#undef VOXFACE_SMALL_GEMM_BODY

SmallGemmFn PickSmallGemm() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")) {
    return SmallGemmAvx512;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return SmallGemmAvx2;
  return SmallGemmBaseline;
}

void GemmSerial(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
                int64_t ldc) {
  if (UseSmallGemm(trans_a, trans_b, m, n, k)) {
    GemmSmall(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  } else {
    GemmOpenBlas(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }
}

}  // namespace

bool UseSmallGemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k) {
  // Measured on the dev machine (Zen 4, OpenBLAS 0.3.21; nn_kernels_bench "gemm_small"):
  // OpenBLAS's small-matrix kernels win every untransposed-B shape, down to 4x4x4, and most
  // transposed ones. Ours wins with B transposed when a few rows meet a large B (an RNN step or a
  // Linear layer on a batch of 2-8 frames: 2-7x, OpenBLAS repacks all of B for those few rows)
  // and on products of a few hundred multiply-adds (2x, call overhead).
  (void)trans_a;
  if (!trans_b) return false;
  const double macs = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  if (macs <= 1024.0) return true;
  return m >= 2 && m <= 8 && n >= 512 && static_cast<double>(n) * k >= 131072.0;
}

void GemmSmall(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
               const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
               int64_t ldc) {
  if (m <= 0 || n <= 0) return;
  static const SmallGemmFn fn = PickSmallGemm();
  fn(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void GemmOpenBlas(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                  const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
                  int64_t ldc) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    ScaleMatrix(m, n, beta, c, ldc);
    return;
  }
  EnsureSingleThreadedBlas();
  // Some OpenBLAS kernels scale C by beta with a multiply, turning stale NaNs into NaN results;
  // beta == 0 must mean "C is write-only", so clear it ourselves.
  if (beta == 0.0f) ScaleMatrix(m, n, 0.0f, c, ldc);
  const float beta_eff = beta == 0.0f ? 0.0f : beta;
  const auto ta = trans_a ? CblasTrans : CblasNoTrans;
  const auto tb = trans_b ? CblasTrans : CblasNoTrans;
  const auto bi = [](int64_t v) { return static_cast<blasint>(v); };
  if (m == 1) {
    // c row (1 x n) = alpha * a row * op(B) + beta * c row, i.e. y = op(B)^T x.
    const int64_t inc_a = trans_a ? lda : 1;
    if (trans_b) {  // B stored n x k
      cblas_sgemv(CblasRowMajor, CblasNoTrans, bi(n), bi(k), alpha, b, bi(ldb), a, bi(inc_a),
                  beta_eff, c, 1);
    } else {  // B stored k x n
      cblas_sgemv(CblasRowMajor, CblasTrans, bi(k), bi(n), alpha, b, bi(ldb), a, bi(inc_a),
                  beta_eff, c, 1);
    }
    return;
  }
  if (n == 1) {
    // c column (m x 1, stride ldc) = alpha * op(A) * b column + beta * c column.
    const int64_t inc_b = trans_b ? 1 : ldb;
    if (trans_a) {  // A stored k x m
      cblas_sgemv(CblasRowMajor, CblasTrans, bi(k), bi(m), alpha, a, bi(lda), b, bi(inc_b),
                  beta_eff, c, bi(ldc));
    } else {
      cblas_sgemv(CblasRowMajor, CblasNoTrans, bi(m), bi(k), alpha, a, bi(lda), b, bi(inc_b),
                  beta_eff, c, bi(ldc));
    }
    return;
  }
  cblas_sgemm(CblasRowMajor, ta, tb, bi(m), bi(n), bi(k), alpha, a, bi(lda), b, bi(ldb), beta_eff,
              c, bi(ldc));
}

void Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc,
          ThreadPool* pool) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    ScaleMatrix(m, n, beta, c, ldc);
    return;
  }
  const int threads = pool != nullptr ? pool->num_threads() : 1;
  const double flops = 2.0 * static_cast<double>(m) * static_cast<double>(n) * k;
  if (threads <= 1 || flops < kParallelFlops) {
    GemmSerial(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  // Static blocks, one per thread: the work is uniform. Rows when there are enough of them for
  // OpenBLAS's register tiles, columns otherwise (a short clip has few rows, many columns).
  const bool split_rows = m >= 16 * threads || m >= n;
  const int64_t extent = split_rows ? m : n;
  const int64_t align = split_rows ? 8 : 16;
  int64_t block = (extent + threads - 1) / threads;
  block = std::max<int64_t>(align, (block + align - 1) / align * align);
  const int64_t blocks = (extent + block - 1) / block;
  pool->ParallelFor(blocks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t blk = begin; blk < end; ++blk) {
      const int64_t lo = blk * block;
      const int64_t len = std::min(block, extent - lo);
      if (split_rows) {
        const float* a_blk = trans_a ? a + lo : a + lo * lda;
        GemmSerial(trans_a, trans_b, len, n, k, alpha, a_blk, lda, b, ldb, beta, c + lo * ldc, ldc);
      } else {
        const float* b_blk = trans_b ? b + lo * ldb : b + lo;
        GemmSerial(trans_a, trans_b, m, len, k, alpha, a, lda, b_blk, ldb, beta, c + lo, ldc);
      }
    }
  });
}

void GemmStridedBatched(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                        const float* a, int64_t lda, int64_t stride_a, const float* b, int64_t ldb,
                        int64_t stride_b, float beta, float* c, int64_t ldc, int64_t stride_c,
                        int64_t batch, ThreadPool* pool) {
  if (batch <= 0 || m <= 0 || n <= 0) return;
  const int threads = pool != nullptr ? pool->num_threads() : 1;
  const double flops = 2.0 * static_cast<double>(m) * static_cast<double>(n) * k * batch;
  if (threads > 1 && batch >= threads && flops >= kParallelFlops) {
    pool->ParallelFor(batch, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        GemmSerial(trans_a, trans_b, m, n, k, alpha, a + i * stride_a, lda, b + i * stride_b, ldb,
                   beta, c + i * stride_c, ldc);
      }
    });
    return;
  }
  for (int64_t i = 0; i < batch; ++i) {
    Gemm(trans_a, trans_b, m, n, k, alpha, a + i * stride_a, lda, b + i * stride_b, ldb, beta,
         c + i * stride_c, ldc, pool);
  }
}

}  // namespace voxface::nn::blas
