// SPDX-License-Identifier: Apache-2.0
// Cast between the element types, fills (ConstantOfShape) and ranges.
#include <cuda_fp16.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "nn/cuda/device_util.cuh"
#include "nn/cuda/launch.h"

namespace voxface::nn::cuda {
namespace {

// ---- cast ----

template <typename D, typename S>
__device__ D Convert(S v) {
  if constexpr (std::is_same_v<D, bool>) {
    return v != S(0);
  } else if constexpr (std::is_floating_point_v<S> && std::is_integral_v<D>) {
    // Through int64, saturating, NaN to 0 (the CPU kernel's numpy-like rule).
    if (isnan(v)) return D(0);
    const double d = static_cast<double>(v);
    const double kMax = 9.2233720368547748e18;
    int64_t i = d >= kMax ? INT64_MAX : (d <= -kMax ? INT64_MIN : static_cast<int64_t>(d));
    return static_cast<D>(i);
  } else {
    return static_cast<D>(v);
  }
}

template <typename D, typename S>
__global__ void CastKernel(const S* __restrict__ in, D* __restrict__ out, int64_t n,
                           bool round_to_half) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    D v = Convert<D>(in[i]);
    if constexpr (std::is_same_v<D, float>) {
      if (round_to_half) v = __half2float(__float2half_rn(v));
    }
    out[i] = v;
  }
}

template <typename T>
__global__ void FillKernel(T* __restrict__ out, int64_t n, T value) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    out[i] = value;
  }
}

template <typename T>
__global__ void RangeKernel(T* __restrict__ out, int64_t n, double start, double delta,
                            int64_t istart, int64_t idelta) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    if constexpr (std::is_integral_v<T>) {
      out[i] = static_cast<T>(istart + i * idelta);
    } else {
      out[i] = static_cast<T>(start + static_cast<double>(i) * delta);
    }
  }
}

}  // namespace

cudaError_t LaunchCast(DType from, DType to, const void* in, void* out, int64_t n,
                       bool round_to_half, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  bool ok = false;
  DispatchNumeric(from, [&](auto stag) {
    using S = decltype(stag);
    ok = DispatchNumeric(to, [&](auto dtag) {
      using D = decltype(dtag);
      CastKernel<D, S><<<Blocks(n), kBlock, 0, stream>>>(static_cast<const S*>(in),
                                                         static_cast<D*>(out), n, round_to_half);
    });
  });
  if (!ok) return cudaErrorInvalidValue;
  return cudaGetLastError();
}

cudaError_t LaunchFill(void* out, int64_t n, int elem_size, uint64_t value, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  switch (elem_size) {
    case 1:
      FillKernel<<<Blocks(n), kBlock, 0, stream>>>(static_cast<uint8_t*>(out), n,
                                                   static_cast<uint8_t>(value));
      break;
    case 2:
      FillKernel<<<Blocks(n), kBlock, 0, stream>>>(static_cast<uint16_t*>(out), n,
                                                   static_cast<uint16_t>(value));
      break;
    case 4:
      FillKernel<<<Blocks(n), kBlock, 0, stream>>>(static_cast<uint32_t*>(out), n,
                                                   static_cast<uint32_t>(value));
      break;
    case 8:
      FillKernel<<<Blocks(n), kBlock, 0, stream>>>(static_cast<uint64_t*>(out), n, value);
      break;
    default:
      return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

cudaError_t LaunchRange(DType type, double start, double delta, int64_t istart, int64_t idelta,
                        void* out, int64_t n, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  bool ok = DispatchNumeric(type, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (!std::is_same_v<T, bool>) {
      RangeKernel<T>
          <<<Blocks(n), kBlock, 0, stream>>>(static_cast<T*>(out), n, start, delta, istart, idelta);
    }
  });
  if (!ok || type == DType::kBool) return cudaErrorInvalidValue;
  return cudaGetLastError();
}

}  // namespace voxface::nn::cuda
