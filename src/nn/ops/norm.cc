// SPDX-License-Identifier: Apache-2.0
// LayerNormalization, InstanceNormalization, BatchNormalization (inference, and the opset-14
// training form), GroupNormalization. Statistics accumulate in double and use two passes
// (mean, then squared deviations): one pass of sum and sum of squares loses most digits of the
// variance when the mean is large, as it is on raw audio features.
#include <cmath>
#include <string>
#include <vector>

#include "nn/kernel.h"
#include "nn/ops/op_util.h"
#include "nn/ops/ops.h"

namespace voxface::nn {
namespace {

struct Moments {
  double mean = 0.0;
  double var = 0.0;
};

// Sum of term(x[i]) in double, over eight running sums: a single chain of dependent double
// additions runs at one element per add latency, a quarter of what the adders can do.
template <typename F>
double SumInDouble(const float* x, int64_t count, F term) {
  double part[8] = {};
  int64_t i = 0;
  for (; i + 8 <= count; i += 8) {
    for (int k = 0; k < 8; ++k) part[k] += term(static_cast<double>(x[i + k]));
  }
  for (; i < count; ++i) part[0] += term(static_cast<double>(x[i]));
  return ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
}

// Population mean and variance of `count` contiguous values.
Moments ComputeMoments(const float* x, int64_t count) {
  Moments m;
  if (count <= 0) return m;
  m.mean = SumInDouble(x, count, [](double v) { return v; }) / static_cast<double>(count);
  const double mean = m.mean;
  m.var = SumInDouble(x, count, [mean](double v) { return (v - mean) * (v - mean); }) /
          static_cast<double>(count);
  return m;
}

// y = (x - mean) * inv_std * scale + bias over `count` elements.
void Normalize(const float* x, int64_t count, float mean, float inv_std, float scale, float bias,
               float* y) {
  const float a = inv_std * scale;
  const float c = bias - mean * a;
  for (int64_t i = 0; i < count; ++i) y[i] = x[i] * a + c;
}

class LayerNormKernel : public NodeKernel {
 public:
  using NodeKernel::NodeKernel;

  Status Init(const NodeInfo& node) {
    axis_ = node.attrs.GetInt("axis", -1);
    epsilon_ = node.attrs.GetFloat("epsilon", 1e-5f);
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, FloatInput(ctx, 0, "X"));
    VF_ASSIGN_OR_RETURN(const Tensor* scale, FloatInput(ctx, 1, "Scale"));
    VF_ASSIGN_OR_RETURN(const Tensor* bias, OptionalFloatInput(ctx, 2, "B"));
    const int rank = x->rank();
    if (axis_ < -rank || axis_ >= rank) {
      return Error("axis " + std::to_string(axis_) + " is out of range for X " +
                   ShapeToString(x->shape()));
    }
    const int axis = static_cast<int>(axis_ < 0 ? axis_ + rank : axis_);
    const Shape norm_shape(x->shape().begin() + axis, x->shape().end());
    const int64_t inner = NumElements(norm_shape);
    const int64_t outer = inner == 0 ? 0 : x->size() / inner;
    VF_ASSIGN_OR_RETURN(std::vector<float> gamma, Expand(*scale, norm_shape, "Scale"));
    std::vector<float> beta(static_cast<size_t>(inner), 0.0f);
    if (bias != nullptr) {
      VF_ASSIGN_OR_RETURN(beta, Expand(*bias, norm_shape, "B"));
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, RequiredOutput(ctx, 0, DataType::kFloat32, x->shape()));
    Shape stat_shape = x->shape();
    for (int i = axis; i < rank; ++i) stat_shape[i] = 1;
    Tensor* mean_out =
        ctx.num_outputs() > 1 ? ctx.Output(1, DataType::kFloat32, stat_shape) : nullptr;
    Tensor* inv_out =
        ctx.num_outputs() > 2 ? ctx.Output(2, DataType::kFloat32, stat_shape) : nullptr;
    const float* px = x->data<float>();
    float* py = y->data<float>();
    ParallelFor(ctx, outer, 6.0 * inner, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const float* xr = px + r * inner;
        float* yr = py + r * inner;
        const Moments m = ComputeMoments(xr, inner);
        const float mean = static_cast<float>(m.mean);
        const float inv = static_cast<float>(1.0 / std::sqrt(m.var + epsilon_));
        for (int64_t i = 0; i < inner; ++i) yr[i] = (xr[i] - mean) * inv * gamma[i] + beta[i];
        if (mean_out != nullptr) mean_out->data<float>()[r] = mean;
        if (inv_out != nullptr) inv_out->data<float>()[r] = inv;
      }
    });
    return Status::Ok();
  }

 private:
  // `t` broadcast (numpy rules, right-aligned) to `shape`, flattened.
  Result<std::vector<float>> Expand(const Tensor& t, const Shape& shape, const char* what) const {
    const int64_t size = NumElements(shape);
    // Same element count: the layouts agree whenever broadcasting is valid (only unit
    // dimensions can differ), and a flat [inner] vector is what exporters write anyway.
    if (t.size() == size) return t.ToVector<float>();
    Result<Shape> b = BroadcastShapes(shape, t.shape());
    if (!b.ok() || NumElements(*b) != size) {
      return Error(std::string(what) + " " + ShapeToString(t.shape()) +
                   " cannot be broadcast to the normalized shape " + ShapeToString(shape));
    }
    // Right-align t against shape; leading dimensions of t beyond shape are 1.
    const int rank = static_cast<int>(shape.size());
    std::vector<int64_t> strides(rank, 0);
    int64_t stride = 1;
    for (int i = t.rank() - 1, o = rank - 1; i >= 0 && o >= 0; --i, --o) {
      strides[o] = t.shape()[i] == 1 ? 0 : stride;
      stride *= t.shape()[i];
    }
    std::vector<float> out(static_cast<size_t>(size));
    std::vector<int64_t> idx(rank, 0);
    const float* p = t.data<float>();
    for (int64_t e = 0; e < size; ++e) {
      int64_t off = 0;
      for (int d = 0; d < rank; ++d) off += idx[d] * strides[d];
      out[e] = p[off];
      for (int d = rank - 1; d >= 0 && ++idx[d] == shape[d]; --d) idx[d] = 0;
    }
    return out;
  }

  int64_t axis_ = -1;
  float epsilon_ = 1e-5f;
};

// Shared by InstanceNormalization and GroupNormalization: normalises groups of `group_channels`
// consecutive channels of X [N, C, ...] over the group's channels and all spatial positions.
Status GroupNormalize(KernelContext& ctx, const Tensor& x, int64_t group_channels, float epsilon,
                      const float* scale, const float* bias, bool per_channel, Tensor* y) {
  const int64_t n = x.dim(0), c = x.dim(1);
  const int64_t spatial = c == 0 || n == 0 ? 0 : x.size() / (n * c);
  const int64_t groups = c / group_channels;
  const int64_t count = group_channels * spatial;
  const float* px = x.data<float>();
  float* py = y->data<float>();
  ParallelFor(ctx, n * groups, 6.0 * count, [&](int64_t begin, int64_t end) {
    for (int64_t item = begin; item < end; ++item) {
      const int64_t grp = item % groups;
      const float* xg = px + item * count;
      float* yg = py + item * count;
      const Moments m = ComputeMoments(xg, count);
      const float mean = static_cast<float>(m.mean);
      const float inv = static_cast<float>(1.0 / std::sqrt(m.var + epsilon));
      for (int64_t ch = 0; ch < group_channels; ++ch) {
        const int64_t idx = per_channel ? grp * group_channels + ch : grp;
        Normalize(xg + ch * spatial, spatial, mean, inv, scale[idx], bias[idx], yg + ch * spatial);
      }
    }
  });
  return Status::Ok();
}

class InstanceNormKernel : public NodeKernel {
 public:
  using NodeKernel::NodeKernel;

  Status Init(const NodeInfo& node) {
    epsilon_ = node.attrs.GetFloat("epsilon", 1e-5f);
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, FloatInput(ctx, 0, "input"));
    VF_ASSIGN_OR_RETURN(const Tensor* scale, FloatInput(ctx, 1, "scale"));
    VF_ASSIGN_OR_RETURN(const Tensor* bias, FloatInput(ctx, 2, "B"));
    if (x->rank() < 2)
      return Error("input " + ShapeToString(x->shape()) + " must be (N x C x ...)");
    const int64_t c = x->dim(1);
    if (scale->size() != c || bias->size() != c) {
      return Error("scale " + ShapeToString(scale->shape()) + " and B " +
                   ShapeToString(bias->shape()) + " should have " + std::to_string(c) +
                   " values, one per channel");
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, RequiredOutput(ctx, 0, DataType::kFloat32, x->shape()));
    return GroupNormalize(ctx, *x, 1, epsilon_, scale->data<float>(), bias->data<float>(), true, y);
  }

 private:
  float epsilon_ = 1e-5f;
};

class GroupNormKernel : public NodeKernel {
 public:
  using NodeKernel::NodeKernel;

  Status Init(const NodeInfo& node) {
    epsilon_ = node.attrs.GetFloat("epsilon", 1e-5f);
    groups_ = node.attrs.GetInt("num_groups", 0);
    if (groups_ < 1) return Error("attribute num_groups is required and must be >= 1");
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, FloatInput(ctx, 0, "X"));
    VF_ASSIGN_OR_RETURN(const Tensor* scale, FloatInput(ctx, 1, "scale"));
    VF_ASSIGN_OR_RETURN(const Tensor* bias, FloatInput(ctx, 2, "bias"));
    if (x->rank() < 2) return Error("X " + ShapeToString(x->shape()) + " must be (N x C x ...)");
    const int64_t c = x->dim(1);
    if (c % groups_ != 0) {
      return Error(std::to_string(c) + " channels do not split into " + std::to_string(groups_) +
                   " groups");
    }
    // Opset 18 gives scale and bias per group, opset 21 per channel; the sizes tell them apart
    // (and when groups == channels the two readings coincide).
    const bool per_channel = scale->size() == c && bias->size() == c;
    if (!per_channel && (scale->size() != groups_ || bias->size() != groups_)) {
      return Error("scale " + ShapeToString(scale->shape()) + " and bias " +
                   ShapeToString(bias->shape()) + " should have num_groups (" +
                   std::to_string(groups_) + ") or C (" + std::to_string(c) + ") values");
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, RequiredOutput(ctx, 0, DataType::kFloat32, x->shape()));
    return GroupNormalize(ctx, *x, c / groups_, epsilon_, scale->data<float>(), bias->data<float>(),
                          per_channel, y);
  }

 private:
  float epsilon_ = 1e-5f;
  int64_t groups_ = 0;
};

class BatchNormKernel : public NodeKernel {
 public:
  using NodeKernel::NodeKernel;

  Status Init(const NodeInfo& node) {
    epsilon_ = node.attrs.GetFloat("epsilon", 1e-5f);
    momentum_ = node.attrs.GetFloat("momentum", 0.9f);
    training_ = node.attrs.GetInt("training_mode", 0) != 0;
    if (node.attrs.GetInt("spatial", 1) == 0) {
      return Unsupported("spatial=0 (per-activation statistics, opset < 9) is not supported");
    }
    int extra_outputs = 0;
    for (size_t i = 1; i < node.output_present.size(); ++i) extra_outputs += node.output_present[i];
    if (node.opset < 14 && extra_outputs > 0) {
      return Unsupported("training outputs of BatchNormalization before opset 14");
    }
    if (!training_ && extra_outputs > 0) {
      return Error("running_mean/running_var outputs need training_mode=1");
    }
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, FloatInput(ctx, 0, "X"));
    const char* names[] = {"scale", "B", "input_mean", "input_var"};
    const float* params[4];
    const int64_t c = x->rank() >= 2 ? x->dim(1) : 1;
    for (int i = 0; i < 4; ++i) {
      VF_ASSIGN_OR_RETURN(const Tensor* t, FloatInput(ctx, i + 1, names[i]));
      if (t->size() != c) {
        return Error(std::string(names[i]) + " " + ShapeToString(t->shape()) + " should have " +
                     std::to_string(c) + " values, one per channel");
      }
      params[i] = t->data<float>();
    }
    const int64_t n = x->rank() >= 1 ? x->dim(0) : 1;
    const int64_t spatial = n * c == 0 ? 0 : x->size() / (n * c);
    VF_ASSIGN_OR_RETURN(Tensor * y, RequiredOutput(ctx, 0, DataType::kFloat32, x->shape()));
    const float* px = x->data<float>();
    float* py = y->data<float>();
    std::vector<float> mean(params[2], params[2] + c), var(params[3], params[3] + c);
    if (training_) {
      Tensor* run_mean = ctx.num_outputs() > 1 ? ctx.Output(1, DataType::kFloat32, {c}) : nullptr;
      Tensor* run_var = ctx.num_outputs() > 2 ? ctx.Output(2, DataType::kFloat32, {c}) : nullptr;
      for (int64_t ch = 0; ch < c; ++ch) {
        double sum = 0.0;
        for (int64_t i = 0; i < n; ++i) {
          for (int64_t s = 0; s < spatial; ++s) sum += px[(i * c + ch) * spatial + s];
        }
        const double count = static_cast<double>(n * spatial);
        const double mu = sum / count;
        double sq = 0.0;
        for (int64_t i = 0; i < n; ++i) {
          for (int64_t s = 0; s < spatial; ++s) {
            const double d = px[(i * c + ch) * spatial + s] - mu;
            sq += d * d;
          }
        }
        const double v = sq / count;
        if (run_mean != nullptr) {
          run_mean->data<float>()[ch] =
              static_cast<float>(params[2][ch] * momentum_ + mu * (1.0 - momentum_));
        }
        if (run_var != nullptr) {
          run_var->data<float>()[ch] =
              static_cast<float>(params[3][ch] * momentum_ + v * (1.0 - momentum_));
        }
        mean[ch] = static_cast<float>(mu);
        var[ch] = static_cast<float>(v);
      }
    }
    ParallelFor(ctx, n * c, 2.0 * spatial, [&](int64_t begin, int64_t end) {
      for (int64_t item = begin; item < end; ++item) {
        const int64_t ch = item % c;
        const float inv = 1.0f / std::sqrt(var[ch] + epsilon_);
        Normalize(px + item * spatial, spatial, mean[ch], inv, params[0][ch], params[1][ch],
                  py + item * spatial);
      }
    });
    return Status::Ok();
  }

 private:
  float epsilon_ = 1e-5f;
  float momentum_ = 0.9f;
  bool training_ = false;
};

}  // namespace

void RegisterNormOps(OpRegistry& registry) {
  registry.Register("LayerNormalization", 17, MakeFactory<LayerNormKernel>());
  registry.Register("InstanceNormalization", 1, MakeFactory<InstanceNormKernel>());
  registry.Register("BatchNormalization", 1, MakeFactory<BatchNormKernel>());
  registry.Register("GroupNormalization", 18, MakeFactory<GroupNormKernel>());
}

}  // namespace voxface::nn
