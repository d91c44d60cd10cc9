// SPDX-License-Identifier: Apache-2.0
// CUDA normalisation, softmax and reduction ops: LayerNormalization, InstanceNormalization,
// BatchNormalization (inference), Softmax/LogSoftmax/Hardmax, the Reduce* family and
// ArgMax/ArgMin. Reductions over non-adjacent axes first move those axes last (one permuting
// copy into scratch), so every reduction kernel sees [outer, r, inner].
#include <algorithm>
#include <set>

#include "nn/cuda/cuda_kernel.h"
#include "nn/cuda/launch.h"
#include "nn/cuda/ops_util.h"

namespace voxface::nn::cuda {
namespace {

Status RequireFloat(const Tensor& t, const std::string& desc, const char* what) {
  if (t.dtype() == DataType::kFloat32) return Status::Ok();
  return Status::Unsupported(desc + ": " + what + " is " + std::string(DataTypeName(t.dtype())) +
                             "; the CUDA backend computes this op in float32 only");
}

// `t` broadcast to `shape` (right-aligned), in scratch unless it already has that size.
Result<const float*> Expanded(CudaKernelContext& ctx, const Tensor& t, const Shape& shape) {
  if (t.size() == NumElements(shape)) return t.data<float>();
  VF_ASSIGN_OR_RETURN(Shape b, BroadcastShapes(t.shape(), shape));
  if (b != shape) return Status::InvalidArgument("a parameter does not broadcast to the input");
  auto* out = static_cast<float*>(ctx.Scratch(static_cast<size_t>(NumElements(shape)) * 4));
  if (out == nullptr) return Status::OutOfRange("cannot allocate scratch");
  std::vector<int64_t> strides(shape.size(), 0), s = Strides(t.shape());
  const size_t off = shape.size() - t.shape().size();
  for (size_t d = 0; d < t.shape().size(); ++d) strides[d + off] = t.shape()[d] == 1 ? 0 : s[d];
  VF_ASSIGN_OR_RETURN(IndexMap m, MakeIndexMap(shape, strides, {}, 0));
  VF_RETURN_IF_ERROR(CudaCheck(
      LaunchIndexCopy(t.raw(), out, NumElements(shape), 4, m, ctx.cuda_stream()), "expand"));
  return out;
}

class LayerNormKernel final : public CudaOpKernel {
 public:
  explicit LayerNormKernel(const NodeInfo& node)
      : CudaOpKernel(node),
        axis_(node.attrs.GetInt("axis", -1)),
        epsilon_(node.attrs.GetFloat("epsilon", 1e-5f)) {}
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* scale, In(ctx, 1));
    const Tensor* bias = ctx.input(2);
    VF_RETURN_IF_ERROR(RequireFloat(*x, desc(), "X"));
    VF_RETURN_IF_ERROR(RequireFloat(*scale, desc(), "Scale"));
    const int rank = x->rank();
    if (axis_ < -rank || axis_ >= rank) return Fail("axis is out of range");
    const int axis = static_cast<int>(axis_ < 0 ? axis_ + rank : axis_);
    const Shape norm_shape(x->shape().begin() + axis, x->shape().end());
    const int64_t cols = NumElements(norm_shape);
    const int64_t rows = cols == 0 ? 0 : x->size() / cols;
    VF_ASSIGN_OR_RETURN(const float* gamma, Expanded(ctx, *scale, norm_shape));
    const float* beta = nullptr;
    if (bias != nullptr) {
      VF_RETURN_IF_ERROR(RequireFloat(*bias, desc(), "B"));
      VF_ASSIGN_OR_RETURN(beta, Expanded(ctx, *bias, norm_shape));
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, DataType::kFloat32, x->shape()));
    Shape stat_shape = x->shape();
    for (int i = axis; i < rank; ++i) stat_shape[i] = 1;
    Tensor* mean = ctx.num_outputs() > 1 ? ctx.Output(1, DataType::kFloat32, stat_shape) : nullptr;
    Tensor* inv = ctx.num_outputs() > 2 ? ctx.Output(2, DataType::kFloat32, stat_shape) : nullptr;
    return Checked(
        CudaCheck(LaunchLayerNorm(x->data<float>(), gamma, beta, y->data<float>(), rows, cols,
                                  epsilon_, mean != nullptr ? mean->data<float>() : nullptr,
                                  inv != nullptr ? inv->data<float>() : nullptr, ctx.cuda_stream()),
                  "LayerNormalization kernel"));
  }

 private:
  int64_t axis_;
  float epsilon_;
};

class InstanceNormKernel final : public CudaOpKernel {
 public:
  explicit InstanceNormKernel(const NodeInfo& node)
      : CudaOpKernel(node), epsilon_(node.attrs.GetFloat("epsilon", 1e-5f)) {}
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* scale, In(ctx, 1));
    VF_ASSIGN_OR_RETURN(const Tensor* bias, In(ctx, 2));
    VF_RETURN_IF_ERROR(RequireFloat(*x, desc(), "X"));
    if (x->rank() < 2) return Fail("X must have rank >= 2");
    const int64_t n = x->dim(0), c = x->dim(1);
    if (scale->size() != c || bias->size() != c) return Fail("scale and B need C values");
    const int64_t spatial = n * c == 0 ? 0 : x->size() / (n * c);
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, DataType::kFloat32, x->shape()));
    return Checked(
        CudaCheck(LaunchInstanceNorm(x->data<float>(), scale->data<float>(), bias->data<float>(),
                                     y->data<float>(), n, c, spatial, epsilon_, ctx.cuda_stream()),
                  "InstanceNormalization kernel"));
  }

 private:
  float epsilon_;
};

class BatchNormKernel final : public CudaOpKernel {
 public:
  explicit BatchNormKernel(const NodeInfo& node)
      : CudaOpKernel(node),
        epsilon_(node.attrs.GetFloat("epsilon", 1e-5f)),
        training_(node.attrs.GetInt("training_mode", 0) != 0) {}
  Status Init(const NodeInfo&) { return training_ ? NotSupported("training_mode") : Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_RETURN_IF_ERROR(RequireFloat(*x, desc(), "X"));
    const int64_t c = x->rank() >= 2 ? x->dim(1) : 1;
    const float* p[4];
    for (int i = 0; i < 4; ++i) {
      VF_ASSIGN_OR_RETURN(const Tensor* t, In(ctx, i + 1));
      VF_RETURN_IF_ERROR(RequireFloat(*t, desc(), "a parameter"));
      if (t->size() != c) return Fail("parameters need one value per channel");
      p[i] = t->data<float>();
    }
    const int64_t n = x->rank() >= 1 ? x->dim(0) : 1;
    const int64_t spatial = n * c == 0 ? 0 : x->size() / (n * c);
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, DataType::kFloat32, x->shape()));
    return Checked(
        CudaCheck(LaunchBatchNorm(x->data<float>(), p[0], p[1], p[2], p[3], y->data<float>(), n, c,
                                  spatial, epsilon_, ctx.cuda_stream()),
                  "BatchNormalization kernel"));
  }

 private:
  float epsilon_;
  bool training_;
};

class SoftmaxKernel final : public CudaOpKernel {
 public:
  SoftmaxKernel(const NodeInfo& node, int kind)
      : CudaOpKernel(node),
        kind_(kind),
        axis_(node.attrs.GetInt("axis", node.opset < 13 ? 1 : -1)) {}
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_RETURN_IF_ERROR(RequireFloat(*x, desc(), "input"));
    const int rank = x->rank();
    if (rank == 0) return Fail("input must have rank >= 1");
    if (axis_ < -rank || axis_ >= rank) return Fail("axis is out of range");
    const int axis = static_cast<int>(axis_ < 0 ? axis_ + rank : axis_);
    int64_t outer = 1, n = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= x->dim(d);
    if (opset() < 13) {  // the input is flattened to 2-D at axis
      for (int d = axis; d < rank; ++d) n *= x->dim(d);
    } else {
      n = x->dim(axis);
      for (int d = axis + 1; d < rank; ++d) inner *= x->dim(d);
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, DataType::kFloat32, x->shape()));
    return Checked(CudaCheck(LaunchSoftmax(kind_, x->data<float>(), y->data<float>(), outer, n,
                                           inner, ctx.cuda_stream()),
                             "softmax kernel"));
  }

 private:
  int kind_;
  int64_t axis_;
};

// Puts the input in [outer, r, inner] form for reducing `reduce` (a per-axis mask): directly when
// the reduced axes (ignoring size-1 ones) are adjacent, else through a permuted copy in scratch.
Result<const float*> ReductionLayout(CudaKernelContext& ctx, const Tensor& x,
                                     const std::vector<bool>& reduce, int64_t* outer, int64_t* r,
                                     int64_t* inner) {
  const int rank = x.rank();
  std::vector<int> axes;
  for (int d = 0; d < rank; ++d) {
    if (reduce[d] && x.dim(d) != 1) axes.push_back(d);
  }
  *r = 1;
  for (int d = 0; d < rank; ++d) {
    if (reduce[d]) *r *= x.dim(d);
  }
  if (axes.empty()) {
    *outer = *r == 0 ? 0 : x.size() / std::max<int64_t>(*r, 1);
    *inner = 1;
    return x.data<float>();
  }
  bool adjacent = true;
  for (int d = axes.front(); d <= axes.back(); ++d) {
    adjacent = adjacent && (reduce[d] || x.dim(d) == 1);
  }
  if (adjacent) {
    *outer = 1;
    *inner = 1;
    for (int d = 0; d < axes.front(); ++d) *outer *= x.dim(d);
    for (int d = axes.back() + 1; d < rank; ++d) *inner *= x.dim(d);
    return x.data<float>();
  }
  std::vector<int> perm;
  for (int d = 0; d < rank; ++d) {
    if (!reduce[d]) perm.push_back(d);
  }
  for (int d = 0; d < rank; ++d) {
    if (reduce[d]) perm.push_back(d);
  }
  auto* out = static_cast<float*>(ctx.Scratch(x.bytes()));
  if (out == nullptr) return Status::OutOfRange("cannot allocate scratch");
  std::vector<int64_t> in_strides = Strides(x.shape()), strides(rank);
  Shape shape(rank);
  for (int d = 0; d < rank; ++d) {
    shape[d] = x.dim(perm[d]);
    strides[d] = in_strides[perm[d]];
  }
  VF_ASSIGN_OR_RETURN(IndexMap m, MakeIndexMap(shape, strides, {}, 0));
  VF_RETURN_IF_ERROR(
      CudaCheck(LaunchIndexCopy(x.raw(), out, x.size(), 4, m, ctx.cuda_stream()), "permute"));
  *outer = *r == 0 ? 0 : x.size() / *r;
  *inner = 1;
  return out;
}

class ReduceKernel final : public CudaOpKernel {
 public:
  ReduceKernel(const NodeInfo& node, ReduceOp op, bool axes_input)
      : CudaOpKernel(node),
        node_(node),
        op_(op),
        axes_input_(axes_input),
        keepdims_(node.attrs.GetInt("keepdims", 1) != 0),
        noop_(node.attrs.GetInt("noop_with_empty_axes", 0) != 0),
        attr_axes_(node.attrs.GetInts("axes")) {}
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_RETURN_IF_ERROR(RequireFloat(*x, desc(), "input"));
    std::vector<int64_t> axes = attr_axes_;
    if (axes_input_) {
      VF_ASSIGN_OR_RETURN(axes, HostInts(ctx, 1, "axes"));
      if (axes.empty() && noop_) {
        ctx.OutputView(0, 0, x->shape());
        return Status::Ok();
      }
    }
    const int rank = x->rank();
    std::vector<bool> reduce(rank, axes.empty());
    for (int64_t a : axes) {
      VF_ASSIGN_OR_RETURN(int d, NormalizeAxis(a, rank, node_));
      reduce[d] = true;
    }
    Shape out_shape;
    for (int d = 0; d < rank; ++d) {
      if (!reduce[d]) {
        out_shape.push_back(x->dim(d));
      } else if (keepdims_) {
        out_shape.push_back(1);
      }
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, DataType::kFloat32, out_shape));
    if (y->size() == 0) return Status::Ok();
    int64_t outer = 0, r = 0, inner = 0;
    VF_ASSIGN_OR_RETURN(const float* src, ReductionLayout(ctx, *x, reduce, &outer, &r, &inner));
    if (r == 0 || x->size() == 0) outer = y->size();
    return Checked(
        CudaCheck(LaunchReduce(op_, src, y->data<float>(), outer, r, inner, ctx.cuda_stream()),
                  "reduce kernel"));
  }

 private:
  NodeInfo node_;
  ReduceOp op_;
  bool axes_input_, keepdims_, noop_;
  std::vector<int64_t> attr_axes_;
};

class ArgKernel final : public CudaOpKernel {
 public:
  ArgKernel(const NodeInfo& node, bool is_max)
      : CudaOpKernel(node),
        node_(node),
        is_max_(is_max),
        axis_(node.attrs.GetInt("axis", 0)),
        keepdims_(node.attrs.GetInt("keepdims", 1) != 0),
        select_last_(node.attrs.GetInt("select_last_index", 0) != 0) {}
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_RETURN_IF_ERROR(RequireFloat(*x, desc(), "input"));
    VF_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, x->rank(), node_));
    Shape out_shape;
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < x->rank(); ++d) {
      if (d == axis) {
        if (keepdims_) out_shape.push_back(1);
        continue;
      }
      out_shape.push_back(x->dim(d));
      if (d < axis) outer *= x->dim(d);
      if (d > axis) inner *= x->dim(d);
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, DataType::kInt64, out_shape));
    return Checked(
        CudaCheck(LaunchArgReduce(is_max_, select_last_, x->data<float>(), y->data<int64_t>(),
                                  outer, x->dim(axis), inner, ctx.cuda_stream()),
                  "arg-reduce kernel"));
  }

 private:
  NodeInfo node_;
  bool is_max_;
  int64_t axis_;
  bool keepdims_, select_last_;
};

}  // namespace

void RegisterCudaNormOps(OpRegistry& r) {
  constexpr Device kCuda = Device::kCuda;
  r.Register("LayerNormalization", 17, CudaFactory<LayerNormKernel>(), kCuda);
  r.Register("InstanceNormalization", 1, CudaFactory<InstanceNormKernel>(), kCuda);
  r.Register("BatchNormalization", 1, CudaFactory<BatchNormKernel>(), kCuda);
  const struct {
    const char* name;
    int kind;
  } softmax[] = {{"Softmax", 0}, {"LogSoftmax", 1}, {"Hardmax", 2}};
  for (const auto& s : softmax) {
    const int kind = s.kind;
    r.Register(
        s.name, 1,
        [kind](const NodeInfo& node) -> Result<std::unique_ptr<OpKernel>> {
          return std::unique_ptr<OpKernel>(std::make_unique<SoftmaxKernel>(node, kind));
        },
        kCuda);
  }
  const struct {
    const char* name;
    ReduceOp op;
    int axes_input_since;
  } reduce[] = {
      {"ReduceSum", ReduceOp::kSum, 13},       {"ReduceMean", ReduceOp::kMean, 18},
      {"ReduceMax", ReduceOp::kMax, 18},       {"ReduceMin", ReduceOp::kMin, 18},
      {"ReduceProd", ReduceOp::kProd, 18},     {"ReduceL1", ReduceOp::kL1, 18},
      {"ReduceL2", ReduceOp::kL2, 18},         {"ReduceSumSquare", ReduceOp::kSumSquare, 18},
      {"ReduceLogSum", ReduceOp::kLogSum, 18}, {"ReduceLogSumExp", ReduceOp::kLogSumExp, 18},
  };
  for (const auto& e : reduce) {
    for (bool input : {false, true}) {
      const ReduceOp op = e.op;
      r.Register(
          e.name, input ? e.axes_input_since : 1,
          [op, input](const NodeInfo& node) -> Result<std::unique_ptr<OpKernel>> {
            return std::unique_ptr<OpKernel>(std::make_unique<ReduceKernel>(node, op, input));
          },
          kCuda);
    }
  }
  for (bool is_max : {true, false}) {
    r.Register(
        is_max ? "ArgMax" : "ArgMin", 1,
        [is_max](const NodeInfo& node) -> Result<std::unique_ptr<OpKernel>> {
          return std::unique_ptr<OpKernel>(std::make_unique<ArgKernel>(node, is_max));
        },
        kCuda);
  }
}

}  // namespace voxface::nn::cuda
