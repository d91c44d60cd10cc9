// SPDX-License-Identifier: Apache-2.0
// Concat and Split: block copies along one axis.
#include <algorithm>
#include <cstring>

#include "nn/ops/core_util.h"
#include "nn/ops/shape_internal.h"

namespace voxface::nn::core {
namespace {

class ConcatKernel final : public CoreKernel {
 public:
  explicit ConcatKernel(const NodeInfo& node)
      : CoreKernel(node), node_(node), axis_(node.attrs.GetInt("axis", 0)) {}

  Status Init(const NodeInfo& node) {
    if (!node.attrs.Has("axis")) return NodeFail(node, "attribute 'axis' is required");
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    std::vector<const Tensor*> in;
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      VF_ASSIGN_OR_RETURN(const Tensor* t, In(ctx, i));
      in.push_back(t);
    }
    if (in.empty()) return Fail("needs at least one input");
    const Tensor& first = *in[0];
    VF_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, first.rank(), node_));
    Shape out_shape = first.shape();
    out_shape[axis] = 0;
    for (const Tensor* t : in) {
      bool ok = t->rank() == first.rank() && t->dtype() == first.dtype();
      for (int d = 0; ok && d < t->rank(); ++d) ok = d == axis || t->dim(d) == first.dim(d);
      if (!ok) {
        return Fail("input " + std::string(DataTypeName(t->dtype())) + " " +
                    ShapeToString(t->shape()) + " does not match " +
                    std::string(DataTypeName(first.dtype())) + " " + ShapeToString(first.shape()) +
                    " outside axis " + std::to_string(axis));
      }
      out_shape[axis] += t->dim(axis);
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, first.dtype(), out_shape));
    int64_t outer = 1;
    for (int d = 0; d < axis; ++d) outer *= out_shape[d];
    int64_t inner = 1;
    for (int d = axis + 1; d < first.rank(); ++d) inner *= out_shape[d];
    if (y->size() == 0) return Status::Ok();
    const int64_t out_row = out_shape[axis] * inner;  // elements
    std::vector<int64_t> rows;
    for (const Tensor* t : in) rows.push_back(t->dim(axis) * inner);
    return DispatchBySize(first.dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      T* dst = static_cast<T*>(y->raw());
      // Output rows in order, each gathered from every input: the output is written once,
      // front to back. Short rows (index tuples built as Concat(..., axis=-1)) are copied
      // element-wise, since a memcpy call per handful of bytes costs more than the copy.
      auto body = [&](int64_t o_begin, int64_t o_end) {
        for (int64_t o = o_begin; o < o_end; ++o) {
          T* out = dst + o * out_row;
          for (size_t i = 0; i < in.size(); ++i) {
            const int64_t row = rows[i];
            const T* src = static_cast<const T*>(in[i]->raw()) + o * row;
            if (row >= 16) {
              std::memcpy(out, src, static_cast<size_t>(row) * sizeof(T));
            } else {
              for (int64_t e = 0; e < row; ++e) out[e] = src[e];
            }
            out += row;
          }
        }
      };
      if (y->size() >= kParallelThreshold && ctx.pool().num_threads() > 1) {
        ctx.pool().ParallelFor(outer, std::max<int64_t>(1, kParallelThreshold / out_row), body);
      } else {
        body(0, outer);
      }
      return Status::Ok();
    });
  }

 private:
  NodeInfo node_;
  int64_t axis_;
};

// Split sizes come from input 1 (opset 13+), the 'split' attribute (older), or an even split
// into the node's outputs (opset 18's num_outputs: the last part may be smaller).
class SplitKernel final : public CoreKernel {
 public:
  explicit SplitKernel(const NodeInfo& node)
      : CoreKernel(node),
        node_(node),
        axis_(node.attrs.GetInt("axis", 0)),
        split_attr_(node.attrs.GetInts("split")) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, x->rank(), node_));
    const int parts = ctx.num_outputs();
    const int64_t dim = x->dim(axis);
    std::vector<int64_t> sizes = split_attr_;
    if (const Tensor* s = ctx.input(1)) {
      VF_ASSIGN_OR_RETURN(sizes, IntValues(*s, "split"));
    }
    if (sizes.empty()) {
      int64_t chunk = (dim + parts - 1) / parts;
      for (int i = 0; i < parts; ++i) {
        sizes.push_back(std::max<int64_t>(0, std::min(chunk, dim - chunk * i)));
      }
    }
    int64_t total = 0;
    for (int64_t s : sizes) total += s;
    if (static_cast<int>(sizes.size()) != parts || total != dim) {
      return Fail("split " + ShapeToString(sizes) + " does not cover axis " + std::to_string(axis) +
                  " of size " + std::to_string(dim) + " in " + std::to_string(parts) + " outputs");
    }
    const size_t esize = ElementSize(x->dtype());
    int64_t outer = 1;
    for (int d = 0; d < axis; ++d) outer *= x->dim(d);
    int64_t inner = 1;
    for (int d = axis + 1; d < x->rank(); ++d) inner *= x->dim(d);
    const size_t in_row = static_cast<size_t>(dim * inner) * esize;
    const auto* src = static_cast<const uint8_t*>(x->raw());
    size_t offset = 0;
    for (int i = 0; i < parts; ++i) {
      Shape shape = x->shape();
      shape[axis] = sizes[i];
      const size_t row = static_cast<size_t>(sizes[i] * inner) * esize;
      if (Tensor* y = ctx.Output(i, x->dtype(), shape)) {
        auto* dst = static_cast<uint8_t*>(y->raw());
        if (row > 0) {
          for (int64_t o = 0; o < outer; ++o)
            std::memcpy(dst + o * row, src + o * in_row + offset, row);
        }
      }
      offset += row;
    }
    return Status::Ok();
  }

 private:
  NodeInfo node_;
  int64_t axis_;
  std::vector<int64_t> split_attr_;
};

}  // namespace

void RegisterConcatSplitOps(OpRegistry& r) {
  r.Register("Concat", 4, Factory<ConcatKernel>());
  r.Register("Split", 2, Factory<SplitKernel>());
}

}  // namespace voxface::nn::core
