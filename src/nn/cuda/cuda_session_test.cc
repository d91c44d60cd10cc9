// SPDX-License-Identifier: Apache-2.0
// The CUDA session on a GPU: the replica models against their reference outputs and against the
// CPU runtime, plan reuse without host waits, shape arithmetic on the host, the data-dependent
// path, concurrency and error messages. Every test skips where no GPU is present.
#include "nn/cuda/cuda_session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "nn/cuda/cuda_util.h"
#include "nn/onnx_loader.h"
#include "nn/session.h"
#include "nn/test_model_builder.h"

namespace voxface::nn {
namespace {

namespace fs = std::filesystem;
using testing::ModelBuilder;

#define SKIP_WITHOUT_GPU()                                                                   \
  do {                                                                                       \
    if (Status gpu = cuda::CheckDeviceAvailable(); !gpu.ok()) GTEST_SKIP() << gpu.message(); \
  } while (0)

fs::path ReplicasDir() {
  if (const char* env = std::getenv("VOXFACE_NN_REPLICAS_DIR")) return env;
  return fs::path(VOXFACE_TEST_DATA_DIR) / "replicas";
}

std::vector<fs::path> ReplicaModels(const fs::path& root) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    if (fs::exists(e.path() / "model.onnx")) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct DataSet {
  std::vector<std::pair<std::string, Tensor>> inputs;
  std::vector<Tensor> outputs;
};

std::vector<DataSet> LoadDataSets(const fs::path& dir, const Session& session) {
  std::vector<DataSet> sets;
  for (int s = 0;; ++s) {
    const fs::path set = dir / ("test_data_set_" + std::to_string(s));
    if (!fs::exists(set)) break;
    DataSet data;
    for (size_t i = 0; i < session.inputs().size(); ++i) {
      Result<std::string> bytes =
          ReadFileBytes((set / ("input_" + std::to_string(i) + ".pb")).string());
      Result<Tensor> t = bytes.ok() ? ParseTensorProto(*bytes) : Result<Tensor>(bytes.status());
      EXPECT_TRUE(t.ok()) << t.status().ToString();
      if (!t.ok()) return {};
      data.inputs.emplace_back(session.inputs()[i].name, std::move(t).value());
    }
    for (int i = 0;; ++i) {
      const fs::path file = set / ("output_" + std::to_string(i) + ".pb");
      if (!fs::exists(file)) break;
      Result<std::string> bytes = ReadFileBytes(file.string());
      Result<Tensor> t = bytes.ok() ? ParseTensorProto(*bytes) : Result<Tensor>(bytes.status());
      EXPECT_TRUE(t.ok()) << t.status().ToString();
      if (!t.ok()) return {};
      data.outputs.push_back(std::move(t).value());
    }
    sets.push_back(std::move(data));
  }
  return sets;
}

struct Diff {
  double max_abs = 0.0;
  double max_rel = 0.0;  // |a - b| / max(|b|, 1e-3 * max|b|): relative to the tensor's scale
  int64_t bad = 0;       // elements over atol + rtol * |b|
  std::string problem;   // type or shape mismatch
};

Diff Compare(const Tensor& got, const Tensor& want, double atol, double rtol) {
  Diff d;
  if (got.dtype() != want.dtype() || got.shape() != want.shape()) {
    d.problem = "got " + std::string(DataTypeName(got.dtype())) + ShapeToString(got.shape()) +
                ", expected " + std::string(DataTypeName(want.dtype())) +
                ShapeToString(want.shape());
    return d;
  }
  if (want.dtype() != DataType::kFloat32) {
    if (std::memcmp(got.raw(), want.raw(), want.bytes()) != 0) d.problem = "values differ";
    return d;
  }
  const float* g = got.data<float>();
  const float* w = want.data<float>();
  double scale = 0.0;
  for (int64_t i = 0; i < want.size(); ++i) scale = std::max(scale, std::fabs(double(w[i])));
  for (int64_t i = 0; i < want.size(); ++i) {
    const double e = std::fabs(double(g[i]) - double(w[i]));
    if (!(e <= atol + rtol * std::fabs(double(w[i])))) ++d.bad;  // NaN counts as bad
    d.max_abs = std::max(d.max_abs, e);
    d.max_rel = std::max(d.max_rel, e / std::max(std::fabs(double(w[i])), 1e-3 * scale + 1e-30));
  }
  return d;
}

Result<std::unique_ptr<Session>> LoadOn(const fs::path& model, Device device) {
  SessionOptions options;
  options.device = device;
  return Session::Load(model.string(), options);
}

class ReplicaTest : public ::testing::TestWithParam<std::string> {};

// Each replica on the GPU: reference outputs (the exporter's PyTorch run) within 1e-4 + 1e-3|x|,
// both in the recording run and the planned run, which must not wait for the device in between.
TEST_P(ReplicaTest, MatchesReferenceOnGpu) {
  SKIP_WITHOUT_GPU();
  const fs::path dir = ReplicasDir() / GetParam();
  Result<std::unique_ptr<Session>> session = LoadOn(dir / "model.onnx", Device::kCuda);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  const auto* cuda = dynamic_cast<const cuda::CudaSession*>(session->get());
  ASSERT_NE(cuda, nullptr);
  const std::vector<DataSet> sets = LoadDataSets(dir, **session);
  ASSERT_FALSE(sets.empty());
  for (size_t s = 0; s < sets.size(); ++s) {
    for (int pass = 0; pass < 2; ++pass) {
      Result<std::vector<Tensor>> out = (*session)->Run(sets[s].inputs);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      ASSERT_EQ(out->size(), sets[s].outputs.size());
      for (size_t i = 0; i < out->size(); ++i) {
        Diff d = Compare((*out)[i], sets[s].outputs[i], 1e-4, 1e-3);
        EXPECT_TRUE(d.problem.empty()) << d.problem;
        EXPECT_EQ(d.bad, 0) << GetParam() << " set " << s << " output " << i << ": max abs diff "
                            << d.max_abs << ", max rel " << d.max_rel;
        std::printf("[ replica ] %s set %zu %s output %zu: max |gpu - ref| %.3g (rel %.3g)\n",
                    GetParam().c_str(), s, pass == 0 ? "recording" : "planned", i, d.max_abs,
                    d.max_rel);
      }
      const cuda::CudaRunStats stats = cuda->last_run_stats();
      if (pass == 1) {
        EXPECT_FALSE(stats.memory.recorded);
        EXPECT_EQ(stats.host_syncs, 0) << "a planned run waited for the device";
        EXPECT_EQ(stats.host_steps, 0) << "a planned run re-ran shape arithmetic";
        EXPECT_EQ(stats.memory.fallback_allocations, 0);
        std::printf(
            "[ replica ] %s: %d device nodes, arena %zu bytes, %zu bytes of host-once "
            "values on the device\n",
            GetParam().c_str(), stats.device_steps, stats.memory.arena_bytes,
            stats.static_device_bytes);
      } else {
        EXPECT_TRUE(stats.memory.recorded);
      }
    }
  }
}

// The CPU runtime and the GPU on the same inputs.
TEST_P(ReplicaTest, GpuMatchesCpu) {
  SKIP_WITHOUT_GPU();
  const fs::path dir = ReplicasDir() / GetParam();
  Result<std::unique_ptr<Session>> gpu = LoadOn(dir / "model.onnx", Device::kCuda);
  Result<std::unique_ptr<Session>> cpu = LoadOn(dir / "model.onnx", Device::kHost);
  ASSERT_TRUE(gpu.ok()) << gpu.status().ToString();
  ASSERT_TRUE(cpu.ok()) << cpu.status().ToString();
  for (const DataSet& set : LoadDataSets(dir, **cpu)) {
    Result<std::vector<Tensor>> a = (*gpu)->Run(set.inputs);
    Result<std::vector<Tensor>> b = (*cpu)->Run(set.inputs);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    for (size_t i = 0; i < a->size(); ++i) {
      Diff d = Compare((*a)[i], (*b)[i], 1e-4, 1e-3);
      EXPECT_TRUE(d.problem.empty()) << d.problem;
      EXPECT_EQ(d.bad, 0) << "max abs diff " << d.max_abs;
      std::printf("[ cpu-gpu ] %s output %zu: max |gpu - cpu| %.3g (rel %.3g)\n",
                  GetParam().c_str(), i, d.max_abs, d.max_rel);
    }
  }
}

std::vector<std::string> TinyReplicas() {
  std::vector<std::string> names;
  for (const fs::path& p : ReplicaModels(ReplicasDir())) names.push_back(p.filename().string());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Replicas, ReplicaTest, ::testing::ValuesIn(TinyReplicas()),
                         [](const auto& info) { return info.param; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ReplicaTest);

// Full-size replicas, when present (tools/replicas/export_replicas.py --size full).
TEST(CudaFullReplicaTest, MatchesReference) {
  SKIP_WITHOUT_GPU();
  const std::vector<fs::path> models = ReplicaModels(ReplicasDir() / "full");
  if (models.empty()) GTEST_SKIP() << "no full-size replicas under " << ReplicasDir() / "full";
  for (const fs::path& dir : models) {
    Result<std::unique_ptr<Session>> session = LoadOn(dir / "model.onnx", Device::kCuda);
    ASSERT_TRUE(session.ok()) << session.status().ToString();
    for (const DataSet& set : LoadDataSets(dir, **session)) {
      Result<std::vector<Tensor>> out = (*session)->Run(set.inputs);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      for (size_t i = 0; i < out->size(); ++i) {
        Diff d = Compare((*out)[i], set.outputs[i], 1e-3, 1e-2);
        EXPECT_TRUE(d.problem.empty()) << d.problem;
        EXPECT_EQ(d.bad, 0) << dir.filename() << " output " << i << ": max abs " << d.max_abs;
        std::printf("[ full ] %s output %zu: max |gpu - ref| %.3g (rel %.3g)\n",
                    dir.filename().c_str(), i, d.max_abs, d.max_rel);
      }
    }
  }
}

// Shape arithmetic on the input shape (Shape -> Gather -> Concat -> Reshape) runs on the host in
// the recording run only; the planned run queues only the device nodes and never waits.
TEST(CudaSessionTest, ShapeArithmeticRunsOnceOnHost) {
  SKIP_WITHOUT_GPU();
  ModelBuilder b;
  b.Input("x", onnx::TensorProto::FLOAT, {-1, 6}, {"n"});
  b.IntInit("zero", {1}, {0});
  b.IntInit("tail", {2}, {2, 3});
  b.Node("Shape", {"x"}, {"s"});
  b.Node("Gather", {"s", "zero"}, {"n"});
  testing::SetIntAttr(b.Node("Concat", {"n", "tail"}, {"shape"}), "axis", 0);
  b.Node("Reshape", {"x", "shape"}, {"r"});
  b.Node("Relu", {"r"}, {"y"});
  b.Output("y");
  SessionOptions options;
  options.device = Device::kCuda;
  auto session = Session::LoadFromBytes(b.Serialize(), "", options);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  const auto* cuda = dynamic_cast<const cuda::CudaSession*>(session->get());
  ASSERT_NE(cuda, nullptr);
  std::vector<float> v(12);
  for (int i = 0; i < 12; ++i) v[i] = static_cast<float>(i - 6);
  for (int pass = 0; pass < 2; ++pass) {
    auto out = (*session)->Run({{"x", Tensor::FromVector<float>({2, 6}, v)}});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ((*out)[0].shape(), (Shape{2, 2, 3}));
    for (int i = 0; i < 12; ++i) EXPECT_EQ((*out)[0].data<float>()[i], std::max(0.0f, v[i]));
    const cuda::CudaRunStats stats = cuda->last_run_stats();
    EXPECT_EQ(stats.host_steps, pass == 0 ? 3 : 0);
    EXPECT_EQ(stats.host_syncs, 0);
    EXPECT_EQ(stats.device_steps, 2);  // Reshape (a view) and Relu
  }
}

// A Reshape whose shape is a graph input (data, not shape arithmetic) reads it on the host; a
// shape computed on the device would make the run wait (counted in host_syncs).
TEST(CudaSessionTest, DataDependentShapeWaitsForDevice) {
  SKIP_WITHOUT_GPU();
  ModelBuilder b;
  b.Input("x", onnx::TensorProto::FLOAT, {6});
  b.Input("s", onnx::TensorProto::INT64, {2});
  b.IntInit("one", {1}, {1});
  b.Node("Add", {"s", "one"}, {"s1"});  // computed on the device
  b.Node("Sub", {"s1", "one"}, {"s2"});
  b.Node("Reshape", {"x", "s2"}, {"y"});
  b.Output("y");
  SessionOptions options;
  options.device = Device::kCuda;
  auto session = Session::LoadFromBytes(b.Serialize(), "", options);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  const auto* cuda = dynamic_cast<const cuda::CudaSession*>(session->get());
  for (auto dims : {std::vector<int64_t>{2, 3}, std::vector<int64_t>{3, 2}}) {
    auto out = (*session)->Run({{"x", Tensor::FromVector<float>({6}, {1, 2, 3, 4, 5, 6})},
                                {"s", Tensor::FromVector<int64_t>({2}, dims)}});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ((*out)[0].shape(), Shape(dims.begin(), dims.end()));
    EXPECT_EQ(cuda->last_run_stats().host_syncs, 1);
  }
}

TEST(CudaSessionTest, ConcurrentRunsAgree) {
  SKIP_WITHOUT_GPU();
  const fs::path dir = ReplicasDir() / "regression_v2_3";
  if (!fs::exists(dir / "model.onnx")) GTEST_SKIP() << "no regression replica";
  Result<std::unique_ptr<Session>> session = LoadOn(dir / "model.onnx", Device::kCuda);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  const std::vector<DataSet> sets = LoadDataSets(dir, **session);
  ASSERT_FALSE(sets.empty());
  auto first = (*session)->Run(sets[0].inputs);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        auto out = (*session)->Run(sets[0].inputs);
        if (!out.ok() || Compare((*out)[0], (*first)[0], 0, 0).bad != 0) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(CudaSessionTest, OpWithoutCudaKernelIsNamed) {
  SKIP_WITHOUT_GPU();
  ModelBuilder b;
  b.Input("x", onnx::TensorProto::FLOAT, {4});
  b.IntInit("k", {1}, {2});
  b.Node("TopK", {"x", "k"}, {"y", "i"});
  b.Output("y");
  SessionOptions options;
  options.device = Device::kCuda;
  auto session = Session::LoadFromBytes(b.Serialize(), "", options);
  ASSERT_FALSE(session.ok());
  EXPECT_NE(session.status().message().find("no kernel for op 'TopK'"), std::string::npos)
      << session.status().message();
}

}  // namespace
}  // namespace voxface::nn
