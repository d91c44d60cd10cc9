// SPDX-License-Identifier: Apache-2.0
// What RNN, GRU and LSTM share: attribute parsing (direction, layout, activations with their
// alpha/beta, clip), input validation, the layout-dependent index arithmetic, and the two
// matrix products that do nearly all the work: X * W^T for every time step at once (one GEMM
// before the recurrence) and, per step, H * R^T against R transposed once (prepacked at load
// time when R is constant), because OpenBLAS is several times faster on an untransposed B when
// the batch, i.e. the number of rows, is small.
#ifndef VOXFACE_SRC_NN_OPS_RNN_COMMON_H_
#define VOXFACE_SRC_NN_OPS_RNN_COMMON_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "nn/kernel.h"
#include "nn/ops/op_util.h"

namespace voxface::nn {

struct RnnActivation {
  enum class Kind {
    kSigmoid,
    kTanh,
    kRelu,
    kAffine,
    kLeakyRelu,
    kThresholdedRelu,
    kScaledTanh,
    kHardSigmoid,
    kElu,
    kSoftsign,
    kSoftplus,
  };
  Kind kind = Kind::kSigmoid;
  float alpha = 0.0f;
  float beta = 0.0f;
};

// Applies `f` in place to n values; with clip > 0 the inputs are first clipped to
// [-clip, clip] (ONNX applies clip to the input of every activation).
void ApplyActivation(const RnnActivation& f, float clip, float* x, int64_t n);

// The per-run view of an RNN node's inputs.
struct RnnRun {
  const float* x = nullptr;
  const float* w = nullptr;
  const float* b = nullptr;          // [dirs, 2 * gates * hidden] or null
  const float* initial_h = nullptr;  // layout-dependent, or null
  const float* r_t = nullptr;        // R^T per direction: [dirs][hidden, gates * hidden]
  float* xw = nullptr;               // X * W^T + Wb per direction: [dirs][seq * batch rows]
  int64_t seq = 0, batch = 0, input = 0, hidden = 0;
  int dirs = 1;
  std::vector<int64_t> lens;  // per batch entry, <= seq
};

class RnnKernelBase : public NodeKernel {
 public:
  RnnKernelBase(const NodeInfo& node, int gates) : NodeKernel(node), gates_(gates) {}

 protected:
  // Parses the shared attributes; `defaults` are the activations of one direction.
  Status InitCommon(const NodeInfo& node, const std::vector<std::string>& defaults);

  // Validates X, W, R, B, sequence_lens, initial_h (inputs 0-5), transposes R unless it was
  // prepacked, and computes X * W^T + Wb for every step and direction.
  Status Prepare(KernelContext& ctx, RnnRun* run) const;

  // Row of X (and of xw) for time t, batch entry b: X is [seq, batch, in] or [batch, seq, in].
  int64_t XRow(const RnnRun& run, int64_t t, int64_t b) const {
    return layout_ == 0 ? t * run.batch + b : b * run.seq + t;
  }
  // Offset of Y[t, dir, b, :] (layout 0) or Y[b, t, dir, :] (layout 1), in elements.
  int64_t YOffset(const RnnRun& run, int64_t t, int dir, int64_t b) const {
    return (layout_ == 0 ? (t * run.dirs + dir) * run.batch + b
                         : (b * run.seq + t) * run.dirs + dir) *
           run.hidden;
  }
  // Offset of a state tensor entry (initial_h, Y_h, Y_c): [dirs, batch, H] or [batch, dirs, H].
  int64_t StateOffset(const RnnRun& run, int dir, int64_t b) const {
    return (layout_ == 0 ? dir * run.batch + b : b * run.dirs + dir) * run.hidden;
  }
  Shape YShape(const RnnRun& run) const;
  Shape StateShape(const RnnRun& run) const;
  // Time index of step s for batch entry b in direction dir (reverse runs back from its length).
  int64_t TimeAt(const RnnRun& run, int dir, int64_t s, int64_t b) const {
    return IsReverse(dir) ? run.lens[b] - 1 - s : s;
  }
  bool IsReverse(int dir) const { return direction_ == 1 || (direction_ == 2 && dir == 1); }
  // Runs fn(direction) for each direction; the two directions of a bidirectional node are
  // independent recurrences, so they go to two pool threads when there is work enough.
  // fn must not use the pool itself.
  void ForEachDirection(KernelContext& ctx, const RnnRun& run,
                        const std::function<void(int)>& fn) const;
  // Zeroes Y for the steps past each batch entry's length (the spec leaves them undefined;
  // zeros are what ONNX Runtime and cuDNN write).
  void ZeroPadding(const RnnRun& run, float* y) const;
  // Validates an optional [dirs, batch, H]-style state input such as initial_c.
  Result<const float*> StateInput(KernelContext& ctx, int index, const char* what,
                                  const RnnRun& run) const;

  const RnnActivation& activation(int dir, int i) const {
    return activations_[dir * activations_per_dir_ + i];
  }
  float clip() const { return clip_; }
  int gates() const { return gates_; }

 private:
  Result<RnnActivation> ParseActivation(const std::string& name, std::vector<float>* alphas,
                                        std::vector<float>* betas) const;

  int gates_;
  int direction_ = 0;  // 0 forward, 1 reverse, 2 bidirectional
  int num_directions_ = 1;
  int64_t hidden_size_ = 0;
  int64_t layout_ = 0;
  float clip_ = 0.0f;
  int activations_per_dir_ = 0;
  std::vector<RnnActivation> activations_;
  std::optional<Tensor> packed_r_t_;  // [dirs, H, gates * H] when R is a load-time constant
};

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_OPS_RNN_COMMON_H_
