// SPDX-License-Identifier: Apache-2.0
// MaxPool (with Indices), AveragePool, LpPool and their Global forms, over 1 to 6 spatial axes.
// Each output position visits only the kernel taps that land inside the input (the valid box
// is computed per axis), so padding costs nothing and needs no bounds checks per element.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "nn/kernel.h"
#include "nn/ops/im2col.h"
#include "nn/ops/op_util.h"
#include "nn/ops/ops.h"
#include "nn/ops/window.h"

namespace voxface::nn {
namespace {

enum class PoolKind { kMax, kAverage, kLp };

// Per-axis window of one output position: first input coordinate and the range of kernel taps
// that fall inside the input.
struct Box {
  int64_t start[kMaxSpatialRank];
  int64_t lo[kMaxSpatialRank];
  int64_t hi[kMaxSpatialRank];
};

// Calls fn(output index, box) for every output position of one plane, in row-major order.
template <typename Fn>
void ForEachWindow(const WindowGeometry& g, Fn fn) {
  const int rank = g.rank();
  int64_t idx[kMaxSpatialRank] = {};
  const int64_t total = g.out_size();
  Box box;
  for (int64_t o = 0; o < total; ++o) {
    for (int d = 0; d < rank; ++d) {
      const int64_t start = idx[d] * g.stride[d] - g.pad_begin[d];
      const int64_t dil = g.dilation[d];
      box.start[d] = start;
      box.lo[d] = start >= 0 ? 0 : std::min(g.kernel[d], (-start + dil - 1) / dil);
      const int64_t last = g.in[d] - 1 - start;  // highest tap offset inside the input
      box.hi[d] = last < 0 ? box.lo[d] : std::max(box.lo[d], std::min(g.kernel[d], last / dil + 1));
    }
    fn(o, box);
    for (int d = rank - 1; d >= 0; --d) {
      if (++idx[d] < g.out[d]) break;
      idx[d] = 0;
    }
  }
}

// Calls fn(flat input offset, spatial coordinates) for each tap inside the box.
template <typename Fn>
void ForEachTap(const WindowGeometry& g, const Box& box, const int64_t* in_strides, Fn fn) {
  const int rank = g.rank();
  int64_t k[kMaxSpatialRank];
  for (int d = 0; d < rank; ++d) {
    if (box.lo[d] >= box.hi[d]) return;
    k[d] = box.lo[d];
  }
  int64_t pos[kMaxSpatialRank];
  for (;;) {
    int64_t offset = 0;
    for (int d = 0; d < rank; ++d) {
      pos[d] = box.start[d] + k[d] * g.dilation[d];
      offset += pos[d] * in_strides[d];
    }
    fn(offset, pos);
    int d = rank - 1;
    for (; d >= 0; --d) {
      if (++k[d] < box.hi[d]) break;
      k[d] = box.lo[d];
    }
    if (d < 0) return;
  }
}

class PoolKernel : public NodeKernel {
 public:
  PoolKernel(const NodeInfo& node, PoolKind kind, bool global)
      : NodeKernel(node), kind_(kind), global_(global) {}

  Status Init(const NodeInfo& node) {
    if (!global_) {
      VF_ASSIGN_OR_RETURN(attrs_, ParseWindowAttrs(node));
      if (attrs_.kernel_shape.empty()) return Error("attribute kernel_shape is required");
    }
    count_include_pad_ = node.attrs.GetInt("count_include_pad", 0) != 0;
    storage_order_ = node.attrs.GetInt("storage_order", 0);
    p_ = kind_ == PoolKind::kLp ? node.attrs.GetFloat("p", 2.0f) : 2.0f;
    if (storage_order_ != 0 && storage_order_ != 1) {
      return Error("storage_order must be 0 or 1, got " + std::to_string(storage_order_));
    }
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, AnyInput(ctx, 0, "X"));
    const int rank = x->rank() - 2;
    if (rank < 0 || (rank == 0 && !global_)) {
      return Error("X " + ShapeToString(x->shape()) + " must be (N x C x D1 x ...)");
    }
    if (rank > kMaxSpatialRank) {
      return Unsupported("more than " + std::to_string(kMaxSpatialRank) + " spatial axes");
    }
    const std::vector<int64_t> in(x->shape().begin() + 2, x->shape().end());
    WindowGeometry g;
    if (global_) {
      g.in = in;
      g.kernel = in;
      g.stride.assign(rank, 1);
      g.dilation.assign(rank, 1);
      g.pad_begin.assign(rank, 0);
      g.pad_end.assign(rank, 0);
      g.out.assign(rank, 1);
    } else {
      if (static_cast<int>(attrs_.kernel_shape.size()) != rank) {
        return Error("kernel_shape " + IntsToString(attrs_.kernel_shape) + " does not match X " +
                     ShapeToString(x->shape()));
      }
      VF_ASSIGN_OR_RETURN(g, ComputeWindow(attrs_, in, attrs_.kernel_shape, desc()));
    }
    Shape out_shape = {x->dim(0), x->dim(1)};
    out_shape.insert(out_shape.end(), g.out.begin(), g.out.end());
    switch (x->dtype()) {
      case DataType::kFloat32:
        return RunTyped<float>(ctx, *x, g, out_shape);
      case DataType::kUint8:
        if (kind_ == PoolKind::kMax) return RunTyped<uint8_t>(ctx, *x, g, out_shape);
        break;
      case DataType::kInt8:
        if (kind_ == PoolKind::kMax) return RunTyped<int8_t>(ctx, *x, g, out_shape);
        break;
      default:
        break;
    }
    return Unsupported("input X of type " + std::string(DataTypeName(x->dtype())) +
                       " (float32, and uint8/int8 for MaxPool, are supported)");
  }

 private:
  template <typename T>
  Status RunTyped(KernelContext& ctx, const Tensor& x, const WindowGeometry& g,
                  const Shape& out_shape) const {
    VF_ASSIGN_OR_RETURN(Tensor * y, RequiredOutput(ctx, 0, x.dtype(), out_shape));
    Tensor* indices = nullptr;
    if (kind_ == PoolKind::kMax && ctx.num_outputs() > 1) {
      indices = ctx.Output(1, DataType::kInt64, out_shape);
    }
    const int rank = g.rank();
    const int64_t planes = out_shape[0] * out_shape[1];
    const int64_t in_size = g.in_size(), out_size = g.out_size();
    int64_t in_strides[kMaxSpatialRank], col_strides[kMaxSpatialRank];
    int64_t stride = 1;
    for (int d = rank - 1; d >= 0; --d) {
      in_strides[d] = stride;
      stride *= g.in[d];
    }
    stride = 1;
    for (int d = 0; d < rank; ++d) {
      col_strides[d] = stride;  // column-major spatial index, for storage_order = 1
      stride *= g.in[d];
    }
    const T* px = x.data<T>();
    T* py = y->data<T>();
    int64_t* pi = indices != nullptr ? indices->data<int64_t>() : nullptr;
    const double cost = static_cast<double>(out_size) * std::max<int64_t>(1, g.kernel_size());
    ParallelFor(ctx, planes, cost, [&](int64_t begin, int64_t end) {
      for (int64_t plane = begin; plane < end; ++plane) {
        const T* xp = px + plane * in_size;
        T* yp = py + plane * out_size;
        int64_t* ip = pi != nullptr ? pi + plane * out_size : nullptr;
        ForEachWindow(g, [&](int64_t o, const Box& box) {
          if (kind_ == PoolKind::kMax) {
            T best = std::numeric_limits<T>::lowest();
            int64_t best_offset = -1;
            int64_t best_col = 0;
            ForEachTap(g, box, in_strides, [&](int64_t offset, const int64_t* pos) {
              const T v = xp[offset];
              if (best_offset < 0 || v > best) {
                best = v;
                best_offset = offset;
                if (storage_order_ == 1) {
                  best_col = 0;
                  for (int d = 0; d < rank; ++d) best_col += pos[d] * col_strides[d];
                }
              }
            });
            if constexpr (std::is_floating_point_v<T>) {
              if (best_offset < 0) best = -std::numeric_limits<T>::infinity();
            }
            yp[o] = best;
            if (ip != nullptr) {
              ip[o] = plane * in_size + (storage_order_ == 1 ? best_col : best_offset);
            }
            return;
          }
          double sum = 0.0;
          int64_t count = 0;
          ForEachTap(g, box, in_strides, [&](int64_t offset, const int64_t*) {
            const double v = static_cast<double>(xp[offset]);
            sum += kind_ == PoolKind::kLp ? std::pow(std::fabs(v), static_cast<double>(p_)) : v;
            ++count;
          });
          if (kind_ == PoolKind::kLp) {
            yp[o] = static_cast<T>(std::pow(sum, 1.0 / p_));
          } else {
            if (count_include_pad_) count = PaddedCount(g, box);
            yp[o] = static_cast<T>(count > 0 ? sum / static_cast<double>(count)
                                             : std::numeric_limits<double>::quiet_NaN());
          }
        });
      }
    });
    return Status::Ok();
  }

  // Window taps inside the padded input (pads counted, positions past the end padding that
  // ceil_mode adds are not), for count_include_pad = 1.
  static int64_t PaddedCount(const WindowGeometry& g, const Box& box) {
    int64_t count = 1;
    for (int d = 0; d < g.rank(); ++d) {
      int64_t taps = 0;
      for (int64_t k = 0; k < g.kernel[d]; ++k) {
        const int64_t p = box.start[d] + k * g.dilation[d];
        if (p >= -g.pad_begin[d] && p < g.in[d] + g.pad_end[d]) ++taps;
      }
      count *= taps;
    }
    return count;
  }

  PoolKind kind_;
  bool global_;
  WindowAttrs attrs_;
  bool count_include_pad_ = false;
  int64_t storage_order_ = 0;
  float p_ = 2.0f;
};

KernelFactory PoolFactory(PoolKind kind, bool global) {
  return [kind, global](const NodeInfo& node) -> Result<std::unique_ptr<OpKernel>> {
    auto kernel = std::make_unique<PoolKernel>(node, kind, global);
    VF_RETURN_IF_ERROR(kernel->Init(node));
    return std::unique_ptr<OpKernel>(std::move(kernel));
  };
}

}  // namespace

void RegisterPoolOps(OpRegistry& registry) {
  registry.Register("MaxPool", 1, PoolFactory(PoolKind::kMax, false));
  registry.Register("AveragePool", 1, PoolFactory(PoolKind::kAverage, false));
  registry.Register("LpPool", 1, PoolFactory(PoolKind::kLp, false));
  registry.Register("GlobalMaxPool", 1, PoolFactory(PoolKind::kMax, true));
  registry.Register("GlobalAveragePool", 1, PoolFactory(PoolKind::kAverage, true));
  registry.Register("GlobalLpPool", 1, PoolFactory(PoolKind::kLp, true));
}

}  // namespace voxface::nn
