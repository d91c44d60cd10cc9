// SPDX-License-Identifier: Apache-2.0
#include "nn/ops/softmax.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "nn/ops/op_util.h"
#include "nn/ops/vector_math.h"

namespace voxface::nn {
namespace {

enum class SoftmaxKind { kSoftmax, kLogSoftmax, kHardmax };

// One row of `len` elements `stride` apart.
void SoftmaxRow(SoftmaxKind kind, const float* x, int64_t len, int64_t stride, float* y) {
  float max = -std::numeric_limits<float>::infinity();
  int64_t argmax = 0;
  for (int64_t j = 0; j < len; ++j) {
    const float v = x[j * stride];
    if (v > max) {
      max = v;
      argmax = j;
    }
  }
  if (kind == SoftmaxKind::kHardmax) {
    for (int64_t j = 0; j < len; ++j) y[j * stride] = j == argmax ? 1.0f : 0.0f;
    return;
  }
  // Shifting by the maximum keeps exp() in range; a row of -inf stays NaN, as in the reference.
  double sum = 0.0;
  if (kind == SoftmaxKind::kSoftmax && stride == 1) {
    for (int64_t j = 0; j < len; ++j) y[j] = x[j] - max;
    vmath::Exp(y, y, len);
    for (int64_t j = 0; j < len; ++j) sum += y[j];
    const float inv = static_cast<float>(1.0 / sum);
    for (int64_t j = 0; j < len; ++j) y[j] *= inv;
  } else if (kind == SoftmaxKind::kSoftmax) {
    for (int64_t j = 0; j < len; ++j) {
      const float e = std::exp(x[j * stride] - max);
      y[j * stride] = e;
      sum += e;
    }
    const float inv = static_cast<float>(1.0 / sum);
    for (int64_t j = 0; j < len; ++j) y[j * stride] *= inv;
  } else {
    for (int64_t j = 0; j < len; ++j) sum += std::exp(static_cast<double>(x[j * stride] - max));
    const float shift = max + static_cast<float>(std::log(sum));
    for (int64_t j = 0; j < len; ++j) y[j * stride] = x[j * stride] - shift;
  }
}

class SoftmaxKernel : public NodeKernel {
 public:
  SoftmaxKernel(const NodeInfo& node, SoftmaxKind kind) : NodeKernel(node), kind_(kind) {}

  Status Init(const NodeInfo& node) {
    coerce_2d_ = node.opset < 13;
    axis_ = node.attrs.GetInt("axis", coerce_2d_ ? 1 : -1);
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, FloatInput(ctx, 0, "input"));
    const int rank = x->rank();
    // Opsets before 13 accept axis == rank (an empty second factor) in the coerced form.
    const int hi = coerce_2d_ ? rank : rank - 1;
    if (axis_ < -rank || axis_ > hi || (rank == 0 && !coerce_2d_)) {
      return Error("axis " + std::to_string(axis_) + " is out of range for input " +
                   ShapeToString(x->shape()));
    }
    const int axis = static_cast<int>(axis_ < 0 ? axis_ + rank : axis_);
    VF_ASSIGN_OR_RETURN(Tensor * y, RequiredOutput(ctx, 0, DataType::kFloat32, x->shape()));
    int64_t len = 1, inner = 1;
    if (coerce_2d_) {
      for (int i = axis; i < rank; ++i) len *= x->dim(i);
    } else {
      len = x->dim(axis);
      for (int i = axis + 1; i < rank; ++i) inner *= x->dim(i);
    }
    if (len == 0 || inner == 0 || x->size() == 0) return Status::Ok();
    const int64_t outer = x->size() / (len * inner);
    const float* px = x->data<float>();
    float* py = y->data<float>();
    ParallelFor(ctx, outer * inner, 8.0 * len, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const int64_t o = r / inner, i = r % inner;
        const int64_t offset = o * len * inner + i;
        SoftmaxRow(kind_, px + offset, len, inner, py + offset);
      }
    });
    return Status::Ok();
  }

 private:
  SoftmaxKind kind_;
  bool coerce_2d_ = false;
  int64_t axis_ = -1;
};

KernelFactory SoftmaxFactory(SoftmaxKind kind) {
  return [kind](const NodeInfo& node) -> Result<std::unique_ptr<OpKernel>> {
    auto kernel = std::make_unique<SoftmaxKernel>(node, kind);
    VF_RETURN_IF_ERROR(kernel->Init(node));
    return std::unique_ptr<OpKernel>(std::move(kernel));
  };
}

}  // namespace

void RegisterSoftmaxOps(OpRegistry& registry) {
  registry.Register("Softmax", 1, SoftmaxFactory(SoftmaxKind::kSoftmax));
  registry.Register("LogSoftmax", 1, SoftmaxFactory(SoftmaxKind::kLogSoftmax));
  registry.Register("Hardmax", 1, SoftmaxFactory(SoftmaxKind::kHardmax));
}

}  // namespace voxface::nn
