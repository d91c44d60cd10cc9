// SPDX-License-Identifier: Apache-2.0
#include "nn/ops/shape_util.h"

#include <algorithm>
#include <cstring>

#include "nn/ops/core_util.h"

namespace voxface::nn::core {
namespace {

template <typename T>
void CopyRows(const T* in, const std::vector<int64_t>& in_strides,
              const std::vector<std::vector<int64_t>>& maps, T fill, T* out, int64_t row_begin,
              int64_t row_end) {
  const int rank = static_cast<int>(maps.size());
  const int64_t inner = static_cast<int64_t>(maps[rank - 1].size());
  const std::vector<int64_t>& last = maps[rank - 1];
  bool contiguous = inner > 0 && last[0] >= 0;
  for (int64_t o = 1; contiguous && o < inner; ++o) contiguous = last[o] == last[0] + o;
  const int64_t last_stride = in_strides[rank - 1];
  contiguous = contiguous && last_stride == 1;
  // Every output column reads one input element (Expand along the last axis): a fill.
  bool repeated = inner > 1 && last[0] >= 0;
  for (int64_t o = 1; repeated && o < inner; ++o) repeated = last[o] == last[0];
  for (int64_t row = row_begin; row < row_end; ++row) {
    // Decompose the row index into the outer output coordinates.
    int64_t base = 0;
    bool filled = false;
    int64_t rem = row;
    for (int d = rank - 2; d >= 0; --d) {
      int64_t n = static_cast<int64_t>(maps[d].size());
      int64_t idx = rem % n;
      rem /= n;
      int64_t src = maps[d][idx];
      if (src < 0) {
        filled = true;
        break;
      }
      base += src * in_strides[d];
    }
    T* dst = out + row * inner;
    if (filled) {
      for (int64_t o = 0; o < inner; ++o) dst[o] = fill;
    } else if (contiguous) {
      std::memcpy(dst, in + base + last[0], static_cast<size_t>(inner) * sizeof(T));
    } else if (repeated) {
      std::fill(dst, dst + inner, in[base + last[0] * last_stride]);
    } else {
      for (int64_t o = 0; o < inner; ++o) {
        dst[o] = last[o] < 0 ? fill : in[base + last[o] * last_stride];
      }
    }
  }
}

}  // namespace

void CopyByDimMaps(KernelContext& ctx, const Tensor& in, const Shape& in_shape,
                   const std::vector<std::vector<int64_t>>& maps, const void* fill, Tensor* out) {
  if (out->size() == 0) return;
  if (maps.empty()) {  // rank 0
    std::memcpy(out->raw(), in.raw(), ElementSize(in.dtype()));
    return;
  }
  const std::vector<int64_t> strides = StridesOf(in_shape);
  const int64_t inner = static_cast<int64_t>(maps.back().size());
  const int64_t rows = out->size() / inner;
  DispatchBySize(in.dtype(), [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    T f{};
    if (fill != nullptr) std::memcpy(&f, fill, sizeof(T));
    const T* src = static_cast<const T*>(in.raw());
    T* dst = static_cast<T*>(out->raw());
    // Rows are split across threads when the whole copy is large.
    int64_t grain = std::max<int64_t>(1, kParallelThreshold / std::max<int64_t>(inner, 1));
    if (out->size() >= kParallelThreshold && ctx.pool().num_threads() > 1) {
      ctx.pool().ParallelFor(
          rows, grain, [&](int64_t b, int64_t e) { CopyRows(src, strides, maps, f, dst, b, e); });
    } else {
      CopyRows(src, strides, maps, f, dst, 0, rows);
    }
    return Status::Ok();
  });
}

void TransposeBytes(KernelContext& ctx, const Tensor& in, const Shape& in_shape,
                    const std::vector<int>& perm, Tensor* out) {
  const int rank = static_cast<int>(perm.size());
  if (out->size() == 0) return;
  // Merge output dimensions that are also adjacent, in order, in the input.
  const std::vector<int64_t> in_strides = StridesOf(in_shape);
  std::vector<int64_t> dims, strides;
  for (int d = 0; d < rank; ++d) {
    int64_t size = in_shape[perm[d]];
    if (size == 1) continue;
    if (!dims.empty() && strides.back() == in_strides[perm[d]] * size) {
      dims.back() *= size;
      strides.back() = in_strides[perm[d]];
    } else {
      dims.push_back(size);
      strides.push_back(in_strides[perm[d]]);
    }
  }
  if (dims.empty()) {
    dims.push_back(1);
    strides.push_back(1);
  }
  const int nd = static_cast<int>(dims.size());
  const int64_t inner = dims[nd - 1];
  const int64_t inner_stride = strides[nd - 1];
  const int64_t rows = out->size() / inner;
  DispatchBySize(in.dtype(), [&](auto tag) -> Status {
    using T = typename decltype(tag)::type;
    const T* src = static_cast<const T*>(in.raw());
    T* dst = static_cast<T*>(out->raw());
    auto body = [&](int64_t row_begin, int64_t row_end) {
      for (int64_t row = row_begin; row < row_end; ++row) {
        int64_t base = 0, rem = row;
        for (int d = nd - 2; d >= 0; --d) {
          base += (rem % dims[d]) * strides[d];
          rem /= dims[d];
        }
        T* o = dst + row * inner;
        if (inner_stride == 1) {
          std::memcpy(o, src + base, static_cast<size_t>(inner) * sizeof(T));
        } else {
          for (int64_t i = 0; i < inner; ++i) o[i] = src[base + i * inner_stride];
        }
      }
    };
    int64_t grain = std::max<int64_t>(1, kParallelThreshold / std::max<int64_t>(inner, 1));
    if (out->size() >= kParallelThreshold && ctx.pool().num_threads() > 1) {
      ctx.pool().ParallelFor(rows, grain, body);
    } else {
      body(0, rows);
    }
    return Status::Ok();
  });
}

Result<std::vector<int>> NormalizeAxes(const std::vector<int64_t>& axes, int rank,
                                       const NodeInfo& node) {
  std::vector<int> out;
  std::vector<bool> seen(rank, false);
  for (int64_t a : axes) {
    VF_ASSIGN_OR_RETURN(int axis, NormalizeAxis(a, rank, node));
    if (seen[axis]) return NodeFail(node, "axis " + std::to_string(a) + " is repeated");
    seen[axis] = true;
    out.push_back(axis);
  }
  return out;
}

Result<BlockRearrange> PlanBlockRearrange(const Shape& x, int64_t block, bool to_space, bool crd) {
  if (x.size() != 4) return Status::InvalidArgument("input must be 4-D [N, C, H, W]");
  const int64_t n = x[0], c = x[1], h = x[2], w = x[3], b = block;
  BlockRearrange plan;
  if (to_space) {
    if (c % (b * b) != 0)
      return Status::InvalidArgument("channels are not divisible by blocksize^2");
    const int64_t oc = c / (b * b);
    if (crd) {
      plan.view = {n, oc, b, b, h, w};
      plan.perm = {0, 1, 4, 2, 5, 3};
    } else {
      plan.view = {n, b, b, oc, h, w};
      plan.perm = {0, 3, 4, 1, 5, 2};
    }
    plan.out = {n, oc, h * b, w * b};
  } else {
    if (h % b != 0 || w % b != 0) {
      return Status::InvalidArgument("height and width must be divisible by blocksize");
    }
    plan.view = {n, c, h / b, b, w / b, b};
    plan.perm = {0, 3, 5, 1, 2, 4};
    plan.out = {n, c * b * b, h / b, w / b};
  }
  return plan;
}

}  // namespace voxface::nn::core
