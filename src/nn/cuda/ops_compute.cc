// SPDX-License-Identifier: Apache-2.0
// CUDA MatMul and Gemm (cuBLAS, strided-batched where the batch dims allow), Conv (im2col into
// scratch, then one strided-batched GEMM per group or per batch item; 1x1 convolutions skip
// im2col) and pooling.
#include <algorithm>
#include <climits>

#include "nn/cuda/cuda_kernel.h"
#include "nn/cuda/launch.h"
#include "nn/cuda/ops_util.h"
#include "nn/ops/window.h"

namespace voxface::nn::cuda {
namespace {

// Largest im2col buffer per launch; larger batches are processed in chunks.
constexpr int64_t kMaxColBytes = int64_t{512} << 20;

Status RequireFloat(const Tensor& t, const std::string& desc, const char* what) {
  if (t.dtype() == DataType::kFloat32) return Status::Ok();
  return Status::Unsupported(desc + ": " + what + " is " + std::string(DataTypeName(t.dtype())) +
                             "; the CUDA backend computes this op in float32 only");
}

class MatMulKernel final : public CudaOpKernel {
 public:
  using CudaOpKernel::CudaOpKernel;
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* a, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* b, In(ctx, 1));
    VF_RETURN_IF_ERROR(RequireFloat(*a, desc(), "A"));
    VF_RETURN_IF_ERROR(RequireFloat(*b, desc(), "B"));
    if (a->rank() == 0 || b->rank() == 0) return Fail("MatMul inputs must have rank >= 1");
    Shape sa = a->shape(), sb = b->shape();
    const bool a_vec = sa.size() == 1, b_vec = sb.size() == 1;
    if (a_vec) sa.insert(sa.begin(), 1);
    if (b_vec) sb.push_back(1);
    const int64_t m = sa[sa.size() - 2], k = sa.back(), n = sb.back();
    if (sb[sb.size() - 2] != k) {
      return Fail("shapes " + ShapeToString(a->shape()) + " and " + ShapeToString(b->shape()) +
                  " cannot be multiplied");
    }
    const Shape ba(sa.begin(), sa.end() - 2), bb(sb.begin(), sb.end() - 2);
    VF_ASSIGN_OR_RETURN(Shape batch, BroadcastShapes(ba, bb));
    Shape out = batch;
    if (!a_vec) out.push_back(m);
    if (!b_vec) out.push_back(n);
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, DataType::kFloat32, out));
    if (y->size() == 0) return Status::Ok();
    const float* pa = a->data<float>();
    const float* pb = b->data<float>();
    float* py = y->data<float>();
    cublasHandle_t h = ctx.cublas();
    if (k == 0) {
      return Checked(CudaCheck(cudaMemsetAsync(py, 0, y->bytes(), ctx.cuda_stream()), "memset"));
    }
    int64_t batch_a = NumElements(ba), batch_b = NumElements(bb), total = NumElements(batch);
    if (batch_b == 1 && batch_a == total) {
      // Weights shared across the batch: one GEMM over all rows of A.
      return Checked(GemmRowMajor(h, false, false, total * m, n, k, 1.0f, pa, k, 0, pb, n, 0, 0.0f,
                                  py, n, 0, 1));
    }
    // Batch offsets of A and B, in matrices, over the broadcast batch dims.
    VF_ASSIGN_OR_RETURN(Broadcast bc, MakeBroadcast(batch, {&ba, &bb}));
    const int inner = bc.rank - 1;
    const int64_t inner_count = bc.dims[inner];
    const int64_t outer_count = total / std::max<int64_t>(inner_count, 1);
    for (int64_t o = 0; o < outer_count; ++o) {
      int64_t rem = o, off_a = 0, off_b = 0;
      for (int d = inner - 1; d >= 0; --d) {
        const int64_t c = rem % bc.dims[d];
        rem /= bc.dims[d];
        off_a += c * bc.strides[0][d];
        off_b += c * bc.strides[1][d];
      }
      VF_RETURN_IF_ERROR(Checked(GemmRowMajor(
          h, false, false, m, n, k, 1.0f, pa + off_a * m * k, k, bc.strides[0][inner] * m * k,
          pb + off_b * k * n, n, bc.strides[1][inner] * k * n, 0.0f, py + o * inner_count * m * n,
          n, m * n, inner_count)));
    }
    return Status::Ok();
  }
};

class GemmKernel final : public CudaOpKernel {
 public:
  explicit GemmKernel(const NodeInfo& node)
      : CudaOpKernel(node),
        trans_a_(node.attrs.GetInt("transA", 0) != 0),
        trans_b_(node.attrs.GetInt("transB", 0) != 0),
        alpha_(node.attrs.GetFloat("alpha", 1.0f)),
        beta_(node.attrs.GetFloat("beta", 1.0f)) {}
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* a, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* b, In(ctx, 1));
    const Tensor* c = ctx.input(2);
    VF_RETURN_IF_ERROR(RequireFloat(*a, desc(), "A"));
    VF_RETURN_IF_ERROR(RequireFloat(*b, desc(), "B"));
    if (a->rank() != 2 || b->rank() != 2) return Fail("A and B must be 2-D");
    const int64_t m = trans_a_ ? a->dim(1) : a->dim(0), k = trans_a_ ? a->dim(0) : a->dim(1);
    const int64_t kb = trans_b_ ? b->dim(1) : b->dim(0), n = trans_b_ ? b->dim(0) : b->dim(1);
    if (k != kb) {
      return Fail("A " + ShapeToString(a->shape()) + " and B " + ShapeToString(b->shape()) +
                  " do not agree on K");
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, DataType::kFloat32, {m, n}));
    if (y->size() == 0) return Status::Ok();
    float beta = 0.0f;
    if (c != nullptr && beta_ != 0.0f) {
      VF_RETURN_IF_ERROR(RequireFloat(*c, desc(), "C"));
      VF_ASSIGN_OR_RETURN(Shape cs, BroadcastShapes(c->shape(), {m, n}));
      if (cs != Shape{m, n}) return Fail("C does not broadcast to [M, N]");
      // Y starts as C broadcast; the GEMM then accumulates onto it.
      std::vector<int64_t> strides(2, 0), s = Strides(c->shape());
      const size_t off = 2 - c->shape().size();
      for (size_t d = 0; d < c->shape().size(); ++d) {
        strides[d + off] = c->shape()[d] == 1 ? 0 : s[d];
      }
      VF_ASSIGN_OR_RETURN(IndexMap map, MakeIndexMap({m, n}, strides, {}, 0));
      VF_RETURN_IF_ERROR(Checked(
          CudaCheck(LaunchIndexCopy(c->raw(), y->raw(), y->size(), 4, map, ctx.cuda_stream()),
                    "Gemm C broadcast")));
      beta = beta_;
    }
    if (k == 0 && beta == 0.0f) {
      return Checked(
          CudaCheck(cudaMemsetAsync(y->raw(), 0, y->bytes(), ctx.cuda_stream()), "memset"));
    }
    return Checked(GemmRowMajor(ctx.cublas(), trans_a_, trans_b_, m, n, k, alpha_, a->data<float>(),
                                a->dim(1), 0, b->data<float>(), b->dim(1), 0, beta,
                                y->data<float>(), n, 0, 1));
  }

 private:
  bool trans_a_, trans_b_;
  float alpha_, beta_;
};

// Fills a ConvGeometry from the resolved window of one group.
ConvGeometry ToGeometry(const WindowGeometry& w, int64_t channels) {
  ConvGeometry g;
  g.spatial_rank = w.rank();
  g.channels = channels;
  for (int d = 0; d < w.rank(); ++d) {
    g.in_dims[d] = w.in[d];
    g.out_dims[d] = w.out[d];
    g.kernel[d] = w.kernel[d];
    g.stride[d] = w.stride[d];
    g.pad_begin[d] = w.pad_begin[d];
    g.pad_end[d] = w.pad_end[d];
    g.dilation[d] = w.dilation[d];
  }
  return g;
}

class ConvKernel final : public CudaOpKernel {
 public:
  explicit ConvKernel(const NodeInfo& node)
      : CudaOpKernel(node), group_(node.attrs.GetInt("group", 1)) {}
  Status Init(const NodeInfo& node) {
    VF_ASSIGN_OR_RETURN(attrs_, ParseWindowAttrs(node));
    return group_ >= 1 ? Status::Ok() : Fail("group must be positive");
  }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* w, In(ctx, 1));
    const Tensor* bias = ctx.input(2);
    VF_RETURN_IF_ERROR(RequireFloat(*x, desc(), "X"));
    VF_RETURN_IF_ERROR(RequireFloat(*w, desc(), "W"));
    const int rank = x->rank() - 2;
    if (rank < 1 || rank > 3)
      return NotSupported("convolutions over " + std::to_string(rank) +
                          " spatial axes (1 to 3 are)");
    if (w->rank() != x->rank()) return Fail("W must have X's rank");
    const int64_t n = x->dim(0), c = x->dim(1), m = w->dim(0);
    if (c % group_ != 0 || m % group_ != 0 || w->dim(1) * group_ != c) {
      return Fail("channels " + std::to_string(c) + " and W " + ShapeToString(w->shape()) +
                  " do not fit group " + std::to_string(group_));
    }
    const std::vector<int64_t> in(x->shape().begin() + 2, x->shape().end());
    const std::vector<int64_t> kernel(w->shape().begin() + 2, w->shape().end());
    if (!attrs_.kernel_shape.empty() && attrs_.kernel_shape != kernel) {
      return Fail("kernel_shape disagrees with W");
    }
    VF_ASSIGN_OR_RETURN(WindowGeometry geo, ComputeWindow(attrs_, in, kernel, desc()));
    Shape out_shape = {n, m};
    for (int64_t o : geo.out) out_shape.push_back(o);
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, DataType::kFloat32, out_shape));
    if (y->size() == 0) return Status::Ok();
    const int64_t groups = group_, cg = c / groups, mg = m / groups;
    const int64_t ksize = geo.kernel_size(), out_size = geo.out_size(), in_size = geo.in_size();
    const int64_t rows = cg * ksize;  // GEMM K
    const float* px = x->data<float>();
    const float* pw = w->data<float>();
    float* py = y->data<float>();
    cublasHandle_t h = ctx.cublas();
    bool pointwise = ksize == 1;
    for (int d = 0; d < rank; ++d) {
      pointwise = pointwise && geo.stride[d] == 1 && geo.pad_begin[d] == 0 && geo.pad_end[d] == 0 &&
                  geo.out[d] == geo.in[d];
    }
    if (pointwise) {  // the input already is the column matrix
      for (int64_t g = 0; g < groups; ++g) {
        VF_RETURN_IF_ERROR(
            Checked(GemmRowMajor(h, false, false, mg, out_size, rows, 1.0f, pw + g * mg * rows,
                                 rows, 0, px + g * cg * in_size, out_size, c * in_size, 0.0f,
                                 py + g * mg * out_size, out_size, m * out_size, n)));
      }
    } else {
      const int64_t per_item = c * ksize * out_size;  // all groups of one batch item
      const int64_t chunk = std::max<int64_t>(1, std::min<int64_t>(n, kMaxColBytes / 4 / per_item));
      float* col = static_cast<float*>(ctx.Scratch(static_cast<size_t>(chunk * per_item) * 4));
      if (col == nullptr) return Fail("cannot allocate the im2col buffer");
      const ConvGeometry cgeo = ToGeometry(geo, c);
      for (int64_t b0 = 0; b0 < n; b0 += chunk) {
        const int64_t nb = std::min(chunk, n - b0);
        VF_RETURN_IF_ERROR(Checked(CudaCheck(
            LaunchIm2col(px + b0 * c * in_size, c * in_size, col, nb, cgeo, ctx.cuda_stream()),
            "im2col kernel")));
        // col is [nb, groups, rows, out]: batch over whichever of items and groups is larger.
        float* yb = py + b0 * m * out_size;
        if (nb >= groups) {
          for (int64_t g = 0; g < groups; ++g) {
            VF_RETURN_IF_ERROR(
                Checked(GemmRowMajor(h, false, false, mg, out_size, rows, 1.0f, pw + g * mg * rows,
                                     rows, 0, col + g * rows * out_size, out_size, per_item, 0.0f,
                                     yb + g * mg * out_size, out_size, m * out_size, nb)));
          }
        } else {
          for (int64_t i = 0; i < nb; ++i) {
            VF_RETURN_IF_ERROR(
                Checked(GemmRowMajor(h, false, false, mg, out_size, rows, 1.0f, pw, rows, mg * rows,
                                     col + i * per_item, out_size, rows * out_size, 0.0f,
                                     yb + i * m * out_size, out_size, mg * out_size, groups)));
          }
        }
      }
    }
    if (bias != nullptr) {
      VF_RETURN_IF_ERROR(RequireFloat(*bias, desc(), "B"));
      if (bias->size() != m) return Fail("B must have one value per output channel");
      VF_RETURN_IF_ERROR(Checked(CudaCheck(
          LaunchAddChannelBias(py, bias->data<float>(), n, m, out_size, ctx.cuda_stream()),
          "bias kernel")));
    }
    return Status::Ok();
  }

 private:
  int64_t group_;
  WindowAttrs attrs_;
};

class PoolKernel final : public CudaOpKernel {
 public:
  PoolKernel(const NodeInfo& node, int kind, bool global)
      : CudaOpKernel(node), kind_(kind), global_(global) {}
  Status Init(const NodeInfo& node) {
    if (!global_) {
      VF_ASSIGN_OR_RETURN(attrs_, ParseWindowAttrs(node));
      if (attrs_.kernel_shape.empty()) return Fail("attribute kernel_shape is required");
    }
    if (kind_ == 1 && node.attrs.GetInt("count_include_pad", 0) == 0) kind_ = 2;
    p_ = node.attrs.GetFloat("p", 2.0f);
    if (node.attrs.GetInt("storage_order", 0) != 0) return NotSupported("storage_order 1");
    if (node.output_present.size() > 1 && node.output_present[1]) {
      return NotSupported("MaxPool's Indices output");
    }
    return Status::Ok();
  }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_RETURN_IF_ERROR(RequireFloat(*x, desc(), "X"));
    const int rank = x->rank() - 2;
    if (rank < 1 || rank > 3) return NotSupported("pooling over this many spatial axes");
    const std::vector<int64_t> in(x->shape().begin() + 2, x->shape().end());
    WindowAttrs attrs = attrs_;
    std::vector<int64_t> kernel = attrs.kernel_shape;
    if (global_) {
      attrs = WindowAttrs();
      kernel = in;
    }
    VF_ASSIGN_OR_RETURN(WindowGeometry geo, ComputeWindow(attrs, in, kernel, desc()));
    Shape out_shape = {x->dim(0), x->dim(1)};
    for (int64_t o : geo.out) out_shape.push_back(o);
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, DataType::kFloat32, out_shape));
    return Checked(
        CudaCheck(LaunchPool(kind_, x->data<float>(), y->data<float>(), x->dim(0) * x->dim(1),
                             ToGeometry(geo, 1), p_, ctx.cuda_stream()),
                  "pool kernel"));
  }

 private:
  int kind_;
  bool global_;
  float p_ = 2.0f;
  WindowAttrs attrs_;
};

KernelFactory PoolFactory(int kind, bool global) {
  return [kind, global](const NodeInfo& node) -> Result<std::unique_ptr<OpKernel>> {
    auto k = std::make_unique<PoolKernel>(node, kind, global);
    VF_RETURN_IF_ERROR(k->Init(node));
    return std::unique_ptr<OpKernel>(std::move(k));
  };
}

}  // namespace

void RegisterCudaComputeOps(OpRegistry& r) {
  constexpr Device kCuda = Device::kCuda;
  r.Register("MatMul", 1, CudaFactory<MatMulKernel>(), kCuda);
  r.Register("Gemm", 1, CudaFactory<GemmKernel>(), kCuda);
  r.Register("Conv", 1, CudaFactory<ConvKernel>(), kCuda);
  r.Register("MaxPool", 1, PoolFactory(0, false), kCuda);
  r.Register("AveragePool", 1, PoolFactory(1, false), kCuda);
  r.Register("LpPool", 1, PoolFactory(3, false), kCuda);
  r.Register("GlobalMaxPool", 1, PoolFactory(0, true), kCuda);
  r.Register("GlobalAveragePool", 1, PoolFactory(1, true), kCuda);
  r.Register("GlobalLpPool", 1, PoolFactory(3, true), kCuda);
}

}  // namespace voxface::nn::cuda
