// SPDX-License-Identifier: Apache-2.0
// Linear (de)quantization between float32 and int8/uint8: QuantizeLinear, DequantizeLinear
// (per tensor or per axis) and DynamicQuantizeLinear, with numpy's rounding (half to even).
#include <algorithm>
#include <cmath>
#include <limits>

#include "nn/ops/core_util.h"
#include "nn/ops/elementwise_internal.h"

namespace voxface::nn::core {
namespace {

template <typename Q>
Q Saturate(float v) {
  v = std::nearbyint(v);
  v = std::clamp(v, static_cast<float>(std::numeric_limits<Q>::min()),
                 static_cast<float>(std::numeric_limits<Q>::max()));
  return static_cast<Q>(v);
}

// The scale/zero-point element that applies at flat index i: per tensor, or per `axis` slice.
struct Channel {
  int64_t count = 1;  // number of scales
  int64_t inner = 1;  // elements per step along the axis
  int64_t At(int64_t i) const { return count == 1 ? 0 : (i / inner) % count; }
};

Result<Channel> ChannelOf(const Tensor& x, const Tensor& scale, int64_t axis_attr,
                          const NodeInfo& node) {
  Channel c;
  if (scale.size() == 1) return c;
  if (scale.rank() != 1) return NodeFail(node, "scale must be a scalar or 1-D");
  VF_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_attr, x.rank(), node));
  if (x.dim(axis) != scale.size()) return NodeFail(node, "scale does not match the axis size");
  c.count = scale.size();
  for (int d = axis + 1; d < x.rank(); ++d) c.inner *= x.dim(d);
  return c;
}

class QuantizeKernel final : public CoreKernel {
 public:
  explicit QuantizeKernel(const NodeInfo& node)
      : CoreKernel(node), node_(node), axis_(node.attrs.GetInt("axis", 1)) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* scale, In(ctx, 1));
    const Tensor* zp = ctx.input(2);
    if (x->dtype() != DataType::kFloat32 || scale->dtype() != DataType::kFloat32) {
      return Fail("x and y_scale must be float32");
    }
    VF_ASSIGN_OR_RETURN(Channel ch, ChannelOf(*x, *scale, axis_, node_));
    const DataType qtype = zp != nullptr ? zp->dtype() : DataType::kUint8;
    return DispatchTypes<uint8_t, int8_t>(qtype, "int8 or uint8", [&](auto tag) -> Status {
      using Q = typename decltype(tag)::type;
      VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, qtype, x->shape()));
      const float* in = x->data<float>();
      const float* s = scale->data<float>();
      Q* out = y->data<Q>();
      for (int64_t i = 0; i < x->size(); ++i) {
        const int64_t c = ch.At(i);
        const float z = zp != nullptr ? static_cast<float>(zp->data<Q>()[c]) : 0.0f;
        out[i] = Saturate<Q>(std::nearbyint(in[i] / s[c]) + z);
      }
      return Status::Ok();
    });
  }

 private:
  NodeInfo node_;
  int64_t axis_;
};

class DequantizeKernel final : public CoreKernel {
 public:
  explicit DequantizeKernel(const NodeInfo& node)
      : CoreKernel(node), node_(node), axis_(node.attrs.GetInt("axis", 1)) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* scale, In(ctx, 1));
    const Tensor* zp = ctx.input(2);
    if (scale->dtype() != DataType::kFloat32) return Fail("x_scale must be float32");
    if (zp != nullptr && zp->dtype() != x->dtype()) return Fail("x_zero_point must match x");
    VF_ASSIGN_OR_RETURN(Channel ch, ChannelOf(*x, *scale, axis_, node_));
    return DispatchTypes<uint8_t, int8_t, int32_t>(
        x->dtype(), "int8, uint8 or int32", [&](auto tag) -> Status {
          using Q = typename decltype(tag)::type;
          VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, DataType::kFloat32, x->shape()));
          const Q* in = x->data<Q>();
          const float* s = scale->data<float>();
          float* out = y->data<float>();
          for (int64_t i = 0; i < x->size(); ++i) {
            const int64_t c = ch.At(i);
            const int64_t z = zp != nullptr ? static_cast<int64_t>(zp->data<Q>()[c]) : 0;
            out[i] = static_cast<float>(static_cast<int64_t>(in[i]) - z) * s[c];
          }
          return Status::Ok();
        });
  }

 private:
  NodeInfo node_;
  int64_t axis_;
};

class DynamicQuantizeKernel final : public CoreKernel {
 public:
  using CoreKernel::CoreKernel;

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    if (x->dtype() != DataType::kFloat32) return Fail("x must be float32");
    const float* in = x->data<float>();
    float lo = 0.0f, hi = 0.0f;  // the range always includes 0
    for (int64_t i = 0; i < x->size(); ++i) {
      lo = std::min(lo, in[i]);
      hi = std::max(hi, in[i]);
    }
    const float scale = (hi - lo) / 255.0f;
    const uint8_t zp = scale > 0 ? Saturate<uint8_t>(-lo / scale) : 0;
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, DataType::kUint8, x->shape()));
    VF_ASSIGN_OR_RETURN(Tensor * ys, Out(ctx, 1, DataType::kFloat32, {}));
    VF_ASSIGN_OR_RETURN(Tensor * yz, Out(ctx, 2, DataType::kUint8, {}));
    uint8_t* out = y->data<uint8_t>();
    for (int64_t i = 0; i < x->size(); ++i) {
      out[i] = scale > 0 ? Saturate<uint8_t>(std::nearbyint(in[i] / scale) + zp) : 0;
    }
    ys->data<float>()[0] = scale;
    yz->data<uint8_t>()[0] = zp;
    return Status::Ok();
  }
};

}  // namespace

void RegisterQuantizeOps(OpRegistry& r) {
  r.Register("QuantizeLinear", 10, Factory<QuantizeKernel>());
  r.Register("DequantizeLinear", 10, Factory<DequantizeKernel>());
  r.Register("DynamicQuantizeLinear", 11, Factory<DynamicQuantizeKernel>());
}

}  // namespace voxface::nn::core
