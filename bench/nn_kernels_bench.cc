// SPDX-License-Identifier: Apache-2.0
// Micro-benchmark of the nn compute kernels on the shapes our models use: GEMM (transformer
// projections, and small products where our kernel competes with OpenBLAS), Conv1d as in the
// wav2vec2/HuBERT feature encoder, and the Audio2Face-3D diffusion GRU. Each line prints the
// kernel's GFLOP/s and its speed relative to a naive loop timed in the same run.
//
//   nn_kernels_bench [--threads N] [--quick] [--only gemm|conv|gru]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "nn/kernel.h"
#include "nn/ops/blas.h"
#include "nn/ops/ops.h"
#include "nn/tensor.h"
#include "nn/thread_pool.h"

namespace voxface::nn {
namespace {

// Runs kernels outside a session: owned inputs, outputs kept between runs, scratch reused.
class BenchContext : public KernelContext {
 public:
  BenchContext(std::vector<const Tensor*> inputs, int outputs, int threads)
      : inputs_(std::move(inputs)), outputs_(outputs), pool_(threads) {}
  int num_inputs() const override { return static_cast<int>(inputs_.size()); }
  const Tensor* input(int i) const override { return i < num_inputs() ? inputs_[i] : nullptr; }
  int num_outputs() const override { return static_cast<int>(outputs_.size()); }
  Tensor* Output(int i, DataType type, const Shape& shape) override {
    if (!outputs_[i].has_value() || outputs_[i]->shape() != shape) {
      outputs_[i] = Tensor::Zeros(type, shape);
    }
    return &*outputs_[i];
  }
  void* Scratch(size_t bytes) override {
    if (next_ == scratch_.size()) scratch_.emplace_back();
    std::vector<float>& buf = scratch_[next_++];
    if (buf.size() * sizeof(float) < bytes) buf.resize(bytes / sizeof(float) + 16);
    return buf.data();
  }
  ThreadPool& pool() override { return pool_; }
  void Reset() { next_ = 0; }

 private:
  std::vector<const Tensor*> inputs_;
  std::vector<std::optional<Tensor>> outputs_;
  std::vector<std::vector<float>> scratch_;
  size_t next_ = 0;
  ThreadPool pool_;
};

// Best-of-N seconds per call of fn, repeating until each measurement lasts ~50 ms.
double TimeIt(const std::function<void()>& fn, bool quick) {
  fn();  // warm-up
  int iters = 1;
  for (;;) {
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < iters; ++i) fn();
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (dt > (quick ? 0.01 : 0.05) || iters > (1 << 20)) break;
    iters *= 2;
  }
  double best = 1e30;
  for (int rep = 0; rep < (quick ? 2 : 5); ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < iters; ++i) fn();
    best = std::min(
        best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / iters);
  }
  return best;
}

Tensor Random(const Shape& shape, std::mt19937& rng, float scale = 1.0f) {
  Tensor t = Tensor::Zeros(DataType::kFloat32, shape);
  std::uniform_real_distribution<float> dist(-scale, scale);
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

const OpRegistry& Registry() {
  static const OpRegistry* registry = [] {
    auto* r = new OpRegistry();
    RegisterMatMulOps(*r);
    RegisterConvOps(*r);
    RegisterRnnOps(*r);
    return r;
  }();
  return *registry;
}

std::unique_ptr<OpKernel> Make(NodeInfo node) {
  node.name = "bench";
  auto kernel = (*Registry().Find(node.op_type, node.opset))(node);
  if (!kernel.ok()) {
    std::fprintf(stderr, "%s\n", kernel.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(kernel).value();
}

Attribute IntAttr(int64_t v) {
  Attribute a;
  a.type = Attribute::Type::kInt;
  a.i = v;
  return a;
}

Attribute IntsAttr(std::vector<int64_t> v) {
  Attribute a;
  a.type = Attribute::Type::kInts;
  a.ints = std::move(v);
  return a;
}

void Report(const char* what, double flops, double t_kernel, double t_naive) {
  std::printf("%-46s %9.1f us %7.1f GFLOP/s   naive %9.1f us %6.2f GFLOP/s   x%.1f\n", what,
              t_kernel * 1e6, flops / t_kernel * 1e-9, t_naive * 1e6, flops / t_naive * 1e-9,
              t_naive / t_kernel);
}

void NaiveGemm(int64_t m, int64_t n, int64_t k, const float* a, const float* b, float* c) {
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      float s = 0.0f;
      for (int64_t p = 0; p < k; ++p) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  }
}

void BenchGemm(int threads, bool quick, std::mt19937& rng) {
  struct Shape3 {
    const char* name;
    int64_t m, n, k;
  };
  const Shape3 shapes[] = {
      {"transformer q/k/v/o  49x768 * 768x768", 49, 768, 768},
      {"transformer ffn      49x768 * 768x3072", 49, 3072, 768},
      {"A2F skin head        30x512 * 512x4096", 30, 4096, 512},
      {"square               512x512 * 512x512", 512, 512, 512},
  };
  ThreadPool pool(threads);
  for (const Shape3& s : shapes) {
    Tensor a = Random({s.m, s.k}, rng), b = Random({s.k, s.n}, rng);
    std::vector<float> c(s.m * s.n);
    const double t = TimeIt(
        [&] {
          blas::Gemm(false, false, s.m, s.n, s.k, 1.0f, a.data<float>(), s.k, b.data<float>(), s.n,
                     0.0f, c.data(), s.n, &pool);
        },
        quick);
    const double tn =
        TimeIt([&] { NaiveGemm(s.m, s.n, s.k, a.data<float>(), b.data<float>(), c.data()); }, true);
    Report(s.name, 2.0 * s.m * s.n * s.k, t, tn);
  }
  // Where the in-house kernel competes: B transposed (weights [out, in]), few rows.
  std::printf("\ngemm_small: in-house kernel vs OpenBLAS, B transposed, 1 thread\n");
  const int64_t small[][3] = {{1, 768, 256},  {2, 768, 256},   {4, 768, 256}, {8, 768, 256},
                              {16, 768, 256}, {2, 1024, 1024}, {2, 8, 8},     {4, 64, 64}};
  for (const auto& d : small) {
    const int64_t m = d[0], n = d[1], k = d[2];
    Tensor a = Random({m, k}, rng), b = Random({n, k}, rng);
    std::vector<float> c(m * n);
    const double ts = TimeIt(
        [&] {
          blas::GemmSmall(false, true, m, n, k, 1.0f, a.data<float>(), k, b.data<float>(), k, 0.0f,
                          c.data(), n);
        },
        quick);
    const double tb = TimeIt(
        [&] {
          blas::GemmOpenBlas(false, true, m, n, k, 1.0f, a.data<float>(), k, b.data<float>(), k,
                             0.0f, c.data(), n);
        },
        quick);
    std::printf("  %4ldx%5ldx%5ld  ours %8.2f us  openblas %8.2f us  openblas/ours %.2f  %s\n",
                static_cast<long>(m), static_cast<long>(n), static_cast<long>(k), ts * 1e6,
                tb * 1e6, tb / ts,
                blas::UseSmallGemm(false, true, m, n, k) ? "-> ours" : "-> openblas");
  }
}

void BenchConv(int threads, bool quick, std::mt19937& rng) {
  // wav2vec2 feature encoder: layer 0 (1 -> 512, k10 s5) on 1 s of 16 kHz audio, then the
  // 512 -> 512, k3 s2 layers on 3199 and 799 frames; HuBERT's positional conv (k128, g16).
  struct ConvShape {
    const char* name;
    int64_t c, m, t, k, s, group, pad;
  };
  const ConvShape shapes[] = {
      {"conv1d 1->512 k10 s5, T=16000", 1, 512, 16000, 10, 5, 1, 0},
      {"conv1d 512->512 k3 s2, T=3199", 512, 512, 3199, 3, 2, 1, 0},
      {"conv1d 512->512 k3 s2, T=799", 512, 512, 799, 3, 2, 1, 0},
      {"conv1d 768->768 k128 g16 p64, T=49", 768, 768, 49, 128, 1, 16, 64},
  };
  for (const ConvShape& cs : shapes) {
    NodeInfo node;
    node.op_type = "Conv";
    node.opset = 17;
    node.attrs.Set("strides", IntsAttr({cs.s}));
    node.attrs.Set("pads", IntsAttr({cs.pad, cs.pad}));
    node.attrs.Set("group", IntAttr(cs.group));
    node.num_inputs = 3;
    node.num_outputs = 1;
    auto kernel = Make(node);
    Tensor x = Random({1, cs.c, cs.t}, rng), w = Random({cs.m, cs.c / cs.group, cs.k}, rng);
    Tensor b = Random({cs.m}, rng);
    BenchContext ctx({&x, &w, &b}, 1, threads);
    const double t = TimeIt(
        [&] {
          ctx.Reset();
          (void)kernel->Run(ctx);
        },
        quick);
    const int64_t out = (cs.t + 2 * cs.pad - cs.k) / cs.s + 1;
    const int64_t cg = cs.c / cs.group, mg = cs.m / cs.group;
    std::vector<float> y(cs.m * out);
    const double tn = TimeIt(
        [&] {
          for (int64_t m = 0; m < cs.m; ++m) {
            const int64_t g = m / mg;
            for (int64_t o = 0; o < out; ++o) {
              float s = b.data<float>()[m];
              for (int64_t c = 0; c < cg; ++c) {
                for (int64_t k = 0; k < cs.k; ++k) {
                  const int64_t i = o * cs.s - cs.pad + k;
                  if (i >= 0 && i < cs.t) {
                    s += x.data<float>()[(g * cg + c) * cs.t + i] *
                         w.data<float>()[(m * cg + c) * cs.k + k];
                  }
                }
              }
              y[m * out + o] = s;
            }
          }
        },
        true);
    Report(cs.name, 2.0 * cs.m * out * cg * cs.k, t, tn);
  }
}

void BenchGru(int threads, bool quick, std::mt19937& rng) {
  struct GruShape {
    const char* name;
    int64_t t, batch, input, hidden;
  };
  const GruShape shapes[] = {
      {"GRU A2F diffusion T=30 in=861 H=256", 30, 1, 861, 256},
      {"GRU T=500 in=256 H=256", 500, 1, 256, 256},
      {"GRU T=500 batch 4 in=256 H=256", 500, 4, 256, 256},
  };
  for (const GruShape& gs : shapes) {
    const int64_t h = gs.hidden;
    Tensor x = Random({gs.t, gs.batch, gs.input}, rng);
    Tensor w = Random({1, 3 * h, gs.input}, rng, 0.05f), r = Random({1, 3 * h, h}, rng, 0.05f);
    Tensor b = Random({1, 6 * h}, rng);
    NodeInfo node;
    node.op_type = "GRU";
    node.opset = 14;
    node.attrs.Set("hidden_size", IntAttr(h));
    node.attrs.Set("linear_before_reset", IntAttr(1));
    node.num_inputs = 4;
    node.num_outputs = 2;
    node.constant_inputs = {nullptr, &w, &r, &b};
    auto kernel = Make(node);
    BenchContext ctx({&x, &w, &r, &b}, 2, threads);
    const double t = TimeIt(
        [&] {
          ctx.Reset();
          (void)kernel->Run(ctx);
        },
        quick);
    // Naive: the equations step by step, float, no BLAS.
    std::vector<float> hs(gs.batch * h, 0.0f), gx(3 * h), gh(3 * h);
    const float* pw = w.data<float>();
    const float* pr = r.data<float>();
    const float* pb = b.data<float>();
    const double tn = TimeIt(
        [&] {
          for (int64_t step = 0; step < gs.t; ++step) {
            for (int64_t bi = 0; bi < gs.batch; ++bi) {
              const float* xt = x.data<float>() + (step * gs.batch + bi) * gs.input;
              float* hb = hs.data() + bi * h;
              for (int64_t j = 0; j < 3 * h; ++j) {
                float a = pb[j], c = pb[3 * h + j];
                for (int64_t i = 0; i < gs.input; ++i) a += xt[i] * pw[j * gs.input + i];
                for (int64_t i = 0; i < h; ++i) c += hb[i] * pr[j * h + i];
                gx[j] = a;
                gh[j] = c;
              }
              for (int64_t j = 0; j < h; ++j) {
                const float z = 1.0f / (1.0f + std::exp(-(gx[j] + gh[j])));
                const float rr = 1.0f / (1.0f + std::exp(-(gx[h + j] + gh[h + j])));
                const float n = std::tanh(gx[2 * h + j] + rr * gh[2 * h + j]);
                hb[j] = (1.0f - z) * n + z * hb[j];
              }
            }
          }
        },
        true);
    const double flops = 2.0 * gs.t * gs.batch * 3 * h * (gs.input + h);
    Report(gs.name, flops, t, tn);
  }
}

}  // namespace
}  // namespace voxface::nn

int main(int argc, char** argv) {
  int threads = 1;
  bool quick = false;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
      only = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: nn_kernels_bench [--threads N] [--quick] [--only gemm|conv|gru]\n");
      return 2;
    }
  }
  std::mt19937 rng(1);
  std::printf("nn kernels, %d thread(s); naive = plain loops, same compiler flags\n\n", threads);
  if (only.empty() || only == "gemm") {
    voxface::nn::BenchGemm(threads, quick, rng);
    std::printf("\n");
  }
  if (only.empty() || only == "conv") {
    voxface::nn::BenchConv(threads, quick, rng);
    std::printf("\n");
  }
  if (only.empty() || only == "gru") voxface::nn::BenchGru(threads, quick, rng);
  return 0;
}
