// SPDX-License-Identifier: Apache-2.0
// Conv and ConvTranspose against direct N-D loops in double precision.
#include <gtest/gtest.h>

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

struct ConvCase {
  int64_t n, c, m, group;
  std::vector<int64_t> in, kernel, strides, dilations, pads;  // pads: begins then ends
  std::string auto_pad = "NOTSET";
  bool bias = true;
};

// Advances a multi-index; false after the last one.
bool Next(std::vector<int64_t>& idx, const std::vector<int64_t>& dims) {
  for (int i = static_cast<int>(idx.size()) - 1; i >= 0; --i) {
    if (++idx[i] < dims[i]) return true;
    idx[i] = 0;
  }
  return false;
}

int64_t Flat(const std::vector<int64_t>& idx, const std::vector<int64_t>& dims) {
  int64_t f = 0;
  for (size_t i = 0; i < dims.size(); ++i) f = f * dims[i] + idx[i];
  return f;
}

// Output sizes and begin pads by the spec's formulas, written out independently of window.cc.
void SpecGeometry(const ConvCase& cc, std::vector<int64_t>* out, std::vector<int64_t>* pb) {
  const size_t r = cc.in.size();
  out->assign(r, 0);
  pb->assign(r, 0);
  for (size_t i = 0; i < r; ++i) {
    const int64_t s = cc.strides[i], span = (cc.kernel[i] - 1) * cc.dilations[i] + 1;
    if (cc.auto_pad == "NOTSET") {
      (*pb)[i] = cc.pads[i];
      (*out)[i] = (cc.in[i] + cc.pads[i] + cc.pads[i + r] - span) / s + 1;
    } else if (cc.auto_pad == "VALID") {
      (*out)[i] = (cc.in[i] - span + s) / s;  // ceil((in - span + 1) / s)
    } else {
      (*out)[i] = (cc.in[i] + s - 1) / s;
      const int64_t total = std::max<int64_t>(0, ((*out)[i] - 1) * s + span - cc.in[i]);
      (*pb)[i] = cc.auto_pad == "SAME_UPPER" ? total / 2 : (total + 1) / 2;
    }
  }
}

std::vector<double> RefConv(const ConvCase& cc, const Tensor& x, const Tensor& w, const Tensor* b,
                            Shape* out_shape) {
  std::vector<int64_t> out, pb;
  SpecGeometry(cc, &out, &pb);
  *out_shape = {cc.n, cc.m};
  out_shape->insert(out_shape->end(), out.begin(), out.end());
  const int64_t cg = cc.c / cc.group, mg = cc.m / cc.group;
  std::vector<double> y;
  for (int64_t n = 0; n < cc.n; ++n) {
    for (int64_t m = 0; m < cc.m; ++m) {
      std::vector<int64_t> o(out.size(), 0);
      do {
        double s = b != nullptr ? b->data<float>()[m] : 0.0;
        for (int64_t ci = 0; ci < cg; ++ci) {
          const int64_t c = (m / mg) * cg + ci;
          std::vector<int64_t> k(cc.kernel.size(), 0);
          do {
            std::vector<int64_t> pos(k.size());
            bool inside = true;
            for (size_t d = 0; d < k.size(); ++d) {
              pos[d] = o[d] * cc.strides[d] - pb[d] + k[d] * cc.dilations[d];
              inside = inside && pos[d] >= 0 && pos[d] < cc.in[d];
            }
            if (!inside) continue;
            const double xv =
                x.data<float>()[(n * cc.c + c) * NumElements(cc.in) + Flat(pos, cc.in)];
            const double wv =
                w.data<float>()[(m * cg + ci) * NumElements(cc.kernel) + Flat(k, cc.kernel)];
            s += xv * wv;
          } while (Next(k, cc.kernel));
        }
        y.push_back(s);
      } while (Next(o, out));
    }
  }
  return y;
}

NodeInfo ConvNode(const ConvCase& cc, bool with_kernel_shape) {
  NodeBuilder nb("Conv", 11);
  nb.Int("group", cc.group).Ints("strides", cc.strides).Ints("dilations", cc.dilations);
  if (cc.auto_pad == "NOTSET") {
    nb.Ints("pads", cc.pads);
  } else {
    nb.Str("auto_pad", cc.auto_pad);
  }
  if (with_kernel_shape) nb.Ints("kernel_shape", cc.kernel);
  return nb.Inputs({true, true, cc.bias}).Build();
}

std::vector<ConvCase> ConvCases() {
  return {
      // 1-D: wav2vec2-style strided layers, dilation, padding, groups, the positional conv.
      {1, 4, 6, 1, {20}, {3}, {2}, {1}, {0, 0}},
      {2, 3, 5, 1, {17}, {4}, {1}, {2}, {2, 1}},
      {1, 1, 8, 1, {50}, {10}, {5}, {1}, {0, 0}, "NOTSET", false},
      {1, 8, 8, 4, {21}, {5}, {1}, {1}, {2, 2}},
      {1, 12, 12, 3, {30}, {8}, {1}, {1}, {4, 4}},
      {1, 6, 6, 6, {25}, {3}, {1}, {1}, {1, 1}},  // depthwise
      {2, 4, 8, 4, {19}, {3}, {2}, {2}, {2, 0}},  // depthwise x2, strided, dilated
      {1, 5, 7, 1, {13}, {1}, {1}, {1}, {0, 0}},  // pointwise
      {1, 4, 4, 1, {11}, {3}, {2}, {1}, {}, "SAME_UPPER"},
      {1, 4, 4, 1, {12}, {4}, {3}, {1}, {}, "SAME_LOWER"},
      {1, 4, 4, 1, {12}, {4}, {3}, {2}, {}, "VALID"},
      // Kernels longer than the padded input needs: taps that only ever read padding dropped.
      {1, 8, 8, 2, {5}, {16}, {1}, {1}, {8, 8}},
      {2, 4, 6, 2, {6}, {12}, {2}, {2}, {10, 9}, "NOTSET", false},
      // 2-D: the A2F autocorrelation convs (1x3 stride 1x2), groups, depthwise, padding.
      {1, 3, 8, 1, {4, 32}, {1, 3}, {1, 2}, {1, 1}, {0, 0, 0, 0}},
      {2, 4, 6, 2, {9, 8}, {3, 2}, {2, 1}, {1, 2}, {1, 0, 2, 1}},
      {1, 6, 12, 6, {10, 11}, {3, 3}, {1, 2}, {2, 1}, {1, 1, 1, 1}},  // depthwise x2
      {1, 3, 5, 1, {7, 6}, {1, 1}, {1, 1}, {1, 1}, {0, 0, 0, 0}},     // pointwise
      {1, 2, 3, 1, {7, 8}, {3, 3}, {2, 2}, {1, 1}, {}, "SAME_UPPER"},
      {1, 2, 3, 1, {7, 8}, {2, 3}, {2, 3}, {1, 1}, {}, "SAME_LOWER", false},
      // 3-D.
      {1, 2, 4, 2, {5, 4, 6}, {2, 3, 2}, {1, 2, 1}, {2, 1, 1}, {1, 0, 0, 0, 1, 1}},
      // Large enough to split into several tiles and threads.
      {1, 64, 64, 1, {700}, {3}, {2}, {1}, {1, 1}},
  };
}

TEST(ConvTest, MatchesDirectLoops) {
  std::mt19937 rng(11);
  for (int threads : {1, 2}) {
    for (const ConvCase& cc : ConvCases()) {
      Shape xs = {cc.n, cc.c};
      xs.insert(xs.end(), cc.in.begin(), cc.in.end());
      Shape ws = {cc.m, cc.c / cc.group};
      ws.insert(ws.end(), cc.kernel.begin(), cc.kernel.end());
      Tensor x = RandomTensor(xs, rng), w = RandomTensor(ws, rng), b = RandomTensor({cc.m}, rng);
      Shape want_shape;
      const std::vector<double> want = RefConv(cc, x, w, cc.bias ? &b : nullptr, &want_shape);
      std::vector<std::optional<Tensor>> inputs = {x, w};
      if (cc.bias) inputs.push_back(b);
      auto out = RunKernel(ConvNode(cc, threads == 2), inputs, threads);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      EXPECT_TRUE(TensorNear(*(*out)[0], want_shape, want))
          << "X " << ShapeToString(xs) << " W " << ShapeToString(ws) << " group " << cc.group << " "
          << cc.auto_pad << " threads " << threads;
    }
  }
}

TEST(ConvTest, RandomGeometries) {
  std::mt19937 rng(14);
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  const char* pads[] = {"NOTSET", "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"};
  for (int iter = 0; iter < 60; ++iter) {
    ConvCase cc;
    const int rank = static_cast<int>(pick(1, 2));
    cc.group = pick(1, 3);
    cc.c = cc.group * pick(1, 3);
    cc.m = cc.group * pick(1, 3);
    cc.n = pick(1, 2);
    cc.auto_pad = pads[pick(0, 4)];
    cc.bias = pick(0, 1) == 1;
    for (int d = 0; d < rank; ++d) {
      cc.kernel.push_back(pick(1, 4));
      cc.strides.push_back(pick(1, 3));
      cc.dilations.push_back(pick(1, 2));
      const int64_t span = (cc.kernel[d] - 1) * cc.dilations[d] + 1;
      cc.in.push_back(span + pick(0, 9));
    }
    for (int d = 0; d < 2 * rank; ++d) cc.pads.push_back(pick(0, 2));
    Shape xs = {cc.n, cc.c}, ws = {cc.m, cc.c / cc.group};
    xs.insert(xs.end(), cc.in.begin(), cc.in.end());
    ws.insert(ws.end(), cc.kernel.begin(), cc.kernel.end());
    Tensor x = RandomTensor(xs, rng), w = RandomTensor(ws, rng), b = RandomTensor({cc.m}, rng);
    Shape want_shape;
    const std::vector<double> want = RefConv(cc, x, w, cc.bias ? &b : nullptr, &want_shape);
    std::vector<std::optional<Tensor>> inputs = {x, w};
    if (cc.bias) inputs.push_back(b);
    auto out = RunKernel(ConvNode(cc, false), inputs, 1 + iter % 2);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_TRUE(TensorNear(*(*out)[0], want_shape, want))
        << "iteration " << iter << " X " << ShapeToString(xs) << " W " << ShapeToString(ws)
        << " group " << cc.group << " strides " << ShapeToString(cc.strides) << " dilations "
        << ShapeToString(cc.dilations) << " pads " << ShapeToString(cc.pads) << " " << cc.auto_pad;
  }
}

TEST(ConvTest, ReportsShapeErrors) {
  std::mt19937 rng(12);
  ConvCase cc{1, 4, 4, 2, {10}, {3}, {1}, {1}, {0, 0}};
  // W with C/group = 4 where 2 is expected.
  auto out = RunKernel(ConvNode(cc, false), {RandomTensor({1, 4, 10}, rng),
                                             RandomTensor({4, 4, 3}, rng), RandomTensor({4}, rng)});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("Conv node"), std::string::npos);
  // Input shorter than the kernel.
  ConvCase small{1, 1, 1, 1, {2}, {3}, {1}, {1}, {0, 0}};
  out = RunKernel(ConvNode(small, false), {RandomTensor({1, 1, 2}, rng),
                                           RandomTensor({1, 1, 3}, rng), RandomTensor({1}, rng)});
  ASSERT_FALSE(out.ok());
}

struct ConvTransposeCase {
  int64_t n, c, m, group;
  std::vector<int64_t> in, kernel, strides, dilations, pads, output_padding;
};

std::vector<double> RefConvTranspose(const ConvTransposeCase& cc, const Tensor& x, const Tensor& w,
                                     const Tensor& b, Shape* out_shape) {
  const size_t r = cc.in.size();
  std::vector<int64_t> out(r), full(r);
  for (size_t i = 0; i < r; ++i) {
    full[i] = cc.strides[i] * (cc.in[i] - 1) + cc.output_padding[i] +
              (cc.kernel[i] - 1) * cc.dilations[i] + 1;
    out[i] = full[i] - cc.pads[i] - cc.pads[i + r];
  }
  *out_shape = {cc.n, cc.m};
  out_shape->insert(out_shape->end(), out.begin(), out.end());
  const int64_t cg = cc.c / cc.group, mg = cc.m / cc.group, out_size = NumElements(out);
  std::vector<double> y(cc.n * cc.m * out_size);
  for (int64_t n = 0; n < cc.n; ++n) {
    for (int64_t m = 0; m < cc.m; ++m) {
      for (int64_t o = 0; o < out_size; ++o) y[(n * cc.m + m) * out_size + o] = b.data<float>()[m];
      const int64_t grp = m / mg;
      for (int64_t ci = 0; ci < cg; ++ci) {
        const int64_t c = grp * cg + ci;
        std::vector<int64_t> i(r, 0);
        do {
          std::vector<int64_t> k(r, 0);
          do {
            std::vector<int64_t> pos(r);
            bool inside = true;
            for (size_t d = 0; d < r; ++d) {
              pos[d] = i[d] * cc.strides[d] - cc.pads[d] + k[d] * cc.dilations[d];
              inside = inside && pos[d] >= 0 && pos[d] < out[d];
            }
            if (!inside) continue;
            const double xv = x.data<float>()[(n * cc.c + c) * NumElements(cc.in) + Flat(i, cc.in)];
            const double wv =
                w.data<float>()[(c * mg + m % mg) * NumElements(cc.kernel) + Flat(k, cc.kernel)];
            y[(n * cc.m + m) * out_size + Flat(pos, out)] += xv * wv;
          } while (Next(k, cc.kernel));
        } while (Next(i, cc.in));
      }
    }
  }
  return y;
}

TEST(ConvTransposeTest, MatchesScatterLoops) {
  std::mt19937 rng(13);
  const ConvTransposeCase cases[] = {
      {1, 3, 4, 1, {6}, {3}, {2}, {1}, {0, 0}, {0}},
      {2, 4, 6, 2, {5}, {4}, {3}, {2}, {1, 2}, {1}},
      {1, 2, 2, 1, {3, 3}, {3, 3}, {3, 2}, {1, 1}, {1, 2, 1, 2}, {0, 0}},
      {1, 4, 4, 4, {4, 5}, {2, 3}, {2, 1}, {1, 2}, {0, 1, 1, 0}, {1, 0}},
      {1, 2, 3, 1, {3, 2, 2}, {2, 2, 2}, {1, 2, 1}, {1, 1, 2}, {0, 0, 0, 0, 1, 0}, {0, 1, 0}},
  };
  for (int threads : {1, 2}) {
    for (const ConvTransposeCase& cc : cases) {
      Shape xs = {cc.n, cc.c};
      xs.insert(xs.end(), cc.in.begin(), cc.in.end());
      Shape ws = {cc.c, cc.m / cc.group};
      ws.insert(ws.end(), cc.kernel.begin(), cc.kernel.end());
      Tensor x = RandomTensor(xs, rng), w = RandomTensor(ws, rng), b = RandomTensor({cc.m}, rng);
      Shape want_shape;
      const std::vector<double> want = RefConvTranspose(cc, x, w, b, &want_shape);
      NodeBuilder nb("ConvTranspose", 11);
      nb.Int("group", cc.group).Ints("strides", cc.strides).Ints("dilations", cc.dilations);
      nb.Ints("pads", cc.pads).Ints("output_padding", cc.output_padding);
      auto out = RunKernel(nb.Inputs({true, true, true}).Build(), {x, w, b}, threads);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      EXPECT_TRUE(TensorNear(*(*out)[0], want_shape, want)) << "X " << ShapeToString(xs);
    }
  }
}

// The ONNX conformance example: auto_pad SAME_UPPER puts the odd padding at the end.
TEST(ConvTransposeTest, AutoPadAndOutputShapeFollowTheSpec) {
  Tensor x = Tensor::FromVector<float>({1, 1, 3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8});
  Tensor w = Tensor::FromVector<float>({1, 2, 3, 3}, std::vector<float>(18, 1.0f));
  NodeInfo same = NodeBuilder("ConvTranspose")
                      .Str("auto_pad", "SAME_UPPER")
                      .Ints("strides", {2, 2})
                      .Inputs({true, true})
                      .Build();
  auto out = RunKernel(same, {x, w});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const std::vector<double> row0 = {0, 0, 1, 1, 3, 2}, row2 = {3, 3, 8, 5, 12, 7};
  const float* y = (*out)[0]->data<float>();
  ASSERT_EQ((*out)[0]->shape(), (Shape{1, 2, 6, 6}));
  for (int j = 0; j < 6; ++j) {
    EXPECT_EQ(y[j], row0[j]);
    EXPECT_EQ(y[12 + j], row2[j]);
  }
  // output_shape larger than the natural size: the extra row and column come last, as zeros.
  NodeInfo shaped = NodeBuilder("ConvTranspose")
                        .Ints("strides", {3, 2})
                        .Ints("output_shape", {10, 8})
                        .Inputs({true, true})
                        .Build();
  out = RunKernel(shaped, {x, w});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ((*out)[0]->shape(), (Shape{1, 2, 10, 8}));
  const std::vector<float> first = {0, 0, 1, 1, 3, 2, 2, 0};
  for (int j = 0; j < 8; ++j) EXPECT_EQ((*out)[0]->data<float>()[j], first[j]);
  for (int j = 0; j < 8; ++j) EXPECT_EQ((*out)[0]->data<float>()[9 * 8 + j], 0.0f);
}

}  // namespace
}  // namespace voxface::nn
