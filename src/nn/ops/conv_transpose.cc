// SPDX-License-Identifier: Apache-2.0
#include "nn/ops/conv_transpose.h"

#include <algorithm>
#include <string>
#include <vector>

#include "nn/ops/blas.h"
#include "nn/ops/im2col.h"
#include "nn/ops/op_util.h"
#include "nn/ops/window.h"

namespace voxface::nn {
namespace {

// Python-style floor division: the spec's pad split is written for non-negative totals, and an
// explicit output_shape larger than the natural one gives negative totals, whose extra rows
// the reference places at the end.
int64_t FloorDiv2(int64_t v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); }

class ConvTransposeKernel : public NodeKernel {
 public:
  using NodeKernel::NodeKernel;

  Status Init(const NodeInfo& node) {
    VF_ASSIGN_OR_RETURN(attrs_, ParseWindowAttrs(node));
    group_ = node.attrs.GetInt("group", 1);
    if (group_ < 1) return Error("group must be >= 1, got " + std::to_string(group_));
    output_padding_ = node.attrs.GetInts("output_padding");
    output_shape_ = node.attrs.GetInts("output_shape");
    for (int64_t v : output_padding_) {
      if (v < 0) return Error("output_padding " + IntsToString(output_padding_) + " is negative");
    }
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, FloatInput(ctx, 0, "X"));
    VF_ASSIGN_OR_RETURN(const Tensor* w, FloatInput(ctx, 1, "W"));
    VF_ASSIGN_OR_RETURN(const Tensor* b, OptionalFloatInput(ctx, 2, "B"));
    const int rank = x->rank() - 2;
    if (rank < 1) return Error("X " + ShapeToString(x->shape()) + " must be (N x C x D1 x ...)");
    if (rank > kMaxSpatialRank) {
      return Unsupported("more than " + std::to_string(kMaxSpatialRank) + " spatial axes");
    }
    if (w->rank() != x->rank()) {
      return Error("W " + ShapeToString(w->shape()) + " and X " + ShapeToString(x->shape()) +
                   " differ in rank");
    }
    const int64_t n = x->dim(0), c = x->dim(1);
    if (w->dim(0) != c || c % group_ != 0) {
      return Error("W " + ShapeToString(w->shape()) + " should be (C x M/group x k...) with C = " +
                   std::to_string(c) + " divisible by group " + std::to_string(group_));
    }
    const int64_t mg = w->dim(1), m = mg * group_, cg = c / group_;
    if (b != nullptr && (b->rank() != 1 || b->dim(0) != m)) {
      return Error("B " + ShapeToString(b->shape()) + " should be [" + std::to_string(m) + "]");
    }
    const std::vector<int64_t> kernel(w->shape().begin() + 2, w->shape().end());
    if (!attrs_.kernel_shape.empty() && attrs_.kernel_shape != kernel) {
      return Error("kernel_shape " + IntsToString(attrs_.kernel_shape) + " disagrees with W " +
                   ShapeToString(w->shape()));
    }
    const std::vector<int64_t> in(x->shape().begin() + 2, x->shape().end());
    VF_ASSIGN_OR_RETURN(WindowGeometry g, Geometry(in, kernel));
    Shape out_shape = {n, m};
    out_shape.insert(out_shape.end(), g.in.begin(), g.in.end());
    VF_ASSIGN_OR_RETURN(Tensor * y, RequiredOutput(ctx, 0, DataType::kFloat32, out_shape));
    if (y->size() == 0) return Status::Ok();

    const int64_t x_size = g.out_size(), y_size = g.in_size();
    const int64_t rows = mg * g.kernel_size();
    const float* px = x->data<float>();
    const float* pw = w->data<float>();
    const float* bias = b != nullptr ? b->data<float>() : nullptr;
    float* py = y->data<float>();
    const int64_t tasks = n * group_;
    const double flops = 2.0 * tasks * rows * x_size * cg;
    const int64_t slots =
        flops < 2.0e5 ? 1
                      : std::max<int64_t>(1, std::min<int64_t>(ctx.pool().num_threads(), tasks));
    float* scratch = static_cast<float*>(ctx.Scratch(sizeof(float) * slots * rows * x_size));
    auto run_slot = [&](int64_t slot, ThreadPool* gemm_pool) {
      float* cols = scratch + slot * rows * x_size;
      for (int64_t task = slot; task < tasks; task += slots) {
        const int64_t img = task / group_, grp = task % group_;
        // cols [M/g * K, X positions] = W_g^T [M/g * K, C/g] * X_g [C/g, X positions].
        blas::Gemm(true, false, rows, x_size, cg, 1.0f, pw + grp * cg * rows, rows,
                   px + (img * c + grp * cg) * x_size, x_size, 0.0f, cols, x_size, gemm_pool);
        float* yg = py + (img * m + grp * mg) * y_size;
        for (int64_t r = 0; r < mg; ++r) {
          std::fill(yg + r * y_size, yg + (r + 1) * y_size,
                    bias != nullptr ? bias[grp * mg + r] : 0.0f);
        }
        Col2ImAdd(cols, mg, g, yg);
      }
    };
    if (slots == 1) {
      run_slot(0, &ctx.pool());
    } else {
      ctx.pool().ParallelFor(slots, 1, [&](int64_t begin, int64_t end) {
        for (int64_t slot = begin; slot < end; ++slot) run_slot(slot, nullptr);
      });
    }
    return Status::Ok();
  }

 private:
  // The geometry of the adjoint Conv: its input is our output (g.in) and its output positions
  // are our input positions (g.out), so Col2ImAdd can scatter straight into Y.
  Result<WindowGeometry> Geometry(const std::vector<int64_t>& in,
                                  const std::vector<int64_t>& kernel) const {
    const size_t rank = in.size();
    auto list = [&](const std::vector<int64_t>& v, const char* name, int64_t fallback,
                    size_t count) -> Result<std::vector<int64_t>> {
      if (v.empty()) return std::vector<int64_t>(count, fallback);
      if (v.size() != count) {
        return Error(std::string("attribute ") + name + " " + IntsToString(v) + " should have " +
                     std::to_string(count) + " values");
      }
      return v;
    };
    WindowGeometry g;
    g.kernel = kernel;
    g.out = in;
    VF_ASSIGN_OR_RETURN(g.stride, list(attrs_.strides, "strides", 1, rank));
    VF_ASSIGN_OR_RETURN(g.dilation, list(attrs_.dilations, "dilations", 1, rank));
    VF_ASSIGN_OR_RETURN(std::vector<int64_t> pads, list(attrs_.pads, "pads", 0, 2 * rank));
    VF_ASSIGN_OR_RETURN(std::vector<int64_t> out_pad,
                        list(output_padding_, "output_padding", 0, rank));
    std::vector<int64_t> out_shape = output_shape_;
    if (out_shape.size() == rank + 2) out_shape.erase(out_shape.begin(), out_shape.begin() + 2);
    if (!out_shape.empty() && out_shape.size() != rank) {
      return Error("output_shape " + IntsToString(output_shape_) + " does not match " +
                   std::to_string(rank) + " spatial axes");
    }
    g.in.resize(rank);
    g.pad_begin.resize(rank);
    g.pad_end.resize(rank);
    for (size_t i = 0; i < rank; ++i) {
      const int64_t full =
          g.stride[i] * (in[i] - 1) + out_pad[i] + (kernel[i] - 1) * g.dilation[i] + 1;
      const bool same =
          attrs_.auto_pad == AutoPad::kSameUpper || attrs_.auto_pad == AutoPad::kSameLower;
      if (!out_shape.empty() || same) {
        g.in[i] = !out_shape.empty() ? out_shape[i] : in[i] * g.stride[i];
        const int64_t total = full - g.in[i];
        if (attrs_.auto_pad == AutoPad::kSameUpper) {
          g.pad_begin[i] = FloorDiv2(total);
          g.pad_end[i] = total - g.pad_begin[i];
        } else {
          g.pad_end[i] = FloorDiv2(total);
          g.pad_begin[i] = total - g.pad_end[i];
        }
      } else {
        if (attrs_.auto_pad == AutoPad::kNotSet) {
          g.pad_begin[i] = pads[i];
          g.pad_end[i] = pads[i + rank];
        }
        g.in[i] = full - g.pad_begin[i] - g.pad_end[i];
      }
      if (g.in[i] < 0) {
        return Error("the output would have a negative size along spatial axis " +
                     std::to_string(i));
      }
    }
    return g;
  }

  WindowAttrs attrs_;
  int64_t group_ = 1;
  std::vector<int64_t> output_padding_;
  std::vector<int64_t> output_shape_;
};

}  // namespace

KernelFactory MakeConvTransposeFactory() { return MakeFactory<ConvTransposeKernel>(); }

}  // namespace voxface::nn
