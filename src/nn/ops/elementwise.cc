// SPDX-License-Identifier: Apache-2.0
// Unary element-wise math and activations, Clip, IsNaN/IsInf, Not; RegisterElementwiseOps.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "nn/ops/core_util.h"
#include "nn/ops/elementwise_internal.h"
#include "nn/ops/ops.h"
#include "nn/ops/vector_math.h"

namespace voxface::nn {
namespace core {
namespace {

enum class Domain { kFloat, kSigned, kNumeric };

// Ops with a vectorised float32 path declare `static void FloatArray(const float* x, float* y,
// int64_t n)`; libm's scalar calls cost ~10 ns per element, as much as a whole GELU should.
template <typename Op, typename = void>
struct HasFloatArray : std::false_type {};
template <typename Op>
struct HasFloatArray<Op, std::void_t<decltype(&Op::FloatArray)>> : std::true_type {};

// A call clang 14 does not check in the discarded branch below (it names Op::FloatArray only
// when Op has one).
template <typename Op>
void ApplyFloatArray(const float* x, float* y, int64_t n) {
  if constexpr (HasFloatArray<Op>::value) Op::FloatArray(x, y, n);
}

// y = Op(x) with y of x's type. Op is built from the node (attributes) and maps T -> T.
template <typename Op, Domain kDomain>
class UnaryKernel final : public CoreKernel {
 public:
  explicit UnaryKernel(const NodeInfo& node) : CoreKernel(node), op_(node) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    auto body = [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), x->shape()));
      if constexpr (std::is_same_v<T, float> && HasFloatArray<Op>::value) {
        const float* in = x->data<float>();
        float* out = y->data<float>();
        ParallelRange(ctx, x->size(), [&](int64_t begin, int64_t end) {
          ApplyFloatArray<Op>(in + begin, out + begin, end - begin);
        });
      } else {
        UnaryLoop(ctx, x->data<T>(), y->data<T>(), x->size(), [this](T v) { return op_(v); });
      }
      return Status::Ok();
    };
    if constexpr (kDomain == Domain::kFloat) {
      return DispatchFloat(x->dtype(), body);
    } else if constexpr (kDomain == Domain::kSigned) {
      return DispatchTypes<float, double, int64_t, int32_t, int8_t>(x->dtype(), "signed", body);
    } else {
      return DispatchNumeric(x->dtype(), body);
    }
  }

 private:
  Op op_;
};

// Functors: constructed from the node, applied per element. Computation in the element type
// (float stays float: exported models expect float32 arithmetic).
#define VF_FLOAT_FN(Name, expr)       \
  struct Name {                       \
    explicit Name(const NodeInfo&) {} \
    template <typename T>             \
    T operator()(T x) const {         \
      return static_cast<T>(expr);    \
    }                                 \
  };

// As VF_FLOAT_FN, with float32 arrays going through `array_fn`.
#define VF_VECTOR_FN(Name, expr, array_fn)                                             \
  struct Name {                                                                        \
    explicit Name(const NodeInfo&) {}                                                  \
    template <typename T>                                                              \
    T operator()(T x) const {                                                          \
      return static_cast<T>(expr);                                                     \
    }                                                                                  \
    static void FloatArray(const float* x, float* y, int64_t n) { array_fn(x, y, n); } \
  };

// vmath::Exp clamps its argument so that 2^n stays a normal float; the op owes 0, inf and
// exact huge values at the extremes, so those (rare) elements take libm.
// In cache-sized blocks, so that the check reads what vmath has just written.
constexpr int64_t kFixupBlock = 2048;

void ExpArray(const float* x, float* y, int64_t n) {
  for (int64_t b = 0; b < n; b += kFixupBlock) {
    const int64_t e = std::min(n, b + kFixupBlock);
    vmath::Exp(x + b, y + b, e - b);
    for (int64_t i = b; i < e; ++i) {
      if (!(x[i] >= -87.0f && x[i] <= 88.0f)) y[i] = std::exp(x[i]);
    }
  }
}

// vmath::Sigmoid bottoms out at ~5e-39 below x = -88; libm gives the denormals and 0.
void SigmoidArray(const float* x, float* y, int64_t n) {
  for (int64_t b = 0; b < n; b += kFixupBlock) {
    const int64_t e = std::min(n, b + kFixupBlock);
    vmath::Sigmoid(x + b, y + b, e - b);
    for (int64_t i = b; i < e; ++i) {
      if (x[i] < -80.0f) y[i] = std::exp(x[i]) / (1.0f + std::exp(x[i]));
    }
  }
}

VF_FLOAT_FN(SqrtOp, std::sqrt(x))
VF_VECTOR_FN(ExpOp, std::exp(x), ExpArray)
VF_FLOAT_FN(LogOp, std::log(x))
VF_VECTOR_FN(ErfOp, std::erf(x), vmath::Erf)
VF_VECTOR_FN(TanhOp, std::tanh(x), vmath::Tanh)
VF_FLOAT_FN(SinOp, std::sin(x))
VF_FLOAT_FN(CosOp, std::cos(x))
VF_FLOAT_FN(TanOp, std::tan(x))
VF_FLOAT_FN(AsinOp, std::asin(x))
VF_FLOAT_FN(AcosOp, std::acos(x))
VF_FLOAT_FN(AtanOp, std::atan(x))
VF_FLOAT_FN(SinhOp, std::sinh(x))
VF_FLOAT_FN(CoshOp, std::cosh(x))
VF_FLOAT_FN(AsinhOp, std::asinh(x))
VF_FLOAT_FN(AcoshOp, std::acosh(x))
VF_FLOAT_FN(AtanhOp, std::atanh(x))
VF_FLOAT_FN(ReciprocalOp, T(1) / x)
VF_FLOAT_FN(FloorOp, std::floor(x))
VF_FLOAT_FN(CeilOp, std::ceil(x))
VF_FLOAT_FN(RoundOp, std::nearbyint(x))  // half to even under the default rounding mode
VF_FLOAT_FN(SoftsignOp, x / (T(1) + std::abs(x)))
// Stable for large |x|: never exponentiates a large positive number.
VF_VECTOR_FN(SigmoidOp,
             x >= T(0) ? T(1) / (T(1) + std::exp(-x)) : std::exp(x) / (T(1) + std::exp(x)),
             SigmoidArray)
VF_FLOAT_FN(SoftplusOp, x > T(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)))
VF_FLOAT_FN(HardSwishOp, x* std::max(T(0), std::min(T(1), x / T(6) + T(0.5))))
#undef VF_FLOAT_FN
#undef VF_VECTOR_FN

struct NegOp {
  explicit NegOp(const NodeInfo&) {}
  template <typename T>
  T operator()(T x) const {
    return static_cast<T>(-x);
  }
};
struct AbsOp {
  explicit AbsOp(const NodeInfo&) {}
  template <typename T>
  T operator()(T x) const {
    if constexpr (std::is_unsigned_v<T>) {
      return x;
    } else {
      return static_cast<T>(x < T(0) ? -x : x);
    }
  }
};
struct SignOp {
  explicit SignOp(const NodeInfo&) {}
  template <typename T>
  T operator()(T x) const {
    return static_cast<T>(x > T(0) ? 1 : (x < T(0) ? -1 : 0));
  }
};
struct ReluOp {
  explicit ReluOp(const NodeInfo&) {}
  template <typename T>
  T operator()(T x) const {
    return x > T(0) ? x : T(0);
  }
};
struct LeakyReluOp {
  explicit LeakyReluOp(const NodeInfo& n) : alpha(n.attrs.GetFloat("alpha", 0.01f)) {}
  template <typename T>
  T operator()(T x) const {
    return x < T(0) ? static_cast<T>(alpha * x) : x;
  }
  float alpha;
};
struct EluOp {
  explicit EluOp(const NodeInfo& n) : alpha(n.attrs.GetFloat("alpha", 1.0f)) {}
  template <typename T>
  T operator()(T x) const {
    return x < T(0) ? static_cast<T>(alpha * (std::exp(x) - T(1))) : x;
  }
  float alpha;
};
struct SeluOp {
  explicit SeluOp(const NodeInfo& n)
      : alpha(n.attrs.GetFloat("alpha", 1.67326319217681884765625f)),
        gamma(n.attrs.GetFloat("gamma", 1.05070102214813232421875f)) {}
  template <typename T>
  T operator()(T x) const {
    return static_cast<T>(x > T(0) ? gamma * x : gamma * (alpha * std::exp(x) - alpha));
  }
  float alpha, gamma;
};
struct CeluOp {
  explicit CeluOp(const NodeInfo& n) : alpha(n.attrs.GetFloat("alpha", 1.0f)) {}
  template <typename T>
  T operator()(T x) const {
    T neg = static_cast<T>(alpha * (std::exp(x / static_cast<T>(alpha)) - T(1)));
    return std::max(T(0), x) + std::min(T(0), neg);
  }
  float alpha;
};
struct HardSigmoidOp {
  explicit HardSigmoidOp(const NodeInfo& n)
      : alpha(n.attrs.GetFloat("alpha", 0.2f)), beta(n.attrs.GetFloat("beta", 0.5f)) {}
  template <typename T>
  T operator()(T x) const {
    return std::max(T(0), std::min(T(1), static_cast<T>(alpha * x + beta)));
  }
  float alpha, beta;
};
struct ThresholdedReluOp {
  explicit ThresholdedReluOp(const NodeInfo& n) : alpha(n.attrs.GetFloat("alpha", 1.0f)) {}
  template <typename T>
  T operator()(T x) const {
    return x > static_cast<T>(alpha) ? x : T(0);
  }
  float alpha;
};
struct ShrinkOp {
  explicit ShrinkOp(const NodeInfo& n)
      : lambd(n.attrs.GetFloat("lambd", 0.5f)), bias(n.attrs.GetFloat("bias", 0.0f)) {}
  template <typename T>
  T operator()(T x) const {
    double v = static_cast<double>(x);
    if (v < -lambd) return static_cast<T>(v + bias);
    if (v > lambd) return static_cast<T>(v - bias);
    return T(0);
  }
  float lambd, bias;
};

// Clip: bounds from inputs 1 and 2 (opset 11+) or attributes (opset 6).
class ClipKernel final : public CoreKernel {
 public:
  explicit ClipKernel(const NodeInfo& node)
      : CoreKernel(node),
        attr_min_(node.attrs.GetFloat("min", std::numeric_limits<float>::lowest())),
        attr_max_(node.attrs.GetFloat("max", std::numeric_limits<float>::max())) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    return DispatchNumeric(x->dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      T lo = std::numeric_limits<T>::lowest();
      T hi = std::numeric_limits<T>::max();
      if (opset() < 11) {
        lo = static_cast<T>(attr_min_);
        hi = static_cast<T>(attr_max_);
      }
      for (int i = 1; i <= 2; ++i) {
        const Tensor* bound = ctx.input(i);
        if (bound == nullptr) continue;
        if (bound->dtype() != x->dtype() || bound->size() != 1) {
          return Fail("min and max must be scalars of the input's type");
        }
        (i == 1 ? lo : hi) = bound->data<T>()[0];
      }
      VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), x->shape()));
      UnaryLoop(ctx, x->data<T>(), y->data<T>(), x->size(),
                [lo, hi](T v) { return std::min(std::max(v, lo), hi); });
      return Status::Ok();
    });
  }

 private:
  float attr_min_, attr_max_;
};

// IsNaN, IsInf: float in, bool out.
class IsNanInfKernel final : public CoreKernel {
 public:
  explicit IsNanInfKernel(const NodeInfo& node)
      : CoreKernel(node),
        is_inf_(node.op_type == "IsInf"),
        positive_(node.attrs.GetInt("detect_positive", 1) != 0),
        negative_(node.attrs.GetInt("detect_negative", 1) != 0) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    return DispatchFloat(x->dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, DataType::kBool, x->shape()));
      const bool is_inf = is_inf_, pos = positive_, neg = negative_;
      UnaryLoop(ctx, x->data<T>(), y->data<bool>(), x->size(), [=](T v) {
        if (!is_inf) return std::isnan(v);
        return std::isinf(v) && ((v > 0 && pos) || (v < 0 && neg));
      });
      return Status::Ok();
    });
  }

 private:
  bool is_inf_, positive_, negative_;
};

class NotKernel final : public CoreKernel {
 public:
  using CoreKernel::CoreKernel;
  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    if (x->dtype() != DataType::kBool) return Fail("Not takes a bool tensor");
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, DataType::kBool, x->shape()));
    UnaryLoop(ctx, x->data<bool>(), y->data<bool>(), x->size(), [](bool v) { return !v; });
    return Status::Ok();
  }
};

template <typename Op, Domain kDomain = Domain::kFloat>
void Unary(OpRegistry& r, const char* name, int since) {
  r.Register(name, since, Factory<UnaryKernel<Op, kDomain>>());
}

void RegisterUnaryOps(OpRegistry& r) {
  Unary<SqrtOp>(r, "Sqrt", 6);
  Unary<ExpOp>(r, "Exp", 6);
  Unary<LogOp>(r, "Log", 6);
  Unary<ErfOp>(r, "Erf", 9);
  Unary<TanhOp>(r, "Tanh", 6);
  Unary<SigmoidOp>(r, "Sigmoid", 6);
  Unary<SinOp>(r, "Sin", 7);
  Unary<CosOp>(r, "Cos", 7);
  Unary<TanOp>(r, "Tan", 7);
  Unary<AsinOp>(r, "Asin", 7);
  Unary<AcosOp>(r, "Acos", 7);
  Unary<AtanOp>(r, "Atan", 7);
  Unary<SinhOp>(r, "Sinh", 9);
  Unary<CoshOp>(r, "Cosh", 9);
  Unary<AsinhOp>(r, "Asinh", 9);
  Unary<AcoshOp>(r, "Acosh", 9);
  Unary<AtanhOp>(r, "Atanh", 9);
  Unary<ReciprocalOp>(r, "Reciprocal", 6);
  Unary<FloorOp>(r, "Floor", 6);
  Unary<CeilOp>(r, "Ceil", 6);
  Unary<RoundOp>(r, "Round", 11);
  Unary<SoftsignOp>(r, "Softsign", 1);
  Unary<SoftplusOp>(r, "Softplus", 1);
  Unary<HardSwishOp>(r, "HardSwish", 14);
  Unary<LeakyReluOp>(r, "LeakyRelu", 6);
  Unary<EluOp>(r, "Elu", 6);
  Unary<SeluOp>(r, "Selu", 6);
  Unary<CeluOp>(r, "Celu", 12);
  Unary<HardSigmoidOp>(r, "HardSigmoid", 6);
  Unary<ThresholdedReluOp>(r, "ThresholdedRelu", 10);
  Unary<ShrinkOp, Domain::kNumeric>(r, "Shrink", 9);
  Unary<NegOp, Domain::kSigned>(r, "Neg", 6);
  Unary<AbsOp, Domain::kNumeric>(r, "Abs", 6);
  Unary<SignOp, Domain::kNumeric>(r, "Sign", 9);
  Unary<ReluOp, Domain::kSigned>(r, "Relu", 6);
  r.Register("Clip", 6, Factory<ClipKernel>());
  r.Register("IsNaN", 9, Factory<IsNanInfKernel>());
  r.Register("IsInf", 10, Factory<IsNanInfKernel>());
  r.Register("Not", 1, Factory<NotKernel>());
}

}  // namespace
}  // namespace core

void RegisterElementwiseOps(OpRegistry& registry) {
  core::RegisterUnaryOps(registry);
  core::RegisterBinaryOps(registry);
  core::RegisterCastOps(registry);
  core::RegisterQuantizeOps(registry);
}

}  // namespace voxface::nn
