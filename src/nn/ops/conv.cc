// SPDX-License-Identifier: Apache-2.0
// Conv over 1 to 6 spatial axes: im2col + GEMM in tiles of output positions (bounded scratch,
// and the tiles are what the pool parallelises), a GEMM straight on the input for pointwise
// convolutions, and a direct loop for depthwise-style convolutions (one input channel per
// group), where a GEMM would have a single row. RegisterConvOps lives here.
#include <algorithm>
#include <string>
#include <vector>

#include "nn/kernel.h"
#include "nn/ops/blas.h"
#include "nn/ops/conv_transpose.h"
#include "nn/ops/im2col.h"
#include "nn/ops/op_util.h"
#include "nn/ops/ops.h"
#include "nn/ops/window.h"

namespace voxface::nn {
namespace {

// Tiles of im2col columns of about 1 MiB: they stay in L2 while the GEMM reads them, and
// give the pool several independent pieces on a single image.
constexpr int64_t kTileFloats = 1 << 18;

class ConvKernel : public NodeKernel {
 public:
  using NodeKernel::NodeKernel;

  Status Init(const NodeInfo& node) {
    VF_ASSIGN_OR_RETURN(attrs_, ParseWindowAttrs(node));
    group_ = node.attrs.GetInt("group", 1);
    if (group_ < 1) return Error("group must be >= 1, got " + std::to_string(group_));
    const Tensor* w = node.constant_inputs.size() > 1 ? node.constant_inputs[1] : nullptr;
    if (w != nullptr && w->rank() < 3) {
      return Error("W " + ShapeToString(w->shape()) + " must be (M x C/group x k1 x ...)");
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
    const int64_t n = x->dim(0), c = x->dim(1), m = w->dim(0);
    if (c % group_ != 0 || w->dim(1) * group_ != c || m % group_ != 0) {
      return Error("X has " + std::to_string(c) + " channels and W " + ShapeToString(w->shape()) +
                   ", which does not fit group " + std::to_string(group_));
    }
    const std::vector<int64_t> kernel(w->shape().begin() + 2, w->shape().end());
    if (!attrs_.kernel_shape.empty() && attrs_.kernel_shape != kernel) {
      return Error("kernel_shape " + IntsToString(attrs_.kernel_shape) + " disagrees with W " +
                   ShapeToString(w->shape()));
    }
    if (b != nullptr && (b->rank() != 1 || b->dim(0) != m)) {
      return Error("B " + ShapeToString(b->shape()) + " should be [" + std::to_string(m) + "]");
    }
    const std::vector<int64_t> in(x->shape().begin() + 2, x->shape().end());
    VF_ASSIGN_OR_RETURN(WindowGeometry g, ComputeWindow(attrs_, in, kernel, desc()));
    Shape out_shape = {n, m};
    out_shape.insert(out_shape.end(), g.out.begin(), g.out.end());
    VF_ASSIGN_OR_RETURN(Tensor * y, RequiredOutput(ctx, 0, DataType::kFloat32, out_shape));
    if (y->size() == 0) return Status::Ok();
    const float* bias = b != nullptr ? b->data<float>() : nullptr;
    if (c / group_ == 1 && group_ > 1 && rank <= 2) {
      RunDepthwise(ctx, g, x->data<float>(), w->data<float>(), bias, n, m, y->data<float>());
    } else if (!RunLiveTaps(ctx, g, x->data<float>(), w->data<float>(), bias, n, c, m,
                            y->data<float>())) {
      RunGemm(ctx, g, x->data<float>(), w->data<float>(), bias, n, c, m, y->data<float>());
    }
    return Status::Ok();
  }

 private:
  // A 1-D convolution whose kernel is longer than its input plus stride span reads only padding
  // with some taps at every output position: the positional convolution of wav2vec2 and HuBERT
  // (k = 128, pad 64, 16 groups) over a 25- or 49-frame window uses 50 or 98 of its 128 taps.
  // Those taps are dropped: im2col covers the live ones only and the GEMM runs on a copy of W
  // restricted to them. False (nothing done) when every tap is live or the case is not 1-D.
  bool RunLiveTaps(KernelContext& ctx, const WindowGeometry& g, const float* x, const float* w,
                   const float* bias, int64_t n, int64_t c, int64_t m, float* y) const {
    if (g.rank() != 1) return false;
    const int64_t k = g.kernel[0], s = g.stride[0], d = g.dilation[0], p = g.pad_begin[0];
    const int64_t in = g.in[0], out = g.out[0];
    // Tap t reads input o * s + t * d - p; it is live when that lands in [0, in) for some o.
    const int64_t lo = std::max<int64_t>(0, (p - (out - 1) * s + d - 1) / d);
    const int64_t hi = std::min<int64_t>(k, (in - 1 + p) / d + 1);  // exclusive
    const int64_t live = hi - lo;
    const int64_t cg = c / group_, mg = m / group_, kdim = cg * live;
    // Only worth it when it saves a real share of the work, and only for inputs short enough
    // that the whole im2col matrix of one group is small (no tiling on this path).
    if (live <= 0 || live * 4 > k * 3 || kdim * out > kTileFloats * 4) return false;
    WindowGeometry live_g = g;
    live_g.kernel[0] = live;
    live_g.pad_begin[0] = p - lo * d;
    float* cols = static_cast<float*>(ctx.Scratch(sizeof(float) * kdim * out));
    float* w_live = static_cast<float*>(ctx.Scratch(sizeof(float) * mg * kdim));
    for (int64_t grp = 0; grp < group_; ++grp) {
      const float* wg = w + grp * mg * cg * k;
      for (int64_t r = 0; r < mg * cg; ++r) {
        std::copy(wg + r * k + lo, wg + r * k + hi, w_live + r * live);
      }
      for (int64_t img = 0; img < n; ++img) {
        Im2ColTile(x + (img * c + grp * cg) * in, cg, live_g, 0, out, cols);
        float* yg = y + (img * m + grp * mg) * out;
        if (bias != nullptr) {
          for (int64_t r = 0; r < mg; ++r)
            std::fill(yg + r * out, yg + (r + 1) * out, bias[grp * mg + r]);
        }
        blas::Gemm(false, false, mg, out, kdim, 1.0f, w_live, kdim, cols, out,
                   bias != nullptr ? 1.0f : 0.0f, yg, out, &ctx.pool());
      }
    }
    return true;
  }

  // y[n, m] = bias[m] + sum_k w[m, k] * x[n, m / (M/group), window(k)], per output channel.
  void RunDepthwise(KernelContext& ctx, const WindowGeometry& g, const float* x, const float* w,
                    const float* bias, int64_t n, int64_t m, float* y) const {
    const bool two_d = g.rank() == 2;
    const int64_t in_h = two_d ? g.in[0] : 1, in_w = g.in.back();
    const int64_t out_h = two_d ? g.out[0] : 1, out_w = g.out.back();
    const int64_t k_h = two_d ? g.kernel[0] : 1, k_w = g.kernel.back();
    const int64_t s_h = two_d ? g.stride[0] : 1, s_w = g.stride.back();
    const int64_t d_h = two_d ? g.dilation[0] : 1, d_w = g.dilation.back();
    const int64_t p_h = two_d ? g.pad_begin[0] : 0, p_w = g.pad_begin.back();
    const int64_t in_size = in_h * in_w, out_size = out_h * out_w, ksize = k_h * k_w;
    const int64_t per_group = m / group_;
    ParallelFor(ctx, n * m, 2.0 * out_size * ksize, [&](int64_t begin, int64_t end) {
      for (int64_t item = begin; item < end; ++item) {
        const int64_t oc = item % m;
        const float* xc = x + (item / m * group_ + oc / per_group) * in_size;
        const float* wc = w + oc * ksize;
        float* yc = y + item * out_size;
        std::fill(yc, yc + out_size, bias != nullptr ? bias[oc] : 0.0f);
        for (int64_t kh = 0; kh < k_h; ++kh) {
          for (int64_t kw = 0; kw < k_w; ++kw) {
            const float wv = wc[kh * k_w + kw];
            const int64_t off = kw * d_w - p_w;
            const int64_t lo = std::min(out_w, off >= 0 ? 0 : (-off + s_w - 1) / s_w);
            const int64_t hi = in_w - 1 - off < 0 ? 0 : std::min(out_w, (in_w - 1 - off) / s_w + 1);
            for (int64_t oh = 0; oh < out_h; ++oh) {
              const int64_t ih = oh * s_h + kh * d_h - p_h;
              if (ih < 0 || ih >= in_h) continue;
              const float* xr = xc + ih * in_w + off;
              float* yr = yc + oh * out_w;
              if (s_w == 1) {
                for (int64_t ow = lo; ow < hi; ++ow) yr[ow] += wv * xr[ow];
              } else {
                for (int64_t ow = lo; ow < hi; ++ow) yr[ow] += wv * xr[ow * s_w];
              }
            }
          }
        }
      }
    });
  }

  // Per (image, group, tile of output positions): im2col the tile, then
  // Y[group rows, tile] = W_group [M/g x C/g*K] * cols [C/g*K x tile].
  void RunGemm(KernelContext& ctx, const WindowGeometry& g, const float* x, const float* w,
               const float* bias, int64_t n, int64_t c, int64_t m, float* y) const {
    const int64_t cg = c / group_, mg = m / group_;
    const int64_t kdim = cg * g.kernel_size();
    const int64_t in_size = g.in_size(), out_size = g.out_size();
    bool pointwise = true;
    for (int d = 0; d < g.rank(); ++d) {
      pointwise = pointwise && g.kernel[d] == 1 && g.stride[d] == 1 && g.pad_begin[d] == 0 &&
                  g.pad_end[d] == 0;
    }
    int64_t tile = std::max<int64_t>(64, kTileFloats / std::max<int64_t>(kdim, 1));
    tile = std::min(out_size, (tile + 15) / 16 * 16);
    const int64_t tiles = (out_size + tile - 1) / tile;
    const int64_t tasks = n * group_ * tiles;
    const int threads = ctx.pool().num_threads();
    const double flops = 2.0 * n * m * out_size * kdim;
    const int64_t slots =
        flops < 2.0e5 ? 1 : std::max<int64_t>(1, std::min<int64_t>(threads, tasks));
    float* scratch =
        pointwise ? nullptr : static_cast<float*>(ctx.Scratch(sizeof(float) * slots * kdim * tile));
    // One slot per pool thread, each taking every slots-th task, so each slot owns one scratch
    // tile. With a single slot, the GEMM itself gets the pool instead.
    auto run_slot = [&](int64_t slot, ThreadPool* gemm_pool) {
      float* cols = pointwise ? nullptr : scratch + slot * kdim * tile;
      for (int64_t task = slot; task < tasks; task += slots) {
        const int64_t t = task % tiles, ng = task / tiles;
        const int64_t img = ng / group_, grp = ng % group_;
        const int64_t o0 = t * tile, len = std::min(tile, out_size - o0);
        const float* xg = x + (img * c + grp * cg) * in_size;
        float* yg = y + (img * m + grp * mg) * out_size + o0;
        if (bias != nullptr) {
          for (int64_t r = 0; r < mg; ++r) {
            std::fill(yg + r * out_size, yg + r * out_size + len, bias[grp * mg + r]);
          }
        }
        const float* bmat = xg + o0;
        int64_t ldb = in_size;
        if (!pointwise) {
          Im2ColTile(xg, cg, g, o0, len, cols);
          bmat = cols;
          ldb = len;
        }
        blas::Gemm(false, false, mg, len, kdim, 1.0f, w + grp * mg * kdim, kdim, bmat, ldb,
                   bias != nullptr ? 1.0f : 0.0f, yg, out_size, gemm_pool);
      }
    };
    if (slots == 1) {
      run_slot(0, &ctx.pool());
    } else {
      ctx.pool().ParallelFor(slots, 1, [&](int64_t begin, int64_t end) {
        for (int64_t slot = begin; slot < end; ++slot) run_slot(slot, nullptr);
      });
    }
  }

  WindowAttrs attrs_;
  int64_t group_ = 1;
};

}  // namespace

void RegisterConvOps(OpRegistry& registry) {
  registry.Register("Conv", 1, MakeFactory<ConvKernel>());
  registry.Register("ConvTranspose", 1, MakeConvTransposeFactory());
}

}  // namespace voxface::nn
