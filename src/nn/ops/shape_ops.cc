// SPDX-License-Identifier: Apache-2.0
// Ops that only change how bytes are viewed or ordered: Reshape, Flatten, Squeeze, Unsqueeze,
// Shape, Size, Constant, Transpose, Expand; RegisterShapeOps. The view ops go through
// OutputView, so the executor can alias instead of copying.
#include <algorithm>
#include <climits>
#include <cstring>
#include <optional>

#include "nn/ops/core_util.h"
#include "nn/ops/ops.h"
#include "nn/ops/shape_internal.h"
#include "nn/ops/shape_util.h"

namespace voxface::nn {
namespace core {
namespace {

Status EmitView(KernelContext& ctx, const Shape& shape) {
  if (ctx.OutputView(0, 0, shape) == nullptr)
    return Status::InvalidArgument("output 0 is required");
  return Status::Ok();
}

class ReshapeKernel final : public CoreKernel {
 public:
  explicit ReshapeKernel(const NodeInfo& node)
      : CoreKernel(node), allow_zero_(node.attrs.GetInt("allowzero", 0) != 0) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* s, In(ctx, 1));
    VF_ASSIGN_OR_RETURN(std::vector<int64_t> dims, IntValues(*s, "shape"));
    int infer = -1;
    int64_t known = 1;
    for (size_t i = 0; i < dims.size(); ++i) {
      if (dims[i] == 0 && !allow_zero_) {
        if (static_cast<int>(i) >= x->rank()) {
          return Fail("shape " + ShapeToString(dims) + " copies dimension " + std::to_string(i) +
                      " of an input with rank " + std::to_string(x->rank()));
        }
        dims[i] = x->dim(static_cast<int>(i));
      }
      if (dims[i] == -1) {
        if (infer >= 0) return Fail("shape " + ShapeToString(dims) + " has two -1 entries");
        infer = static_cast<int>(i);
      } else if (dims[i] < 0) {
        return Fail("shape " + ShapeToString(dims) + " has a negative entry");
      } else {
        known *= dims[i];
      }
    }
    if (infer >= 0) {
      if (known == 0 || x->size() % known != 0) {
        return Fail("cannot reshape " + ShapeToString(x->shape()) + " to " + ShapeToString(dims));
      }
      dims[infer] = x->size() / known;
    }
    if (NumElements(dims) != x->size()) {
      return Fail("cannot reshape " + ShapeToString(x->shape()) + " (" + std::to_string(x->size()) +
                  " elements) to " + ShapeToString(dims));
    }
    return EmitView(ctx, dims);
  }

 private:
  bool allow_zero_;
};

class FlattenKernel final : public CoreKernel {
 public:
  explicit FlattenKernel(const NodeInfo& node)
      : CoreKernel(node), axis_(node.attrs.GetInt("axis", 1)) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    int64_t axis = axis_ < 0 ? axis_ + x->rank() : axis_;
    if (axis < 0 || axis > x->rank()) {
      return Fail("axis " + std::to_string(axis_) + " is out of range for rank " +
                  std::to_string(x->rank()));
    }
    int64_t outer = 1;
    for (int d = 0; d < axis; ++d) outer *= x->dim(d);
    int64_t inner = 1;
    for (int d = static_cast<int>(axis); d < x->rank(); ++d) inner *= x->dim(d);
    return EmitView(ctx, {outer, inner});
  }

 private:
  int64_t axis_;
};

// Axes from input 1 (opset 13+) or the 'axes' attribute (older opsets); nullopt when absent.
Result<std::optional<std::vector<int64_t>>> AxesOf(const KernelContext& ctx,
                                                   const Attributes& attrs) {
  if (const Tensor* t = ctx.input(1)) {
    VF_ASSIGN_OR_RETURN(std::vector<int64_t> axes, IntValues(*t, "axes"));
    return std::optional<std::vector<int64_t>>(axes);
  }
  if (attrs.Has("axes")) return std::optional<std::vector<int64_t>>(attrs.GetInts("axes"));
  return std::optional<std::vector<int64_t>>();
}

class SqueezeKernel final : public CoreKernel {
 public:
  explicit SqueezeKernel(const NodeInfo& node) : CoreKernel(node), node_(node) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(auto axes, AxesOf(ctx, node_.attrs));
    std::vector<bool> drop(x->rank(), false);
    if (axes.has_value()) {
      VF_ASSIGN_OR_RETURN(std::vector<int> norm, NormalizeAxes(*axes, x->rank(), node_));
      for (int a : norm) {
        if (x->dim(a) != 1) {
          return Fail("cannot squeeze axis " + std::to_string(a) + " of shape " +
                      ShapeToString(x->shape()) + ": its size is not 1");
        }
        drop[a] = true;
      }
    } else {
      for (int d = 0; d < x->rank(); ++d) drop[d] = x->dim(d) == 1;
    }
    Shape out;
    for (int d = 0; d < x->rank(); ++d) {
      if (!drop[d]) out.push_back(x->dim(d));
    }
    return EmitView(ctx, out);
  }

 private:
  NodeInfo node_;
};

class UnsqueezeKernel final : public CoreKernel {
 public:
  explicit UnsqueezeKernel(const NodeInfo& node) : CoreKernel(node), node_(node) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(auto axes, AxesOf(ctx, node_.attrs));
    if (!axes.has_value()) return Fail("axes are required");
    const int rank = x->rank() + static_cast<int>(axes->size());
    VF_ASSIGN_OR_RETURN(std::vector<int> norm, NormalizeAxes(*axes, rank, node_));
    std::vector<bool> inserted(rank, false);
    for (int a : norm) inserted[a] = true;
    Shape out;
    int next = 0;
    for (int d = 0; d < rank; ++d) out.push_back(inserted[d] ? 1 : x->dim(next++));
    return EmitView(ctx, out);
  }

 private:
  NodeInfo node_;
};

class ShapeKernel final : public CoreKernel {
 public:
  explicit ShapeKernel(const NodeInfo& node)
      : CoreKernel(node),
        start_(node.attrs.GetInt("start", 0)),
        end_(node.attrs.Has("end") ? node.attrs.GetInt("end", 0) : INT64_MAX) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    const int64_t r = x->rank();
    auto clamp = [r](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + r : v, 0, r); };
    int64_t begin = clamp(start_), end = clamp(end_);
    int64_t n = std::max<int64_t>(0, end - begin);
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, DataType::kInt64, {n}));
    for (int64_t i = 0; i < n; ++i) y->data<int64_t>()[i] = x->dim(static_cast<int>(begin + i));
    return Status::Ok();
  }

 private:
  int64_t start_, end_;
};

class SizeKernel final : public CoreKernel {
 public:
  using CoreKernel::CoreKernel;
  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, DataType::kInt64, {}));
    y->data<int64_t>()[0] = x->size();
    return Status::Ok();
  }
};

// The loader turns Constant nodes into constants; this serves graphs built by hand.
class ConstantKernel final : public CoreKernel {
 public:
  using CoreKernel::CoreKernel;

  Status Init(const NodeInfo& node) {
    const Attributes& a = node.attrs;
    if (const Tensor* t = a.GetTensor("value")) {
      value_ = *t;
    } else if (const Attribute* f = a.Find("value_float")) {
      value_ = Tensor::Scalar<float>(f->f);
    } else if (const Attribute* i = a.Find("value_int")) {
      value_ = Tensor::Scalar<int64_t>(i->i);
    } else if (const Attribute* fs = a.Find("value_floats")) {
      value_ = Tensor::FromVector<float>({static_cast<int64_t>(fs->floats.size())}, fs->floats);
    } else if (const Attribute* is = a.Find("value_ints")) {
      value_ = Tensor::FromVector<int64_t>({static_cast<int64_t>(is->ints.size())}, is->ints);
    } else {
      return Status::Unsupported(node.Describe() +
                                 ": only tensor, float and int values are "
                                 "supported");
    }
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, value_.dtype(), value_.shape()));
    if (value_.bytes() > 0) std::memcpy(y->raw(), value_.raw(), value_.bytes());
    return Status::Ok();
  }

 private:
  Tensor value_;
};

class TransposeKernel final : public CoreKernel {
 public:
  explicit TransposeKernel(const NodeInfo& node)
      : CoreKernel(node), perm_attr_(node.attrs.GetInts("perm")) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    const int rank = x->rank();
    std::vector<int> perm(rank);
    if (perm_attr_.empty()) {
      for (int d = 0; d < rank; ++d) perm[d] = rank - 1 - d;
    } else {
      if (static_cast<int>(perm_attr_.size()) != rank) {
        return Fail("perm has " + std::to_string(perm_attr_.size()) + " entries for rank " +
                    std::to_string(rank));
      }
      std::vector<bool> seen(rank, false);
      for (int d = 0; d < rank; ++d) {
        int64_t p = perm_attr_[d] < 0 ? perm_attr_[d] + rank : perm_attr_[d];
        if (p < 0 || p >= rank || seen[p]) return Fail("perm is not a permutation");
        seen[p] = true;
        perm[d] = static_cast<int>(p);
      }
    }
    Shape out_shape(rank);
    for (int d = 0; d < rank; ++d) out_shape[d] = x->dim(perm[d]);
    // When the axes of size > 1 keep their order, the bytes do too: a view, not a copy.
    bool ordered = true;
    int last = -1;
    for (int d = 0; d < rank; ++d) {
      if (x->dim(perm[d]) == 1) continue;
      ordered = ordered && perm[d] > last;
      last = perm[d];
    }
    if (ordered) return EmitView(ctx, out_shape);
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), out_shape));
    TransposeBytes(ctx, *x, x->shape(), perm, y);
    return Status::Ok();
  }

 private:
  std::vector<int64_t> perm_attr_;
};

class ExpandKernel final : public CoreKernel {
 public:
  using CoreKernel::CoreKernel;

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* s, In(ctx, 1));
    VF_ASSIGN_OR_RETURN(std::vector<int64_t> dims, IntValues(*s, "shape"));
    VF_ASSIGN_OR_RETURN(Shape out_shape, BroadcastShapes(x->shape(), dims));
    const size_t rank = out_shape.size();
    Shape in_shape(rank - x->shape().size(), 1);
    in_shape.insert(in_shape.end(), x->shape().begin(), x->shape().end());
    std::vector<std::vector<int64_t>> maps(rank);
    for (size_t d = 0; d < rank; ++d) {
      maps[d].resize(out_shape[d]);
      for (int64_t o = 0; o < out_shape[d]; ++o) maps[d][o] = in_shape[d] == 1 ? 0 : o;
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), out_shape));
    CopyByDimMaps(ctx, *x, in_shape, maps, nullptr, y);
    return Status::Ok();
  }
};

}  // namespace
}  // namespace core

void RegisterShapeOps(OpRegistry& r) {
  using namespace core;  // NOLINT: the kernels above
  r.Register("Reshape", 5, Factory<ReshapeKernel>());
  r.Register("Flatten", 1, Factory<FlattenKernel>());
  r.Register("Squeeze", 1, Factory<SqueezeKernel>());
  r.Register("Unsqueeze", 1, Factory<UnsqueezeKernel>());
  r.Register("Shape", 1, Factory<ShapeKernel>());
  r.Register("Size", 1, Factory<SizeKernel>());
  r.Register("Constant", 1, Factory<ConstantKernel>());
  r.Register("Transpose", 1, Factory<TransposeKernel>());
  r.Register("Expand", 8, Factory<ExpandKernel>());
  RegisterConcatSplitOps(r);
  RegisterSlicePadOps(r);
  RegisterGatherScatterOps(r);
  RegisterGeneratorOps(r);
  RegisterIndexOps(r);
  RegisterSelectOps(r);
  RegisterResizeOps(r);
}

}  // namespace voxface::nn
