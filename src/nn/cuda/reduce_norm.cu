// SPDX-License-Identifier: Apache-2.0
// Reductions, arg-reductions, softmax and normalisation kernels (float32). Rows reduce in one
// block each (warp shuffles, then shared memory); strided reductions ([outer, r, inner] with
// inner > 1) give each output its own thread so reads stay coalesced across `inner`. Sums
// accumulate in double, as the CPU kernels do, so both backends agree closely.
#include <cfloat>
#include <cmath>
#include <cstdint>

#include "nn/cuda/device_util.cuh"
#include "nn/cuda/launch.h"

namespace voxface::nn::cuda {
namespace {

constexpr int kRowBlock = 256;

unsigned RowBlocks(int64_t rows) {
  return static_cast<unsigned>(rows < 1 ? 1 : (rows > 2147483647 ? 2147483647 : rows));
}

enum class Combine { kSum, kMax, kMin, kProd };

template <Combine kOp>
__device__ double Merge(double a, double b) {
  if constexpr (kOp == Combine::kSum) return a + b;
  if constexpr (kOp == Combine::kMax) return a > b ? a : b;
  if constexpr (kOp == Combine::kMin) return a < b ? a : b;
  return a * b;
}

// Reduces `v` over the block; every thread gets the result. `shared` holds 32 doubles.
template <Combine kOp>
__device__ double BlockReduce(double v, double* shared) {
  for (int o = 16; o > 0; o >>= 1) v = Merge<kOp>(v, __shfl_xor_sync(0xffffffffu, v, o));
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int warps = (blockDim.x + 31) / 32;
  __syncthreads();  // `shared` may still be read from a previous call
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  v = shared[0];
  for (int w = 1; w < warps; ++w) v = Merge<kOp>(v, shared[w]);
  return v;
}

__device__ double Identity(ReduceOp op) {
  switch (op) {
    case ReduceOp::kMax:
      return -INFINITY;
    case ReduceOp::kMin:
      return INFINITY;
    case ReduceOp::kProd:
      return 1.0;
    default:
      return 0.0;
  }
}

__device__ double Term(ReduceOp op, double x, double shift) {
  switch (op) {
    case ReduceOp::kL1:
      return fabs(x);
    case ReduceOp::kL2:
    case ReduceOp::kSumSquare:
      return x * x;
    case ReduceOp::kLogSumExp:
      return exp(x - shift);
    default:
      return x;
  }
}

__device__ float Finish(ReduceOp op, double acc, int64_t r, double shift) {
  switch (op) {
    case ReduceOp::kMean:
      return static_cast<float>(acc / static_cast<double>(r));
    case ReduceOp::kL2:
      return static_cast<float>(sqrt(acc));
    case ReduceOp::kLogSum:
      return static_cast<float>(log(acc));
    case ReduceOp::kLogSumExp:
      return static_cast<float>(log(acc) + shift);
    default:
      return static_cast<float>(acc);
  }
}

__global__ void ReduceRowsKernel(ReduceOp op, const float* __restrict__ in, float* __restrict__ out,
                                 int64_t rows, int64_t r) {
  __shared__ double shared[32];
  for (int64_t row = blockIdx.x; row < rows; row += gridDim.x) {
    const float* x = in + row * r;
    double shift = 0.0;
    if (op == ReduceOp::kLogSumExp) {
      double m = -INFINITY;
      for (int64_t i = threadIdx.x; i < r; i += blockDim.x) m = fmax(m, static_cast<double>(x[i]));
      shift = BlockReduce<Combine::kMax>(m, shared);
      if (isinf(shift)) shift = 0.0;
    }
    double acc = Identity(op);
    for (int64_t i = threadIdx.x; i < r; i += blockDim.x) {
      const double t = Term(op, x[i], shift);
      if (op == ReduceOp::kMax)
        acc = fmax(acc, t);
      else if (op == ReduceOp::kMin)
        acc = fmin(acc, t);
      else if (op == ReduceOp::kProd)
        acc *= t;
      else
        acc += t;
    }
    if (op == ReduceOp::kMax)
      acc = BlockReduce<Combine::kMax>(acc, shared);
    else if (op == ReduceOp::kMin)
      acc = BlockReduce<Combine::kMin>(acc, shared);
    else if (op == ReduceOp::kProd)
      acc = BlockReduce<Combine::kProd>(acc, shared);
    else
      acc = BlockReduce<Combine::kSum>(acc, shared);
    if (threadIdx.x == 0) out[row] = Finish(op, acc, r, shift);
  }
}

__global__ void ReduceStridedKernel(ReduceOp op, const float* __restrict__ in,
                                    float* __restrict__ out, int64_t outer, int64_t r,
                                    int64_t inner) {
  const int64_t n = outer * inner;
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    const float* x = in + (i / inner) * r * inner + i % inner;
    double shift = 0.0;
    if (op == ReduceOp::kLogSumExp) {
      double m = -INFINITY;
      for (int64_t k = 0; k < r; ++k) m = fmax(m, static_cast<double>(x[k * inner]));
      shift = isinf(m) ? 0.0 : m;
    }
    double acc = Identity(op);
    for (int64_t k = 0; k < r; ++k) {
      const double t = Term(op, x[k * inner], shift);
      if (op == ReduceOp::kMax)
        acc = fmax(acc, t);
      else if (op == ReduceOp::kMin)
        acc = fmin(acc, t);
      else if (op == ReduceOp::kProd)
        acc *= t;
      else
        acc += t;
    }
    out[i] = Finish(op, acc, r, shift);
  }
}

__global__ void ArgKernel(bool is_max, bool select_last, const float* __restrict__ in,
                          int64_t* __restrict__ out, int64_t outer, int64_t r, int64_t inner) {
  const int64_t n = outer * inner;
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    const float* x = in + (i / inner) * r * inner + i % inner;
    int64_t best = 0;
    float bv = r > 0 ? x[0] : 0.0f;
    for (int64_t k = 1; k < r; ++k) {
      const float v = x[k * inner];
      const bool better =
          is_max ? (select_last ? v >= bv : v > bv) : (select_last ? v <= bv : v < bv);
      if (better) {
        bv = v;
        best = k;
      }
    }
    out[i] = best;
  }
}

__global__ void SoftmaxRowsKernel(int kind, const float* __restrict__ in, float* __restrict__ out,
                                  int64_t rows, int64_t n) {
  __shared__ double shared[32];
  for (int64_t row = blockIdx.x; row < rows; row += gridDim.x) {
    const float* x = in + row * n;
    float* y = out + row * n;
    double m = -INFINITY;
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x) m = fmax(m, static_cast<double>(x[i]));
    m = BlockReduce<Combine::kMax>(m, shared);
    if (kind == 2) {  // hardmax: 1 at the first maximum
      double first = static_cast<double>(n);
      for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
        if (static_cast<double>(x[i]) == m && static_cast<double>(i) < first) first = i;
      }
      first = BlockReduce<Combine::kMin>(first, shared);
      for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
        y[i] = static_cast<double>(i) == first ? 1.0f : 0.0f;
      }
      continue;
    }
    double sum = 0.0;
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x) sum += exp(static_cast<double>(x[i]) - m);
    sum = BlockReduce<Combine::kSum>(sum, shared);
    if (kind == 0) {
      const double inv = 1.0 / sum;
      for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
        y[i] = static_cast<float>(exp(static_cast<double>(x[i]) - m) * inv);
      }
    } else {
      const double lse = log(sum) + m;
      for (int64_t i = threadIdx.x; i < n; i += blockDim.x) {
        y[i] = static_cast<float>(static_cast<double>(x[i]) - lse);
      }
    }
  }
}

__global__ void SoftmaxStridedKernel(int kind, const float* __restrict__ in,
                                     float* __restrict__ out, int64_t outer, int64_t n,
                                     int64_t inner) {
  const int64_t total = outer * inner;
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    const int64_t base = (i / inner) * n * inner + i % inner;
    const float* x = in + base;
    float* y = out + base;
    double m = -INFINITY;
    int64_t first = 0;
    for (int64_t k = 0; k < n; ++k) {
      if (x[k * inner] > m) {
        m = x[k * inner];
        first = k;
      }
    }
    if (kind == 2) {
      for (int64_t k = 0; k < n; ++k) y[k * inner] = k == first ? 1.0f : 0.0f;
      continue;
    }
    double sum = 0.0;
    for (int64_t k = 0; k < n; ++k) sum += exp(static_cast<double>(x[k * inner]) - m);
    const double lse = log(sum) + m;
    for (int64_t k = 0; k < n; ++k) {
      const double v = static_cast<double>(x[k * inner]);
      y[k * inner] = static_cast<float>(kind == 0 ? exp(v - m) / sum : v - lse);
    }
  }
}

// One row per block: mean, then variance around it (two passes over a row that stays in cache),
// then the normalised, scaled output. `channels` > 0: scale/bias index row % channels
// (InstanceNorm); otherwise they index the column (LayerNorm).
__global__ void NormRowsKernel(const float* __restrict__ in, const float* __restrict__ scale,
                               const float* __restrict__ bias, float* __restrict__ out,
                               int64_t rows, int64_t cols, float epsilon, int64_t channels,
                               float* __restrict__ mean_out, float* __restrict__ inv_std_out) {
  __shared__ double shared[32];
  for (int64_t row = blockIdx.x; row < rows; row += gridDim.x) {
    const float* x = in + row * cols;
    float* y = out + row * cols;
    double sum = 0.0;
    for (int64_t i = threadIdx.x; i < cols; i += blockDim.x) sum += x[i];
    const double mean = BlockReduce<Combine::kSum>(sum, shared) / static_cast<double>(cols);
    double sq = 0.0;
    for (int64_t i = threadIdx.x; i < cols; i += blockDim.x) {
      const double d = x[i] - mean;
      sq += d * d;
    }
    const double var = BlockReduce<Combine::kSum>(sq, shared) / static_cast<double>(cols);
    const float inv_std = static_cast<float>(1.0 / sqrt(var + static_cast<double>(epsilon)));
    const float m = static_cast<float>(mean);
    if (channels > 0) {
      const int64_t c = row % channels;
      const float s = scale[c] * inv_std;
      const float b = bias != nullptr ? bias[c] : 0.0f;
      for (int64_t i = threadIdx.x; i < cols; i += blockDim.x) y[i] = (x[i] - m) * s + b;
    } else {
      for (int64_t i = threadIdx.x; i < cols; i += blockDim.x) {
        y[i] = (x[i] - m) * inv_std * scale[i] + (bias != nullptr ? bias[i] : 0.0f);
      }
    }
    if (threadIdx.x == 0) {
      if (mean_out != nullptr) mean_out[row] = m;
      if (inv_std_out != nullptr) inv_std_out[row] = inv_std;
    }
  }
}

__global__ void BatchNormKernel(const float* __restrict__ in, const float* __restrict__ scale,
                                const float* __restrict__ bias, const float* __restrict__ mean,
                                const float* __restrict__ var, float* __restrict__ out,
                                int64_t total, int64_t c, int64_t spatial, float epsilon) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    const int64_t ch = (i / spatial) % c;
    out[i] = (in[i] - mean[ch]) * (scale[ch] / sqrtf(var[ch] + epsilon)) + bias[ch];
  }
}

__global__ void ChannelBiasKernel(float* __restrict__ y, const float* __restrict__ bias,
                                  int64_t total, int64_t c, int64_t spatial) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<int64_t>(blockDim.x) * gridDim.x) {
    y[i] += bias[(i / spatial) % c];
  }
}

int RowThreads(int64_t cols) {
  if (cols <= 32) return 32;
  if (cols <= 128) return 64;
  if (cols <= 512) return 128;
  return kRowBlock;
}

}  // namespace

cudaError_t LaunchReduce(ReduceOp op, const float* in, float* out, int64_t outer, int64_t r,
                         int64_t inner, cudaStream_t stream) {
  if (outer * inner <= 0) return cudaSuccess;
  if (inner == 1 && r >= 64) {
    ReduceRowsKernel<<<RowBlocks(outer), RowThreads(r), 0, stream>>>(op, in, out, outer, r);
  } else {
    ReduceStridedKernel<<<Blocks(outer * inner), 256, 0, stream>>>(op, in, out, outer, r, inner);
  }
  return cudaGetLastError();
}

cudaError_t LaunchArgReduce(bool is_max, bool select_last, const float* in, int64_t* out,
                            int64_t outer, int64_t r, int64_t inner, cudaStream_t stream) {
  if (outer * inner <= 0) return cudaSuccess;
  ArgKernel<<<Blocks(outer * inner), 256, 0, stream>>>(is_max, select_last, in, out, outer, r,
                                                       inner);
  return cudaGetLastError();
}

cudaError_t LaunchSoftmax(int kind, const float* in, float* out, int64_t outer, int64_t n,
                          int64_t inner, cudaStream_t stream) {
  if (outer * n * inner <= 0) return cudaSuccess;
  if (inner == 1) {
    SoftmaxRowsKernel<<<RowBlocks(outer), RowThreads(n), 0, stream>>>(kind, in, out, outer, n);
  } else {
    SoftmaxStridedKernel<<<Blocks(outer * inner), 256, 0, stream>>>(kind, in, out, outer, n, inner);
  }
  return cudaGetLastError();
}

cudaError_t LaunchLayerNorm(const float* in, const float* scale, const float* bias, float* out,
                            int64_t rows, int64_t cols, float epsilon, float* mean, float* inv_std,
                            cudaStream_t stream) {
  if (rows <= 0 || cols <= 0) return cudaSuccess;
  NormRowsKernel<<<RowBlocks(rows), RowThreads(cols), 0, stream>>>(in, scale, bias, out, rows, cols,
                                                                   epsilon, 0, mean, inv_std);
  return cudaGetLastError();
}

cudaError_t LaunchInstanceNorm(const float* in, const float* scale, const float* bias, float* out,
                               int64_t n, int64_t c, int64_t spatial, float epsilon,
                               cudaStream_t stream) {
  if (n * c <= 0 || spatial <= 0) return cudaSuccess;
  NormRowsKernel<<<RowBlocks(n * c), RowThreads(spatial), 0, stream>>>(
      in, scale, bias, out, n * c, spatial, epsilon, c, nullptr, nullptr);
  return cudaGetLastError();
}

cudaError_t LaunchBatchNorm(const float* in, const float* scale, const float* bias,
                            const float* mean, const float* var, float* out, int64_t n, int64_t c,
                            int64_t spatial, float epsilon, cudaStream_t stream) {
  const int64_t total = n * c * spatial;
  if (total <= 0) return cudaSuccess;
  BatchNormKernel<<<Blocks(total), 256, 0, stream>>>(in, scale, bias, mean, var, out, total, c,
                                                     spatial, epsilon);
  return cudaGetLastError();
}

cudaError_t LaunchAddChannelBias(float* y, const float* bias, int64_t n, int64_t c, int64_t spatial,
                                 cudaStream_t stream) {
  const int64_t total = n * c * spatial;
  if (total <= 0) return cudaSuccess;
  ChannelBiasKernel<<<Blocks(total), 256, 0, stream>>>(y, bias, total, c, spatial);
  return cudaGetLastError();
}

}  // namespace voxface::nn::cuda
