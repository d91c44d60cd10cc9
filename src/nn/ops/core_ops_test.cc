// SPDX-License-Identifier: Apache-2.0
// Element-wise and shape kernels through a one-node session each, on cases ONNX's node tests do
// not reach: random broadcast patterns and permutations against naive references, integer
// corner cases, views, and numpy-compatible casts.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <climits>
#include <cmath>
#include <random>

#include "nn/half.h"
#include "nn/session.h"
#include "nn/session_impl.h"
#include "nn/test_model_builder.h"

namespace voxface::nn {
namespace {

using testing::ModelBuilder;

struct Named {
  std::string name;
  Tensor tensor;
};

// Builds a model with one `op` node reading `inputs` (an empty name is an absent input) and
// writing `num_outputs` outputs, runs it twice (recording, then planned) and returns the outputs.
Result<std::vector<Tensor>> RunOp(const std::string& op, const std::vector<Named>& inputs,
                                  const std::function<void(onnx::NodeProto&)>& attrs = {},
                                  int num_outputs = 1, int opset = 17, RunStats* stats = nullptr) {
  ModelBuilder b(opset);
  std::vector<std::string> names;
  std::vector<std::pair<std::string, Tensor>> feed;
  for (const Named& in : inputs) {
    names.push_back(in.name);
    if (in.name.empty()) continue;
    b.Input(in.name, DataTypeToOnnx(in.tensor.dtype()), in.tensor.shape());
    feed.emplace_back(in.name, in.tensor);
  }
  std::vector<std::string> outs;
  for (int i = 0; i < num_outputs; ++i) outs.push_back(std::string("y").append(std::to_string(i)));
  onnx::NodeProto& node = b.Node(op, names, outs, "node");
  if (attrs) attrs(node);
  for (const std::string& o : outs) b.Output(o, 0);
  VF_ASSIGN_OR_RETURN(std::unique_ptr<Session> s, Session::LoadFromBytes(b.Serialize(), ""));
  VF_ASSIGN_OR_RETURN(std::vector<Tensor> first, s->Run(feed));
  VF_ASSIGN_OR_RETURN(std::vector<Tensor> second, s->Run(feed));
  for (size_t i = 0; i < first.size(); ++i) {
    if (first[i].shape() != second[i].shape() || first[i].bytes() != second[i].bytes() ||
        std::memcmp(first[i].raw(), second[i].raw(), first[i].bytes()) != 0) {
      return Status::Internal("planned run differs from recording run");
    }
  }
  if (stats != nullptr) *stats = dynamic_cast<SessionImpl&>(*s).last_run_stats();
  return second;
}

Tensor Random(const Shape& shape, std::mt19937& rng) {
  std::uniform_real_distribution<float> dist(-4, 4);
  std::vector<float> v(NumElements(shape));
  for (float& x : v) x = dist(rng);
  return Tensor::FromVector<float>(shape, v);
}

// Offset into `shape` of the output coordinate `coord`, numpy-broadcast.
int64_t BroadcastOffset(const Shape& shape, const std::vector<int64_t>& coord) {
  int64_t off = 0;
  size_t lead = coord.size() - shape.size();
  for (size_t d = 0; d < shape.size(); ++d) {
    off = off * shape[d] + (shape[d] == 1 ? 0 : coord[lead + d]);
  }
  return off;
}

std::vector<int64_t> Coord(int64_t i, const Shape& shape) {
  std::vector<int64_t> c(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    c[d] = i % shape[d];
    i /= shape[d];
  }
  return c;
}

Shape RandomBroadcastPartner(const Shape& out, std::mt19937& rng) {
  Shape s;
  size_t drop = rng() % (out.size() + 1);
  for (size_t d = drop; d < out.size(); ++d) s.push_back(rng() % 3 == 0 ? 1 : out[d]);
  return s;
}

TEST(CoreOpsTest, BinaryBroadcastMatchesNaive) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 60; ++trial) {
    Shape out;
    int rank = 1 + static_cast<int>(rng() % 4);
    for (int d = 0; d < rank; ++d) out.push_back(1 + static_cast<int64_t>(rng() % 5));
    Shape sa = RandomBroadcastPartner(out, rng), sb = RandomBroadcastPartner(out, rng);
    Tensor a = Random(sa, rng), b = Random(sb, rng);
    Result<Shape> expect_shape = BroadcastShapes(sa, sb);
    for (const char* op : {"Add", "Sub", "Mul", "Div", "Max"}) {
      auto y = RunOp(op, {{"a", a}, {"b", b}});
      ASSERT_TRUE(y.ok()) << y.status().message();
      const Tensor& t = (*y)[0];
      ASSERT_EQ(t.shape(), *expect_shape);
      for (int64_t i = 0; i < t.size(); ++i) {
        std::vector<int64_t> c = Coord(i, t.shape());
        float x = a.data<float>()[BroadcastOffset(sa, c)];
        float z = b.data<float>()[BroadcastOffset(sb, c)];
        float want = std::string(op) == "Add"   ? x + z
                     : std::string(op) == "Sub" ? x - z
                     : std::string(op) == "Mul" ? x * z
                     : std::string(op) == "Div" ? x / z
                                                : std::max(x, z);
        ASSERT_EQ(t.data<float>()[i], want)
            << op << " " << ShapeToString(sa) << " " << ShapeToString(sb) << " at " << i;
      }
    }
  }
}

TEST(CoreOpsTest, WhereBroadcastsThreeWays) {
  Tensor c = Tensor::FromVector<bool>({2, 1}, {true, false});
  Tensor x = Tensor::FromVector<int64_t>({3}, {1, 2, 3});
  Tensor y = Tensor::FromVector<int64_t>({2, 3}, {10, 20, 30, 40, 50, 60});
  auto out = RunOp("Where", {{"c", c}, {"x", x}, {"y", y}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ((*out)[0].ToVector<int64_t>(), (std::vector<int64_t>{1, 2, 3, 40, 50, 60}));
}

TEST(CoreOpsTest, IntegerArithmeticCornerCases) {
  Tensor a = Tensor::FromVector<int64_t>({4}, {7, -7, 7, 5});
  Tensor b = Tensor::FromVector<int64_t>({4}, {2, 2, -2, 0});
  auto div = RunOp("Div", {{"a", a}, {"b", b}});
  ASSERT_TRUE(div.ok());
  EXPECT_EQ((*div)[0].ToVector<int64_t>(), (std::vector<int64_t>{3, -3, -3, 0}));  // no trap
  auto mod = RunOp("Mod", {{"a", a}, {"b", b}});
  ASSERT_TRUE(mod.ok());
  EXPECT_EQ((*mod)[0].ToVector<int64_t>(), (std::vector<int64_t>{1, 1, -1, 0}));  // numpy sign
  auto pow = RunOp("Pow", {{"a", a}, {"b", Tensor::FromVector<int64_t>({1}, {3})}});
  ASSERT_TRUE(pow.ok());
  EXPECT_EQ((*pow)[0].ToVector<int64_t>(), (std::vector<int64_t>{343, -343, 343, 125}));
  auto mixed = RunOp("Add", {{"a", a}, {"b", Tensor::FromVector<int32_t>({1}, {1})}});
  EXPECT_FALSE(mixed.ok());
}

TEST(CoreOpsTest, CastMatchesNumpy) {
  Tensor x = Tensor::FromVector<float>({5}, {300.7f, -1.9f, std::nanf(""), 0.1f, 0.0f});
  auto to_i8 = RunOp("Cast", {{"x", x}}, [](onnx::NodeProto& n) {
    testing::SetIntAttr(n, "to", onnx::TensorProto::INT8);
  });
  ASSERT_TRUE(to_i8.ok()) << to_i8.status().message();
  EXPECT_EQ((*to_i8)[0].ToVector<int8_t>(), (std::vector<int8_t>{44, -1, 0, 0, 0}));
  auto to_bool = RunOp("Cast", {{"x", x}}, [](onnx::NodeProto& n) {
    testing::SetIntAttr(n, "to", onnx::TensorProto::BOOL);
  });
  ASSERT_TRUE(to_bool.ok());
  EXPECT_EQ((*to_bool)[0].ToInt64Vector(), (std::vector<int64_t>{1, 1, 1, 1, 0}));
  auto to_half = RunOp("Cast", {{"x", x}}, [](onnx::NodeProto& n) {
    testing::SetIntAttr(n, "to", onnx::TensorProto::FLOAT16);
  });
  ASSERT_TRUE(to_half.ok());
  EXPECT_EQ((*to_half)[0].dtype(), DataType::kFloat32);  // float16 precision, float32 storage
  EXPECT_EQ((*to_half)[0].data<float>()[3], RoundToHalf(0.1f));
  EXPECT_NE((*to_half)[0].data<float>()[3], 0.1f);
}

TEST(CoreOpsTest, TransposeMatchesNaive) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 40; ++trial) {
    int rank = 1 + static_cast<int>(rng() % 5);
    Shape shape;
    for (int d = 0; d < rank; ++d) shape.push_back(1 + static_cast<int64_t>(rng() % 4));
    std::vector<int64_t> perm(rank);
    for (int d = 0; d < rank; ++d) perm[d] = d;
    std::shuffle(perm.begin(), perm.end(), rng);
    Tensor x = Random(shape, rng);
    auto y = RunOp("Transpose", {{"x", x}},
                   [&](onnx::NodeProto& n) { testing::SetIntsAttr(n, "perm", perm); });
    ASSERT_TRUE(y.ok()) << y.status().message();
    const Tensor& t = (*y)[0];
    for (int64_t i = 0; i < t.size(); ++i) {
      std::vector<int64_t> c = Coord(i, t.shape());
      std::vector<int64_t> src(rank);
      for (int d = 0; d < rank; ++d) src[perm[d]] = c[d];
      int64_t off = 0;
      for (int d = 0; d < rank; ++d) off = off * shape[d] + src[d];
      ASSERT_EQ(t.data<float>()[i], x.data<float>()[off]);
    }
  }
}

TEST(CoreOpsTest, ViewOpsAliasInPlannedRuns) {
  // Squeeze -> Relu: the squeezed value is an intermediate, so it becomes a view.
  ModelBuilder b;
  b.Input("x", onnx::TensorProto::FLOAT, {1, 3, 1});
  b.Node("Neg", {"x"}, {"n"});
  b.Node("Squeeze", {"n"}, {"s"});
  b.Node("Flatten", {"s"}, {"f"});
  b.Node("Relu", {"f"}, {"y"});
  b.Output("y");
  auto s = Session::LoadFromBytes(b.Serialize(), "");
  ASSERT_TRUE(s.ok());
  Tensor x = Tensor::FromVector<float>({1, 3, 1}, {1, -2, 3});
  for (int run = 0; run < 2; ++run) {
    auto out = (*s)->Run({{"x", x}});
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ((*out)[0].shape(), (Shape{3, 1}));
    EXPECT_EQ((*out)[0].ToVector<float>(), (std::vector<float>{0, 2, 0}));
  }
  EXPECT_EQ(dynamic_cast<SessionImpl&>(**s).last_run_stats().views, 2);
}

TEST(CoreOpsTest, SliceNegativeStepsAndClampedEnds) {
  Tensor x = Tensor::FromVector<int64_t>({10}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  auto y = RunOp("Slice", {{"x", x},
                           {"s", Tensor::FromVector<int64_t>({1}, {-1})},
                           {"e", Tensor::FromVector<int64_t>({1}, {INT64_MIN})},
                           {"a", Tensor::FromVector<int64_t>({1}, {0})},
                           {"st", Tensor::FromVector<int64_t>({1}, {-3})}});
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ((*y)[0].ToVector<int64_t>(), (std::vector<int64_t>{9, 6, 3, 0}));
  auto z = RunOp("Slice", {{"x", x},
                           {"s", Tensor::FromVector<int64_t>({1}, {2})},
                           {"e", Tensor::FromVector<int64_t>({1}, {INT64_MAX})}});
  ASSERT_TRUE(z.ok());
  EXPECT_EQ((*z)[0].size(), 8);
}

TEST(CoreOpsTest, PadModesAndCropping) {
  Tensor x = Tensor::FromVector<float>({4}, {1, 2, 3, 4});
  auto pad = [&](const char* mode, std::vector<int64_t> pads) {
    auto y = RunOp("Pad",
                   {{"x", x},
                    {"p", Tensor::FromVector<int64_t>({2}, pads)},
                    {"v", Tensor::Scalar<float>(9.0f)}},
                   [&](onnx::NodeProto& n) { testing::SetStringAttr(n, "mode", mode); });
    EXPECT_TRUE(y.ok()) << y.status().message();
    return y.ok() ? (*y)[0].ToVector<float>() : std::vector<float>{};
  };
  EXPECT_EQ(pad("constant", {2, 1}), (std::vector<float>{9, 9, 1, 2, 3, 4, 9}));
  EXPECT_EQ(pad("reflect", {3, 2}), (std::vector<float>{4, 3, 2, 1, 2, 3, 4, 3, 2}));
  EXPECT_EQ(pad("edge", {2, 2}), (std::vector<float>{1, 1, 1, 2, 3, 4, 4, 4}));
  EXPECT_EQ(pad("constant", {-1, 1}), (std::vector<float>{2, 3, 4, 9}));
}

TEST(CoreOpsTest, GatherWrapsNegativeIndicesAndRejectsOutOfRange) {
  Tensor x = Tensor::FromVector<float>({3, 2}, {1, 2, 3, 4, 5, 6});
  auto y = RunOp("Gather", {{"x", x}, {"i", Tensor::FromVector<int64_t>({2}, {-1, 0})}});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ((*y)[0].ToVector<float>(), (std::vector<float>{5, 6, 1, 2}));
  // Single-element blocks (an index table over samples), int32 indices.
  auto z = RunOp("Gather", {{"x", x}, {"i", Tensor::FromVector<int32_t>({2, 2}, {1, -1, 0, 1})}},
                 [](onnx::NodeProto& n) { testing::SetIntAttr(n, "axis", 1); });
  ASSERT_TRUE(z.ok()) << z.status().message();
  EXPECT_EQ((*z)[0].shape(), (Shape{3, 2, 2}));
  EXPECT_EQ((*z)[0].ToVector<float>(), (std::vector<float>{2, 2, 1, 2, 4, 4, 3, 4, 6, 6, 5, 6}));
  auto bad = RunOp("Gather", {{"x", x}, {"i", Tensor::FromVector<int64_t>({1}, {3})}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("Gather node 'node'"), std::string::npos);
}

// Exported slice assignments (x[:, a:b] = u) scatter one int64 index tuple per element; the
// tuples are built by Concat(axis=-1) of one-element rows and expanded ranges.
TEST(CoreOpsTest, ElementwiseScatterTuplesFromConcatAndExpand) {
  auto col = [](std::vector<int64_t> v) { return Tensor::FromVector<int64_t>({3, 1}, v); };
  auto tuples = RunOp("Concat", {{"a", col({0, 1, 1})}, {"b", col({2, 0, 2})}},
                      [](onnx::NodeProto& n) { testing::SetIntAttr(n, "axis", -1); });
  ASSERT_TRUE(tuples.ok()) << tuples.status().message();
  EXPECT_EQ((*tuples)[0].ToVector<int64_t>(), (std::vector<int64_t>{0, 2, 1, 0, 1, 2}));
  Tensor x = Tensor::FromVector<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor upd = Tensor::FromVector<float>({3}, {10, 20, 30});
  auto y = RunOp("ScatterND", {{"x", x}, {"i", (*tuples)[0]}, {"u", upd}});
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ((*y)[0].ToVector<float>(), (std::vector<float>{1, 2, 10, 20, 5, 30}));
  // int32 tuples (read in place, never widened), negative indices and a reduction.
  Tensor i32 = Tensor::FromVector<int32_t>({2, 2}, {-1, -1, 0, 0});
  auto add = RunOp(
      "ScatterND", {{"x", x}, {"i", i32}, {"u", Tensor::FromVector<float>({2}, {1, 1})}},
      [](onnx::NodeProto& n) { testing::SetStringAttr(n, "reduction", "add"); }, 1, 18);
  ASSERT_TRUE(add.ok()) << add.status().message();
  EXPECT_EQ((*add)[0].ToVector<float>(), (std::vector<float>{2, 2, 3, 4, 5, 7}));
  auto bad = RunOp("ScatterND", {{"x", x},
                                 {"i", Tensor::FromVector<int64_t>({1, 2}, {2, 0})},
                                 {"u", Tensor::FromVector<float>({1}, {0})}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("ScatterND node 'node'"), std::string::npos);
  // Expand along the last axis (one value per row) and mixed long and short Concat rows.
  auto e =
      RunOp("Expand", {{"x", col({7, 8, 9})}, {"s", Tensor::FromVector<int64_t>({2}, {3, 20})}});
  ASSERT_TRUE(e.ok()) << e.status().message();
  const std::vector<int64_t> ev = (*e)[0].ToVector<int64_t>();
  for (int64_t r = 0; r < 3; ++r) {
    for (int64_t c = 0; c < 20; ++c) ASSERT_EQ(ev[r * 20 + c], 7 + r);
  }
  auto c = RunOp("Concat", {{"a", (*e)[0]}, {"b", col({1, 2, 3})}},
                 [](onnx::NodeProto& n) { testing::SetIntAttr(n, "axis", 1); });
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ((*c)[0].shape(), (Shape{3, 21}));
  EXPECT_EQ((*c)[0].ToVector<int64_t>()[20], 1);
  EXPECT_EQ((*c)[0].ToVector<int64_t>()[41], 2);
  EXPECT_EQ((*c)[0].ToVector<int64_t>()[42], 9);
}

TEST(CoreOpsTest, ConstantOfShapeFillsEveryElementType) {
  for (DataType type : {DataType::kInt64, DataType::kFloat32, DataType::kBool, DataType::kInt32}) {
    Tensor value = Tensor::Zeros(type, {1});
    std::memset(value.raw(), type == DataType::kBool ? 1 : 0x11, value.bytes());
    auto y = RunOp("ConstantOfShape", {{"s", Tensor::FromVector<int64_t>({2}, {3, 5})}},
                   [&](onnx::NodeProto& n) {
                     onnx::AttributeProto* a = n.add_attribute();
                     a->set_name("value");
                     a->set_type(onnx::AttributeProto::TENSOR);
                     a->mutable_t()->set_data_type(DataTypeToOnnx(type));
                     a->mutable_t()->add_dims(1);
                     a->mutable_t()->set_raw_data(value.raw(), value.bytes());
                   });
    ASSERT_TRUE(y.ok()) << y.status().message();
    ASSERT_EQ((*y)[0].dtype(), type);
    const auto* bytes = static_cast<const uint8_t*>((*y)[0].raw());
    for (size_t b = 0; b < (*y)[0].bytes(); ++b) {
      ASSERT_EQ(bytes[b], static_cast<const uint8_t*>(value.raw())[b % value.bytes()]);
    }
  }
}

// The float32 path of Exp, Erf, Tanh and Sigmoid is vectorised; it must agree with libm,
// including where vmath clamps (exp underflow to 0 and overflow to inf).
TEST(CoreOpsTest, VectorisedUnaryMathMatchesLibm) {
  std::vector<float> v = {-1e4f, -104.0f, -88.5f, -87.2f, -3.0f, -0.3f, 0.0f, 1e-7f,
                          0.7f,  3.9f,    30.0f,  88.2f,  88.6f, 89.0f, 1e4f};
  for (int i = 0; i < 101; ++i) v.push_back(-5.0f + 0.1f * static_cast<float>(i));
  Tensor x = Tensor::FromVector<float>({static_cast<int64_t>(v.size())}, v);
  const std::pair<const char*, double (*)(double)> ops[] = {
      {"Exp", [](double a) { return std::exp(a); }},
      {"Erf", [](double a) { return std::erf(a); }},
      {"Tanh", [](double a) { return std::tanh(a); }},
      {"Sigmoid", [](double a) { return 1.0 / (1.0 + std::exp(-a)); }}};
  for (const auto& [op, ref] : ops) {
    auto y = RunOp(op, {{"x", x}});
    ASSERT_TRUE(y.ok()) << y.status().message();
    const std::vector<float> got = (*y)[0].ToVector<float>();
    for (size_t i = 0; i < v.size(); ++i) {
      const double want = static_cast<float>(ref(v[i]));
      if (std::isinf(want) || want == 0.0) {
        EXPECT_EQ(got[i], want) << op << "(" << v[i] << ")";
      } else {
        EXPECT_NEAR(got[i], want, 1e-6 * std::fabs(want) + 1e-37) << op << "(" << v[i] << ")";
      }
    }
  }
}

TEST(CoreOpsTest, ReshapeZeroMinusOneAndAllowZero) {
  Tensor x = Tensor::Zeros(DataType::kFloat32, {2, 3, 4});
  auto y = RunOp("Reshape", {{"x", x}, {"s", Tensor::FromVector<int64_t>({2}, {0, -1})}});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ((*y)[0].shape(), (Shape{2, 12}));
  Tensor empty = Tensor::Zeros(DataType::kFloat32, {0, 3});
  auto z = RunOp("Reshape", {{"x", empty}, {"s", Tensor::FromVector<int64_t>({2}, {3, 0})}},
                 [](onnx::NodeProto& n) { testing::SetIntAttr(n, "allowzero", 1); });
  ASSERT_TRUE(z.ok()) << z.status().message();
  EXPECT_EQ((*z)[0].shape(), (Shape{3, 0}));
  EXPECT_FALSE(RunOp("Reshape", {{"x", x}, {"s", Tensor::FromVector<int64_t>({1}, {7})}}).ok());
}

TEST(CoreOpsTest, SplitEvenlyIntoOutputsWithSmallerLast) {
  Tensor x = Tensor::FromVector<int64_t>({7}, {0, 1, 2, 3, 4, 5, 6});
  auto y = RunOp("Split", {{"x", x}}, {}, 3, 18);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ((*y)[0].ToVector<int64_t>(), (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ((*y)[2].ToVector<int64_t>(), (std::vector<int64_t>{6}));
  auto z = RunOp("Split", {{"x", x}, {"s", Tensor::FromVector<int64_t>({2}, {5, 2})}}, {}, 2);
  ASSERT_TRUE(z.ok());
  EXPECT_EQ((*z)[1].ToVector<int64_t>(), (std::vector<int64_t>{5, 6}));
}

TEST(CoreOpsTest, ExpandTileConcat) {
  Tensor x = Tensor::FromVector<float>({2, 1}, {1, 2});
  auto e = RunOp("Expand", {{"x", x}, {"s", Tensor::FromVector<int64_t>({3}, {2, 1, 3})}});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)[0].shape(), (Shape{2, 2, 3}));
  EXPECT_EQ((*e)[0].ToVector<float>(), (std::vector<float>{1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2}));
  auto t = RunOp("Tile", {{"x", x}, {"r", Tensor::FromVector<int64_t>({2}, {2, 2})}});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)[0].ToVector<float>(), (std::vector<float>{1, 1, 2, 2, 1, 1, 2, 2}));
  auto c = RunOp("Concat", {{"a", x}, {"b", Tensor::FromVector<float>({2, 2}, {3, 4, 5, 6})}},
                 [](onnx::NodeProto& n) { testing::SetIntAttr(n, "axis", -1); });
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)[0].ToVector<float>(), (std::vector<float>{1, 3, 4, 2, 5, 6}));
}

TEST(CoreOpsTest, ResizeLinearHalfPixel) {
  Tensor x = Tensor::FromVector<float>({1, 4}, {1, 2, 3, 4});
  auto y = RunOp("Resize", {{"x", x}, {"", {}}, {"s", Tensor::FromVector<float>({2}, {1, 2})}},
                 [](onnx::NodeProto& n) { testing::SetStringAttr(n, "mode", "linear"); });
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ((*y)[0].ToVector<float>(),
            (std::vector<float>{1, 1.25f, 1.75f, 2.25f, 2.75f, 3.25f, 3.75f, 4}));
}

TEST(CoreOpsTest, TopKBreaksTiesByLowerIndex) {
  Tensor x = Tensor::FromVector<float>({6}, {3, 1, 3, 2, 3, 0});
  auto y = RunOp("TopK", {{"x", x}, {"k", Tensor::FromVector<int64_t>({1}, {4})}}, {}, 2);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ((*y)[0].ToVector<float>(), (std::vector<float>{3, 3, 3, 2}));
  EXPECT_EQ((*y)[1].ToVector<int64_t>(), (std::vector<int64_t>{0, 2, 4, 3}));
}

TEST(CoreOpsTest, CumSumExclusiveReverse) {
  Tensor x = Tensor::FromVector<int32_t>({4}, {1, 2, 3, 4});
  auto y = RunOp("CumSum", {{"x", x}, {"a", Tensor::Scalar<int64_t>(0)}}, [](onnx::NodeProto& n) {
    testing::SetIntAttr(n, "exclusive", 1);
    testing::SetIntAttr(n, "reverse", 1);
  });
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ((*y)[0].ToVector<int32_t>(), (std::vector<int32_t>{9, 7, 4, 0}));
}

TEST(CoreOpsTest, LargeTensorsUseThePoolAndMatchSerial) {
  std::mt19937 rng(1);
  Tensor a = Random({300, 257}, rng), b = Random({257}, rng);
  ModelBuilder m;
  m.Input("a", onnx::TensorProto::FLOAT, {300, 257});
  m.Input("b", onnx::TensorProto::FLOAT, {257});
  m.Node("Mul", {"a", "b"}, {"p"});
  m.Node("Sigmoid", {"p"}, {"y"});
  m.Output("y");
  SessionOptions two;
  two.num_threads = 2;
  auto serial = Session::LoadFromBytes(m.Serialize(), "");
  auto parallel = Session::LoadFromBytes(m.Serialize(), "", two);
  ASSERT_TRUE(serial.ok() && parallel.ok());
  auto r1 = (*serial)->Run({{"a", a}, {"b", b}});
  auto r2 = (*parallel)->Run({{"a", a}, {"b", b}});
  ASSERT_TRUE(r1.ok() && r2.ok());
  EXPECT_EQ((*r1)[0].ToVector<float>(), (*r2)[0].ToVector<float>());
}

}  // namespace
}  // namespace voxface::nn
