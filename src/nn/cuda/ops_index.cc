// SPDX-License-Identifier: Apache-2.0
// CUDA indexing and generator ops: Gather/GatherElements/GatherND, ScatterND/ScatterElements,
// ConstantOfShape, Range, Trilu, EyeLike and CumSum. Indices are read on the device (an
// out-of-range index reads zeros or is skipped instead of faulting; the CPU kernels report it);
// shapes and scalars (ConstantOfShape's shape, Range's bounds, Trilu's k) come from host inputs.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "nn/cuda/cuda_kernel.h"
#include "nn/cuda/launch.h"
#include "nn/cuda/ops_util.h"

namespace voxface::nn::cuda {
namespace {

int ElemSize(const Tensor& t) { return static_cast<int>(ElementSize(t.dtype())); }

class GatherKernel final : public CudaOpKernel {
 public:
  explicit GatherKernel(const NodeInfo& node)
      : CudaOpKernel(node), node_(node), axis_(node.attrs.GetInt("axis", 0)) {}
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* idx, In(ctx, 1));
    if (idx->dtype() != DataType::kInt64 && idx->dtype() != DataType::kInt32) {
      return Fail("indices must be int64 or int32");
    }
    VF_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, x->rank(), node_));
    Shape shape;
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) {
      shape.push_back(x->dim(d));
      outer *= x->dim(d);
    }
    for (int64_t d : idx->shape()) shape.push_back(d);
    for (int d = axis + 1; d < x->rank(); ++d) {
      shape.push_back(x->dim(d));
      inner *= x->dim(d);
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), shape));
    return Checked(CudaCheck(
        LaunchGather(x->raw(), idx->raw(), idx->dtype() == DataType::kInt64, y->raw(), outer,
                     x->dim(axis), inner, idx->size(), ElemSize(*x), ctx.cuda_stream()),
        "Gather kernel"));
  }

 private:
  NodeInfo node_;
  int64_t axis_;
};

// Reduction attribute of the scatter ops: 0 none, 1 add, 2 mul, 3 max, 4 min.
int ReductionOf(const NodeInfo& node) {
  const std::string r = node.attrs.GetString("reduction", "none");
  return r == "add" ? 1 : r == "mul" ? 2 : r == "max" ? 3 : r == "min" ? 4 : r == "none" ? 0 : -1;
}

class ElementsKernel final : public CudaOpKernel {
 public:
  ElementsKernel(const NodeInfo& node, bool scatter)
      : CudaOpKernel(node),
        node_(node),
        scatter_(scatter),
        axis_(node.attrs.GetInt("axis", 0)),
        reduction_(ReductionOf(node)) {}
  Status Init(const NodeInfo&) {
    return reduction_ < 0 ? NotSupported("this reduction") : Status::Ok();
  }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* idx, In(ctx, 1));
    if (idx->dtype() != DataType::kInt64 && idx->dtype() != DataType::kInt32) {
      return Fail("indices must be int64 or int32");
    }
    if (idx->rank() != x->rank()) return Fail("indices must have the data's rank");
    if (x->rank() > kMaxRank) return NotSupported("rank above 8");
    VF_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, x->rank(), node_));
    const std::vector<int64_t> strides = Strides(x->shape());
    const bool is64 = idx->dtype() == DataType::kInt64;
    if (!scatter_) {
      VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), idx->shape()));
      return Checked(CudaCheck(
          LaunchGatherScatterElements(false, x->raw(), idx->raw(), is64, y->raw(), x->rank(),
                                      idx->shape().data(), strides.data(), axis, x->dim(axis), 0,
                                      ElemSize(*x), ToDType(x->dtype()), ctx.cuda_stream()),
          "GatherElements kernel"));
    }
    VF_ASSIGN_OR_RETURN(const Tensor* upd, In(ctx, 2));
    if (upd->shape() != idx->shape()) return Fail("updates must have the indices' shape");
    if (reduction_ > 0 && x->dtype() != DataType::kFloat32) {
      return NotSupported("reductions other than 'none' on non-float32 data");
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), x->shape()));
    if (x->bytes() > 0) {
      VF_RETURN_IF_ERROR(
          Checked(CudaCheck(cudaMemcpyAsync(y->raw(), x->raw(), x->bytes(),
                                            cudaMemcpyDeviceToDevice, ctx.cuda_stream()),
                            "cudaMemcpyAsync")));
    }
    return Checked(CudaCheck(LaunchGatherScatterElements(
                                 true, upd->raw(), idx->raw(), is64, y->raw(), x->rank(),
                                 idx->shape().data(), strides.data(), axis, x->dim(axis),
                                 reduction_, ElemSize(*x), ToDType(x->dtype()), ctx.cuda_stream()),
                             "ScatterElements kernel"));
  }

 private:
  NodeInfo node_;
  bool scatter_;
  int64_t axis_;
  int reduction_;
};

class ScatterNdKernel final : public CudaOpKernel {
 public:
  explicit ScatterNdKernel(const NodeInfo& node)
      : CudaOpKernel(node), reduction_(ReductionOf(node)) {}
  Status Init(const NodeInfo&) {
    return reduction_ < 0 ? NotSupported("this reduction") : Status::Ok();
  }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* idx, In(ctx, 1));
    VF_ASSIGN_OR_RETURN(const Tensor* upd, In(ctx, 2));
    if (idx->dtype() != DataType::kInt64) return Fail("indices must be int64");
    if (idx->rank() < 1) return Fail("indices must have rank >= 1");
    const int k = static_cast<int>(idx->dim(-1));
    if (k > x->rank() || k > kMaxRank) return Fail("index tuples are longer than the data rank");
    if (reduction_ > 0 && x->dtype() != DataType::kFloat32) {
      return NotSupported("reductions other than 'none' on non-float32 data");
    }
    int64_t num_updates = 1;
    for (int d = 0; d + 1 < idx->rank(); ++d) num_updates *= idx->dim(d);
    int64_t slice = 1;
    for (int d = k; d < x->rank(); ++d) slice *= x->dim(d);
    if (upd->size() != num_updates * slice) return Fail("updates have the wrong size");
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), x->shape()));
    if (x->bytes() > 0) {
      VF_RETURN_IF_ERROR(
          Checked(CudaCheck(cudaMemcpyAsync(y->raw(), x->raw(), x->bytes(),
                                            cudaMemcpyDeviceToDevice, ctx.cuda_stream()),
                            "cudaMemcpyAsync")));
    }
    const std::vector<int64_t> strides = Strides(x->shape());
    return Checked(
        CudaCheck(LaunchScatterND(y->raw(), static_cast<const int64_t*>(idx->raw()), upd->raw(),
                                  num_updates, k, slice, x->shape().data(), strides.data(),
                                  reduction_, ElemSize(*x), ToDType(x->dtype()), ctx.cuda_stream()),
                  "ScatterND kernel"));
  }

 private:
  int reduction_;
};

class GatherNdKernel final : public CudaOpKernel {
 public:
  explicit GatherNdKernel(const NodeInfo& node)
      : CudaOpKernel(node), batch_dims_(node.attrs.GetInt("batch_dims", 0)) {}
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* idx, In(ctx, 1));
    if (idx->dtype() != DataType::kInt64) return Fail("indices must be int64");
    const int b = static_cast<int>(batch_dims_);
    const int k = static_cast<int>(idx->dim(-1));
    if (b < 0 || b + k > x->rank() || k > kMaxRank) return Fail("bad indices shape");
    Shape shape;
    for (int d = 0; d + 1 < idx->rank(); ++d) shape.push_back(idx->dim(d));
    int64_t slice = 1;
    for (int d = b + k; d < x->rank(); ++d) {
      shape.push_back(x->dim(d));
      slice *= x->dim(d);
    }
    int64_t batch = 1;
    for (int d = 0; d < b; ++d) batch *= x->dim(d);
    int64_t num_slices = 1;
    for (int d = 0; d + 1 < idx->rank(); ++d) num_slices *= idx->dim(d);
    const std::vector<int64_t> all = Strides(x->shape());
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), shape));
    return Checked(
        CudaCheck(LaunchGatherND(x->raw(), static_cast<const int64_t*>(idx->raw()), y->raw(),
                                 num_slices, k, slice, x->shape().data() + b, all.data() + b,
                                 batch > 0 ? num_slices / batch : 1, b > 0 ? all[b - 1] : 0,
                                 ElemSize(*x), ctx.cuda_stream()),
                  "GatherND kernel"));
  }

 private:
  int64_t batch_dims_;
};

class ConstantOfShapeKernel final : public CudaOpKernel {
 public:
  explicit ConstantOfShapeKernel(const NodeInfo& node) : CudaOpKernel(node) {
    if (const Tensor* v = node.attrs.GetTensor("value")) {
      type_ = v->dtype();
      if (v->size() == 1 && v->raw() != nullptr) std::memcpy(&bits_, v->raw(), ElementSize(type_));
    }
  }
  Status Init(const NodeInfo&) {
    return type_ == DataType::kFloat16 ? NotSupported("float16 values") : Status::Ok();
  }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(std::vector<int64_t> dims, HostInts(ctx, 0, "shape"));
    for (int64_t d : dims) {
      if (d < 0) return Fail("shape " + ShapeToString(dims) + " has a negative dimension");
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, type_, dims));
    return Checked(CudaCheck(LaunchFill(y->raw(), y->size(), static_cast<int>(ElementSize(type_)),
                                        bits_, ctx.cuda_stream()),
                             "fill kernel"));
  }

 private:
  DataType type_ = DataType::kFloat32;
  uint64_t bits_ = 0;
};

class RangeKernel final : public CudaOpKernel {
 public:
  using CudaOpKernel::CudaOpKernel;
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* s, ctx.HostInput(0));
    VF_ASSIGN_OR_RETURN(const Tensor* l, ctx.HostInput(1));
    VF_ASSIGN_OR_RETURN(const Tensor* d, ctx.HostInput(2));
    if (s == nullptr || l == nullptr || d == nullptr) return Fail("start, limit, delta required");
    const DataType t = s->dtype();
    bool present;
    VF_ASSIGN_OR_RETURN(double start, HostScalar(ctx, 0, "start", &present));
    VF_ASSIGN_OR_RETURN(double limit, HostScalar(ctx, 1, "limit", &present));
    VF_ASSIGN_OR_RETURN(double delta, HostScalar(ctx, 2, "delta", &present));
    if (delta == 0) return Fail("delta must not be 0");
    const bool integral = t == DataType::kInt64 || t == DataType::kInt32;
    int64_t n;
    if (integral) {
      const int64_t is = static_cast<int64_t>(start), il = static_cast<int64_t>(limit),
                    id = static_cast<int64_t>(delta);
      n = std::max<int64_t>(0, id > 0 ? (il - is + id - 1) / id : (is - il - id - 1) / -id);
    } else {
      n = std::max<int64_t>(0, static_cast<int64_t>(std::ceil((limit - start) / delta)));
    }
    if (t != DataType::kFloat32 && t != DataType::kDouble && !integral) {
      return NotSupported("type " + std::string(DataTypeName(t)));
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, t, {n}));
    // float32 ranges step in float32, as the CPU kernel and numpy do.
    return Checked(CudaCheck(
        LaunchRange(ToDType(t), t == DataType::kFloat32 ? static_cast<float>(start) : start,
                    t == DataType::kFloat32 ? static_cast<float>(delta) : delta,
                    static_cast<int64_t>(start), static_cast<int64_t>(delta), y->raw(), n,
                    ctx.cuda_stream()),
        "Range kernel"));
  }
};

class TriluKernel final : public CudaOpKernel {
 public:
  explicit TriluKernel(const NodeInfo& node)
      : CudaOpKernel(node), upper_(node.attrs.GetInt("upper", 1) != 0) {}
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    if (x->rank() < 2) return Fail("input must have rank >= 2");
    bool present = false;
    VF_ASSIGN_OR_RETURN(double k, HostScalar(ctx, 1, "k", &present));
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), x->shape()));
    const int64_t rows = x->dim(-2), cols = x->dim(-1);
    const int64_t batch = rows * cols == 0 ? 0 : x->size() / (rows * cols);
    return Checked(
        CudaCheck(LaunchTrilu(x->raw(), y->raw(), batch, rows, cols, static_cast<int64_t>(k),
                              upper_, ElemSize(*x), ctx.cuda_stream()),
                  "Trilu kernel"));
  }

 private:
  bool upper_;
};

class EyeLikeKernel final : public CudaOpKernel {
 public:
  explicit EyeLikeKernel(const NodeInfo& node)
      : CudaOpKernel(node),
        dtype_(static_cast<int>(node.attrs.GetInt("dtype", 0))),
        k_(node.attrs.GetInt("k", 0)) {}
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    if (x->rank() != 2) return Fail("input must be 2-D");
    DataType type = x->dtype();
    if (dtype_ != 0) {
      Result<DataType> t = DataTypeFromOnnx(dtype_);
      if (!t.ok()) return NotSupported(t.status().message());
      type = *t;
    }
    if (type == DataType::kFloat16) return NotSupported("float16 output");
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, type, x->shape()));
    return Checked(
        CudaCheck(LaunchEye(y->raw(), x->dim(0), x->dim(1), k_, static_cast<int>(ElementSize(type)),
                            ValueBits(type, 1.0), ctx.cuda_stream()),
                  "EyeLike kernel"));
  }

 private:
  int dtype_;
  int64_t k_;
};

class CumSumKernel final : public CudaOpKernel {
 public:
  explicit CumSumKernel(const NodeInfo& node)
      : CudaOpKernel(node),
        node_(node),
        exclusive_(node.attrs.GetInt("exclusive", 0) != 0),
        reverse_(node.attrs.GetInt("reverse", 0) != 0) {}
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    bool present = false;
    VF_ASSIGN_OR_RETURN(double a, HostScalar(ctx, 1, "axis", &present));
    if (!present) return Fail("axis is required");
    VF_ASSIGN_OR_RETURN(int axis, NormalizeAxis(static_cast<int64_t>(a), x->rank(), node_));
    const DataType t = x->dtype();
    if (t != DataType::kFloat32 && t != DataType::kDouble && t != DataType::kInt32 &&
        t != DataType::kInt64) {
      return NotSupported("type " + std::string(DataTypeName(t)));
    }
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= x->dim(d);
    for (int d = axis + 1; d < x->rank(); ++d) inner *= x->dim(d);
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, t, x->shape()));
    return Checked(CudaCheck(LaunchCumSum(ToDType(t), x->raw(), y->raw(), outer, x->dim(axis),
                                          inner, exclusive_, reverse_, ctx.cuda_stream()),
                             "CumSum kernel"));
  }

 private:
  NodeInfo node_;
  bool exclusive_, reverse_;
};

}  // namespace

void RegisterCudaIndexOps(OpRegistry& r) {
  constexpr Device kCuda = Device::kCuda;
  auto elements = [](bool scatter) -> KernelFactory {
    return [scatter](const NodeInfo& node) -> Result<std::unique_ptr<OpKernel>> {
      auto k = std::make_unique<ElementsKernel>(node, scatter);
      VF_RETURN_IF_ERROR(k->Init(node));
      return std::unique_ptr<OpKernel>(std::move(k));
    };
  };
  r.Register("Trilu", 14, CudaFactory<TriluKernel>(), kCuda);
  r.Register("EyeLike", 9, CudaFactory<EyeLikeKernel>(), kCuda);
  r.Register("CumSum", 11, CudaFactory<CumSumKernel>(), kCuda);
  r.Register("Gather", 1, CudaFactory<GatherKernel>(), kCuda);
  r.Register("GatherND", 11, CudaFactory<GatherNdKernel>(), kCuda);
  r.Register("ScatterND", 11, CudaFactory<ScatterNdKernel>(), kCuda);
  r.Register("GatherElements", 11, elements(false), kCuda);
  r.Register("ScatterElements", 11, elements(true), kCuda);
  r.Register("Scatter", 9, elements(true), kCuda);
  r.Register("ConstantOfShape", 9, CudaFactory<ConstantOfShapeKernel>(), kCuda);
  r.Register("Range", 11, CudaFactory<RangeKernel>(), kCuda);
}

}  // namespace voxface::nn::cuda
