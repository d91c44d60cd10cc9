// SPDX-License-Identifier: Apache-2.0
// MatMul (numpy semantics: 1-D operands, broadcast batch dimensions) and Gemm, over blas.h.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "nn/kernel.h"
#include "nn/ops/blas.h"
#include "nn/ops/op_util.h"
#include "nn/ops/ops.h"

namespace voxface::nn {
namespace {

class MatMulKernel : public NodeKernel {
 public:
  using NodeKernel::NodeKernel;
  Status Init(const NodeInfo& node) { return Status::Ok(); }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* a, FloatInput(ctx, 0, "A"));
    VF_ASSIGN_OR_RETURN(const Tensor* b, FloatInput(ctx, 1, "B"));
    if (a->rank() == 0 || b->rank() == 0) return Error("MatMul operands must not be scalars");
    // numpy: a 1-D A is a row vector, a 1-D B a column vector; that dimension is dropped after.
    Shape sa = a->shape(), sb = b->shape();
    if (a->rank() == 1) sa.insert(sa.begin(), 1);
    if (b->rank() == 1) sb.push_back(1);
    const int64_t m = sa[sa.size() - 2], k = sa.back();
    const int64_t n = sb.back();
    if (sb[sb.size() - 2] != k) {
      return Error("A " + ShapeToString(a->shape()) + " and B " + ShapeToString(b->shape()) +
                   " have mismatched inner dimensions");
    }
    const Shape batch_a(sa.begin(), sa.end() - 2), batch_b(sb.begin(), sb.end() - 2);
    Result<Shape> batch_or = BroadcastShapes(batch_a, batch_b);
    if (!batch_or.ok()) {
      return Error("batch dimensions of A " + ShapeToString(a->shape()) + " and B " +
                   ShapeToString(b->shape()) + " cannot be broadcast");
    }
    const Shape batch = *batch_or;
    Shape out_shape = batch;
    if (a->rank() != 1) out_shape.push_back(m);
    if (b->rank() != 1) out_shape.push_back(n);
    VF_ASSIGN_OR_RETURN(Tensor * y, RequiredOutput(ctx, 0, DataType::kFloat32, out_shape));
    const float* pa = a->data<float>();
    const float* pb = b->data<float>();
    float* py = y->data<float>();
    const int64_t total_a = NumElements(batch_a), total_b = NumElements(batch_b);
    const int64_t total = NumElements(batch);
    if (y->size() == 0) return Status::Ok();
    ThreadPool* pool = &ctx.pool();
    if (total_b == 1) {
      // One B for every batch: stack A's batches into rows, one large product (the common
      // Linear-layer case [batch, T, in] x [in, out]).
      blas::Gemm(false, false, total_a * m, n, k, 1.0f, pa, k, pb, n, 0.0f, py, n, pool);
      return Status::Ok();
    }
    if (total_a == 1 || batch_a == batch_b) {
      blas::GemmStridedBatched(false, false, m, n, k, 1.0f, pa, k, total_a == 1 ? 0 : m * k, pb, n,
                               k * n, 0.0f, py, n, m * n, total, pool);
      return Status::Ok();
    }
    // General broadcast: map each output batch index to its A and B batches.
    const int rank = static_cast<int>(batch.size());
    auto broadcast_strides = [&](const Shape& s, int64_t matrix) {
      std::vector<int64_t> strides(rank, 0);
      int64_t stride = matrix;
      for (int i = static_cast<int>(s.size()) - 1, o = rank - 1; i >= 0; --i, --o) {
        strides[o] = s[i] == 1 ? 0 : stride;
        stride *= s[i];
      }
      return strides;
    };
    const std::vector<int64_t> stride_a = broadcast_strides(batch_a, m * k);
    const std::vector<int64_t> stride_b = broadcast_strides(batch_b, k * n);
    std::vector<int64_t> offset_a(total), offset_b(total);
    std::vector<int64_t> index(rank, 0);
    for (int64_t t = 0; t < total; ++t) {
      int64_t oa = 0, ob = 0;
      for (int i = 0; i < rank; ++i) {
        oa += index[i] * stride_a[i];
        ob += index[i] * stride_b[i];
      }
      offset_a[t] = oa;
      offset_b[t] = ob;
      for (int i = rank - 1; i >= 0 && ++index[i] == batch[i]; --i) index[i] = 0;
    }
    ParallelFor(ctx, total, 2.0 * m * n * k, [&](int64_t begin, int64_t end) {
      for (int64_t t = begin; t < end; ++t) {
        blas::Gemm(false, false, m, n, k, 1.0f, pa + offset_a[t], k, pb + offset_b[t], n, 0.0f,
                   py + t * m * n, n);
      }
    });
    return Status::Ok();
  }
};

class GemmKernel : public NodeKernel {
 public:
  using NodeKernel::NodeKernel;

  Status Init(const NodeInfo& node) {
    trans_a_ = node.attrs.GetInt("transA", 0) != 0;
    trans_b_ = node.attrs.GetInt("transB", 0) != 0;
    alpha_ = node.attrs.GetFloat("alpha", 1.0f);
    beta_ = node.attrs.GetFloat("beta", 1.0f);
    const Tensor* b = node.constant_inputs.size() > 1 ? node.constant_inputs[1] : nullptr;
    if (trans_b_ && b != nullptr && b->dtype() == DataType::kFloat32 && b->rank() == 2 &&
        b->device() == Device::kHost) {
      // Weights stored [out, in] (PyTorch Linear exports transB=1) are transposed to [in, out]
      // once: OpenBLAS is 1.2-4x faster on an untransposed B when A has 1-16 rows, and as fast
      // beyond (measured on OpenBLAS 0.3.21).
      const int64_t rows = b->dim(0), cols = b->dim(1);
      Tensor packed = Tensor::Zeros(DataType::kFloat32, {cols, rows});
      const float* src = b->data<float>();
      float* dst = packed.data<float>();
      for (int64_t r = 0; r < rows; ++r) {
        for (int64_t c = 0; c < cols; ++c) dst[c * rows + r] = src[r * cols + c];
      }
      packed_b_ = std::move(packed);
    }
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* a, FloatInput(ctx, 0, "A"));
    const Tensor* b = nullptr;
    bool trans_b = trans_b_;
    if (packed_b_.has_value()) {
      b = &*packed_b_;
      trans_b = false;
    } else {
      VF_ASSIGN_OR_RETURN(b, FloatInput(ctx, 1, "B"));
    }
    VF_ASSIGN_OR_RETURN(const Tensor* c, OptionalFloatInput(ctx, 2, "C"));
    if (a->rank() != 2 || b->rank() != 2) {
      return Error("A and B must be 2-D, got " + ShapeToString(a->shape()) + " and " +
                   ShapeToString(ctx.input(1) ? ctx.input(1)->shape() : b->shape()));
    }
    const int64_t m = trans_a_ ? a->dim(1) : a->dim(0);
    const int64_t k = trans_a_ ? a->dim(0) : a->dim(1);
    const int64_t kb = trans_b ? b->dim(1) : b->dim(0);
    const int64_t n = trans_b ? b->dim(0) : b->dim(1);
    if (k != kb) {
      return Error("A " + ShapeToString(a->shape()) + (trans_a_ ? " (transposed)" : "") +
                   " and B " + ShapeToString(b->shape()) + " have mismatched inner dimensions");
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, RequiredOutput(ctx, 0, DataType::kFloat32, {m, n}));
    float* py = y->data<float>();
    float beta = 0.0f;
    if (c != nullptr && beta_ != 0.0f) {
      VF_RETURN_IF_ERROR(FillBias(*c, m, n, py));
      beta = 1.0f;
    }
    blas::Gemm(trans_a_, trans_b, m, n, k, alpha_, a->data<float>(), a->dim(1), b->data<float>(),
               b->dim(1), beta, py, n, &ctx.pool());
    return Status::Ok();
  }

 private:
  // Y = beta * C broadcast (unidirectionally) to [m, n].
  Status FillBias(const Tensor& c, int64_t m, int64_t n, float* y) const {
    const Shape& s = c.shape();
    int64_t cm = 1, cn = 1;
    if (s.size() == 1) {
      cn = s[0];
    } else if (s.size() == 2) {
      cm = s[0];
      cn = s[1];
    } else if (s.size() > 2) {
      return Error("C " + ShapeToString(s) + " has more than 2 dimensions");
    }
    if ((cm != 1 && cm != m) || (cn != 1 && cn != n)) {
      return Error("C " + ShapeToString(s) + " cannot be broadcast to [" + std::to_string(m) +
                   ", " + std::to_string(n) + "]");
    }
    const float* pc = c.data<float>();
    for (int64_t i = 0; i < m; ++i) {
      const float* row = pc + (cm == 1 ? 0 : i * cn);
      float* out = y + i * n;
      if (cn == 1) {
        std::fill(out, out + n, beta_ * row[0]);
      } else {
        for (int64_t j = 0; j < n; ++j) out[j] = beta_ * row[j];
      }
    }
    return Status::Ok();
  }

  bool trans_a_ = false;
  bool trans_b_ = false;
  float alpha_ = 1.0f;
  float beta_ = 1.0f;
  std::optional<Tensor> packed_b_;  // B^T as [K, N], when transB and B is a load-time constant
};

}  // namespace

void RegisterMatMulOps(OpRegistry& registry) {
  registry.Register("MatMul", 1, MakeFactory<MatMulKernel>());
  registry.Register("Gemm", 1, MakeFactory<GemmKernel>());
}

}  // namespace voxface::nn
