// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the .cu files: grid sizing, the grid-stride loop and dispatch over the
// element types. Device code only; the ops (*.cc) never include this.
#ifndef VOXFACE_SRC_NN_CUDA_DEVICE_UTIL_CUH_
#define VOXFACE_SRC_NN_CUDA_DEVICE_UTIL_CUH_

#include <cstdint>

#include "nn/cuda/launch.h"

namespace voxface::nn::cuda {

inline constexpr int kBlock = 256;

// Blocks for n elements at `block` threads each; capped so that a grid-stride loop covers the
// rest (a grid of millions of blocks only adds scheduling cost).
inline unsigned Blocks(int64_t n, int block = kBlock) {
  int64_t b = (n + block - 1) / block;
  return static_cast<unsigned>(b < 1 ? 1 : (b > 65535 * 16 ? 65535 * 16 : b));
}

// Visits f(type-tag) for the C++ type of `t` among the numeric types; false if none matched.
template <typename F>
bool DispatchNumeric(DType t, F&& f) {
  switch (t) {
    case DType::kFloat32:
      f(float{});
      return true;
    case DType::kDouble:
      f(double{});
      return true;
    case DType::kInt64:
      f(int64_t{});
      return true;
    case DType::kInt32:
      f(int32_t{});
      return true;
    case DType::kInt8:
      f(int8_t{});
      return true;
    case DType::kUint8:
      f(uint8_t{});
      return true;
    case DType::kBool:
      f(bool{});
      return true;
    default:
      return false;
  }
}

}  // namespace voxface::nn::cuda

#define VF_GRID_LOOP(i, n)                                                               \
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < (n); \
       i += static_cast<int64_t>(blockDim.x) * gridDim.x)

#endif  // VOXFACE_SRC_NN_CUDA_DEVICE_UTIL_CUH_
