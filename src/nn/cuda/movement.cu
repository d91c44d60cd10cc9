// SPDX-License-Identifier: Apache-2.0
// Data-movement kernels: strided index-map copies (Transpose, Slice, Expand, Tile), Gather and
// its Elements/ND variants, ScatterND/ScatterElements and Pad. They move elements as opaque
// 1/2/4/8-byte words, so one instantiation serves every type of that size.
#include <cstdint>
#include <type_traits>

#include "nn/cuda/device_util.cuh"
#include "nn/cuda/launch.h"

namespace voxface::nn::cuda {
namespace {

// Calls f(word) with an unsigned type of `size` bytes; false for other sizes.
template <typename F>
bool DispatchSize(int size, F&& f) {
  switch (size) {
    case 1:
      f(uint8_t{});
      return true;
    case 2:
      f(uint16_t{});
      return true;
    case 4:
      f(uint32_t{});
      return true;
    case 8:
      f(uint64_t{});
      return true;
    default:
      return false;
  }
}

template <typename T, typename I>
__global__ void IndexCopyKernel(const T* __restrict__ in, T* __restrict__ out, I n, IndexMap m) {
  for (I i = blockIdx.x * static_cast<I>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<I>(blockDim.x) * gridDim.x) {
    I rem = i;
    int64_t off = m.offset;
    for (int d = m.rank - 1; d >= 0; --d) {
      const I dim = static_cast<I>(m.dims[d]);
      I c = rem % dim;
      rem /= dim;
      if (m.mod[d] > 0) c %= static_cast<I>(m.mod[d]);
      off += static_cast<int64_t>(c) * m.strides[d];
    }
    out[i] = in[off];
  }
}

template <typename T, typename Idx>
__global__ void GatherKernel(const T* __restrict__ data, const Idx* __restrict__ indices,
                             T* __restrict__ out, int64_t outer, int64_t axis_dim, int64_t inner,
                             int64_t num_indices) {
  const int64_t n = outer * num_indices * inner;
  VF_GRID_LOOP(i, n) {
    const int64_t k = i % inner;
    const int64_t j = (i / inner) % num_indices;
    const int64_t o = i / (inner * num_indices);
    int64_t idx = static_cast<int64_t>(indices[j]);
    if (idx < 0) idx += axis_dim;
    // Out-of-range indices read zeros instead of faulting (the CPU kernel reports them).
    out[i] = idx >= 0 && idx < axis_dim ? data[(o * axis_dim + idx) * inner + k] : T(0);
  }
}

struct ElementsParams {
  int rank;
  int64_t dims[kMaxRank];     // the indices' dims
  int64_t strides[kMaxRank];  // the data's strides
  int axis;
  int64_t axis_dim;
};

template <typename T>
__device__ void Combine(T* p, T v, int reduction) {
  if constexpr (std::is_same_v<T, float>) {
    switch (reduction) {
      case 1:
        atomicAdd(p, v);
        return;
      case 2: {
        auto* word = reinterpret_cast<unsigned int*>(p);
        unsigned int old = *word, assumed;
        do {
          assumed = old;
          old = atomicCAS(word, assumed, __float_as_uint(__uint_as_float(assumed) * v));
        } while (assumed != old);
        return;
      }
      case 3: {
        auto* word = reinterpret_cast<unsigned int*>(p);
        unsigned int old = *word, assumed;
        do {
          assumed = old;
          float cur = __uint_as_float(assumed);
          if (cur >= v) return;
          old = atomicCAS(word, assumed, __float_as_uint(v));
        } while (assumed != old);
        return;
      }
      case 4: {
        auto* word = reinterpret_cast<unsigned int*>(p);
        unsigned int old = *word, assumed;
        do {
          assumed = old;
          float cur = __uint_as_float(assumed);
          if (cur <= v) return;
          old = atomicCAS(word, assumed, __float_as_uint(v));
        } while (assumed != old);
        return;
      }
      default:
        break;
    }
  }
  *p = v;
}

template <typename T, typename Idx, typename V>
__global__ void ElementsKernel(bool scatter, const V* __restrict__ src,
                               const Idx* __restrict__ indices, V* __restrict__ out, int64_t n,
                               ElementsParams p, int reduction) {
  VF_GRID_LOOP(i, n) {
    int64_t rem = i, off = 0;
    int64_t axis_coord = 0;
    for (int d = p.rank - 1; d >= 0; --d) {
      const int64_t c = rem % p.dims[d];
      rem /= p.dims[d];
      if (d == p.axis) {
        axis_coord = c;
      } else {
        off += c * p.strides[d];
      }
    }
    (void)axis_coord;
    int64_t idx = static_cast<int64_t>(indices[i]);
    if (idx < 0) idx += p.axis_dim;
    if (idx < 0 || idx >= p.axis_dim) {
      if (!scatter) out[i] = V(0);
      continue;
    }
    off += idx * p.strides[p.axis];
    if (scatter) {
      if constexpr (std::is_same_v<T, float>) {
        Combine<float>(reinterpret_cast<float*>(out) + off, reinterpret_cast<const float*>(src)[i],
                       reduction);
      } else {
        out[off] = src[i];
      }
    } else {
      out[i] = src[off];
    }
  }
}

struct NdParams {
  int k;
  int64_t dims[kMaxRank];
  int64_t strides[kMaxRank];
};

template <typename V, bool kFloat>
__global__ void ScatterNdKernel(V* __restrict__ out, const int64_t* __restrict__ indices,
                                const V* __restrict__ updates, int64_t num_updates,
                                int64_t slice_size, NdParams p, int reduction) {
  const int64_t n = num_updates * slice_size;
  VF_GRID_LOOP(i, n) {
    const int64_t u = i / slice_size;
    const int64_t e = i % slice_size;
    int64_t off = 0;
    bool valid = true;
    for (int d = 0; d < p.k; ++d) {
      int64_t idx = indices[u * p.k + d];
      if (idx < 0) idx += p.dims[d];
      valid = valid && idx >= 0 && idx < p.dims[d];
      off += idx * p.strides[d];
    }
    if (!valid) continue;
    if constexpr (kFloat) {
      Combine<float>(reinterpret_cast<float*>(out) + off + e,
                     reinterpret_cast<const float*>(updates)[i], reduction);
    } else {
      out[off + e] = updates[i];
    }
  }
}

template <typename V>
__global__ void GatherNdKernel(const V* __restrict__ data, const int64_t* __restrict__ indices,
                               V* __restrict__ out, int64_t num_slices, int64_t slice_size,
                               NdParams p, int64_t tuples_per_batch, int64_t batch_stride) {
  const int64_t n = num_slices * slice_size;
  VF_GRID_LOOP(i, n) {
    const int64_t u = i / slice_size;
    const int64_t e = i % slice_size;
    int64_t off = (u / tuples_per_batch) * batch_stride;
    bool valid = true;
    for (int d = 0; d < p.k; ++d) {
      int64_t idx = indices[u * p.k + d];
      if (idx < 0) idx += p.dims[d];
      valid = valid && idx >= 0 && idx < p.dims[d];
      off += idx * p.strides[d];
    }
    out[i] = valid ? data[off + e] : V(0);
  }
}

struct PadParams {
  int rank;
  int64_t in_dims[kMaxRank];
  int64_t out_dims[kMaxRank];
  int64_t pad_begin[kMaxRank];
};

template <typename V>
__global__ void PadKernel(const V* __restrict__ in, V* __restrict__ out, int64_t n, PadParams p,
                          int mode, V value) {
  VF_GRID_LOOP(i, n) {
    int64_t rem = i, off = 0, stride = 1;
    bool inside = true;
    for (int d = p.rank - 1; d >= 0; --d) {
      const int64_t dim = p.in_dims[d];
      int64_t c = rem % p.out_dims[d] - p.pad_begin[d];
      rem /= p.out_dims[d];
      if (c < 0 || c >= dim) {
        if (mode == 0 || dim == 0) {
          inside = false;
        } else if (mode == 1) {  // reflect (the edge element is not repeated)
          const int64_t period = 2 * (dim - 1);
          if (period == 0) {
            c = 0;
          } else {
            c = ((c % period) + period) % period;
            if (c >= dim) c = period - c;
          }
        } else if (mode == 2) {  // edge
          c = c < 0 ? 0 : dim - 1;
        } else {  // wrap
          c = ((c % dim) + dim) % dim;
        }
      }
      off += c * stride;
      stride *= dim;
    }
    out[i] = inside ? in[off] : value;
  }
}

template <typename V>
__global__ void TriluKernel(const V* __restrict__ in, V* __restrict__ out, int64_t n, int64_t rows,
                            int64_t cols, int64_t k, bool upper) {
  VF_GRID_LOOP(i, n) {
    const int64_t j = i % cols;
    const int64_t r = (i / cols) % rows;
    const bool keep = upper ? j - r >= k : j - r <= k;
    out[i] = keep ? in[i] : V(0);
  }
}

template <typename V>
__global__ void EyeKernel(V* __restrict__ out, int64_t rows, int64_t cols, int64_t k, V one) {
  VF_GRID_LOOP(i, rows * cols) { out[i] = (i % cols) - (i / cols) == k ? one : V(0); }
}

template <typename T>
__global__ void CumSumKernel(const T* __restrict__ in, T* __restrict__ out, int64_t outer,
                             int64_t n, int64_t inner, bool exclusive, bool reverse) {
  VF_GRID_LOOP(i, outer * inner) {
    const int64_t base = (i / inner) * n * inner + i % inner;
    T acc = T(0);
    for (int64_t s = 0; s < n; ++s) {
      const int64_t k = reverse ? n - 1 - s : s;
      const T v = in[base + k * inner];
      if (exclusive) {
        out[base + k * inner] = acc;
        acc += v;
      } else {
        acc += v;
        out[base + k * inner] = acc;
      }
    }
  }
}

}  // namespace

cudaError_t LaunchTrilu(const void* in, void* out, int64_t batch, int64_t rows, int64_t cols,
                        int64_t k, bool upper, int elem_size, cudaStream_t stream) {
  const int64_t n = batch * rows * cols;
  if (n <= 0) return cudaSuccess;
  bool ok = DispatchSize(elem_size, [&](auto tag) {
    using V = decltype(tag);
    TriluKernel<V><<<Blocks(n), kBlock, 0, stream>>>(static_cast<const V*>(in),
                                                     static_cast<V*>(out), n, rows, cols, k, upper);
  });
  return ok ? cudaGetLastError() : cudaErrorInvalidValue;
}

cudaError_t LaunchEye(void* out, int64_t rows, int64_t cols, int64_t k, int elem_size, uint64_t one,
                      cudaStream_t stream) {
  if (rows * cols <= 0) return cudaSuccess;
  bool ok = DispatchSize(elem_size, [&](auto tag) {
    using V = decltype(tag);
    EyeKernel<V><<<Blocks(rows * cols), kBlock, 0, stream>>>(static_cast<V*>(out), rows, cols, k,
                                                             static_cast<V>(one));
  });
  return ok ? cudaGetLastError() : cudaErrorInvalidValue;
}

cudaError_t LaunchCumSum(DType type, const void* in, void* out, int64_t outer, int64_t n,
                         int64_t inner, bool exclusive, bool reverse, cudaStream_t stream) {
  if (outer * inner <= 0) return cudaSuccess;
  auto launch = [&](auto tag) {
    using T = decltype(tag);
    CumSumKernel<T><<<Blocks(outer * inner), kBlock, 0, stream>>>(
        static_cast<const T*>(in), static_cast<T*>(out), outer, n, inner, exclusive, reverse);
  };
  switch (type) {
    case DType::kFloat32:
      launch(float{});
      break;
    case DType::kDouble:
      launch(double{});
      break;
    case DType::kInt32:
      launch(int32_t{});
      break;
    case DType::kInt64:
      launch(int64_t{});
      break;
    default:
      return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

cudaError_t LaunchIndexCopy(const void* in, void* out, int64_t n, int elem_size,
                            const IndexMap& map, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  bool ok = DispatchSize(elem_size, [&](auto tag) {
    using T = decltype(tag);
    if (n < (int64_t{1} << 31) - 1) {
      IndexCopyKernel<T, int32_t><<<Blocks(n), kBlock, 0, stream>>>(
          static_cast<const T*>(in), static_cast<T*>(out), static_cast<int32_t>(n), map);
    } else {
      IndexCopyKernel<T, int64_t><<<Blocks(n), kBlock, 0, stream>>>(static_cast<const T*>(in),
                                                                    static_cast<T*>(out), n, map);
    }
  });
  return ok ? cudaGetLastError() : cudaErrorInvalidValue;
}

cudaError_t LaunchGather(const void* data, const void* indices, bool indices64, void* out,
                         int64_t outer, int64_t axis_dim, int64_t inner, int64_t num_indices,
                         int elem_size, cudaStream_t stream) {
  const int64_t n = outer * num_indices * inner;
  if (n <= 0) return cudaSuccess;
  bool ok = DispatchSize(elem_size, [&](auto tag) {
    using T = decltype(tag);
    if (indices64) {
      GatherKernel<T, int64_t><<<Blocks(n), kBlock, 0, stream>>>(
          static_cast<const T*>(data), static_cast<const int64_t*>(indices), static_cast<T*>(out),
          outer, axis_dim, inner, num_indices);
    } else {
      GatherKernel<T, int32_t><<<Blocks(n), kBlock, 0, stream>>>(
          static_cast<const T*>(data), static_cast<const int32_t*>(indices), static_cast<T*>(out),
          outer, axis_dim, inner, num_indices);
    }
  });
  return ok ? cudaGetLastError() : cudaErrorInvalidValue;
}

cudaError_t LaunchGatherScatterElements(bool scatter, const void* src, const void* indices,
                                        bool indices64, void* out, int rank, const int64_t* dims,
                                        const int64_t* strides, int axis, int64_t axis_dim,
                                        int reduction, int elem_size, DType type,
                                        cudaStream_t stream) {
  ElementsParams p{};
  p.rank = rank;
  int64_t n = 1;
  for (int d = 0; d < rank; ++d) {
    p.dims[d] = dims[d];
    p.strides[d] = strides[d];
    n *= dims[d];
  }
  p.axis = axis;
  p.axis_dim = axis_dim;
  if (n <= 0) return cudaSuccess;
  const bool is_float = type == DType::kFloat32;
  bool ok = DispatchSize(elem_size, [&](auto tag) {
    using V = decltype(tag);
    auto launch = [&](auto ttag) {
      using T = decltype(ttag);
      if (indices64) {
        ElementsKernel<T, int64_t, V><<<Blocks(n), kBlock, 0, stream>>>(
            scatter, static_cast<const V*>(src), static_cast<const int64_t*>(indices),
            static_cast<V*>(out), n, p, reduction);
      } else {
        ElementsKernel<T, int32_t, V><<<Blocks(n), kBlock, 0, stream>>>(
            scatter, static_cast<const V*>(src), static_cast<const int32_t*>(indices),
            static_cast<V*>(out), n, p, reduction);
      }
    };
    if constexpr (sizeof(V) == 4) {
      if (is_float) {
        launch(float{});
        return;
      }
    }
    launch(V{});
  });
  return ok ? cudaGetLastError() : cudaErrorInvalidValue;
}

cudaError_t LaunchScatterND(void* out, const int64_t* indices, const void* updates,
                            int64_t num_updates, int k, int64_t slice_size, const int64_t* dims,
                            const int64_t* strides, int reduction, int elem_size, DType type,
                            cudaStream_t stream) {
  const int64_t n = num_updates * slice_size;
  if (n <= 0) return cudaSuccess;
  NdParams p{};
  p.k = k;
  for (int d = 0; d < k; ++d) {
    p.dims[d] = dims[d];
    p.strides[d] = strides[d];
  }
  const bool is_float = type == DType::kFloat32;
  bool ok = DispatchSize(elem_size, [&](auto tag) {
    using V = decltype(tag);
    if (is_float && reduction != 0) {
      ScatterNdKernel<V, true><<<Blocks(n), kBlock, 0, stream>>>(
          static_cast<V*>(out), indices, static_cast<const V*>(updates), num_updates, slice_size, p,
          reduction);
    } else {
      ScatterNdKernel<V, false><<<Blocks(n), kBlock, 0, stream>>>(
          static_cast<V*>(out), indices, static_cast<const V*>(updates), num_updates, slice_size, p,
          reduction);
    }
  });
  return ok ? cudaGetLastError() : cudaErrorInvalidValue;
}

cudaError_t LaunchGatherND(const void* data, const int64_t* indices, void* out, int64_t num_slices,
                           int k, int64_t slice_size, const int64_t* dims, const int64_t* strides,
                           int64_t tuples_per_batch, int64_t data_batch_stride, int elem_size,
                           cudaStream_t stream) {
  const int64_t n = num_slices * slice_size;
  if (n <= 0) return cudaSuccess;
  NdParams p{};
  p.k = k;
  for (int d = 0; d < k; ++d) {
    p.dims[d] = dims[d];
    p.strides[d] = strides[d];
  }
  bool ok = DispatchSize(elem_size, [&](auto tag) {
    using V = decltype(tag);
    GatherNdKernel<V><<<Blocks(n), kBlock, 0, stream>>>(
        static_cast<const V*>(data), indices, static_cast<V*>(out), num_slices, slice_size, p,
        tuples_per_batch < 1 ? 1 : tuples_per_batch, data_batch_stride);
  });
  return ok ? cudaGetLastError() : cudaErrorInvalidValue;
}

cudaError_t LaunchPad(const void* in, void* out, int64_t n, int elem_size, int rank,
                      const int64_t* in_dims, const int64_t* out_dims, const int64_t* pad_begin,
                      int mode, uint64_t value, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  PadParams p{};
  p.rank = rank;
  for (int d = 0; d < rank; ++d) {
    p.in_dims[d] = in_dims[d];
    p.out_dims[d] = out_dims[d];
    p.pad_begin[d] = pad_begin[d];
  }
  bool ok = DispatchSize(elem_size, [&](auto tag) {
    using V = decltype(tag);
    PadKernel<V><<<Blocks(n), kBlock, 0, stream>>>(static_cast<const V*>(in), static_cast<V*>(out),
                                                   n, p, mode, static_cast<V>(value));
  });
  return ok ? cudaGetLastError() : cudaErrorInvalidValue;
}

}  // namespace voxface::nn::cuda
