// SPDX-License-Identifier: Apache-2.0
// LSTM (gates i, o, f, c) with peepholes, coupled input/forget gates and optional Y, Y_h, Y_c.
#include <algorithm>
#include <vector>

#include "nn/ops/blas.h"
#include "nn/ops/rnn_common.h"
#include "nn/ops/rnn_ops.h"

namespace voxface::nn {
namespace {

class LstmKernel : public RnnKernelBase {
 public:
  explicit LstmKernel(const NodeInfo& node) : RnnKernelBase(node, 4) {}

  Status Init(const NodeInfo& node) {
    input_forget_ = node.attrs.GetInt("input_forget", 0) != 0;
    return InitCommon(node, {"Sigmoid", "Tanh", "Tanh"});
  }

  Status Run(KernelContext& ctx) const override {
    RnnRun run;
    VF_RETURN_IF_ERROR(Prepare(ctx, &run));
    VF_ASSIGN_OR_RETURN(const float* initial_c, StateInput(ctx, 6, "initial_c", run));
    VF_ASSIGN_OR_RETURN(const Tensor* p, OptionalFloatInput(ctx, 7, "P"));
    const int64_t batch = run.batch, h = run.hidden;
    if (p != nullptr && p->shape() != Shape{run.dirs, 3 * h}) {
      return Error("P " + ShapeToString(p->shape()) + " should be " +
                   ShapeToString({run.dirs, 3 * h}));
    }
    Tensor* y = ctx.num_outputs() > 0 ? ctx.Output(0, DataType::kFloat32, YShape(run)) : nullptr;
    Tensor* y_h =
        ctx.num_outputs() > 1 ? ctx.Output(1, DataType::kFloat32, StateShape(run)) : nullptr;
    Tensor* y_c =
        ctx.num_outputs() > 2 ? ctx.Output(2, DataType::kFloat32, StateShape(run)) : nullptr;
    if (y != nullptr) ZeroPadding(run, y->data<float>());
    // Per direction: hidden [B, H], cell [B, H], gates [B, 4H], h(C) [H].
    const int64_t per_dir = batch * h * 6 + h;
    float* scratch =
        static_cast<float*>(ctx.Scratch(sizeof(float) * std::max<int64_t>(1, per_dir * run.dirs)));
    ForEachDirection(ctx, run, [&](int dir) {
      float* hidden = scratch + dir * per_dir;
      float* cell = hidden + batch * h;
      for (int64_t b = 0; b < batch; ++b) {
        const int64_t off = StateOffset(run, dir, b);
        if (run.initial_h != nullptr) {
          std::copy(run.initial_h + off, run.initial_h + off + h, hidden + b * h);
        } else {
          std::fill(hidden + b * h, hidden + (b + 1) * h, 0.0f);
        }
        if (initial_c != nullptr) {
          std::copy(initial_c + off, initial_c + off + h, cell + b * h);
        } else {
          std::fill(cell + b * h, cell + (b + 1) * h, 0.0f);
        }
      }
      RunDirection(run, dir, p != nullptr ? p->data<float>() + dir * 3 * h : nullptr, hidden, cell,
                   y != nullptr ? y->data<float>() : nullptr);
      for (int64_t b = 0; b < batch; ++b) {
        const int64_t off = StateOffset(run, dir, b);
        if (y_h != nullptr)
          std::copy(hidden + b * h, hidden + (b + 1) * h, y_h->data<float>() + off);
        if (y_c != nullptr) std::copy(cell + b * h, cell + (b + 1) * h, y_c->data<float>() + off);
      }
    });
    return Status::Ok();
  }

 private:
  void RunDirection(const RnnRun& run, int dir, const float* peep, float* hidden, float* cell,
                    float* y) const {
    const int64_t batch = run.batch, h = run.hidden, gh = 4 * h;
    float* gates = cell + batch * h;  // [B, 4H]
    float* act = gates + batch * gh;  // [H]
    const float* r_t = run.r_t + dir * h * gh;
    const float* rb = run.b != nullptr ? run.b + dir * 2 * gh + gh : nullptr;
    const float* xw = run.xw + dir * run.seq * batch * gh;
    const RnnActivation& f = activation(dir, 0);
    const RnnActivation& g = activation(dir, 1);
    const RnnActivation& hact = activation(dir, 2);
    const int64_t steps = batch > 0 ? *std::max_element(run.lens.begin(), run.lens.end()) : 0;
    for (int64_t s = 0; s < steps; ++s) {
      blas::Gemm(false, false, batch, gh, h, 1.0f, hidden, h, r_t, gh, 0.0f, gates, gh);
      for (int64_t b = 0; b < batch; ++b) {
        if (s >= run.lens[b]) continue;
        const int64_t t = TimeAt(run, dir, s, b);
        const float* xr = xw + XRow(run, t, b) * gh;
        float* gb = gates + b * gh;
        for (int64_t j = 0; j < gh; ++j) gb[j] += xr[j] + (rb != nullptr ? rb[j] : 0.0f);
        float* in_gate = gb;
        float* out_gate = gb + h;
        float* forget = gb + 2 * h;
        float* cand = gb + 3 * h;
        float* cb = cell + b * h;
        if (peep != nullptr) {
          for (int64_t j = 0; j < h; ++j) {
            in_gate[j] += peep[j] * cb[j];
            forget[j] += peep[2 * h + j] * cb[j];
          }
        }
        ApplyActivation(f, clip(), in_gate, h);
        if (input_forget_) {
          for (int64_t j = 0; j < h; ++j) forget[j] = 1.0f - in_gate[j];
        } else {
          ApplyActivation(f, clip(), forget, h);
        }
        ApplyActivation(g, clip(), cand, h);
        for (int64_t j = 0; j < h; ++j) cb[j] = forget[j] * cb[j] + in_gate[j] * cand[j];
        if (peep != nullptr) {
          for (int64_t j = 0; j < h; ++j) out_gate[j] += peep[h + j] * cb[j];
        }
        ApplyActivation(f, clip(), out_gate, h);
        std::copy(cb, cb + h, act);
        ApplyActivation(hact, clip(), act, h);
        float* hb = hidden + b * h;
        for (int64_t j = 0; j < h; ++j) hb[j] = out_gate[j] * act[j];
        if (y != nullptr) std::copy(hb, hb + h, y + YOffset(run, t, dir, b));
      }
    }
  }

  bool input_forget_ = false;
};

}  // namespace

KernelFactory MakeLstmFactory() { return MakeFactory<LstmKernel>(); }

}  // namespace voxface::nn
