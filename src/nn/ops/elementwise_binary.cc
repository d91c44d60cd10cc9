// SPDX-License-Identifier: Apache-2.0
// Broadcasting element-wise ops with two or more inputs: arithmetic, comparisons, logic,
// variadic Min/Max/Sum/Mean, Where and PRelu.
#include <cmath>
#include <type_traits>

#include "nn/ops/core_util.h"
#include "nn/ops/elementwise_internal.h"

namespace voxface::nn::core {
namespace {

template <typename T>
constexpr bool kIsFloat = std::is_floating_point_v<T>;

struct AddOp {
  template <typename T>
  T operator()(T a, T b) const {
    return static_cast<T>(a + b);
  }
};
struct SubOp {
  template <typename T>
  T operator()(T a, T b) const {
    return static_cast<T>(a - b);
  }
};
struct MulOp {
  template <typename T>
  T operator()(T a, T b) const {
    return static_cast<T>(a * b);
  }
};
struct DivOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (kIsFloat<T>) {
      return a / b;
    } else {
      return b == T(0) ? T(0) : static_cast<T>(a / b);  // no trap on integer division by zero
    }
  }
};
// numpy semantics: the result takes the divisor's sign (fmod=0); C fmod (fmod=1).
struct ModOp {
  bool fmod = false;
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (kIsFloat<T>) {
      T r = std::fmod(a, b);
      if (!fmod && r != T(0) && ((r < T(0)) != (b < T(0)))) r += b;
      return r;
    } else {
      if (b == T(0)) return T(0);
      T r = static_cast<T>(a % b);
      if (!fmod && r != T(0) && ((r < T(0)) != (b < T(0)))) r = static_cast<T>(r + b);
      return r;
    }
  }
};
struct MaxOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (kIsFloat<T>) {
      if (std::isnan(a) || std::isnan(b)) return std::isnan(a) ? a : b;  // numpy propagates NaN
    }
    return a < b ? b : a;
  }
};
struct MinOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (kIsFloat<T>) {
      if (std::isnan(a) || std::isnan(b)) return std::isnan(a) ? a : b;
    }
    return b < a ? b : a;
  }
};
struct PowOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (kIsFloat<T>) {
      return std::pow(a, b);
    } else {
      // Exact integer power by squaring; negative exponents truncate like numpy's float path.
      if (b < T(0)) return a == T(1) ? T(1) : (a == T(-1) ? (b % 2 ? T(-1) : T(1)) : T(0));
      T result = 1, base = a;
      for (T e = b; e > T(0); e = static_cast<T>(e / 2)) {
        if (e % 2) result = static_cast<T>(result * base);
        base = static_cast<T>(base * base);
      }
      return result;
    }
  }
};
struct PReluOp {
  template <typename T>
  T operator()(T x, T slope) const {
    return x < T(0) ? static_cast<T>(x * slope) : x;
  }
};

Status SameType(const Tensor& a, const Tensor& b) {
  if (a.dtype() == b.dtype()) return Status::Ok();
  return Status::InvalidArgument("inputs have different element types, " +
                                 std::string(DataTypeName(a.dtype())) + " and " +
                                 std::string(DataTypeName(b.dtype())));
}

// Binary op with numpy broadcasting, output of the inputs' type.
template <typename Op>
class ArithKernel final : public CoreKernel {
 public:
  explicit ArithKernel(const NodeInfo& node) : CoreKernel(node) {
    if constexpr (std::is_same_v<Op, ModOp>) op_.fmod = node.attrs.GetInt("fmod", 0) != 0;
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* a, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* b, In(ctx, 1));
    VF_RETURN_IF_ERROR(SameType(*a, *b));
    VF_ASSIGN_OR_RETURN(Broadcast bc, MakeBroadcast({&a->shape(), &b->shape()}));
    return DispatchNumeric(a->dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, a->dtype(), bc.out_shape));
      BinaryLoop(ctx, bc, a->data<T>(), b->data<T>(), y->data<T>(), op_);
      return Status::Ok();
    });
  }

 private:
  Op op_;
};

// Pow: the exponent may have another type than the base; the result has the base's type.
class PowKernel final : public CoreKernel {
 public:
  using CoreKernel::CoreKernel;

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* a, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* b, In(ctx, 1));
    VF_ASSIGN_OR_RETURN(Broadcast bc, MakeBroadcast({&a->shape(), &b->shape()}));
    return DispatchNumeric(a->dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, a->dtype(), bc.out_shape));
      if (b->dtype() == a->dtype()) {
        if constexpr (std::is_same_v<T, float>) {
          // x^2 and x^0.5 dominate exported models (variance, RMS norms): skip std::pow.
          if (b->size() == 1 && (b->data<float>()[0] == 2.0f || b->data<float>()[0] == 0.5f)) {
            const bool square = b->data<float>()[0] == 2.0f;
            UnaryLoop(ctx, a->data<float>(), y->data<float>(), a->size(),
                      [square](float v) { return square ? v * v : std::sqrt(v); });
            return Status::Ok();  // b has one element: the output has a's element count
          }
        }
        BinaryLoop(ctx, bc, a->data<T>(), b->data<T>(), y->data<T>(), PowOp{});
        return Status::Ok();
      }
      return DispatchNumeric(b->dtype(), [&](auto etag) -> Status {
        using E = typename decltype(etag)::type;
        BinaryLoop(ctx, bc, a->data<T>(), b->data<E>(), y->data<T>(), [](T x, E e) {
          if constexpr (!kIsFloat<T> && !kIsFloat<E>) {
            return static_cast<T>(PowOp{}(static_cast<int64_t>(x), static_cast<int64_t>(e)));
          } else {
            return static_cast<T>(std::pow(static_cast<double>(x), static_cast<double>(e)));
          }
        });
        return Status::Ok();
      });
    });
  }
};

struct EqualOp {
  template <typename T>
  bool operator()(T a, T b) const {
    return a == b;
  }
};
struct LessOp {
  template <typename T>
  bool operator()(T a, T b) const {
    return a < b;
  }
};
struct GreaterOp {
  template <typename T>
  bool operator()(T a, T b) const {
    return a > b;
  }
};
struct LessEqualOp {
  template <typename T>
  bool operator()(T a, T b) const {
    return a <= b;
  }
};
struct GreaterEqualOp {
  template <typename T>
  bool operator()(T a, T b) const {
    return a >= b;
  }
};
struct AndOp {
  bool operator()(bool a, bool b) const { return a && b; }
};
struct OrOp {
  bool operator()(bool a, bool b) const { return a || b; }
};
struct XorOp {
  bool operator()(bool a, bool b) const { return a != b; }
};

// Comparison (kAllTypes: bool too) or logic (kLogic: bool inputs only); bool output.
enum class CompareKind { kNumeric, kAllTypes, kLogic };

template <typename Op, CompareKind kKind>
class CompareKernel final : public CoreKernel {
 public:
  using CoreKernel::CoreKernel;

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* a, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* b, In(ctx, 1));
    VF_RETURN_IF_ERROR(SameType(*a, *b));
    VF_ASSIGN_OR_RETURN(Broadcast bc, MakeBroadcast({&a->shape(), &b->shape()}));
    auto body = [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, DataType::kBool, bc.out_shape));
      BinaryLoop(ctx, bc, a->data<T>(), b->data<T>(), y->data<bool>(), Op{});
      return Status::Ok();
    };
    if constexpr (kKind == CompareKind::kLogic) {
      return DispatchTypes<bool>(a->dtype(), "bool", body);
    } else if constexpr (kKind == CompareKind::kAllTypes) {
      return DispatchAll(a->dtype(), body);
    } else {
      return DispatchNumeric(a->dtype(), body);
    }
  }
};

// Min, Max, Sum, Mean over any number of broadcast inputs: the output accumulates in place.
template <typename Op, bool kMean>
class VariadicKernel final : public CoreKernel {
 public:
  using CoreKernel::CoreKernel;

  Status Run(KernelContext& ctx) const override {
    const int n = ctx.num_inputs();
    std::vector<const Tensor*> in;
    for (int i = 0; i < n; ++i) {
      VF_ASSIGN_OR_RETURN(const Tensor* t, In(ctx, i));
      if (!in.empty()) VF_RETURN_IF_ERROR(SameType(*in[0], *t));
      in.push_back(t);
    }
    if (in.empty()) return Fail("needs at least one input");
    Shape shape = in[0]->shape();
    for (const Tensor* t : in) {
      VF_ASSIGN_OR_RETURN(shape, BroadcastShapes(shape, t->shape()));
    }
    return DispatchNumeric(in[0]->dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, in[0]->dtype(), shape));
      T* out = y->data<T>();
      // The output starts as input 0 broadcast to the final shape; each later input is then
      // combined into it in place.
      VF_ASSIGN_OR_RETURN(Broadcast init, MakeBroadcast({&shape, &in[0]->shape()}));
      BinaryLoop(ctx, init, static_cast<const T*>(out), in[0]->data<T>(), out,
                 [](T, T v) { return v; });
      for (size_t k = 1; k < in.size(); ++k) {
        VF_ASSIGN_OR_RETURN(Broadcast bc, MakeBroadcast({&shape, &in[k]->shape()}));
        BinaryLoop(ctx, bc, static_cast<const T*>(out), in[k]->data<T>(), out, Op{});
      }
      if constexpr (kMean) {
        const T count = static_cast<T>(in.size());
        UnaryLoop(ctx, static_cast<const T*>(out), out, y->size(),
                  [count](T v) { return static_cast<T>(v / count); });
      }
      return Status::Ok();
    });
  }
};

class WhereKernel final : public CoreKernel {
 public:
  using CoreKernel::CoreKernel;

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* c, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 1));
    VF_ASSIGN_OR_RETURN(const Tensor* y, In(ctx, 2));
    if (c->dtype() != DataType::kBool) return Fail("condition must be bool");
    VF_RETURN_IF_ERROR(SameType(*x, *y));
    VF_ASSIGN_OR_RETURN(Broadcast bc, MakeBroadcast({&c->shape(), &x->shape(), &y->shape()}));
    return DispatchAll(x->dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      VF_ASSIGN_OR_RETURN(Tensor * z, Out(ctx, 0, x->dtype(), bc.out_shape));
      const bool* pc = c->data<bool>();
      const T* px = x->data<T>();
      const T* py = y->data<T>();
      T* pz = z->data<T>();
      ParallelRange(ctx, bc.out_size, [&](int64_t begin, int64_t end) {
        bc.ForRange(begin, end, [&](int64_t o, const int64_t* off, int64_t n, const int64_t* st) {
          for (int64_t i = 0; i < n; ++i) {
            pz[o + i] = pc[off[0] + i * st[0]] ? px[off[1] + i * st[1]] : py[off[2] + i * st[2]];
          }
        });
      });
      return Status::Ok();
    });
  }
};

// PRelu: the slope broadcasts onto X (unidirectionally); the output has X's shape.
class PReluKernel final : public CoreKernel {
 public:
  using CoreKernel::CoreKernel;

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* slope, In(ctx, 1));
    VF_RETURN_IF_ERROR(SameType(*x, *slope));
    VF_ASSIGN_OR_RETURN(Broadcast bc, MakeBroadcast({&x->shape(), &slope->shape()}));
    if (bc.out_shape != x->shape()) {
      return Fail("slope " + ShapeToString(slope->shape()) + " does not broadcast to X " +
                  ShapeToString(x->shape()));
    }
    return DispatchNumeric(x->dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), x->shape()));
      BinaryLoop(ctx, bc, x->data<T>(), slope->data<T>(), y->data<T>(), PReluOp{});
      return Status::Ok();
    });
  }
};

}  // namespace

void RegisterBinaryOps(OpRegistry& r) {
  r.Register("Add", 7, Factory<ArithKernel<AddOp>>());
  r.Register("Sub", 7, Factory<ArithKernel<SubOp>>());
  r.Register("Mul", 7, Factory<ArithKernel<MulOp>>());
  r.Register("Div", 7, Factory<ArithKernel<DivOp>>());
  r.Register("Mod", 10, Factory<ArithKernel<ModOp>>());
  r.Register("Pow", 7, Factory<PowKernel>());
  r.Register("Equal", 7, Factory<CompareKernel<EqualOp, CompareKind::kAllTypes>>());
  r.Register("Less", 7, Factory<CompareKernel<LessOp, CompareKind::kNumeric>>());
  r.Register("Greater", 7, Factory<CompareKernel<GreaterOp, CompareKind::kNumeric>>());
  r.Register("LessOrEqual", 12, Factory<CompareKernel<LessEqualOp, CompareKind::kNumeric>>());
  r.Register("GreaterOrEqual", 12, Factory<CompareKernel<GreaterEqualOp, CompareKind::kNumeric>>());
  r.Register("And", 7, Factory<CompareKernel<AndOp, CompareKind::kLogic>>());
  r.Register("Or", 7, Factory<CompareKernel<OrOp, CompareKind::kLogic>>());
  r.Register("Xor", 7, Factory<CompareKernel<XorOp, CompareKind::kLogic>>());
  r.Register("Max", 8, Factory<VariadicKernel<MaxOp, false>>());
  r.Register("Min", 8, Factory<VariadicKernel<MinOp, false>>());
  r.Register("Sum", 8, Factory<VariadicKernel<AddOp, false>>());
  r.Register("Mean", 8, Factory<VariadicKernel<AddOp, true>>());
  r.Register("Where", 9, Factory<WhereKernel>());
  r.Register("PRelu", 7, Factory<PReluKernel>());
}

}  // namespace voxface::nn::core
