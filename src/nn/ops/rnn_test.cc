// SPDX-License-Identifier: Apache-2.0
// RNN, GRU and LSTM against a step-by-step double-precision transcription of the ONNX equations.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "nn/ops/kernel_test_util.h"

namespace voxface::nn {
namespace {

using kernel_test::NodeBuilder;
using kernel_test::RandomTensor;
using kernel_test::RunKernel;
using kernel_test::TensorNear;

struct Spec {
  std::string op = "GRU";
  std::string direction = "forward";
  int layout = 0;
  int64_t seq = 5, batch = 3, input = 4, hidden = 6;
  bool bias = true, initial = true, lens = false, peephole = false;
  bool linear_before_reset = false, input_forget = false, constant_r = false;
  float clip = 0.0f;
  std::vector<std::string> activations;  // empty: defaults
  std::vector<float> alphas, betas;
};

int Gates(const Spec& s) { return s.op == "LSTM" ? 4 : s.op == "GRU" ? 3 : 1; }
int Dirs(const Spec& s) { return s.direction == "bidirectional" ? 2 : 1; }

struct Act {
  std::string name;
  double alpha = 0, beta = 0;
  double operator()(double x, double clip) const {
    if (clip > 0) x = std::min(std::max(x, -clip), clip);
    if (name == "Sigmoid") return 1.0 / (1.0 + std::exp(-x));
    if (name == "Tanh") return std::tanh(x);
    if (name == "Relu") return std::max(x, 0.0);
    if (name == "LeakyRelu") return x >= 0 ? x : alpha * x;
    if (name == "HardSigmoid") return std::min(std::max(alpha * x + beta, 0.0), 1.0);
    if (name == "ScaledTanh") return alpha * std::tanh(beta * x);
    if (name == "Elu") return x >= 0 ? x : alpha * (std::exp(x) - 1);
    if (name == "Softsign") return x / (1 + std::fabs(x));
    if (name == "Softplus") return std::log(1 + std::exp(x));
    if (name == "Affine") return alpha * x + beta;
    if (name == "ThresholdedRelu") return x >= alpha ? x : 0.0;
    ADD_FAILURE() << "unknown activation " << name;
    return 0;
  }
};

std::vector<Act> Activations(const Spec& s) {
  std::vector<std::string> names = s.activations;
  if (names.empty()) {
    const std::vector<std::string> d = s.op == "LSTM"
                                           ? std::vector<std::string>{"Sigmoid", "Tanh", "Tanh"}
                                       : s.op == "GRU" ? std::vector<std::string>{"Sigmoid", "Tanh"}
                                                       : std::vector<std::string>{"Tanh"};
    for (int i = 0; i < Dirs(s); ++i) names.insert(names.end(), d.begin(), d.end());
  }
  std::vector<float> alphas = s.alphas, betas = s.betas;
  std::vector<Act> acts;
  for (const std::string& n : names) {
    Act a{n};
    const bool ua = n == "LeakyRelu" || n == "HardSigmoid" || n == "ScaledTanh" || n == "Elu" ||
                    n == "Affine" || n == "ThresholdedRelu";
    const bool ub = n == "HardSigmoid" || n == "ScaledTanh" || n == "Affine";
    a.alpha = n == "LeakyRelu" ? 0.01 : n == "HardSigmoid" ? 0.2 : 1.0;
    a.beta = n == "HardSigmoid" ? 0.5 : n == "ScaledTanh" ? 1.0 : 0.0;
    if (ua && !alphas.empty()) {
      a.alpha = alphas.front();
      alphas.erase(alphas.begin());
    }
    if (ub && !betas.empty()) {
      a.beta = betas.front();
      betas.erase(betas.begin());
    }
    acts.push_back(a);
  }
  return acts;
}

struct Inputs {
  Tensor x, w, r, b, lens, h0, c0, p;
};

struct Outputs {
  std::vector<double> y, y_h, y_c;
};

Outputs Reference(const Spec& s, const Inputs& in, const std::vector<int32_t>& lens) {
  const int dirs = Dirs(s), g = Gates(s);
  const int64_t T = s.seq, B = s.batch, I = s.input, H = s.hidden;
  const std::vector<Act> acts = Activations(s);
  const int per = static_cast<int>(acts.size()) / dirs;
  Outputs out;
  out.y.assign(T * dirs * B * H, 0.0);
  out.y_h.assign(dirs * B * H, 0.0);
  out.y_c.assign(dirs * B * H, 0.0);
  auto xat = [&](int64_t t, int64_t b, int64_t i) {
    return static_cast<double>(in.x.data<float>()[(s.layout == 0 ? t * B + b : b * T + t) * I + i]);
  };
  auto state_off = [&](int d, int64_t b) { return (s.layout == 0 ? d * B + b : b * dirs + d) * H; };
  auto y_off = [&](int64_t t, int d, int64_t b) {
    return (s.layout == 0 ? (t * dirs + d) * B + b : (b * T + t) * dirs + d) * H;
  };
  for (int d = 0; d < dirs; ++d) {
    const float* W = in.w.data<float>() + d * g * H * I;
    const float* R = in.r.data<float>() + d * g * H * H;
    const float* Wb = s.bias ? in.b.data<float>() + d * 2 * g * H : nullptr;
    const float* Rb = Wb != nullptr ? Wb + g * H : nullptr;
    const bool reverse = s.direction == "reverse" || d == 1;
    const Act* f = &acts[d * per];
    for (int64_t b = 0; b < B; ++b) {
      std::vector<double> h(H, 0.0), c(H, 0.0);
      if (s.initial) {
        for (int64_t j = 0; j < H; ++j) h[j] = in.h0.data<float>()[state_off(d, b) + j];
        if (s.op == "LSTM") {
          for (int64_t j = 0; j < H; ++j) c[j] = in.c0.data<float>()[state_off(d, b) + j];
        }
      }
      const int64_t len = s.lens ? lens[b] : T;
      for (int64_t step = 0; step < len; ++step) {
        const int64_t t = reverse ? len - 1 - step : step;
        // pre[gate][j] = x W^T + Wb, rec[gate][j] = h R^T + Rb
        std::vector<std::vector<double>> xw(g, std::vector<double>(H)),
            hr(g, std::vector<double>(H));
        for (int q = 0; q < g; ++q) {
          for (int64_t j = 0; j < H; ++j) {
            double a = Wb != nullptr ? Wb[q * H + j] : 0.0, r = Rb != nullptr ? Rb[q * H + j] : 0.0;
            for (int64_t i = 0; i < I; ++i) a += xat(t, b, i) * W[(q * H + j) * I + i];
            for (int64_t i = 0; i < H; ++i) r += h[i] * R[(q * H + j) * H + i];
            xw[q][j] = a;
            hr[q][j] = r;
          }
        }
        std::vector<double> nh(H);
        if (s.op == "RNN") {
          for (int64_t j = 0; j < H; ++j) nh[j] = f[0](xw[0][j] + hr[0][j], s.clip);
        } else if (s.op == "GRU") {
          std::vector<double> z(H), r(H);
          for (int64_t j = 0; j < H; ++j) {
            z[j] = f[0](xw[0][j] + hr[0][j], s.clip);
            r[j] = f[0](xw[1][j] + hr[1][j], s.clip);
          }
          for (int64_t j = 0; j < H; ++j) {
            double cand;
            if (s.linear_before_reset) {
              cand = xw[2][j] + r[j] * hr[2][j];
            } else {
              double rh = Rb != nullptr ? Rb[2 * H + j] : 0.0;
              for (int64_t i = 0; i < H; ++i) rh += r[i] * h[i] * R[(2 * H + j) * H + i];
              cand = xw[2][j] + rh;
            }
            const double n = f[1](cand, s.clip);
            nh[j] = (1 - z[j]) * n + z[j] * h[j];
          }
        } else {
          const float* P = s.peephole ? in.p.data<float>() + d * 3 * H : nullptr;
          for (int64_t j = 0; j < H; ++j) {
            const double pi = P ? P[j] : 0, po = P ? P[H + j] : 0, pf = P ? P[2 * H + j] : 0;
            const double ig = f[0](xw[0][j] + hr[0][j] + pi * c[j], s.clip);
            const double fg =
                s.input_forget ? 1 - ig : f[0](xw[2][j] + hr[2][j] + pf * c[j], s.clip);
            const double cc = f[1](xw[3][j] + hr[3][j], s.clip);
            c[j] = fg * c[j] + ig * cc;
            const double og = f[0](xw[1][j] + hr[1][j] + po * c[j], s.clip);
            nh[j] = og * f[2](c[j], s.clip);
          }
        }
        h = nh;
        for (int64_t j = 0; j < H; ++j) out.y[y_off(t, d, b) + j] = h[j];
      }
      for (int64_t j = 0; j < H; ++j) {
        out.y_h[state_off(d, b) + j] = h[j];
        out.y_c[state_off(d, b) + j] = c[j];
      }
    }
  }
  return out;
}

void RunCase(const Spec& s, std::mt19937& rng, int threads) {
  const int dirs = Dirs(s), g = Gates(s);
  const int64_t T = s.seq, B = s.batch, H = s.hidden;
  Inputs in;
  in.x = RandomTensor(s.layout == 0 ? Shape{T, B, s.input} : Shape{B, T, s.input}, rng);
  // PyTorch's initialisation range: keeps the gates out of saturation at any size.
  const float w_range = 1.5f / std::sqrt(static_cast<float>(std::max(s.input, H)));
  in.w = RandomTensor({dirs, g * H, s.input}, rng, -w_range, w_range);
  in.r = RandomTensor({dirs, g * H, H}, rng, -w_range, w_range);
  in.b = RandomTensor({dirs, 2 * g * H}, rng);
  const Shape state = s.layout == 0 ? Shape{dirs, B, H} : Shape{B, dirs, H};
  in.h0 = RandomTensor(state, rng);
  in.c0 = RandomTensor(state, rng);
  in.p = RandomTensor({dirs, 3 * H}, rng);
  std::vector<int32_t> lens(B);
  for (int64_t b = 0; b < B; ++b)
    lens[b] = static_cast<int32_t>(std::uniform_int_distribution<int64_t>(0, T)(rng));
  if (B > 0) lens[0] = static_cast<int32_t>(T);
  in.lens = Tensor::FromVector<int32_t>({B}, lens);
  const Outputs want = Reference(s, in, lens);

  NodeBuilder nb(s.op, 14);
  nb.Int("hidden_size", H).Str("direction", s.direction).Int("layout", s.layout);
  if (s.op == "GRU") nb.Int("linear_before_reset", s.linear_before_reset);
  if (s.op == "LSTM") nb.Int("input_forget", s.input_forget);
  if (s.clip > 0) nb.Float("clip", s.clip);
  if (!s.activations.empty()) nb.Strs("activations", s.activations);
  if (!s.alphas.empty()) nb.Floats("activation_alpha", s.alphas);
  if (!s.betas.empty()) nb.Floats("activation_beta", s.betas);
  std::vector<bool> present = {true, true, true, s.bias, s.lens, s.initial};
  std::vector<std::optional<Tensor>> inputs = {in.x, in.w, in.r};
  inputs.push_back(s.bias ? std::optional<Tensor>(in.b) : std::nullopt);
  inputs.push_back(s.lens ? std::optional<Tensor>(in.lens) : std::nullopt);
  inputs.push_back(s.initial ? std::optional<Tensor>(in.h0) : std::nullopt);
  if (s.op == "LSTM") {
    present.push_back(s.initial);
    present.push_back(s.peephole);
    inputs.push_back(s.initial ? std::optional<Tensor>(in.c0) : std::nullopt);
    inputs.push_back(s.peephole ? std::optional<Tensor>(in.p) : std::nullopt);
  }
  nb.Inputs(present).Outputs(std::vector<bool>(s.op == "LSTM" ? 3 : 2, true));
  if (s.constant_r) nb.Constant(2, &in.r);
  auto out = RunKernel(nb.Build(), inputs, threads);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const Shape y_shape = s.layout == 0 ? Shape{T, dirs, B, H} : Shape{B, T, dirs, H};
  const std::string what = s.op + " " + s.direction + " layout " + std::to_string(s.layout) +
                           (s.lens ? " lens" : "") + (s.linear_before_reset ? " lbr" : "") +
                           (s.peephole ? " peephole" : "");
  EXPECT_TRUE(TensorNear(*(*out)[0], y_shape, want.y)) << what << " Y";
  EXPECT_TRUE(TensorNear(*(*out)[1], state, want.y_h)) << what << " Y_h";
  if (s.op == "LSTM") {
    EXPECT_TRUE(TensorNear(*(*out)[2], state, want.y_c)) << what << " Y_c";
  }
}

TEST(RnnTest, AllOpsDirectionsLayoutsAndLengths) {
  std::mt19937 rng(51);
  for (const char* op : {"RNN", "GRU", "LSTM"}) {
    for (const char* direction : {"forward", "reverse", "bidirectional"}) {
      for (int layout : {0, 1}) {
        for (int variant = 0; variant < 4; ++variant) {
          Spec s;
          s.op = op;
          s.direction = direction;
          s.layout = layout;
          s.lens = variant & 1;
          s.bias = variant != 2;
          s.initial = variant != 1;
          s.linear_before_reset = variant & 2;
          s.peephole = variant >= 2;
          s.constant_r = variant == 3;
          RunCase(s, rng, variant == 0 ? 2 : 1);
        }
      }
    }
  }
}

TEST(RnnTest, ActivationsClipAndCoupledGates) {
  std::mt19937 rng(52);
  Spec gru;
  gru.activations = {"HardSigmoid", "LeakyRelu", "Sigmoid", "ScaledTanh"};
  gru.alphas = {0.3f, 0.05f, 0.9f};
  gru.betas = {0.4f, 1.5f};
  gru.direction = "bidirectional";
  gru.clip = 0.7f;
  RunCase(gru, rng, 1);
  Spec lstm;
  lstm.op = "LSTM";
  lstm.input_forget = true;
  lstm.clip = 1.2f;
  lstm.activations = {"Sigmoid", "Softsign", "Elu"};
  lstm.alphas = {0.5f};
  RunCase(lstm, rng, 1);
  Spec rnn;
  rnn.op = "RNN";
  rnn.activations = {"Relu"};
  rnn.seq = 1;
  rnn.batch = 1;
  RunCase(rnn, rng, 1);
}

TEST(RnnTest, A2fDiffusionShapedGru) {
  // One layer of the Audio2Face-3D v3.0 GRU: input 861, hidden 256, 30 frames, PyTorch gates.
  std::mt19937 rng(53);
  Spec s;
  s.seq = 30;
  s.batch = 1;
  s.input = 861;
  s.hidden = 256;
  s.linear_before_reset = true;
  s.constant_r = true;
  RunCase(s, rng, 2);
}

TEST(RnnTest, RejectsBadShapes) {
  std::mt19937 rng(54);
  NodeInfo node = NodeBuilder("GRU", 14).Int("hidden_size", 4).Inputs({true, true, true}).Build();
  auto out = RunKernel(node, {RandomTensor({2, 1, 3}, rng), RandomTensor({1, 12, 3}, rng),
                              RandomTensor({1, 12, 5}, rng)});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("GRU node"), std::string::npos);
  NodeInfo bad_dir =
      NodeBuilder("LSTM", 14).Str("direction", "sideways").Inputs({true, true, true}).Build();
  EXPECT_FALSE(kernel_test::MakeKernel(bad_dir).ok());
}

}  // namespace
}  // namespace voxface::nn
