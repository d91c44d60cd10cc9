// SPDX-License-Identifier: Apache-2.0
#include "nn/ops/rnn_common.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "nn/ops/blas.h"
#include "nn/ops/vector_math.h"

namespace voxface::nn {
namespace {

// R [dirs, gates*H, H] -> R^T [dirs, H, gates*H].
void TransposeR(const float* r, int dirs, int64_t rows, int64_t hidden, float* out) {
  for (int d = 0; d < dirs; ++d) {
    const float* src = r + d * rows * hidden;
    float* dst = out + d * rows * hidden;
    for (int64_t i = 0; i < rows; ++i) {
      for (int64_t j = 0; j < hidden; ++j) dst[j * rows + i] = src[i * hidden + j];
    }
  }
}

}  // namespace

void ApplyActivation(const RnnActivation& f, float clip, float* x, int64_t n) {
  using Kind = RnnActivation::Kind;
  if (clip > 0.0f) {
    for (int64_t i = 0; i < n; ++i) x[i] = std::min(std::max(x[i], -clip), clip);
  }
  const float a = f.alpha, b = f.beta;
  switch (f.kind) {
    case Kind::kSigmoid:
      vmath::Sigmoid(x, x, n);
      break;
    case Kind::kTanh:
      vmath::Tanh(x, x, n);
      break;
    case Kind::kRelu:
      for (int64_t i = 0; i < n; ++i) x[i] = std::max(x[i], 0.0f);
      break;
    case Kind::kAffine:
      for (int64_t i = 0; i < n; ++i) x[i] = a * x[i] + b;
      break;
    case Kind::kLeakyRelu:
      for (int64_t i = 0; i < n; ++i) x[i] = x[i] >= 0.0f ? x[i] : a * x[i];
      break;
    case Kind::kThresholdedRelu:
      for (int64_t i = 0; i < n; ++i) x[i] = x[i] >= a ? x[i] : 0.0f;
      break;
    case Kind::kScaledTanh:
      for (int64_t i = 0; i < n; ++i) x[i] *= b;
      vmath::Tanh(x, x, n);
      for (int64_t i = 0; i < n; ++i) x[i] *= a;
      break;
    case Kind::kHardSigmoid:
      for (int64_t i = 0; i < n; ++i) x[i] = std::min(std::max(a * x[i] + b, 0.0f), 1.0f);
      break;
    case Kind::kElu:
      for (int64_t i = 0; i < n; ++i) x[i] = x[i] >= 0.0f ? x[i] : a * (std::exp(x[i]) - 1.0f);
      break;
    case Kind::kSoftsign:
      for (int64_t i = 0; i < n; ++i) x[i] = x[i] / (1.0f + std::fabs(x[i]));
      break;
    case Kind::kSoftplus:
      // log(1 + e^x) without overflow: equals x to float precision above 20.
      for (int64_t i = 0; i < n; ++i) x[i] = x[i] > 20.0f ? x[i] : std::log1p(std::exp(x[i]));
      break;
  }
}

Result<RnnActivation> RnnKernelBase::ParseActivation(const std::string& name,
                                                     std::vector<float>* alphas,
                                                     std::vector<float>* betas) const {
  using Kind = RnnActivation::Kind;
  struct Spec {
    const char* name;
    Kind kind;
    bool uses_alpha, uses_beta;
    float alpha, beta;  // defaults of the corresponding ONNX operators
  };
  static const Spec kSpecs[] = {
      {"Sigmoid", Kind::kSigmoid, false, false, 0, 0},
      {"Tanh", Kind::kTanh, false, false, 0, 0},
      {"Relu", Kind::kRelu, false, false, 0, 0},
      {"Affine", Kind::kAffine, true, true, 1.0f, 0.0f},
      {"LeakyRelu", Kind::kLeakyRelu, true, false, 0.01f, 0},
      {"ThresholdedRelu", Kind::kThresholdedRelu, true, false, 1.0f, 0},
      {"ScaledTanh", Kind::kScaledTanh, true, true, 1.0f, 1.0f},
      {"HardSigmoid", Kind::kHardSigmoid, true, true, 0.2f, 0.5f},
      {"Elu", Kind::kElu, true, false, 1.0f, 0},
      {"Softsign", Kind::kSoftsign, false, false, 0, 0},
      {"Softplus", Kind::kSoftplus, false, false, 0, 0},
  };
  for (const Spec& s : kSpecs) {
    if (!EqualsIgnoreCase(name, s.name)) continue;
    RnnActivation f{s.kind, s.alpha, s.beta};
    // alpha and beta lists are consumed in order by the activations that take them.
    if (s.uses_alpha && !alphas->empty()) {
      f.alpha = alphas->front();
      alphas->erase(alphas->begin());
    }
    if (s.uses_beta && !betas->empty()) {
      f.beta = betas->front();
      betas->erase(betas->begin());
    }
    return f;
  }
  return Unsupported("activation '" + name + "' is not one of the ONNX RNN activations");
}

Status RnnKernelBase::InitCommon(const NodeInfo& node, const std::vector<std::string>& defaults) {
  const std::string direction = node.attrs.GetString("direction", "forward");
  if (direction == "forward") {
    direction_ = 0;
  } else if (direction == "reverse") {
    direction_ = 1;
  } else if (direction == "bidirectional") {
    direction_ = 2;
  } else {
    return Error("direction '" + direction + "' is not forward, reverse or bidirectional");
  }
  num_directions_ = direction_ == 2 ? 2 : 1;
  hidden_size_ = node.attrs.GetInt("hidden_size", 0);
  if (hidden_size_ < 0) return Error("hidden_size must be positive");
  layout_ = node.attrs.GetInt("layout", 0);
  if (layout_ != 0 && layout_ != 1) return Error("layout must be 0 or 1");
  if (node.attrs.Has("clip")) {
    clip_ = node.attrs.GetFloat("clip", 0.0f);
    if (!(clip_ > 0.0f)) return Error("clip must be positive");
  }
  activations_per_dir_ = static_cast<int>(defaults.size());
  std::vector<std::string> names = node.attrs.GetStrings("activations");
  if (names.empty()) {
    for (int d = 0; d < num_directions_; ++d)
      names.insert(names.end(), defaults.begin(), defaults.end());
  } else if (num_directions_ == 2 && names.size() == defaults.size()) {
    names.insert(names.end(), names.begin(), names.end());  // one list for both directions
  }
  if (names.size() != defaults.size() * num_directions_) {
    return Error("activations lists " + std::to_string(names.size()) + " functions, expected " +
                 std::to_string(defaults.size() * num_directions_));
  }
  std::vector<float> alphas = node.attrs.GetFloats("activation_alpha");
  std::vector<float> betas = node.attrs.GetFloats("activation_beta");
  for (const std::string& name : names) {
    VF_ASSIGN_OR_RETURN(RnnActivation f, ParseActivation(name, &alphas, &betas));
    activations_.push_back(f);
  }
  const Tensor* r = node.constant_inputs.size() > 2 ? node.constant_inputs[2] : nullptr;
  if (r != nullptr && r->dtype() == DataType::kFloat32 && r->rank() == 3 &&
      r->dim(0) == num_directions_ && r->dim(1) == gates_ * r->dim(2) &&
      r->device() == Device::kHost) {
    Tensor packed = Tensor::Zeros(DataType::kFloat32, {r->dim(0), r->dim(2), r->dim(1)});
    TransposeR(r->data<float>(), num_directions_, r->dim(1), r->dim(2), packed.data<float>());
    packed_r_t_ = std::move(packed);
  }
  return Status::Ok();
}

Shape RnnKernelBase::YShape(const RnnRun& run) const {
  return layout_ == 0 ? Shape{run.seq, run.dirs, run.batch, run.hidden}
                      : Shape{run.batch, run.seq, run.dirs, run.hidden};
}

Shape RnnKernelBase::StateShape(const RnnRun& run) const {
  return layout_ == 0 ? Shape{run.dirs, run.batch, run.hidden}
                      : Shape{run.batch, run.dirs, run.hidden};
}

Result<const float*> RnnKernelBase::StateInput(KernelContext& ctx, int index, const char* what,
                                               const RnnRun& run) const {
  VF_ASSIGN_OR_RETURN(const Tensor* t, OptionalFloatInput(ctx, index, what));
  if (t == nullptr) return static_cast<const float*>(nullptr);
  if (t->shape() != StateShape(run)) {
    return Error(std::string(what) + " " + ShapeToString(t->shape()) + " should be " +
                 ShapeToString(StateShape(run)));
  }
  return t->data<float>();
}

Status RnnKernelBase::Prepare(KernelContext& ctx, RnnRun* run) const {
  VF_ASSIGN_OR_RETURN(const Tensor* x, FloatInput(ctx, 0, "X"));
  VF_ASSIGN_OR_RETURN(const Tensor* w, FloatInput(ctx, 1, "W"));
  VF_ASSIGN_OR_RETURN(const Tensor* b, OptionalFloatInput(ctx, 3, "B"));
  if (x->rank() != 3) return Error("X " + ShapeToString(x->shape()) + " should be 3-D");
  run->seq = layout_ == 0 ? x->dim(0) : x->dim(1);
  run->batch = layout_ == 0 ? x->dim(1) : x->dim(0);
  run->input = x->dim(2);
  run->dirs = num_directions_;
  const int64_t g = gates_;
  if (w->rank() != 3 || w->dim(0) != num_directions_ || w->dim(1) % g != 0 ||
      w->dim(2) != run->input) {
    return Error("W " + ShapeToString(w->shape()) + " should be [" +
                 std::to_string(num_directions_) + ", " + std::to_string(g) + " * hidden, " +
                 std::to_string(run->input) + "]");
  }
  run->hidden = hidden_size_ > 0 ? hidden_size_ : w->dim(1) / g;
  const int64_t h = run->hidden, gh = g * h;
  if (w->dim(1) != gh) {
    return Error("W " + ShapeToString(w->shape()) + " does not match hidden_size " +
                 std::to_string(h));
  }
  if (packed_r_t_.has_value() && packed_r_t_->dim(1) == h) {
    run->r_t = packed_r_t_->data<float>();
  } else {
    VF_ASSIGN_OR_RETURN(const Tensor* r, FloatInput(ctx, 2, "R"));
    if (r->shape() != Shape{num_directions_, gh, h}) {
      return Error("R " + ShapeToString(r->shape()) + " should be " +
                   ShapeToString({num_directions_, gh, h}));
    }
    float* r_t = static_cast<float*>(ctx.Scratch(sizeof(float) * r->size()));
    TransposeR(r->data<float>(), num_directions_, gh, h, r_t);
    run->r_t = r_t;
  }
  if (b != nullptr && b->shape() != Shape{num_directions_, 2 * gh}) {
    return Error("B " + ShapeToString(b->shape()) + " should be " +
                 ShapeToString({num_directions_, 2 * gh}));
  }
  run->b = b != nullptr ? b->data<float>() : nullptr;
  run->lens.assign(static_cast<size_t>(run->batch), run->seq);
  if (const Tensor* lens = ctx.input(4); lens != nullptr) {
    if ((lens->dtype() != DataType::kInt32 && lens->dtype() != DataType::kInt64) ||
        lens->size() != run->batch) {
      return Error("sequence_lens " + ShapeToString(lens->shape()) + " should be int32 [" +
                   std::to_string(run->batch) + "]");
    }
    run->lens = lens->ToInt64Vector();
    for (int64_t len : run->lens) {
      if (len < 0 || len > run->seq) {
        return Error("sequence_lens value " + std::to_string(len) + " is outside [0, " +
                     std::to_string(run->seq) + "]");
      }
    }
  }
  VF_ASSIGN_OR_RETURN(run->initial_h, StateInput(ctx, 5, "initial_h", *run));
  run->x = x->data<float>();
  run->w = w->data<float>();
  // X * W^T for all steps: [seq * batch, input] x [input, gates * H] per direction, plus Wb.
  const int64_t rows = run->seq * run->batch;
  run->xw = static_cast<float*>(
      ctx.Scratch(sizeof(float) * std::max<int64_t>(1, num_directions_ * rows * gh)));
  for (int d = 0; d < num_directions_; ++d) {
    float* xw = run->xw + d * rows * gh;
    blas::Gemm(false, true, rows, gh, run->input, 1.0f, run->x, run->input,
               run->w + d * gh * run->input, run->input, 0.0f, xw, gh, &ctx.pool());
    if (run->b != nullptr) {
      const float* wb = run->b + d * 2 * gh;
      for (int64_t r = 0; r < rows; ++r) {
        float* row = xw + r * gh;
        for (int64_t j = 0; j < gh; ++j) row[j] += wb[j];
      }
    }
  }
  return Status::Ok();
}

void RnnKernelBase::ForEachDirection(KernelContext& ctx, const RnnRun& run,
                                     const std::function<void(int)>& fn) const {
  if (run.dirs == 2 && ctx.pool().num_threads() > 1 &&
      run.seq * run.batch * run.hidden * run.hidden >= 65536) {
    ctx.pool().ParallelFor(2, 1, [&](int64_t begin, int64_t end) {
      for (int64_t d = begin; d < end; ++d) fn(static_cast<int>(d));
    });
    return;
  }
  for (int d = 0; d < run.dirs; ++d) fn(d);
}

void RnnKernelBase::ZeroPadding(const RnnRun& run, float* y) const {
  for (int64_t b = 0; b < run.batch; ++b) {
    for (int64_t t = run.lens[b]; t < run.seq; ++t) {
      for (int d = 0; d < run.dirs; ++d) {
        float* row = y + YOffset(run, t, d, b);
        std::fill(row, row + run.hidden, 0.0f);
      }
    }
  }
}

}  // namespace voxface::nn
