// SPDX-License-Identifier: Apache-2.0
// Element-wise kernels: unary math and activations, broadcasting binary ops and comparisons,
// and Where. Index arithmetic is 32-bit when the tensor allows it (64-bit
// division is several times slower) and broadcasting walks at most kMaxRank collapsed dims.
#include <cuda_fp16.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "nn/cuda/device_util.cuh"
#include "nn/cuda/launch.h"

namespace voxface::nn::cuda {
namespace {

// ---- unary ----

template <typename T>
__device__ T Sigmoid(T x) {
  return x >= T(0) ? T(1) / (T(1) + exp(-x)) : exp(x) / (T(1) + exp(x));
}

template <typename T>
__device__ T ApplyUnary(UnaryOp op, T x, const UnaryParams& p) {
  if constexpr (std::is_floating_point_v<T>) {
    switch (op) {
      case UnaryOp::kAbs:
        return fabs(x);
      case UnaryOp::kNeg:
        return -x;
      case UnaryOp::kExp:
        return exp(x);
      case UnaryOp::kLog:
        return log(x);
      case UnaryOp::kSqrt:
        return sqrt(x);
      case UnaryOp::kReciprocal:
        return T(1) / x;
      case UnaryOp::kFloor:
        return floor(x);
      case UnaryOp::kCeil:
        return ceil(x);
      case UnaryOp::kRound:
        return rint(x);  // half to even, as ONNX asks
      case UnaryOp::kErf:
        return erf(x);
      case UnaryOp::kTanh:
        return tanh(x);
      case UnaryOp::kSigmoid:
        return Sigmoid(x);
      case UnaryOp::kRelu:
        return x > T(0) ? x : T(0);
      case UnaryOp::kSoftplus:
        return x > T(20) ? x : log1p(exp(x));
      case UnaryOp::kSoftsign:
        return x / (T(1) + fabs(x));
      case UnaryOp::kSin:
        return sin(x);
      case UnaryOp::kCos:
        return cos(x);
      case UnaryOp::kTan:
        return tan(x);
      case UnaryOp::kAsin:
        return asin(x);
      case UnaryOp::kAcos:
        return acos(x);
      case UnaryOp::kAtan:
        return atan(x);
      case UnaryOp::kSinh:
        return sinh(x);
      case UnaryOp::kCosh:
        return cosh(x);
      case UnaryOp::kAsinh:
        return asinh(x);
      case UnaryOp::kAcosh:
        return acosh(x);
      case UnaryOp::kAtanh:
        return atanh(x);
      case UnaryOp::kSign:
        return x > T(0) ? T(1) : (x < T(0) ? T(-1) : T(0));
      case UnaryOp::kLeakyRelu:
        return x < T(0) ? T(p.alpha) * x : x;
      case UnaryOp::kElu:
        return x < T(0) ? T(p.alpha) * (exp(x) - T(1)) : x;
      case UnaryOp::kSelu:
        return x > T(0) ? T(p.gamma) * x : T(p.gamma) * (T(p.alpha) * exp(x) - T(p.alpha));
      case UnaryOp::kCelu: {
        T neg = T(p.alpha) * (exp(x / T(p.alpha)) - T(1));
        return (x > T(0) ? x : T(0)) + (neg < T(0) ? neg : T(0));
      }
      case UnaryOp::kHardSigmoid: {
        T v = T(p.alpha) * x + T(p.beta);
        return v < T(0) ? T(0) : (v > T(1) ? T(1) : v);
      }
      case UnaryOp::kHardSwish: {
        T v = x / T(6) + T(0.5);
        return x * (v < T(0) ? T(0) : (v > T(1) ? T(1) : v));
      }
      case UnaryOp::kThresholdedRelu:
        return x > T(p.alpha) ? x : T(0);
      case UnaryOp::kShrink:
        return x < T(-p.alpha) ? x + T(p.beta) : (x > T(p.alpha) ? x - T(p.beta) : T(0));
      case UnaryOp::kClip:
        return x < T(p.lo) ? T(p.lo) : (x > T(p.hi) ? T(p.hi) : x);
      default:
        return x;
    }
  } else {
    switch (op) {
      case UnaryOp::kAbs:
        if constexpr (std::is_signed_v<T>) return x < T(0) ? T(-x) : x;
        return x;
      case UnaryOp::kNeg:
        return T(-x);
      case UnaryOp::kSign:
        return T(x > T(0) ? 1 : (x < T(0) ? -1 : 0));
      case UnaryOp::kRelu:
        return x > T(0) ? x : T(0);
      case UnaryOp::kClip: {
        double v = static_cast<double>(x);
        return v < p.lo ? T(p.lo) : (v > p.hi ? T(p.hi) : x);
      }
      case UnaryOp::kShrink: {
        double v = static_cast<double>(x);
        return T(v < -p.alpha ? v + p.beta : (v > p.alpha ? v - p.beta : 0.0));
      }
      default:
        return x;
    }
  }
}

template <typename T, typename I>
__global__ void UnaryKernel(UnaryOp op, const T* __restrict__ in, T* __restrict__ out, I n,
                            UnaryParams p) {
  for (I i = blockIdx.x * static_cast<I>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<I>(blockDim.x) * gridDim.x) {
    out[i] = ApplyUnary<T>(op, in[i], p);
  }
}

template <typename T>
__global__ void PredicateKernel(UnaryOp op, const T* __restrict__ in, bool* __restrict__ out,
                                int64_t n, UnaryParams p) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    T x = in[i];
    bool r;
    if (op == UnaryOp::kIsNaN) {
      r = isnan(x);
    } else {
      r = isinf(x) && ((x > T(0) && p.detect_positive) || (x < T(0) && p.detect_negative));
    }
    out[i] = r;
  }
}

__global__ void NotKernel(const bool* __restrict__ in, bool* __restrict__ out, int64_t n) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    out[i] = !in[i];
  }
}

// ---- binary ----

template <typename T>
__device__ T ApplyArith(BinaryOp op, T a, T b) {
  switch (op) {
    case BinaryOp::kAdd:
      return a + b;
    case BinaryOp::kSub:
      return a - b;
    case BinaryOp::kMul:
      return a * b;
    case BinaryOp::kDiv:
      if constexpr (std::is_integral_v<T>) return b == T(0) ? T(0) : T(a / b);
      return a / b;
    case BinaryOp::kPow:
      if constexpr (std::is_floating_point_v<T>) return pow(a, b);
      return T(pow(static_cast<double>(a), static_cast<double>(b)));
    case BinaryOp::kMod:  // sign of the divisor (Python)
      if constexpr (std::is_integral_v<T>) {
        if (b == T(0)) return T(0);
        T r = T(a % b);
        if (r != T(0) && ((r < T(0)) != (b < T(0)))) r = T(r + b);
        return r;
      } else {
        T r = fmod(a, b);
        if (r != T(0) && ((r < T(0)) != (b < T(0)))) r += b;
        return r;
      }
    case BinaryOp::kFmod:  // sign of the dividend (C)
      if constexpr (std::is_integral_v<T>) return b == T(0) ? T(0) : T(a % b);
      return fmod(a, b);
    case BinaryOp::kMax:
      if constexpr (std::is_floating_point_v<T>) {
        if (isnan(a) || isnan(b)) return a + b;
      }
      return a > b ? a : b;
    case BinaryOp::kMin:
      if constexpr (std::is_floating_point_v<T>) {
        if (isnan(a) || isnan(b)) return a + b;
      }
      return a < b ? a : b;
    case BinaryOp::kPRelu:
      return a < T(0) ? T(a * b) : a;
    default:
      return a;
  }
}

template <typename T>
__device__ bool ApplyCompare(BinaryOp op, T a, T b) {
  switch (op) {
    case BinaryOp::kEqual:
      return a == b;
    case BinaryOp::kLess:
      return a < b;
    case BinaryOp::kGreater:
      return a > b;
    case BinaryOp::kLessOrEqual:
      return a <= b;
    case BinaryOp::kGreaterOrEqual:
      return a >= b;
    case BinaryOp::kAnd:
      return static_cast<bool>(a) && static_cast<bool>(b);
    case BinaryOp::kOr:
      return static_cast<bool>(a) || static_cast<bool>(b);
    case BinaryOp::kXor:
      return static_cast<bool>(a) != static_cast<bool>(b);
    default:
      return false;
  }
}

// Offsets of output element i in up to three operands.
template <typename I, int kOperands>
__device__ void Offsets(I i, const Broadcast& s, I (&off)[3]) {
  for (int k = 0; k < kOperands; ++k) off[k] = 0;
  for (int d = s.rank - 1; d >= 0; --d) {
    const I dim = static_cast<I>(s.dims[d]);
    const I c = i % dim;
    i /= dim;
    for (int k = 0; k < kOperands; ++k) off[k] += c * static_cast<I>(s.strides[k][d]);
  }
}

template <typename T, typename O, typename I, int kMode>  // 0 same shape, 1 b scalar, 2 general
__global__ void BinaryKernel(BinaryOp op, const T* __restrict__ a, const T* __restrict__ b,
                             O* __restrict__ out, I n, Broadcast s) {
  const bool compare = IsComparison(op);
  for (I i = blockIdx.x * static_cast<I>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<I>(blockDim.x) * gridDim.x) {
    T x, y;
    if constexpr (kMode == 0) {
      x = a[i];
      y = b[i];
    } else if constexpr (kMode == 1) {
      x = a[i];
      y = b[0];
    } else {
      I off[3];
      Offsets<I, 2>(i, s, off);
      x = a[off[0]];
      y = b[off[1]];
    }
    if constexpr (std::is_same_v<O, bool>) {
      out[i] = compare ? ApplyCompare<T>(op, x, y) : false;
    } else {
      out[i] = ApplyArith<T>(op, x, y);
    }
  }
}

template <typename T, typename O, typename I>
void LaunchBinaryTyped(BinaryOp op, const void* a, const void* b, void* out, int64_t n,
                       const Broadcast* shape, bool b_scalar, cudaStream_t stream) {
  const auto* ta = static_cast<const T*>(a);
  const auto* tb = static_cast<const T*>(b);
  auto* to = static_cast<O*>(out);
  Broadcast s = shape != nullptr ? *shape : Broadcast();
  if (shape != nullptr) {
    BinaryKernel<T, O, I, 2><<<Blocks(n), kBlock, 0, stream>>>(op, ta, tb, to, I(n), s);
  } else if (b_scalar) {
    BinaryKernel<T, O, I, 1><<<Blocks(n), kBlock, 0, stream>>>(op, ta, tb, to, I(n), s);
  } else {
    BinaryKernel<T, O, I, 0><<<Blocks(n), kBlock, 0, stream>>>(op, ta, tb, to, I(n), s);
  }
}

template <int kSize>
struct Bytes {
  using type = std::conditional_t<
      kSize == 1, uint8_t,
      std::conditional_t<kSize == 2, uint16_t, std::conditional_t<kSize == 4, uint32_t, uint64_t>>>;
};

template <typename T, typename I>
__global__ void WhereKernel(const bool* __restrict__ cond, const T* __restrict__ x,
                            const T* __restrict__ y, T* __restrict__ out, I n, Broadcast s) {
  for (I i = blockIdx.x * static_cast<I>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<I>(blockDim.x) * gridDim.x) {
    I off[3];
    Offsets<I, 3>(i, s, off);
    out[i] = cond[off[0]] ? x[off[1]] : y[off[2]];
  }
}

bool Fits32(int64_t n) { return n < (int64_t{1} << 31) - 1; }

}  // namespace

cudaError_t LaunchUnary(UnaryOp op, DType type, const void* in, void* out, int64_t n,
                        const UnaryParams& params, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  if (op == UnaryOp::kNot) {
    if (type != DType::kBool) return cudaErrorInvalidValue;
    NotKernel<<<Blocks(n), kBlock, 0, stream>>>(static_cast<const bool*>(in),
                                                static_cast<bool*>(out), n);
    return cudaGetLastError();
  }
  if (op == UnaryOp::kIsNaN || op == UnaryOp::kIsInf) {
    if (type == DType::kFloat32) {
      PredicateKernel<float><<<Blocks(n), kBlock, 0, stream>>>(op, static_cast<const float*>(in),
                                                               static_cast<bool*>(out), n, params);
    } else if (type == DType::kDouble) {
      PredicateKernel<double><<<Blocks(n), kBlock, 0, stream>>>(op, static_cast<const double*>(in),
                                                                static_cast<bool*>(out), n, params);
    } else {
      return cudaErrorInvalidValue;
    }
    return cudaGetLastError();
  }
  bool ok = DispatchNumeric(type, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      return;  // rejected below
    } else if (Fits32(n)) {
      UnaryKernel<T, int32_t><<<Blocks(n), kBlock, 0, stream>>>(
          op, static_cast<const T*>(in), static_cast<T*>(out), static_cast<int32_t>(n), params);
    } else {
      UnaryKernel<T, int64_t><<<Blocks(n), kBlock, 0, stream>>>(op, static_cast<const T*>(in),
                                                                static_cast<T*>(out), n, params);
    }
  });
  if (!ok || type == DType::kBool) return cudaErrorInvalidValue;
  return cudaGetLastError();
}

cudaError_t LaunchBinary(BinaryOp op, DType type, const void* a, const void* b, void* out,
                         int64_t n, const Broadcast* shape, bool b_scalar, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  const bool compare = IsComparison(op);
  bool ok = DispatchNumeric(type, [&](auto tag) {
    using T = decltype(tag);
    if (compare) {
      if (Fits32(n)) {
        LaunchBinaryTyped<T, bool, int32_t>(op, a, b, out, n, shape, b_scalar, stream);
      } else {
        LaunchBinaryTyped<T, bool, int64_t>(op, a, b, out, n, shape, b_scalar, stream);
      }
    } else if constexpr (!std::is_same_v<T, bool>) {
      if (Fits32(n)) {
        LaunchBinaryTyped<T, T, int32_t>(op, a, b, out, n, shape, b_scalar, stream);
      } else {
        LaunchBinaryTyped<T, T, int64_t>(op, a, b, out, n, shape, b_scalar, stream);
      }
    }
  });
  if (!ok || (!compare && type == DType::kBool)) return cudaErrorInvalidValue;
  return cudaGetLastError();
}

cudaError_t LaunchWhere(const bool* cond, const void* x, const void* y, void* out, int64_t n,
                        int elem_size, const Broadcast& shape, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  auto launch = [&](auto tag) {
    using T = decltype(tag);
    if (Fits32(n)) {
      WhereKernel<T, int32_t><<<Blocks(n), kBlock, 0, stream>>>(
          cond, static_cast<const T*>(x), static_cast<const T*>(y), static_cast<T*>(out),
          static_cast<int32_t>(n), shape);
    } else {
      WhereKernel<T, int64_t><<<Blocks(n), kBlock, 0, stream>>>(
          cond, static_cast<const T*>(x), static_cast<const T*>(y), static_cast<T*>(out), n, shape);
    }
  };
  switch (elem_size) {
    case 1:
      launch(uint8_t{});
      break;
    case 2:
      launch(uint16_t{});
      break;
    case 4:
      launch(uint32_t{});
      break;
    case 8:
      launch(uint64_t{});
      break;
    default:
      return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

}  // namespace voxface::nn::cuda
