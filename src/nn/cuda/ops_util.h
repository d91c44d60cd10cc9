// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the CUDA ops: type mapping, broadcast and index-map construction (with
// adjacent dimensions merged, so most broadcasts walk one or two dims), and row-major cuBLAS
// GEMMs.
#ifndef VOXFACE_SRC_NN_CUDA_OPS_UTIL_H_
#define VOXFACE_SRC_NN_CUDA_OPS_UTIL_H_

#include <cublas_v2.h>

#include <cstdint>
#include <vector>

#include "nn/cuda/launch.h"
#include "nn/tensor.h"
#include "voxface/status.h"

namespace voxface::nn::cuda {

inline DType ToDType(DataType t) { return static_cast<DType>(t); }

// Broadcast of up to three operand shapes to `out` (numpy rules; the shapes must be compatible),
// with dims merged where every operand is contiguous or broadcast across them. Errors when the
// merged rank exceeds kMaxRank.
Result<Broadcast> MakeBroadcast(const Shape& out, const std::vector<const Shape*>& operands);

// Row-major strides of `shape`.
std::vector<int64_t> Strides(const Shape& shape);

// An index map reading `in_shape` through `strides` (per output dim, in elements) with dims
// merged where possible.
Result<IndexMap> MakeIndexMap(const Shape& out_shape, const std::vector<int64_t>& strides,
                              const std::vector<int64_t>& mod, int64_t offset);

// The bytes of `v` as a value of `type` (for fills: ConstantOfShape, Pad, EyeLike).
uint64_t ValueBits(DataType type, double v);

// Row-major C[m, n] = alpha * op(A)[m, k] * op(B)[k, n] + beta * C for `batch` matrices
// stride_* elements apart (stride 0 reuses one operand across the batch).
Status GemmRowMajor(cublasHandle_t handle, bool trans_a, bool trans_b, int64_t m, int64_t n,
                    int64_t k, float alpha, const float* a, int64_t lda, int64_t stride_a,
                    const float* b, int64_t ldb, int64_t stride_b, float beta, float* c,
                    int64_t ldc, int64_t stride_c, int64_t batch);

}  // namespace voxface::nn::cuda

#endif  // VOXFACE_SRC_NN_CUDA_OPS_UTIL_H_
