// SPDX-License-Identifier: Apache-2.0
// Our narrow interface over OpenBLAS: single-precision GEMM on row-major matrices, single and
// strided-batched. OpenBLAS runs single-threaded (threads are ours: the session's pool splits
// large products into row or column blocks). A small in-house kernel takes the shapes where
// OpenBLAS 0.3.21 was measured to lose: B transposed with a few rows of A (it repacks all of B
// for them) and products of a few hundred multiply-adds. blas.cc is the only file that includes
// cblas.h.
#ifndef VOXFACE_SRC_NN_OPS_BLAS_H_
#define VOXFACE_SRC_NN_OPS_BLAS_H_

#include <cstdint>

#include "nn/thread_pool.h"

namespace voxface::nn::blas {

// Row-major C = alpha * op(A) * op(B) + beta * C, with op(A) m x k and op(B) k x n; op() is a
// transpose when the flag says so. Leading dimensions count elements and describe the stored
// (untransposed) matrices. beta == 0 makes C write-only: whatever it held (NaN included) is
// ignored. With a pool of more than one thread, large products are split over it; never pass a
// pool from inside one of its own ParallelFor calls (they are not re-entrant).
void Gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc,
          ThreadPool* pool = nullptr);

// `batch` independent products whose operands start `stride_*` elements apart; a stride of 0
// shares that operand across the batch (broadcast weights).
void GemmStridedBatched(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                        const float* a, int64_t lda, int64_t stride_a, const float* b, int64_t ldb,
                        int64_t stride_b, float beta, float* c, int64_t ldc, int64_t stride_c,
                        int64_t batch, ThreadPool* pool = nullptr);

// The implementations Gemm chooses between (single-threaded), exposed for tests and the
// benchmark. GemmOpenBlas calls cblas_sgemm (cblas_sgemv for a single row or column);
// GemmSmall is ours.
void GemmOpenBlas(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
                  const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
                  int64_t ldc);
void GemmSmall(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha,
               const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
               int64_t ldc);
// Whether Gemm sends this shape to GemmSmall (thresholds measured by nn_kernels_bench).
bool UseSmallGemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k);

}  // namespace voxface::nn::blas

#endif  // VOXFACE_SRC_NN_OPS_BLAS_H_
