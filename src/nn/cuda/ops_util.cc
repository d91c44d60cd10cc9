// SPDX-License-Identifier: Apache-2.0
#include "nn/cuda/ops_util.h"

#include <climits>
#include <cstring>
#include <string>

#include "nn/cuda/cuda_kernel.h"
#include "nn/cuda/cuda_util.h"

namespace voxface::nn::cuda {

static_assert(static_cast<int>(DType::kFloat32) == static_cast<int>(DataType::kFloat32) &&
                  static_cast<int>(DType::kFloat16) == static_cast<int>(DataType::kFloat16) &&
                  static_cast<int>(DType::kDouble) == static_cast<int>(DataType::kDouble) &&
                  static_cast<int>(DType::kInt64) == static_cast<int>(DataType::kInt64) &&
                  static_cast<int>(DType::kInt32) == static_cast<int>(DataType::kInt32) &&
                  static_cast<int>(DType::kInt8) == static_cast<int>(DataType::kInt8) &&
                  static_cast<int>(DType::kUint8) == static_cast<int>(DataType::kUint8) &&
                  static_cast<int>(DType::kBool) == static_cast<int>(DataType::kBool),
              "DType must mirror DataType");

std::vector<int64_t> Strides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int d = static_cast<int>(shape.size()) - 2; d >= 0; --d) {
    strides[d] = strides[d + 1] * shape[d + 1];
  }
  return strides;
}

Result<Broadcast> MakeBroadcast(const Shape& out, const std::vector<const Shape*>& operands) {
  const int rank = static_cast<int>(out.size());
  const int k = static_cast<int>(operands.size());
  // Per operand, per output dim: the stride (0 where broadcast).
  std::vector<std::vector<int64_t>> strides(k, std::vector<int64_t>(rank, 0));
  for (int o = 0; o < k; ++o) {
    const Shape& s = *operands[o];
    const int offset = rank - static_cast<int>(s.size());
    if (offset < 0) return Status::Internal("broadcast operand has a higher rank than the output");
    int64_t stride = 1;
    for (int d = static_cast<int>(s.size()) - 1; d >= 0; --d) {
      if (s[d] != 1 && s[d] != out[d + offset]) {
        return Status::InvalidArgument("shape " + ShapeToString(s) + " does not broadcast to " +
                                       ShapeToString(out));
      }
      strides[o][d + offset] = s[d] == 1 ? 0 : stride;
      stride *= s[d];
    }
  }
  Broadcast b;
  // Merge dims from the innermost outwards where every operand walks both as one run.
  std::vector<int64_t> mdims;
  std::vector<std::vector<int64_t>> mstr(k);
  for (int d = rank - 1; d >= 0; --d) {
    if (out[d] == 1) continue;
    bool can_merge = !mdims.empty();
    for (int o = 0; o < k && can_merge; ++o) {
      const int64_t inner_stride = mstr[o].back();
      const int64_t inner_extent = mdims.back();
      can_merge = strides[o][d] == inner_stride * inner_extent;  // contiguous, or both 0
      if (strides[o][d] == 0 || inner_stride == 0) {
        can_merge = strides[o][d] == 0 && inner_stride == 0;
      }
    }
    if (can_merge) {
      mdims.back() *= out[d];
    } else {
      mdims.push_back(out[d]);
      for (int o = 0; o < k; ++o) mstr[o].push_back(strides[o][d]);
    }
  }
  if (static_cast<int>(mdims.size()) > kMaxRank) {
    return Status::Unsupported("broadcast over " + std::to_string(mdims.size()) +
                               " dims (at most " + std::to_string(kMaxRank) + ")");
  }
  b.rank = static_cast<int>(mdims.size());
  for (int i = 0; i < b.rank; ++i) {
    const int d = b.rank - 1 - i;  // mdims is innermost first
    b.dims[d] = mdims[i];
    for (int o = 0; o < k; ++o) b.strides[o][d] = mstr[o][i];
  }
  if (b.rank == 0) {  // a scalar: one dim of one element
    b.rank = 1;
    b.dims[0] = 1;
  }
  return b;
}

Result<IndexMap> MakeIndexMap(const Shape& out_shape, const std::vector<int64_t>& strides,
                              const std::vector<int64_t>& mod, int64_t offset) {
  IndexMap m;
  m.offset = offset;
  std::vector<int64_t> dims, str, mods;  // innermost first
  for (int d = static_cast<int>(out_shape.size()) - 1; d >= 0; --d) {
    if (out_shape[d] == 1) continue;
    const int64_t md = mod.empty() ? 0 : mod[d];
    const bool plain = md == 0 || md == out_shape[d];
    if (!dims.empty() && plain && mods.back() == 0 && strides[d] == str.back() * dims.back()) {
      dims.back() *= out_shape[d];
      continue;
    }
    dims.push_back(out_shape[d]);
    str.push_back(strides[d]);
    mods.push_back(plain ? 0 : md);
  }
  if (static_cast<int>(dims.size()) > kMaxRank) {
    return Status::Unsupported("index map over " + std::to_string(dims.size()) + " dims (at most " +
                               std::to_string(kMaxRank) + ")");
  }
  m.rank = static_cast<int>(dims.size());
  for (int i = 0; i < m.rank; ++i) {
    const int d = m.rank - 1 - i;
    m.dims[d] = dims[i];
    m.strides[d] = str[i];
    m.mod[d] = mods[i];
  }
  if (m.rank == 0) {
    m.rank = 1;
    m.dims[0] = 1;
  }
  return m;
}

Status GemmRowMajor(cublasHandle_t handle, bool trans_a, bool trans_b, int64_t m, int64_t n,
                    int64_t k, float alpha, const float* a, int64_t lda, int64_t stride_a,
                    const float* b, int64_t ldb, int64_t stride_b, float beta, float* c,
                    int64_t ldc, int64_t stride_c, int64_t batch) {
  if (m <= 0 || n <= 0 || batch <= 0) return Status::Ok();
  for (int64_t v : {m, n, k, lda, ldb, ldc, batch}) {
    if (v > INT_MAX) return Status::Unsupported("GEMM dimension " + std::to_string(v) + " > 2^31");
  }
  // Column-major cuBLAS computes C^T = op(B)^T op(A)^T, which is row-major C = op(A) op(B).
  const cublasOperation_t op_a = trans_a ? CUBLAS_OP_T : CUBLAS_OP_N;
  const cublasOperation_t op_b = trans_b ? CUBLAS_OP_T : CUBLAS_OP_N;
  if (batch == 1) {
    return CublasCheck(cublasSgemm(handle, op_b, op_a, static_cast<int>(n), static_cast<int>(m),
                                   static_cast<int>(k), &alpha, b, static_cast<int>(ldb), a,
                                   static_cast<int>(lda), &beta, c, static_cast<int>(ldc)),
                       "cublasSgemm");
  }
  return CublasCheck(
      cublasSgemmStridedBatched(handle, op_b, op_a, static_cast<int>(n), static_cast<int>(m),
                                static_cast<int>(k), &alpha, b, static_cast<int>(ldb), stride_b, a,
                                static_cast<int>(lda), stride_a, &beta, c, static_cast<int>(ldc),
                                stride_c, static_cast<int>(batch)),
      "cublasSgemmStridedBatched");
}

// The bytes of a host scalar of `type` (for fills), from a double or an integer.
uint64_t ValueBits(DataType type, double v) {
  uint64_t bits = 0;
  switch (type) {
    case DataType::kFloat32: {
      float f = static_cast<float>(v);
      std::memcpy(&bits, &f, sizeof(f));
      break;
    }
    case DataType::kDouble:
      std::memcpy(&bits, &v, sizeof(v));
      break;
    case DataType::kInt64: {
      int64_t i = static_cast<int64_t>(v);
      std::memcpy(&bits, &i, sizeof(i));
      break;
    }
    case DataType::kInt32: {
      int32_t i = static_cast<int32_t>(v);
      std::memcpy(&bits, &i, sizeof(i));
      break;
    }
    case DataType::kInt8:
      bits = static_cast<uint8_t>(static_cast<int8_t>(v));
      break;
    case DataType::kUint8:
      bits = static_cast<uint8_t>(v);
      break;
    case DataType::kBool:
      bits = v != 0.0 ? 1 : 0;
      break;
    default:
      break;
  }
  return bits;
}

Result<std::vector<int64_t>> CudaOpKernel::HostInts(CudaKernelContext& ctx, int index,
                                                    const char* what) const {
  VF_ASSIGN_OR_RETURN(const Tensor* t, ctx.HostInput(index));
  if (t == nullptr) return std::vector<int64_t>();
  if (t->dtype() != DataType::kInt64 && t->dtype() != DataType::kInt32) {
    return Fail(std::string(what) + " must be int64 or int32, got " +
                std::string(DataTypeName(t->dtype())));
  }
  return t->ToInt64Vector();
}

Result<double> CudaOpKernel::HostScalar(CudaKernelContext& ctx, int index, const char* what,
                                        bool* present) const {
  VF_ASSIGN_OR_RETURN(const Tensor* t, ctx.HostInput(index));
  *present = t != nullptr;
  if (t == nullptr) return 0.0;
  if (t->size() != 1) return Fail(std::string(what) + " must have one element");
  switch (t->dtype()) {
    case DataType::kFloat32:
      return static_cast<double>(t->data<float>()[0]);
    case DataType::kDouble:
      return t->data<double>()[0];
    case DataType::kInt64:
      return static_cast<double>(t->data<int64_t>()[0]);
    case DataType::kInt32:
      return static_cast<double>(t->data<int32_t>()[0]);
    case DataType::kInt8:
      return static_cast<double>(t->data<int8_t>()[0]);
    case DataType::kUint8:
      return static_cast<double>(t->data<uint8_t>()[0]);
    case DataType::kBool:
      return t->data<bool>()[0] ? 1.0 : 0.0;
    default:
      return Fail(std::string(what) + " has an unsupported type");
  }
}

}  // namespace voxface::nn::cuda
