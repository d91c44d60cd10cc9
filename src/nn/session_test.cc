// SPDX-License-Identifier: Apache-2.0
#include "nn/session.h"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cstdlib>
#include <random>
#include <thread>

#include "nn/half.h"
#include "nn/session_impl.h"
#include "nn/test_model_builder.h"

namespace voxface::nn {
namespace {

using testing::ModelBuilder;
using testing::SetIntAttr;
using testing::SetIntsAttr;

std::unique_ptr<Session> MustLoad(const ModelBuilder& b, SessionOptions options = {}) {
  Result<std::unique_ptr<Session>> s = Session::LoadFromBytes(b.Serialize(), "", options);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? std::move(s).value() : nullptr;
}

SessionImpl& Impl(Session& s) { return dynamic_cast<SessionImpl&>(s); }

std::vector<float> Iota(int64_t n, float start = 0.0f) {
  std::vector<float> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = start + static_cast<float>(i);
  return v;
}

// y = Relu(Reshape(x * 2 + b, [-1])) with a transpose and a second output, so plans hold several
// live values, a view and reuse.
ModelBuilder ChainModel() {
  ModelBuilder b;
  b.Input("x", onnx::TensorProto::FLOAT, {-1, 4}, {"n"});
  b.FloatInit("two", {}, {2.0f});
  b.FloatInit("bias", {4}, {-3, -1, 1, 3});
  b.IntInit("flat", {1}, {-1});
  b.Node("Mul", {"x", "two"}, {"m"}, "mul");
  b.Node("Add", {"m", "bias"}, {"a"}, "add");
  auto& t = b.Node("Transpose", {"a"}, {"t"}, "transpose");
  SetIntsAttr(t, "perm", {1, 0});
  b.Node("Reshape", {"t", "flat"}, {"r"}, "reshape");
  b.Node("Relu", {"r"}, {"y"}, "relu");
  b.Node("Neg", {"a"}, {"z"}, "neg");
  b.Output("y");
  b.Output("z");
  return b;
}

std::vector<float> ChainReference(const std::vector<float>& x, int64_t n) {
  const float bias[4] = {-3, -1, 1, 3};
  std::vector<float> y;
  for (int c = 0; c < 4; ++c) {
    for (int64_t r = 0; r < n; ++r) y.push_back(std::max(0.0f, x[r * 4 + c] * 2 + bias[c]));
  }
  return y;
}

TEST(SessionTest, RunsAndReportsInputsAndOutputs) {
  auto s = MustLoad(ChainModel());
  ASSERT_TRUE(s);
  ASSERT_EQ(s->inputs().size(), 1u);
  EXPECT_EQ(s->inputs()[0].name, "x");
  EXPECT_EQ(s->inputs()[0].dims, (std::vector<int64_t>{-1, 4}));
  EXPECT_EQ(s->inputs()[0].dim_names[0], "n");
  ASSERT_EQ(s->outputs().size(), 2u);
  std::vector<float> x = Iota(8, -2.0f);
  auto out = s->Run({{"x", Tensor::FromVector<float>({2, 4}, x)}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ((*out)[0].shape(), (Shape{8}));
  EXPECT_EQ((*out)[0].ToVector<float>(), ChainReference(x, 2));
  EXPECT_EQ((*out)[1].shape(), (Shape{2, 4}));
  EXPECT_EQ((*out)[1].data<float>()[0], -(x[0] * 2 - 3));
}

TEST(SessionTest, PlanIsRecordedOnceAndReused) {
  auto s = MustLoad(ChainModel());
  ASSERT_TRUE(s);
  SessionImpl& impl = Impl(*s);
  std::vector<float> x = Iota(12);
  for (int run = 0; run < 3; ++run) {
    auto out = s->Run({{"x", Tensor::FromVector<float>({3, 4}, x)}});
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ((*out)[0].ToVector<float>(), ChainReference(x, 3));
    RunStats stats = impl.last_run_stats();
    EXPECT_EQ(stats.recorded, run == 0);
    if (run > 0) {
      EXPECT_EQ(stats.fallback_allocations, 0);
      EXPECT_GT(stats.arena_outputs, 0);
      EXPECT_EQ(stats.allocated_outputs, 2);  // the two graph outputs only
      EXPECT_EQ(stats.views, 1);              // Reshape aliases the transpose
      EXPECT_GT(stats.arena_bytes, 0u);
    }
  }
  EXPECT_EQ(impl.num_cached_plans(), 1u);
}

TEST(SessionTest, DynamicShapesChangeBetweenRuns) {
  auto s = MustLoad(ChainModel());
  ASSERT_TRUE(s);
  for (int64_t n : {1, 5, 2, 5, 1, 7}) {
    std::vector<float> x = Iota(n * 4, static_cast<float>(-n));
    auto out = s->Run({{"x", Tensor::FromVector<float>({n, 4}, x)}});
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ((*out)[0].ToVector<float>(), ChainReference(x, n)) << n;
  }
  EXPECT_EQ(Impl(*s).num_cached_plans(), 4u);
}

TEST(SessionTest, ConcurrentRunsEqualSerialRuns) {
  SessionOptions options;
  options.num_threads = 2;
  auto s = MustLoad(ChainModel(), options);
  ASSERT_TRUE(s);
  constexpr int kRuns = 40;
  std::vector<std::vector<float>> inputs(kRuns), serial(kRuns), parallel(kRuns);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> dist(-5, 5);
  for (int i = 0; i < kRuns; ++i) {
    int64_t n = 1 + i % 3;
    for (int64_t k = 0; k < n * 4; ++k) inputs[i].push_back(dist(rng));
    auto out = s->Run({{"x", Tensor::FromVector<float>({n, 4}, inputs[i])}});
    ASSERT_TRUE(out.ok());
    serial[i] = (*out)[0].ToVector<float>();
  }
  auto worker = [&](int parity) {
    for (int rep = 0; rep < 5; ++rep) {
      for (int i = parity; i < kRuns; i += 2) {
        int64_t n = 1 + i % 3;
        auto out = s->Run({{"x", Tensor::FromVector<float>({n, 4}, inputs[i])}});
        ASSERT_TRUE(out.ok());
        parallel[i] = (*out)[0].ToVector<float>();
        ASSERT_EQ(parallel[i], serial[i]) << i;
      }
    }
  };
  std::thread a(worker, 0), b(worker, 1);
  a.join();
  b.join();
  for (int i = 0; i < kRuns; ++i) EXPECT_EQ(parallel[i], serial[i]) << i;
}

TEST(SessionTest, DataDependentShapesFallBackToAllocation) {
  ModelBuilder b;
  b.Input("x", onnx::TensorProto::FLOAT, {6});
  b.Node("NonZero", {"x"}, {"nz"});
  b.Node("Neg", {"nz"}, {"neg"});
  b.Node("Abs", {"neg"}, {"y"});
  b.Output("y", onnx::TensorProto::INT64);
  auto s = MustLoad(b);
  ASSERT_TRUE(s);
  auto first = s->Run({{"x", Tensor::FromVector<float>({6}, {0, 1, 0, 2, 3, 0})}});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)[0].ToVector<int64_t>(), (std::vector<int64_t>{1, 3, 4}));
  auto second = s->Run({{"x", Tensor::FromVector<float>({6}, {1, 1, 1, 1, 0, 1})}});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)[0].shape(), (Shape{1, 5}));
  EXPECT_EQ((*second)[0].ToVector<int64_t>(), (std::vector<int64_t>{0, 1, 2, 3, 5}));
  RunStats stats = Impl(*s).last_run_stats();
  EXPECT_FALSE(stats.recorded);
  EXPECT_EQ(stats.fallback_allocations, 2);  // NonZero and Neg differ from the plan
}

TEST(SessionTest, OutputsAreOwnedCopiesNotViewsOfInputs) {
  ModelBuilder b;
  b.Input("x", onnx::TensorProto::FLOAT, {2, 2});
  b.IntInit("shape", {1}, {4});
  b.Node("Reshape", {"x", "shape"}, {"y"});
  b.Node("Identity", {"x"}, {"z"});
  b.Output("y");
  b.Output("z");
  b.Output("x");
  auto s = MustLoad(b);
  ASSERT_TRUE(s);
  Tensor x = Tensor::FromVector<float>({2, 2}, {1, 2, 3, 4});
  for (int run = 0; run < 2; ++run) {
    auto out = s->Run({{"x", x}});
    ASSERT_TRUE(out.ok());
    for (const Tensor& t : *out) EXPECT_NE(t.raw(), x.raw());
    EXPECT_EQ((*out)[0].shape(), (Shape{4}));
    EXPECT_EQ((*out)[0].ToVector<float>(), (std::vector<float>{1, 2, 3, 4}));
    EXPECT_EQ((*out)[2].ToVector<float>(), (std::vector<float>{1, 2, 3, 4}));
  }
}

TEST(SessionTest, FoldsConstantSubgraphsAndDropsDeadNodes) {
  ModelBuilder b;
  b.Input("x", onnx::TensorProto::FLOAT, {2, 3});
  b.FloatInit("w", {3, 2}, Iota(6));
  auto& t = b.Node("Transpose", {"w"}, {"wt"});
  SetIntsAttr(t, "perm", {1, 0});
  b.Node("Shape", {"x"}, {"unused_shape"});
  b.Node("Add", {"x", "wt"}, {"y"});
  b.Output("y");
  auto s = MustLoad(b);
  ASSERT_TRUE(s);
  EXPECT_EQ(Impl(*s).program().steps.size(), 1u);  // Transpose folded, Shape dead
  auto out = s->Run({{"x", Tensor::FromVector<float>({2, 3}, std::vector<float>(6, 10.0f))}});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].ToVector<float>(), (std::vector<float>{10, 12, 14, 11, 13, 15}));

  SessionOptions no_fold;
  no_fold.fold_constants = false;
  auto unfolded = MustLoad(b, no_fold);
  ASSERT_TRUE(unfolded);
  EXPECT_EQ(Impl(*unfolded).program().steps.size(), 2u);
}

TEST(SessionTest, Float16InputsAndOutputsComputeInFloat32) {
  ModelBuilder b;
  b.Input("x", onnx::TensorProto::FLOAT16, {3});
  auto* w = b.model().mutable_graph()->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT16);
  w->add_dims(3);
  for (float v : {0.5f, 1.0f, -2.0f}) w->add_int32_data(FloatToHalf(v));
  b.Node("Mul", {"x", "w"}, {"y"});
  b.Output("y", onnx::TensorProto::FLOAT16);
  auto s = MustLoad(b);
  ASSERT_TRUE(s);
  Tensor x = Tensor::Zeros(DataType::kFloat16, {3});
  auto* h = static_cast<uint16_t*>(x.raw());
  h[0] = FloatToHalf(2.0f);
  h[1] = FloatToHalf(3.0f);
  h[2] = FloatToHalf(0.25f);
  auto out = s->Run({{"x", x}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ((*out)[0].dtype(), DataType::kFloat16);
  const auto* y = static_cast<const uint16_t*>((*out)[0].raw());
  EXPECT_EQ(HalfToFloat(y[0]), 1.0f);
  EXPECT_EQ(HalfToFloat(y[1]), 3.0f);
  EXPECT_EQ(HalfToFloat(y[2]), -0.5f);
}

TEST(SessionTest, RejectsBadInputsWithClearMessages) {
  ModelBuilder b;
  b.Input("a", onnx::TensorProto::FLOAT, {-1, 3}, {"batch"});
  b.Input("b", onnx::TensorProto::FLOAT, {-1, 3}, {"batch"});
  b.Node("Add", {"a", "b"}, {"y"});
  b.Output("y");
  auto s = MustLoad(b);
  ASSERT_TRUE(s);
  Tensor ok = Tensor::Zeros(DataType::kFloat32, {2, 3});
  auto message = [&](const std::vector<std::pair<std::string, Tensor>>& in) {
    auto r = s->Run(in);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.status().message();
  };
  EXPECT_NE(message({{"a", ok}}).find("missing input 'b'"), std::string::npos);
  EXPECT_NE(message({{"a", ok}, {"b", ok}, {"c", ok}}).find("unknown input 'c'"),
            std::string::npos);
  EXPECT_NE(message({{"a", ok}, {"b", Tensor::Zeros(DataType::kInt64, {2, 3})}})
                .find("int64 but the model expects float32"),
            std::string::npos);
  EXPECT_NE(message({{"a", ok}, {"b", Tensor::Zeros(DataType::kFloat32, {2, 4})}})
                .find("has shape [2, 4] but the model expects float32 [batch, 3]"),
            std::string::npos);
  EXPECT_NE(
      message({{"a", ok}, {"b", Tensor::Zeros(DataType::kFloat32, {5, 3})}}).find("batch = 5"),
      std::string::npos);
  EXPECT_NE(message({{"a", ok}, {"a", ok}}).find("given twice"), std::string::npos);
}

TEST(SessionTest, KernelErrorsNameTheNode) {
  ModelBuilder b;
  b.Input("x", onnx::TensorProto::FLOAT, {2, 3});
  b.IntInit("shape", {1}, {5});
  b.Node("Reshape", {"x", "shape"}, {"y"}, "bad_reshape");
  b.Output("y");
  auto s = MustLoad(b);
  ASSERT_TRUE(s);
  auto out = s->Run({{"x", Tensor::Zeros(DataType::kFloat32, {2, 3})}});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("Reshape node 'bad_reshape'"), std::string::npos)
      << out.status().message();
}

TEST(SessionTest, ValidatesOptions) {
  SessionOptions bad;
  bad.num_threads = 0;
  EXPECT_FALSE(bad.Validate().ok());
  SessionOptions cuda;
  cuda.device = Device::kCuda;
#ifdef VOXFACE_HAVE_CUDA
  EXPECT_TRUE(cuda.Validate().ok());  // the GPU itself is checked when a session loads
#else
  EXPECT_EQ(cuda.Validate().code(), StatusCode::kUnsupported);
#endif
  EXPECT_FALSE(Session::LoadFromBytes(ChainModel().Serialize(), "", bad).ok());
}

TEST(SessionTest, ParallelKernelsMatchSerial) {
  ModelBuilder b;
  b.Input("x", onnx::TensorProto::FLOAT, {256, 512});
  b.FloatInit("k", {512}, Iota(512, -256.0f));
  b.Node("Mul", {"x", "k"}, {"m"});
  b.Node("Tanh", {"m"}, {"t"});
  auto& tr = b.Node("Transpose", {"t"}, {"y"});
  SetIntsAttr(tr, "perm", {1, 0});
  b.Output("y");
  SessionOptions four;
  four.num_threads = 4;
  auto serial = MustLoad(b);
  auto parallel = MustLoad(b, four);
  ASSERT_TRUE(serial && parallel);
  Tensor x = Tensor::FromVector<float>({256, 512}, Iota(256 * 512, -1000.0f));
  auto a = serial->Run({{"x", x}});
  auto c = parallel->Run({{"x", x}});
  ASSERT_TRUE(a.ok() && c.ok());
  EXPECT_EQ((*a)[0].ToVector<float>(), (*c)[0].ToVector<float>());
}

TEST(SessionTest, ProfileTablePrintedAtDestruction) {
  setenv("VOXFACE_NN_PROFILE", "1", 1);
  ::testing::internal::CaptureStderr();
  {
    auto s = MustLoad(ChainModel());
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->Run({{"x", Tensor::Zeros(DataType::kFloat32, {1, 4})}}).ok());
  }
  std::string err = ::testing::internal::GetCapturedStderr();
  unsetenv("VOXFACE_NN_PROFILE");
  EXPECT_NE(err.find("voxface nn profile"), std::string::npos) << err;
  EXPECT_NE(err.find("Transpose"), std::string::npos) << err;
}

}  // namespace
}  // namespace voxface::nn
