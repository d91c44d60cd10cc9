// SPDX-License-Identifier: Apache-2.0
// CUDA data-movement ops: Transpose, Concat, Split, Slice, Expand, Tile, Pad, DepthToSpace and
// SpaceToDepth, as index-map copies or 2-D memcpys. Parameters (perm, starts, repeats, pads)
// come from attributes or host inputs; only the tensors' bytes are on the device.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "nn/cuda/cuda_kernel.h"
#include "nn/cuda/launch.h"
#include "nn/cuda/ops_util.h"
#include "nn/ops/shape_util.h"

namespace voxface::nn::cuda {
namespace {

int ElemSize(const Tensor& t) { return static_cast<int>(ElementSize(t.dtype())); }

// out = in permuted by `perm` (out dim d is in dim perm[d]).
Status Permute(CudaKernelContext& ctx, const void* in, const Shape& in_shape,
               const std::vector<int>& perm, DataType type, Tensor* out) {
  std::vector<int64_t> in_strides = Strides(in_shape), strides(perm.size());
  Shape out_shape(perm.size());
  for (size_t d = 0; d < perm.size(); ++d) {
    out_shape[d] = in_shape[perm[d]];
    strides[d] = in_strides[perm[d]];
  }
  VF_ASSIGN_OR_RETURN(IndexMap m, MakeIndexMap(out_shape, strides, {}, 0));
  return CudaCheck(LaunchIndexCopy(in, out->raw(), out->size(), static_cast<int>(ElementSize(type)),
                                   m, ctx.cuda_stream()),
                   "transpose kernel");
}

class TransposeKernel final : public CudaOpKernel {
 public:
  explicit TransposeKernel(const NodeInfo& node)
      : CudaOpKernel(node), perm_(node.attrs.GetInts("perm")) {}
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    const int rank = x->rank();
    std::vector<int> perm(rank);
    if (perm_.empty()) {
      for (int d = 0; d < rank; ++d) perm[d] = rank - 1 - d;
    } else {
      if (static_cast<int>(perm_.size()) != rank) return Fail("perm has the wrong length");
      std::vector<bool> seen(rank, false);
      for (int d = 0; d < rank; ++d) {
        int64_t p = perm_[d] < 0 ? perm_[d] + rank : perm_[d];
        if (p < 0 || p >= rank || seen[p]) return Fail("perm is not a permutation");
        seen[p] = true;
        perm[d] = static_cast<int>(p);
      }
    }
    Shape out_shape(rank);
    for (int d = 0; d < rank; ++d) out_shape[d] = x->dim(perm[d]);
    // Moving only size-1 axes keeps the bytes in order: a view.
    std::vector<int> moved;
    for (int d = 0; d < rank; ++d) {
      if (x->dim(perm[d]) != 1) moved.push_back(perm[d]);
    }
    if (std::is_sorted(moved.begin(), moved.end())) {
      ctx.OutputView(0, 0, out_shape);
      return Status::Ok();
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), out_shape));
    return Checked(Permute(ctx, x->raw(), x->shape(), perm, x->dtype(), y));
  }

 private:
  std::vector<int64_t> perm_;
};

// Copies `rows` rows of `width` bytes between pitched buffers (Concat and Split slabs).
Status CopySlab(CudaKernelContext& ctx, void* dst, size_t dst_pitch, const void* src,
                size_t src_pitch, size_t width, int64_t rows) {
  if (width == 0 || rows == 0) return Status::Ok();
  if (rows == 1 || (dst_pitch == width && src_pitch == width)) {
    return CudaCheck(
        cudaMemcpyAsync(dst, src, width * rows, cudaMemcpyDeviceToDevice, ctx.cuda_stream()),
        "cudaMemcpyAsync");
  }
  return CudaCheck(cudaMemcpy2DAsync(dst, dst_pitch, src, src_pitch, width, rows,
                                     cudaMemcpyDeviceToDevice, ctx.cuda_stream()),
                   "cudaMemcpy2DAsync");
}

class ConcatKernel final : public CudaOpKernel {
 public:
  explicit ConcatKernel(const NodeInfo& node)
      : CudaOpKernel(node), axis_(node.attrs.GetInt("axis", 0)), node_(node) {}
  Status Init(const NodeInfo& node) {
    if (!node.attrs.Has("axis")) return Fail("attribute 'axis' is required");
    return Status::Ok();
  }

  Status RunCuda(CudaKernelContext& ctx) const override {
    std::vector<const Tensor*> in;
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      if (const Tensor* t = ctx.input(i)) in.push_back(t);
    }
    if (in.empty()) return Fail("needs at least one input");
    const int rank = in[0]->rank();
    VF_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, rank, node_));
    Shape shape = in[0]->shape();
    shape[axis] = 0;
    for (const Tensor* t : in) {
      if (t->rank() != rank || t->dtype() != in[0]->dtype()) {
        return Fail("inputs differ in rank or type");
      }
      for (int d = 0; d < rank; ++d) {
        if (d != axis && t->dim(d) != in[0]->dim(d)) {
          return Fail("input shapes " + ShapeToString(in[0]->shape()) + " and " +
                      ShapeToString(t->shape()) + " differ outside axis " + std::to_string(axis));
        }
      }
      shape[axis] += t->dim(axis);
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, in[0]->dtype(), shape));
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= shape[d];
    for (int d = axis + 1; d < rank; ++d) inner *= shape[d];
    const size_t es = ElementSize(in[0]->dtype());
    const size_t out_row = static_cast<size_t>(shape[axis] * inner) * es;
    size_t offset = 0;
    for (const Tensor* t : in) {
      const size_t row = static_cast<size_t>(t->dim(axis) * inner) * es;
      VF_RETURN_IF_ERROR(Checked(CopySlab(ctx, static_cast<uint8_t*>(y->raw()) + offset, out_row,
                                          t->raw(), row, row, outer)));
      offset += row;
    }
    return Status::Ok();
  }

 private:
  int64_t axis_;
  NodeInfo node_;
};

class SplitKernel final : public CudaOpKernel {
 public:
  explicit SplitKernel(const NodeInfo& node)
      : CudaOpKernel(node),
        node_(node),
        axis_(node.attrs.GetInt("axis", 0)),
        split_attr_(node.attrs.GetInts("split")) {}
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, x->rank(), node_));
    const int parts = ctx.num_outputs();
    const int64_t dim = x->dim(axis);
    std::vector<int64_t> sizes = split_attr_;
    if (ctx.input(1) != nullptr) {
      VF_ASSIGN_OR_RETURN(sizes, HostInts(ctx, 1, "split"));
    }
    if (sizes.empty()) {
      const int64_t chunk = (dim + parts - 1) / parts;
      for (int i = 0; i < parts; ++i) {
        sizes.push_back(std::max<int64_t>(0, std::min(chunk, dim - chunk * i)));
      }
    }
    int64_t total = 0;
    for (int64_t s : sizes) total += s;
    if (static_cast<int>(sizes.size()) != parts || total != dim) {
      return Fail("split " + ShapeToString(sizes) + " does not cover axis " + std::to_string(axis) +
                  " of size " + std::to_string(dim));
    }
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= x->dim(d);
    for (int d = axis + 1; d < x->rank(); ++d) inner *= x->dim(d);
    const size_t es = ElementSize(x->dtype());
    const size_t in_row = static_cast<size_t>(dim * inner) * es;
    size_t offset = 0;
    for (int i = 0; i < parts; ++i) {
      Shape shape = x->shape();
      shape[axis] = sizes[i];
      const size_t row = static_cast<size_t>(sizes[i] * inner) * es;
      if (Tensor* y = ctx.Output(i, x->dtype(), shape)) {
        VF_RETURN_IF_ERROR(
            Checked(CopySlab(ctx, y->raw(), row, static_cast<const uint8_t*>(x->raw()) + offset,
                             in_row, row, outer)));
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

class SliceKernel final : public CudaOpKernel {
 public:
  explicit SliceKernel(const NodeInfo& node) : CudaOpKernel(node), node_(node) {}
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    std::vector<int64_t> starts, ends, axes, steps;
    if (opset() < 10) {
      starts = node_.attrs.GetInts("starts");
      ends = node_.attrs.GetInts("ends");
      axes = node_.attrs.GetInts("axes");
    } else {
      VF_ASSIGN_OR_RETURN(starts, HostInts(ctx, 1, "starts"));
      VF_ASSIGN_OR_RETURN(ends, HostInts(ctx, 2, "ends"));
      VF_ASSIGN_OR_RETURN(axes, HostInts(ctx, 3, "axes"));
      VF_ASSIGN_OR_RETURN(steps, HostInts(ctx, 4, "steps"));
    }
    if (axes.empty()) {
      for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
    }
    if (steps.empty()) steps.assign(starts.size(), 1);
    if (ends.size() != starts.size() || axes.size() != starts.size() ||
        steps.size() != starts.size()) {
      return Fail("starts, ends, axes and steps must have the same length");
    }
    const int rank = x->rank();
    Shape shape = x->shape();
    std::vector<int64_t> in_strides = Strides(x->shape()), strides = in_strides;
    int64_t offset = 0;
    std::vector<bool> seen(rank, false);
    for (size_t i = 0; i < starts.size(); ++i) {
      VF_ASSIGN_OR_RETURN(int d, NormalizeAxis(axes[i], rank, node_));
      if (seen[d]) return Fail("axis " + std::to_string(d) + " is sliced twice");
      seen[d] = true;
      const int64_t dim = x->dim(d), step = steps[i];
      if (step == 0) return Fail("steps must not be 0");
      int64_t start = starts[i] < 0 ? starts[i] + dim : starts[i];
      int64_t end = ends[i] < 0 ? ends[i] + dim : ends[i];
      int64_t len;
      if (step > 0) {
        start = std::clamp<int64_t>(start, 0, dim);
        end = std::clamp<int64_t>(end, 0, dim);
        len = end > start ? (end - start + step - 1) / step : 0;
      } else {
        start = std::clamp<int64_t>(start, 0, dim - 1);
        end = std::clamp<int64_t>(end, -1, dim - 1);
        len = start > end ? (start - end - step - 1) / -step : 0;
      }
      shape[d] = len;
      if (len > 0) offset += start * in_strides[d];
      strides[d] = in_strides[d] * step;
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), shape));
    if (y->size() == 0) return Status::Ok();
    VF_ASSIGN_OR_RETURN(IndexMap m, MakeIndexMap(shape, strides, {}, offset));
    return Checked(CudaCheck(
        LaunchIndexCopy(x->raw(), y->raw(), y->size(), ElemSize(*x), m, ctx.cuda_stream()),
        "Slice kernel"));
  }

 private:
  NodeInfo node_;
};

// Reads `x` broadcast (stride 0) to `shape`.
Status BroadcastCopy(CudaKernelContext& ctx, const Tensor& x, const Shape& shape, Tensor* y) {
  std::vector<int64_t> strides(shape.size(), 0), s = Strides(x.shape());
  const size_t off = shape.size() - x.shape().size();
  for (size_t d = 0; d < x.shape().size(); ++d) strides[d + off] = x.shape()[d] == 1 ? 0 : s[d];
  VF_ASSIGN_OR_RETURN(IndexMap m, MakeIndexMap(shape, strides, {}, 0));
  return CudaCheck(LaunchIndexCopy(x.raw(), y->raw(), y->size(), ElemSize(x), m, ctx.cuda_stream()),
                   "broadcast copy kernel");
}

class ExpandKernel final : public CudaOpKernel {
 public:
  using CudaOpKernel::CudaOpKernel;
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(std::vector<int64_t> dims, HostInts(ctx, 1, "shape"));
    VF_ASSIGN_OR_RETURN(Shape shape, BroadcastShapes(x->shape(), dims));
    if (shape == x->shape()) {
      ctx.OutputView(0, 0, shape);
      return Status::Ok();
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), shape));
    return Checked(BroadcastCopy(ctx, *x, shape, y));
  }
};

class TileKernel final : public CudaOpKernel {
 public:
  using CudaOpKernel::CudaOpKernel;
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(std::vector<int64_t> repeats, HostInts(ctx, 1, "repeats"));
    if (static_cast<int>(repeats.size()) != x->rank()) {
      return Fail("repeats has " + std::to_string(repeats.size()) + " entries for rank " +
                  std::to_string(x->rank()));
    }
    Shape shape = x->shape();
    for (int d = 0; d < x->rank(); ++d) {
      if (repeats[d] < 0) return Fail("repeats must not be negative");
      shape[d] *= repeats[d];
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), shape));
    if (y->size() == 0) return Status::Ok();
    VF_ASSIGN_OR_RETURN(IndexMap m, MakeIndexMap(shape, Strides(x->shape()), x->shape(), 0));
    return Checked(CudaCheck(
        LaunchIndexCopy(x->raw(), y->raw(), y->size(), ElemSize(*x), m, ctx.cuda_stream()),
        "Tile kernel"));
  }
};

class PadKernel final : public CudaOpKernel {
 public:
  explicit PadKernel(const NodeInfo& node)
      : CudaOpKernel(node), node_(node), mode_(node.attrs.GetString("mode", "constant")) {}
  Status Init(const NodeInfo&) {
    if (mode_ != "constant" && mode_ != "reflect" && mode_ != "edge" && mode_ != "wrap") {
      return NotSupported("mode '" + mode_ + "'");
    }
    return Status::Ok();
  }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    const int rank = x->rank();
    std::vector<int64_t> pads, axes;
    double value = 0.0;
    if (opset() < 11) {
      pads = node_.attrs.GetInts("pads");
      value = node_.attrs.GetFloat("value", 0.0f);
    } else {
      VF_ASSIGN_OR_RETURN(pads, HostInts(ctx, 1, "pads"));
      bool present = false;
      VF_ASSIGN_OR_RETURN(value, HostScalar(ctx, 2, "constant_value", &present));
      VF_ASSIGN_OR_RETURN(axes, HostInts(ctx, 3, "axes"));
    }
    if (axes.empty()) {
      for (int d = 0; d < rank; ++d) axes.push_back(d);
    }
    if (pads.size() != 2 * axes.size()) return Fail("pads must have 2 entries per axis");
    std::vector<int64_t> begin(rank, 0), end(rank, 0);
    for (size_t i = 0; i < axes.size(); ++i) {
      VF_ASSIGN_OR_RETURN(int d, NormalizeAxis(axes[i], rank, node_));
      begin[d] = pads[i];
      end[d] = pads[i + axes.size()];
    }
    Shape shape = x->shape();
    for (int d = 0; d < rank; ++d) {
      shape[d] += begin[d] + end[d];
      if (shape[d] < 0) return Fail("pads remove more than the whole axis");
    }
    if (rank > kMaxRank) return NotSupported("rank above 8");
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), shape));
    const int mode = mode_ == "constant" ? 0 : mode_ == "reflect" ? 1 : mode_ == "edge" ? 2 : 3;
    if (mode != 0 && x->size() == 0 && y->size() > 0) return Fail("cannot pad an empty tensor");
    return Checked(CudaCheck(LaunchPad(x->raw(), y->raw(), y->size(), ElemSize(*x), rank,
                                       x->shape().data(), shape.data(), begin.data(), mode,
                                       ValueBits(x->dtype(), value), ctx.cuda_stream()),
                             "Pad kernel"));
  }

 private:
  NodeInfo node_;
  std::string mode_;
};

class SpaceDepthKernel final : public CudaOpKernel {
 public:
  explicit SpaceDepthKernel(const NodeInfo& node)
      : CudaOpKernel(node),
        to_space_(node.op_type == "DepthToSpace"),
        crd_(node.attrs.GetString("mode", "DCR") == "CRD"),
        bs_(node.attrs.GetInt("blocksize", 0)) {}
  Status Init(const NodeInfo&) {
    return bs_ > 0 ? Status::Ok() : Fail("blocksize must be positive");
  }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    auto plan = core::PlanBlockRearrange(x->shape(), bs_, to_space_, crd_);
    if (!plan.ok()) return Fail(plan.status().message());
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), plan->out));
    return Checked(Permute(ctx, x->raw(), plan->view, plan->perm, x->dtype(), y));
  }

 private:
  bool to_space_, crd_;
  int64_t bs_;
};

}  // namespace

void RegisterCudaMovementOps(OpRegistry& r) {
  constexpr Device kCuda = Device::kCuda;
  r.Register("Transpose", 1, CudaFactory<TransposeKernel>(), kCuda);
  r.Register("Concat", 4, CudaFactory<ConcatKernel>(), kCuda);
  r.Register("Split", 2, CudaFactory<SplitKernel>(), kCuda);
  r.Register("Slice", 1, CudaFactory<SliceKernel>(), kCuda);
  r.Register("Expand", 8, CudaFactory<ExpandKernel>(), kCuda);
  r.Register("Tile", 6, CudaFactory<TileKernel>(), kCuda);
  r.Register("Pad", 2, CudaFactory<PadKernel>(), kCuda);
  r.Register("DepthToSpace", 1, CudaFactory<SpaceDepthKernel>(), kCuda);
  r.Register("SpaceToDepth", 1, CudaFactory<SpaceDepthKernel>(), kCuda);
}

}  // namespace voxface::nn::cuda
