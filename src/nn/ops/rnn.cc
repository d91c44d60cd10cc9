// SPDX-License-Identifier: Apache-2.0
// The simple RNN (H = f(X W^T + H R^T + Wb + Rb)) and RegisterRnnOps for the recurrent family.
#include <algorithm>
#include <vector>

#include "nn/ops/blas.h"
#include "nn/ops/ops.h"
#include "nn/ops/rnn_common.h"
#include "nn/ops/rnn_ops.h"

namespace voxface::nn {
namespace {

class RnnKernel : public RnnKernelBase {
 public:
  explicit RnnKernel(const NodeInfo& node) : RnnKernelBase(node, 1) {}

  Status Init(const NodeInfo& node) { return InitCommon(node, {"Tanh"}); }

  Status Run(KernelContext& ctx) const override {
    RnnRun run;
    VF_RETURN_IF_ERROR(Prepare(ctx, &run));
    Tensor* y = ctx.num_outputs() > 0 ? ctx.Output(0, DataType::kFloat32, YShape(run)) : nullptr;
    Tensor* y_h =
        ctx.num_outputs() > 1 ? ctx.Output(1, DataType::kFloat32, StateShape(run)) : nullptr;
    const int64_t batch = run.batch, h = run.hidden;
    if (y != nullptr) ZeroPadding(run, y->data<float>());
    const int64_t per_dir = 2 * batch * h;  // state, step pre-activations
    float* scratch =
        static_cast<float*>(ctx.Scratch(sizeof(float) * std::max<int64_t>(1, per_dir * run.dirs)));
    ForEachDirection(ctx, run, [&](int dir) {
      float* state = scratch + dir * per_dir;
      float* pre = state + batch * h;
      for (int64_t b = 0; b < batch; ++b) {
        if (run.initial_h != nullptr) {
          const float* src = run.initial_h + StateOffset(run, dir, b);
          std::copy(src, src + h, state + b * h);
        } else {
          std::fill(state + b * h, state + (b + 1) * h, 0.0f);
        }
      }
      const float* r_t = run.r_t + dir * h * h;
      const float* rb = run.b != nullptr ? run.b + dir * 2 * h + h : nullptr;
      const float* xw = run.xw + dir * run.seq * batch * h;
      const RnnActivation& f = activation(dir, 0);
      const int64_t steps = batch > 0 ? *std::max_element(run.lens.begin(), run.lens.end()) : 0;
      for (int64_t s = 0; s < steps; ++s) {
        blas::Gemm(false, false, batch, h, h, 1.0f, state, h, r_t, h, 0.0f, pre, h);
        for (int64_t b = 0; b < batch; ++b) {
          if (s >= run.lens[b]) continue;
          const int64_t t = TimeAt(run, dir, s, b);
          const float* xr = xw + XRow(run, t, b) * h;
          float* pb = pre + b * h;
          for (int64_t j = 0; j < h; ++j) pb[j] += xr[j] + (rb != nullptr ? rb[j] : 0.0f);
          ApplyActivation(f, clip(), pb, h);
          std::copy(pb, pb + h, state + b * h);
          if (y != nullptr) std::copy(pb, pb + h, y->data<float>() + YOffset(run, t, dir, b));
        }
      }
      if (y_h != nullptr) {
        for (int64_t b = 0; b < batch; ++b) {
          std::copy(state + b * h, state + (b + 1) * h,
                    y_h->data<float>() + StateOffset(run, dir, b));
        }
      }
    });
    return Status::Ok();
  }
};

}  // namespace

void RegisterRnnOps(OpRegistry& registry) {
  registry.Register("RNN", 1, MakeFactory<RnnKernel>());
  registry.Register("GRU", 1, MakeGruFactory());
  registry.Register("LSTM", 1, MakeLstmFactory());
}

}  // namespace voxface::nn
