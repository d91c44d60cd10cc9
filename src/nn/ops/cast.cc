// SPDX-License-Identifier: Apache-2.0
// Cast and CastLike between the runtime's element types, Identity, and inference-mode Dropout.
// Float16 is computed in float32 here, so a cast to float16 rounds to float16 precision and
// keeps float32 storage; graph outputs declared float16 are narrowed by the session.
#include <cmath>
#include <limits>
#include <type_traits>

#include "nn/half.h"
#include "nn/ops/core_util.h"
#include "nn/ops/elementwise_internal.h"

namespace voxface::nn::core {
namespace {

template <typename D, typename S>
D Convert(S v) {
  if constexpr (std::is_same_v<D, bool>) {
    return v != S(0);
  } else if constexpr (std::is_floating_point_v<S> && std::is_integral_v<D>) {
    // numpy-like: through int64 (saturating, NaN to 0), then wrapping to narrower types, and no
    // undefined behaviour for out-of-range values.
    if (std::isnan(v)) return D(0);
    constexpr double kMax = 9.2233720368547748e18;
    double d = static_cast<double>(v);
    int64_t i = d >= kMax    ? std::numeric_limits<int64_t>::max()
                : d <= -kMax ? std::numeric_limits<int64_t>::min()
                             : static_cast<int64_t>(d);
    return static_cast<D>(i);
  } else {
    return static_cast<D>(v);
  }
}

Status CastTensor(KernelContext& ctx, const Tensor& x, DataType to, Tensor* y) {
  // Float16 inputs only appear if a caller bypasses the session's widening; handle them anyway.
  Tensor widened;
  const Tensor* src = &x;
  if (x.dtype() == DataType::kFloat16) {
    widened = Tensor::Zeros(DataType::kFloat32, x.shape());
    const auto* h = static_cast<const uint16_t*>(x.raw());
    for (int64_t i = 0; i < x.size(); ++i) widened.data<float>()[i] = HalfToFloat(h[i]);
    src = &widened;
  }
  const bool round_to_half = to == DataType::kFloat16;
  const DataType storage = round_to_half ? DataType::kFloat32 : to;
  return DispatchAll(src->dtype(), [&](auto stag) -> Status {
    using S = typename decltype(stag)::type;
    return DispatchAll(storage, [&](auto dtag) -> Status {
      using D = typename decltype(dtag)::type;
      const S* in = src->data<S>();
      D* out = y->data<D>();
      if constexpr (std::is_same_v<D, float>) {
        if (round_to_half) {
          UnaryLoop(ctx, in, out, src->size(), [](S v) { return RoundToHalf(Convert<float>(v)); });
          return Status::Ok();
        }
      }
      UnaryLoop(ctx, in, out, src->size(), [](S v) { return Convert<D>(v); });
      return Status::Ok();
    });
  });
}

class CastKernel final : public CoreKernel {
 public:
  using CoreKernel::CoreKernel;

  Status Init(const NodeInfo& node) {
    if (!node.attrs.Has("to")) return NodeFail(node, "attribute 'to' is required");
    Result<DataType> to = DataTypeFromOnnx(static_cast<int>(node.attrs.GetInt("to", 0)));
    if (!to.ok()) return Status::Unsupported(node.Describe() + ": " + to.status().message());
    to_ = *to;
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    DataType storage = to_ == DataType::kFloat16 ? DataType::kFloat32 : to_;
    if (storage == x->dtype() && to_ != DataType::kFloat16) {
      ctx.OutputView(0, 0, x->shape());
      return Status::Ok();
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, storage, x->shape()));
    return CastTensor(ctx, *x, to_, y);
  }

 private:
  DataType to_ = DataType::kFloat32;
};

class CastLikeKernel final : public CoreKernel {
 public:
  using CoreKernel::CoreKernel;

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* like, In(ctx, 1));
    if (like->dtype() == x->dtype()) {
      ctx.OutputView(0, 0, x->shape());
      return Status::Ok();
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, like->dtype(), x->shape()));
    return CastTensor(ctx, *x, like->dtype(), y);
  }
};

class IdentityKernel final : public CoreKernel {
 public:
  using CoreKernel::CoreKernel;

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    if (ctx.OutputView(0, 0, x->shape()) == nullptr) return Fail("output 0 is required");
    return Status::Ok();
  }
};

// Inference: the input passes through and the optional mask is all true. Training mode with a
// non-zero ratio draws random numbers, which a deterministic runtime does not do.
class DropoutKernel final : public CoreKernel {
 public:
  explicit DropoutKernel(const NodeInfo& node)
      : CoreKernel(node), attr_ratio_(node.attrs.GetFloat("ratio", 0.5f)) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    if (opset() >= 12) {
      const Tensor* training = ctx.input(2);
      double ratio = attr_ratio_;
      if (const Tensor* r = ctx.input(1)) {
        VF_ASSIGN_OR_RETURN(ratio, ScalarValue(*r, "ratio"));
      }
      if (training != nullptr) {
        VF_ASSIGN_OR_RETURN(double on, ScalarValue(*training, "training_mode"));
        if (on != 0.0 && ratio != 0.0) {
          return NotSupported(
              "training mode (random dropout) is not supported; export the "
              "model in eval mode");
        }
      }
    }
    if (ctx.OutputView(0, 0, x->shape()) == nullptr) return Fail("output 0 is required");
    if (Tensor* mask = ctx.Output(1, DataType::kBool, x->shape())) {
      bool* m = mask->data<bool>();
      for (int64_t i = 0; i < mask->size(); ++i) m[i] = true;
    }
    return Status::Ok();
  }

 private:
  float attr_ratio_;
};

}  // namespace

void RegisterCastOps(OpRegistry& r) {
  r.Register("Cast", 6, Factory<CastKernel>());
  r.Register("CastLike", 15, Factory<CastLikeKernel>());
  r.Register("Identity", 1, Factory<IdentityKernel>());
  r.Register("Dropout", 7, Factory<DropoutKernel>());
}

}  // namespace voxface::nn::core
