// SPDX-License-Identifier: Apache-2.0
// GRU (gates z, r, h), both forms of the candidate: reset before the recurrent product
// (linear_before_reset = 0, the ONNX default) and after it (1, what PyTorch exports).
#include <algorithm>
#include <vector>

#include "nn/ops/blas.h"
#include "nn/ops/rnn_common.h"
#include "nn/ops/rnn_ops.h"

namespace voxface::nn {
namespace {

class GruKernel : public RnnKernelBase {
 public:
  explicit GruKernel(const NodeInfo& node) : RnnKernelBase(node, 3) {}

  Status Init(const NodeInfo& node) {
    linear_before_reset_ = node.attrs.GetInt("linear_before_reset", 0) != 0;
    return InitCommon(node, {"Sigmoid", "Tanh"});
  }

  Status Run(KernelContext& ctx) const override {
    RnnRun run;
    VF_RETURN_IF_ERROR(Prepare(ctx, &run));
    Tensor* y = ctx.num_outputs() > 0 ? ctx.Output(0, DataType::kFloat32, YShape(run)) : nullptr;
    Tensor* y_h =
        ctx.num_outputs() > 1 ? ctx.Output(1, DataType::kFloat32, StateShape(run)) : nullptr;
    const int64_t batch = run.batch, h = run.hidden;
    if (y != nullptr) ZeroPadding(run, y->data<float>());
    // Per direction: state [B, H], recurrent products [B, 3H], reset state [B, H].
    const int64_t per_dir = batch * h * 5;
    float* scratch =
        static_cast<float*>(ctx.Scratch(sizeof(float) * std::max<int64_t>(1, per_dir * run.dirs)));
    ForEachDirection(ctx, run, [&](int dir) {
      float* state = scratch + dir * per_dir;
      RunDirection(run, dir, state, y != nullptr ? y->data<float>() : nullptr);
      if (y_h != nullptr) {
        for (int64_t b = 0; b < batch; ++b) {
          std::copy(state + b * h, state + (b + 1) * h,
                    y_h->data<float>() + StateOffset(run, dir, b));
        }
      }
    });
    return Status::Ok();
  }

 private:
  void RunDirection(const RnnRun& run, int dir, float* state, float* y) const {
    const int64_t batch = run.batch, h = run.hidden, gh = 3 * h;
    // [B, 3H]: z and r pre-activations, then the candidate's recurrent part (one GEMM for all
    // three when the reset comes after the product).
    float* rec = state + batch * h;
    float* reset_h = rec + batch * gh;  // [B, H]: r (.) H_prev, when reset comes first
    for (int64_t b = 0; b < batch; ++b) {
      float* hb = state + b * h;
      if (run.initial_h != nullptr) {
        std::copy(run.initial_h + StateOffset(run, dir, b),
                  run.initial_h + StateOffset(run, dir, b) + h, hb);
      } else {
        std::fill(hb, hb + h, 0.0f);
      }
    }
    std::fill(reset_h, reset_h + batch * h, 0.0f);
    const float* r_t = run.r_t + dir * h * gh;  // [H, 3H]
    const float* rb = run.b != nullptr ? run.b + dir * 2 * gh + gh : nullptr;
    const float* xw = run.xw + dir * run.seq * batch * gh;
    const RnnActivation& f = activation(dir, 0);
    const RnnActivation& g = activation(dir, 1);
    const int64_t steps = batch > 0 ? *std::max_element(run.lens.begin(), run.lens.end()) : 0;
    for (int64_t s = 0; s < steps; ++s) {
      blas::Gemm(false, false, batch, linear_before_reset_ ? gh : 2 * h, h, 1.0f, state, h, r_t, gh,
                 0.0f, rec, gh);
      for (int64_t b = 0; b < batch; ++b) {
        if (s >= run.lens[b]) continue;
        const float* xr = xw + XRow(run, TimeAt(run, dir, s, b), b) * gh;
        float* z = rec + b * gh;
        for (int64_t j = 0; j < 2 * h; ++j) z[j] += xr[j] + (rb != nullptr ? rb[j] : 0.0f);
        ApplyActivation(f, clip(), z, 2 * h);  // z and r share f
        const float* r = z + h;
        const float* hb = state + b * h;
        float* cb = z + 2 * h;
        if (linear_before_reset_) {
          for (int64_t j = 0; j < h; ++j) {
            cb[j] = xr[2 * h + j] + r[j] * (cb[j] + (rb != nullptr ? rb[2 * h + j] : 0.0f));
          }
        } else {
          for (int64_t j = 0; j < h; ++j) reset_h[b * h + j] = r[j] * hb[j];
        }
      }
      if (!linear_before_reset_) {
        blas::Gemm(false, false, batch, h, h, 1.0f, reset_h, h, r_t + 2 * h, gh, 0.0f, rec + 2 * h,
                   gh);
      }
      for (int64_t b = 0; b < batch; ++b) {
        if (s >= run.lens[b]) continue;
        const int64_t t = TimeAt(run, dir, s, b);
        const float* z = rec + b * gh;
        float* cb = rec + b * gh + 2 * h;
        if (!linear_before_reset_) {
          const float* xr = xw + XRow(run, t, b) * gh;
          for (int64_t j = 0; j < h; ++j) {
            cb[j] += xr[2 * h + j] + (rb != nullptr ? rb[2 * h + j] : 0.0f);
          }
        }
        ApplyActivation(g, clip(), cb, h);
        float* hb = state + b * h;
        for (int64_t j = 0; j < h; ++j) hb[j] = (1.0f - z[j]) * cb[j] + z[j] * hb[j];
        if (y != nullptr) std::copy(hb, hb + h, y + YOffset(run, t, dir, b));
      }
    }
  }

  bool linear_before_reset_ = false;
};

}  // namespace

KernelFactory MakeGruFactory() { return MakeFactory<GruKernel>(); }

}  // namespace voxface::nn
