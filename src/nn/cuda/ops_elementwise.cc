// SPDX-License-Identifier: Apache-2.0
// CUDA element-wise ops: unary math and activations, Clip, IsNaN/IsInf/Not, broadcasting
// arithmetic, comparisons and logic, variadic Max/Min/Sum/Mean, Where, PRelu, Cast/CastLike.
#include <algorithm>
#include <cstring>
#include <limits>

#include "nn/cuda/cuda_kernel.h"
#include "nn/cuda/launch.h"
#include "nn/cuda/ops_util.h"

namespace voxface::nn::cuda {
namespace {

bool IsFloat(DataType t) { return t == DataType::kFloat32 || t == DataType::kDouble; }

class UnaryKernel final : public CudaOpKernel {
 public:
  UnaryKernel(const NodeInfo& node, UnaryOp op) : CudaOpKernel(node), op_(op) {
    const Attributes& a = node.attrs;
    switch (op) {
      case UnaryOp::kLeakyRelu:
        params_.alpha = a.GetFloat("alpha", 0.01f);
        break;
      case UnaryOp::kElu:
      case UnaryOp::kCelu:
      case UnaryOp::kThresholdedRelu:
        params_.alpha = a.GetFloat("alpha", 1.0f);
        break;
      case UnaryOp::kSelu:
        params_.alpha = a.GetFloat("alpha", 1.67326319217681884765625f);
        params_.gamma = a.GetFloat("gamma", 1.05070102214813232421875f);
        break;
      case UnaryOp::kHardSigmoid:
        params_.alpha = a.GetFloat("alpha", 0.2f);
        params_.beta = a.GetFloat("beta", 0.5f);
        break;
      case UnaryOp::kShrink:
        params_.alpha = a.GetFloat("lambd", 0.5f);
        params_.beta = a.GetFloat("bias", 0.0f);
        break;
      case UnaryOp::kIsInf:
        params_.detect_positive = a.GetInt("detect_positive", 1) != 0;
        params_.detect_negative = a.GetInt("detect_negative", 1) != 0;
        break;
      default:
        break;
    }
  }
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    const DataType t = x->dtype();
    const bool predicate = op_ == UnaryOp::kIsNaN || op_ == UnaryOp::kIsInf;
    const bool integer_ok = op_ == UnaryOp::kAbs || op_ == UnaryOp::kNeg || op_ == UnaryOp::kSign ||
                            op_ == UnaryOp::kRelu || op_ == UnaryOp::kShrink;
    if (op_ == UnaryOp::kNot) {
      if (t != DataType::kBool) return Fail("Not takes a bool tensor");
    } else if (t == DataType::kBool || t == DataType::kFloat16 || (!IsFloat(t) && !integer_ok)) {
      return NotSupported("type " + std::string(DataTypeName(t)));
    }
    const DataType out_type = predicate ? DataType::kBool : t;
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, out_type, x->shape()));
    cudaError_t e =
        LaunchUnary(op_, ToDType(t), x->raw(), y->raw(), x->size(), params_, ctx.cuda_stream());
    return Checked(CudaCheck(e, "unary kernel"));
  }

 private:
  UnaryOp op_;
  UnaryParams params_;
};

class ClipKernel final : public CudaOpKernel {
 public:
  explicit ClipKernel(const NodeInfo& node)
      : CudaOpKernel(node),
        attr_min_(node.attrs.GetFloat("min", -std::numeric_limits<float>::max())),
        attr_max_(node.attrs.GetFloat("max", std::numeric_limits<float>::max())) {}
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    const DataType t = x->dtype();
    if (t == DataType::kBool || t == DataType::kFloat16) {
      return NotSupported("type " + std::string(DataTypeName(t)));
    }
    UnaryParams p;
    if (opset() < 11) {
      p.lo = attr_min_;
      p.hi = attr_max_;
    } else {
      p.lo = IsFloat(t) ? -std::numeric_limits<double>::infinity()
                        : static_cast<double>(std::numeric_limits<int64_t>::min());
      p.hi = -p.lo;
      bool present = false;
      VF_ASSIGN_OR_RETURN(double lo, HostScalar(ctx, 1, "min", &present));
      if (present) p.lo = lo;
      VF_ASSIGN_OR_RETURN(double hi, HostScalar(ctx, 2, "max", &present));
      if (present) p.hi = hi;
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, t, x->shape()));
    return Checked(CudaCheck(LaunchUnary(UnaryOp::kClip, ToDType(t), x->raw(), y->raw(), x->size(),
                                         p, ctx.cuda_stream()),
                             "Clip kernel"));
  }

 private:
  float attr_min_, attr_max_;
};

// Runs `op` on a and b with broadcasting into `y` (whose shape is the broadcast shape).
Status Binary(BinaryOp op, const Tensor& a, const Tensor& b, Tensor* y, cudaStream_t stream) {
  const int64_t n = y->size();
  cudaError_t e;
  if (a.shape() == y->shape() && b.shape() == y->shape()) {
    e = LaunchBinary(op, ToDType(a.dtype()), a.raw(), b.raw(), y->raw(), n, nullptr, false, stream);
  } else if (a.shape() == y->shape() && b.size() == 1) {
    e = LaunchBinary(op, ToDType(a.dtype()), a.raw(), b.raw(), y->raw(), n, nullptr, true, stream);
  } else {
    VF_ASSIGN_OR_RETURN(Broadcast s, MakeBroadcast(y->shape(), {&a.shape(), &b.shape()}));
    e = LaunchBinary(op, ToDType(a.dtype()), a.raw(), b.raw(), y->raw(), n, &s, false, stream);
  }
  return CudaCheck(e, "binary kernel");
}

class BinaryKernel final : public CudaOpKernel {
 public:
  BinaryKernel(const NodeInfo& node, BinaryOp op) : CudaOpKernel(node), op_(op) {
    if (op == BinaryOp::kMod && node.attrs.GetInt("fmod", 0) != 0) op_ = BinaryOp::kFmod;
  }
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* a, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* b, In(ctx, 1));
    if (a->dtype() != b->dtype()) {
      return NotSupported("operands of types " + std::string(DataTypeName(a->dtype())) + " and " +
                          std::string(DataTypeName(b->dtype())));
    }
    const DataType t = a->dtype();
    const bool logic = op_ == BinaryOp::kAnd || op_ == BinaryOp::kOr || op_ == BinaryOp::kXor;
    if (t == DataType::kFloat16) return NotSupported("float16 operands");
    if (logic != (t == DataType::kBool) && !(op_ == BinaryOp::kEqual && t == DataType::kBool)) {
      return Fail("type " + std::string(DataTypeName(t)) + " is not valid here");
    }
    if (op_ == BinaryOp::kPow && !IsFloat(t)) return NotSupported("integer Pow");
    VF_ASSIGN_OR_RETURN(Shape shape, BroadcastShapes(a->shape(), b->shape()));
    const DataType out_type = IsComparison(op_) ? DataType::kBool : t;
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, out_type, shape));
    return Checked(Binary(op_, *a, *b, y, ctx.cuda_stream()));
  }

 private:
  BinaryOp op_;
};

// Max/Min/Sum/Mean over any number of inputs: pairwise into the output.
class VariadicKernel final : public CudaOpKernel {
 public:
  VariadicKernel(const NodeInfo& node, BinaryOp op, bool mean)
      : CudaOpKernel(node), op_(op), mean_(mean) {}
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    std::vector<const Tensor*> in;
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      if (const Tensor* t = ctx.input(i)) in.push_back(t);
    }
    if (in.empty()) return Fail("needs at least one input");
    const DataType t = in[0]->dtype();
    if (t == DataType::kBool || t == DataType::kFloat16) return NotSupported("this type");
    Shape shape = in[0]->shape();
    for (size_t i = 1; i < in.size(); ++i) {
      if (in[i]->dtype() != t) return Fail("inputs differ in type");
      VF_ASSIGN_OR_RETURN(shape, BroadcastShapes(shape, in[i]->shape()));
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, t, shape));
    cudaStream_t stream = ctx.cuda_stream();
    if (in.size() == 1) {
      // One input: the output is that input broadcast to itself, i.e. a copy.
      std::vector<int64_t> strides(shape.size(), 0);
      std::vector<int64_t> s = Strides(in[0]->shape());
      const int off = static_cast<int>(shape.size() - in[0]->shape().size());
      for (size_t d = 0; d < in[0]->shape().size(); ++d) {
        strides[d + off] = in[0]->shape()[d] == 1 ? 0 : s[d];
      }
      VF_ASSIGN_OR_RETURN(IndexMap m, MakeIndexMap(shape, strides, {}, 0));
      VF_RETURN_IF_ERROR(Checked(
          CudaCheck(LaunchIndexCopy(in[0]->raw(), y->raw(), y->size(), ElementSize(t), m, stream),
                    "copy kernel")));
    } else {
      VF_RETURN_IF_ERROR(Checked(Binary(op_, *in[0], *in[1], y, stream)));
      for (size_t i = 2; i < in.size(); ++i) {
        VF_RETURN_IF_ERROR(Checked(Binary(op_, *y, *in[i], y, stream)));
      }
    }
    if (mean_) {
      if (!IsFloat(t)) return NotSupported("Mean of integers");
      return ScaleInPlace(ctx, y, 1.0 / static_cast<double>(in.size()));
    }
    return Status::Ok();
  }

 private:
  Status ScaleInPlace(CudaKernelContext& ctx, Tensor* y, double factor) const;

  BinaryOp op_;
  bool mean_;
};

Status VariadicKernel::ScaleInPlace(CudaKernelContext& ctx, Tensor* y, double factor) const {
  // The factor goes to the device as a one-element operand in scratch (queued, no wait).
  void* d = ctx.Scratch(sizeof(double));
  if (d == nullptr) return Fail("cannot allocate scratch");
  if (y->dtype() == DataType::kFloat32) {
    const float f = static_cast<float>(factor);
    VF_RETURN_IF_ERROR(Checked(
        CudaCheck(cudaMemcpyAsync(d, &f, sizeof(f), cudaMemcpyHostToDevice, ctx.cuda_stream()),
                  "cudaMemcpyAsync")));
  } else {
    VF_RETURN_IF_ERROR(Checked(CudaCheck(
        cudaMemcpyAsync(d, &factor, sizeof(factor), cudaMemcpyHostToDevice, ctx.cuda_stream()),
        "cudaMemcpyAsync")));
  }
  return Checked(CudaCheck(LaunchBinary(BinaryOp::kMul, ToDType(y->dtype()), y->raw(), d, y->raw(),
                                        y->size(), nullptr, true, ctx.cuda_stream()),
                           "Mean scale"));
}

class WhereKernel final : public CudaOpKernel {
 public:
  using CudaOpKernel::CudaOpKernel;
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* c, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 1));
    VF_ASSIGN_OR_RETURN(const Tensor* y, In(ctx, 2));
    if (c->dtype() != DataType::kBool) return Fail("condition must be bool");
    if (x->dtype() != y->dtype()) return Fail("X and Y differ in type");
    VF_ASSIGN_OR_RETURN(Shape s1, BroadcastShapes(c->shape(), x->shape()));
    VF_ASSIGN_OR_RETURN(Shape shape, BroadcastShapes(s1, y->shape()));
    VF_ASSIGN_OR_RETURN(Tensor * out, Out(ctx, 0, x->dtype(), shape));
    VF_ASSIGN_OR_RETURN(Broadcast b, MakeBroadcast(shape, {&c->shape(), &x->shape(), &y->shape()}));
    return Checked(CudaCheck(
        LaunchWhere(static_cast<const bool*>(c->raw()), x->raw(), y->raw(), out->raw(), out->size(),
                    static_cast<int>(ElementSize(x->dtype())), b, ctx.cuda_stream()),
        "Where kernel"));
  }
};

class CastKernel final : public CudaOpKernel {
 public:
  CastKernel(const NodeInfo& node, bool like) : CudaOpKernel(node), like_(like) {}
  Status Init(const NodeInfo& node) {
    if (like_) return Status::Ok();
    if (!node.attrs.Has("to")) return Fail("attribute 'to' is required");
    Result<DataType> to = DataTypeFromOnnx(static_cast<int>(node.attrs.GetInt("to", 0)));
    if (!to.ok()) return Status::Unsupported(desc() + ": " + to.status().message());
    to_ = *to;
    return Status::Ok();
  }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    DataType to = to_;
    if (like_) {
      VF_ASSIGN_OR_RETURN(const Tensor* l, In(ctx, 1));
      to = l->dtype();
    }
    // Float16 is computed in float32: a cast to it rounds to half precision and keeps float32.
    const bool round_to_half = to == DataType::kFloat16;
    const DataType storage = round_to_half ? DataType::kFloat32 : to;
    if (storage == x->dtype() && !round_to_half) {
      ctx.OutputView(0, 0, x->shape());
      return Status::Ok();
    }
    if (x->dtype() == DataType::kFloat16) return NotSupported("float16 input");
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, storage, x->shape()));
    return Checked(CudaCheck(LaunchCast(ToDType(x->dtype()), ToDType(storage), x->raw(), y->raw(),
                                        x->size(), round_to_half, ctx.cuda_stream()),
                             "Cast kernel"));
  }

 private:
  bool like_;
  DataType to_ = DataType::kFloat32;
};

KernelFactory UnaryFactory(UnaryOp op) {
  return [op](const NodeInfo& node) -> Result<std::unique_ptr<OpKernel>> {
    return std::unique_ptr<OpKernel>(std::make_unique<UnaryKernel>(node, op));
  };
}
KernelFactory BinaryFactory(BinaryOp op) {
  return [op](const NodeInfo& node) -> Result<std::unique_ptr<OpKernel>> {
    return std::unique_ptr<OpKernel>(std::make_unique<BinaryKernel>(node, op));
  };
}
KernelFactory VariadicFactory(BinaryOp op, bool mean) {
  return [op, mean](const NodeInfo& node) -> Result<std::unique_ptr<OpKernel>> {
    return std::unique_ptr<OpKernel>(std::make_unique<VariadicKernel>(node, op, mean));
  };
}
KernelFactory CastFactory(bool like) {
  return [like](const NodeInfo& node) -> Result<std::unique_ptr<OpKernel>> {
    auto k = std::make_unique<CastKernel>(node, like);
    VF_RETURN_IF_ERROR(k->Init(node));
    return std::unique_ptr<OpKernel>(std::move(k));
  };
}

}  // namespace

void RegisterCudaElementwiseOps(OpRegistry& r) {
  constexpr Device kCuda = Device::kCuda;
  const struct {
    const char* name;
    int since;
    UnaryOp op;
  } unary[] = {
      {"Abs", 6, UnaryOp::kAbs},
      {"Neg", 6, UnaryOp::kNeg},
      {"Exp", 6, UnaryOp::kExp},
      {"Log", 6, UnaryOp::kLog},
      {"Sqrt", 6, UnaryOp::kSqrt},
      {"Reciprocal", 6, UnaryOp::kReciprocal},
      {"Floor", 6, UnaryOp::kFloor},
      {"Ceil", 6, UnaryOp::kCeil},
      {"Round", 11, UnaryOp::kRound},
      {"Erf", 9, UnaryOp::kErf},
      {"Tanh", 6, UnaryOp::kTanh},
      {"Sigmoid", 6, UnaryOp::kSigmoid},
      {"Relu", 6, UnaryOp::kRelu},
      {"Softplus", 1, UnaryOp::kSoftplus},
      {"Softsign", 1, UnaryOp::kSoftsign},
      {"Sin", 7, UnaryOp::kSin},
      {"Cos", 7, UnaryOp::kCos},
      {"Tan", 7, UnaryOp::kTan},
      {"Asin", 7, UnaryOp::kAsin},
      {"Acos", 7, UnaryOp::kAcos},
      {"Atan", 7, UnaryOp::kAtan},
      {"Sinh", 9, UnaryOp::kSinh},
      {"Cosh", 9, UnaryOp::kCosh},
      {"Asinh", 9, UnaryOp::kAsinh},
      {"Acosh", 9, UnaryOp::kAcosh},
      {"Atanh", 9, UnaryOp::kAtanh},
      {"Sign", 9, UnaryOp::kSign},
      {"LeakyRelu", 6, UnaryOp::kLeakyRelu},
      {"Elu", 6, UnaryOp::kElu},
      {"Selu", 6, UnaryOp::kSelu},
      {"Celu", 12, UnaryOp::kCelu},
      {"HardSigmoid", 6, UnaryOp::kHardSigmoid},
      {"HardSwish", 14, UnaryOp::kHardSwish},
      {"ThresholdedRelu", 10, UnaryOp::kThresholdedRelu},
      {"Shrink", 9, UnaryOp::kShrink},
      {"IsNaN", 9, UnaryOp::kIsNaN},
      {"IsInf", 10, UnaryOp::kIsInf},
      {"Not", 1, UnaryOp::kNot},
  };
  for (const auto& u : unary) r.Register(u.name, u.since, UnaryFactory(u.op), kCuda);
  r.Register("Clip", 6, CudaFactory<ClipKernel>(), kCuda);
  const struct {
    const char* name;
    int since;
    BinaryOp op;
  } binary[] = {
      {"Add", 7, BinaryOp::kAdd},
      {"Sub", 7, BinaryOp::kSub},
      {"Mul", 7, BinaryOp::kMul},
      {"Div", 7, BinaryOp::kDiv},
      {"Pow", 7, BinaryOp::kPow},
      {"Mod", 10, BinaryOp::kMod},
      {"PRelu", 7, BinaryOp::kPRelu},
      {"Equal", 7, BinaryOp::kEqual},
      {"Less", 7, BinaryOp::kLess},
      {"Greater", 7, BinaryOp::kGreater},
      {"LessOrEqual", 12, BinaryOp::kLessOrEqual},
      {"GreaterOrEqual", 12, BinaryOp::kGreaterOrEqual},
      {"And", 7, BinaryOp::kAnd},
      {"Or", 7, BinaryOp::kOr},
      {"Xor", 7, BinaryOp::kXor},
  };
  for (const auto& b : binary) r.Register(b.name, b.since, BinaryFactory(b.op), kCuda);
  r.Register("Max", 8, VariadicFactory(BinaryOp::kMax, false), kCuda);
  r.Register("Min", 8, VariadicFactory(BinaryOp::kMin, false), kCuda);
  r.Register("Sum", 8, VariadicFactory(BinaryOp::kAdd, false), kCuda);
  r.Register("Mean", 8, VariadicFactory(BinaryOp::kAdd, true), kCuda);
  r.Register("Where", 9, CudaFactory<WhereKernel>(), kCuda);
  r.Register("Cast", 6, CastFactory(false), kCuda);
  r.Register("CastLike", 15, CastFactory(true), kCuda);
}

}  // namespace voxface::nn::cuda
