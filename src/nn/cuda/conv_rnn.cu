// SPDX-License-Identifier: Apache-2.0
// im2col for convolutions (the GEMM is cuBLAS's), pooling, and the fused per-step gate kernels
// of GRU, LSTM and RNN: after cuBLAS computes H R^T for a step, one kernel adds the biases,
// applies the gate activations and updates the state and Y for every (batch, unit) at once.
#include <cfloat>
#include <cmath>
#include <cstdint>

#include "nn/cuda/device_util.cuh"
#include "nn/cuda/launch.h"

namespace voxface::nn::cuda {
namespace {

// col[b][c, k...][o...]: each thread writes one element, consecutive threads consecutive output
// positions, so writes are coalesced and reads nearly so (stride apart).
__global__ void Im2colKernel(const float* __restrict__ x, int64_t x_batch_stride,
                             float* __restrict__ col, int64_t batch, ConvGeometry g,
                             int64_t kernel_size, int64_t out_size, int64_t in_size) {
  const int64_t rows = g.channels * kernel_size;
  const int64_t n = batch * rows * out_size;
  VF_GRID_LOOP(i, n) {
    const int64_t o = i % out_size;
    const int64_t row = (i / out_size) % rows;
    const int64_t b = i / (out_size * rows);
    const int64_t c = row / kernel_size;
    int64_t k = row % kernel_size;
    int64_t rem_o = o;
    int64_t offset = 0;
    bool inside = true;
    for (int d = g.spatial_rank - 1; d >= 0; --d) {
      const int64_t od = rem_o % g.out_dims[d];
      rem_o /= g.out_dims[d];
      const int64_t kd = k % g.kernel[d];
      k /= g.kernel[d];
      const int64_t pos = od * g.stride[d] - g.pad_begin[d] + kd * g.dilation[d];
      inside = inside && pos >= 0 && pos < g.in_dims[d];
      int64_t stride = 1;
      for (int e = d + 1; e < g.spatial_rank; ++e) stride *= g.in_dims[e];
      offset += pos * stride;
    }
    col[i] = inside ? x[b * x_batch_stride + c * in_size + offset] : 0.0f;
  }
}

__global__ void PoolKernel(int kind, const float* __restrict__ x, float* __restrict__ y,
                           int64_t planes, ConvGeometry g, int64_t out_size, int64_t in_size,
                           float p) {
  const int64_t n = planes * out_size;
  VF_GRID_LOOP(i, n) {
    const int64_t plane = i / out_size;
    int64_t rem = i % out_size;
    int64_t start[3], od[3];
    for (int d = g.spatial_rank - 1; d >= 0; --d) {
      od[d] = rem % g.out_dims[d];
      rem /= g.out_dims[d];
      start[d] = od[d] * g.stride[d] - g.pad_begin[d];
    }
    const float* xp = x + plane * in_size;
    double acc = kind == 0 ? -INFINITY : 0.0;
    int64_t count = 0, window = 0;
    const int64_t k0 = g.kernel[0], k1 = g.spatial_rank > 1 ? g.kernel[1] : 1,
                  k2 = g.spatial_rank > 2 ? g.kernel[2] : 1;
    for (int64_t a = 0; a < k0; ++a) {
      for (int64_t b = 0; b < k1; ++b) {
        for (int64_t c = 0; c < k2; ++c) {
          const int64_t ks[3] = {a, b, c};
          int64_t off = 0;
          bool inside = true, in_padded = true;
          for (int d = 0; d < g.spatial_rank; ++d) {
            const int64_t pos = start[d] + ks[d] * g.dilation[d];
            inside = inside && pos >= 0 && pos < g.in_dims[d];
            // count_include_pad counts the explicit padding, not positions past it (ceil_mode).
            in_padded = in_padded && pos < g.in_dims[d] + g.pad_end[d];
            off = off * g.in_dims[d] + pos;
          }
          if (in_padded) ++window;
          if (!inside) continue;
          const double v = xp[off];
          if (kind == 0) {
            acc = v > acc ? v : acc;
          } else if (kind == 3) {
            acc += pow(fabs(v), static_cast<double>(p));
          } else {
            acc += v;
          }
          ++count;
        }
      }
    }
    float out;
    if (kind == 0) {
      out = static_cast<float>(acc);
    } else if (kind == 1) {
      out = static_cast<float>(acc / static_cast<double>(window));
    } else if (kind == 2) {
      out = count > 0 ? static_cast<float>(acc / static_cast<double>(count)) : NAN;
    } else {
      out = static_cast<float>(pow(acc, 1.0 / static_cast<double>(p)));
    }
    y[i] = out;
  }
}

__device__ float Clip(float x, float clip) {
  return clip > 0.0f ? fminf(fmaxf(x, -clip), clip) : x;
}
__device__ float Sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }
__device__ float Tanh(float x) { return tanhf(x); }

__device__ float Bias(const float* b, int64_t i) { return b != nullptr ? b[i] : 0.0f; }

__global__ void GruLbrKernel(RnnStep s) {
  const int64_t n = s.batch * s.hidden;
  const int64_t h3 = 3 * s.hidden;
  VF_GRID_LOOP(i, n) {
    const int64_t b = i / s.hidden, j = i % s.hidden;
    const float* xw = s.xw + b * s.xw_batch_stride;
    const float* hr = s.hr + b * h3;
    const float xz = xw[j] + Bias(s.wb, j), xr = xw[s.hidden + j] + Bias(s.wb, s.hidden + j);
    const float xh = xw[2 * s.hidden + j] + Bias(s.wb, 2 * s.hidden + j);
    const float hz = hr[j] + Bias(s.rb, j), hrr = hr[s.hidden + j] + Bias(s.rb, s.hidden + j);
    const float hh = hr[2 * s.hidden + j] + Bias(s.rb, 2 * s.hidden + j);
    const float z = Sigmoid(Clip(xz + hz, s.clip));
    const float r = Sigmoid(Clip(xr + hrr, s.clip));
    const float c = Tanh(Clip(xh + r * hh, s.clip));
    const float h = (1.0f - z) * c + z * s.h[i];
    s.h[i] = h;
    if (s.y != nullptr) s.y[b * s.y_batch_stride + j] = h;
  }
}

// hr here holds h Rz^T and h Rr^T only: [batch, 2 * hidden].
__global__ void GruGatesKernel(RnnStep s, float* __restrict__ z_out, float* __restrict__ rh) {
  const int64_t n = s.batch * s.hidden;
  VF_GRID_LOOP(i, n) {
    const int64_t b = i / s.hidden, j = i % s.hidden;
    const float* xw = s.xw + b * s.xw_batch_stride;
    const float* hr = s.hr + b * 2 * s.hidden;
    const float z = Sigmoid(Clip(xw[j] + Bias(s.wb, j) + hr[j] + Bias(s.rb, j), s.clip));
    const float r = Sigmoid(Clip(
        xw[s.hidden + j] + Bias(s.wb, s.hidden + j) + hr[s.hidden + j] + Bias(s.rb, s.hidden + j),
        s.clip));
    z_out[i] = z;
    rh[i] = r * s.h[i];
  }
}

__global__ void GruOutputKernel(RnnStep s, const float* __restrict__ z_in,
                                const float* __restrict__ hh) {
  const int64_t n = s.batch * s.hidden;
  VF_GRID_LOOP(i, n) {
    const int64_t b = i / s.hidden, j = i % s.hidden;
    const float* xw = s.xw + b * s.xw_batch_stride;
    const float c = Tanh(Clip(
        xw[2 * s.hidden + j] + Bias(s.wb, 2 * s.hidden + j) + hh[i] + Bias(s.rb, 2 * s.hidden + j),
        s.clip));
    const float z = z_in[i];
    const float h = (1.0f - z) * c + z * s.h[i];
    s.h[i] = h;
    if (s.y != nullptr) s.y[b * s.y_batch_stride + j] = h;
  }
}

// ONNX gate order i, o, f, c; peepholes i, o, f.
__global__ void LstmKernel(RnnStep s) {
  const int64_t n = s.batch * s.hidden;
  const int64_t hd = s.hidden;
  VF_GRID_LOOP(idx, n) {
    const int64_t b = idx / hd, j = idx % hd;
    const float* xw = s.xw + b * s.xw_batch_stride;
    const float* hr = s.hr + b * 4 * hd;
    float pre[4];
    for (int g = 0; g < 4; ++g) {
      pre[g] = xw[g * hd + j] + hr[g * hd + j] + Bias(s.wb, g * hd + j) + Bias(s.rb, g * hd + j);
    }
    const float c_prev = s.c[idx];
    const float pi = s.peep != nullptr ? s.peep[j] : 0.0f;
    const float po = s.peep != nullptr ? s.peep[hd + j] : 0.0f;
    const float pf = s.peep != nullptr ? s.peep[2 * hd + j] : 0.0f;
    const float i_gate = Sigmoid(Clip(pre[0] + pi * c_prev, s.clip));
    const float f_gate = Sigmoid(Clip(pre[2] + pf * c_prev, s.clip));
    const float c_cand = Tanh(Clip(pre[3], s.clip));
    const float c = f_gate * c_prev + i_gate * c_cand;
    const float o_gate = Sigmoid(Clip(pre[1] + po * c, s.clip));
    const float h = o_gate * Tanh(c);
    s.c[idx] = c;
    s.h[idx] = h;
    if (s.y != nullptr) s.y[b * s.y_batch_stride + j] = h;
  }
}

__global__ void RnnKernel(RnnStep s) {
  const int64_t n = s.batch * s.hidden;
  VF_GRID_LOOP(i, n) {
    const int64_t b = i / s.hidden, j = i % s.hidden;
    const float pre =
        s.xw[b * s.xw_batch_stride + j] + s.hr[b * s.hidden + j] + Bias(s.wb, j) + Bias(s.rb, j);
    const float h = Tanh(Clip(pre, s.clip));
    s.h[i] = h;
    if (s.y != nullptr) s.y[b * s.y_batch_stride + j] = h;
  }
}

}  // namespace

cudaError_t LaunchIm2col(const float* x, int64_t x_batch_stride, float* col, int64_t batch,
                         const ConvGeometry& g, cudaStream_t stream) {
  int64_t kernel_size = 1, out_size = 1, in_size = 1;
  for (int d = 0; d < g.spatial_rank; ++d) {
    kernel_size *= g.kernel[d];
    out_size *= g.out_dims[d];
    in_size *= g.in_dims[d];
  }
  const int64_t n = batch * g.channels * kernel_size * out_size;
  if (n <= 0) return cudaSuccess;
  Im2colKernel<<<Blocks(n), 256, 0, stream>>>(x, x_batch_stride, col, batch, g, kernel_size,
                                              out_size, in_size);
  return cudaGetLastError();
}

cudaError_t LaunchPool(int kind, const float* x, float* y, int64_t planes, const ConvGeometry& g,
                       float p, cudaStream_t stream) {
  int64_t out_size = 1, in_size = 1;
  for (int d = 0; d < g.spatial_rank; ++d) {
    out_size *= g.out_dims[d];
    in_size *= g.in_dims[d];
  }
  if (planes * out_size <= 0) return cudaSuccess;
  PoolKernel<<<Blocks(planes * out_size), 256, 0, stream>>>(kind, x, y, planes, g, out_size,
                                                            in_size, p);
  return cudaGetLastError();
}

cudaError_t LaunchGruStepLinearBeforeReset(const RnnStep& s, cudaStream_t stream) {
  if (s.batch * s.hidden <= 0) return cudaSuccess;
  GruLbrKernel<<<Blocks(s.batch * s.hidden), 256, 0, stream>>>(s);
  return cudaGetLastError();
}

cudaError_t LaunchGruStepGates(const RnnStep& s, float* z, float* rh, cudaStream_t stream) {
  if (s.batch * s.hidden <= 0) return cudaSuccess;
  GruGatesKernel<<<Blocks(s.batch * s.hidden), 256, 0, stream>>>(s, z, rh);
  return cudaGetLastError();
}

cudaError_t LaunchGruStepOutput(const RnnStep& s, const float* z, const float* hh,
                                cudaStream_t stream) {
  if (s.batch * s.hidden <= 0) return cudaSuccess;
  GruOutputKernel<<<Blocks(s.batch * s.hidden), 256, 0, stream>>>(s, z, hh);
  return cudaGetLastError();
}

cudaError_t LaunchLstmStep(const RnnStep& s, cudaStream_t stream) {
  if (s.batch * s.hidden <= 0) return cudaSuccess;
  LstmKernel<<<Blocks(s.batch * s.hidden), 256, 0, stream>>>(s);
  return cudaGetLastError();
}

cudaError_t LaunchRnnStep(const RnnStep& s, cudaStream_t stream) {
  if (s.batch * s.hidden <= 0) return cudaSuccess;
  RnnKernel<<<Blocks(s.batch * s.hidden), 256, 0, stream>>>(s);
  return cudaGetLastError();
}

}  // namespace voxface::nn::cuda
