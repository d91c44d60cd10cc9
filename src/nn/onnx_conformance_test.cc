// SPDX-License-Identifier: Apache-2.0
// Runs ONNX's own backend node tests (generated at build time by scripts/gen-onnx-node-tests.py)
// through nn::Session: one gtest case per test folder. Tests whose ops the registry lacks or
// whose types the runtime does not have are skipped with the reason; the failures we know about
// are listed, with reasons, in conformance_expected_failures.txt, so any other failure (or an
// unexpected pass) turns the suite red. Each data set runs twice, so both the recording run and
// the planned run (arena, views) are checked.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "nn/half.h"
#include "nn/kernel.h"
#include "nn/onnx_loader.h"
#include "nn/session.h"
#ifdef VOXFACE_NN_TEST_CUDA
#include "nn/cuda/cuda_util.h"
#endif

namespace voxface::nn {
namespace {

namespace fs = std::filesystem;

// Built twice: for the CPU, and with VOXFACE_NN_TEST_CUDA for the CUDA backend.
#ifdef VOXFACE_NN_TEST_CUDA
constexpr Device kTestDevice = Device::kCuda;
#else
constexpr Device kTestDevice = Device::kHost;
#endif

// Tolerances: |got - want| <= kAtol + kRtol * |want| for floating point; exact otherwise.
constexpr double kAtol = 1e-5;
constexpr double kRtol = 1e-3;

std::string TestsDir() {
  if (const char* env = std::getenv("VOXFACE_ONNX_NODE_TESTS_DIR")) return env;
  return VOXFACE_ONNX_NODE_TESTS_DIR;
}

std::vector<std::string> ListTests() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::path(TestsDir()) / "node", ec)) {
    if (fs::exists(entry.path() / "model.onnx")) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// test name -> reason.
const std::map<std::string, std::string>& ExpectedFailures() {
  static const std::map<std::string, std::string> failures = [] {
    std::map<std::string, std::string> out;
    const char* env = std::getenv("VOXFACE_NN_EXPECTED_FAILURES");
    std::ifstream in(env != nullptr ? env : VOXFACE_NN_EXPECTED_FAILURES);
    std::string line;
    while (std::getline(in, line)) {
      size_t hash = line.find('#');
      std::string reason = hash == std::string::npos ? "" : line.substr(hash + 1);
      std::string name = line.substr(0, hash);
      name.erase(name.find_last_not_of(" \t\r") + 1);
      name.erase(0, name.find_first_not_of(" \t"));
      if (!name.empty()) out[name] = reason;
    }
    return out;
  }();
  return failures;
}

struct Counts {
  std::atomic<int> passed{0}, failed{0}, skipped{0}, known{0};
};
Counts& counts() {
  static Counts c;
  return c;
}

std::string ReadFile(const fs::path& path) {
  Result<std::string> bytes = ReadFileBytes(path.string());
  return bytes.ok() ? *bytes : std::string();
}

// Why the runtime cannot run this model at all (unregistered op, unsupported type), or "".
std::string UnsupportedReason(const onnx::ModelProto& model) {
  std::map<std::string, int> opsets;
  for (const auto& op : model.opset_import()) {
    opsets[op.domain() == "ai.onnx" ? "" : op.domain()] = static_cast<int>(op.version());
  }
  const OpRegistry& registry = OpRegistry::Default();
  auto type_reason = [](const onnx::TypeProto& type, const std::string& what) -> std::string {
    if (!type.has_tensor_type()) return what + " is not a tensor (sequence/optional/map)";
    if (!DataTypeFromOnnx(type.tensor_type().elem_type()).ok()) {
      return what + " has unsupported type " +
             onnx::TensorProto::DataType_Name(type.tensor_type().elem_type());
    }
    return "";
  };
  for (const auto& v : model.graph().input()) {
    std::string r = type_reason(v.type(), "input '" + v.name() + "'");
    if (!r.empty()) return r;
  }
  for (const auto& v : model.graph().output()) {
    std::string r = type_reason(v.type(), "output '" + v.name() + "'");
    if (!r.empty()) return r;
  }
  for (const auto& node : model.graph().node()) {
    std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
    int opset = opsets.count(domain) ? opsets[domain] : 0;
    if (registry.Find(node.op_type(), opset, kTestDevice, domain) == nullptr) {
      return "op " + (domain.empty() ? "" : domain + ".") + node.op_type() + " (opset " +
             std::to_string(opset) + ") is not registered";
    }
    for (const auto& a : node.attribute()) {
      if (a.has_t() && !DataTypeFromOnnx(a.t().data_type()).ok()) {
        return "attribute '" + a.name() + "' of " + node.op_type() + " has unsupported type " +
               onnx::TensorProto::DataType_Name(a.t().data_type());
      }
      if (a.has_g() || a.graphs_size() > 0) return node.op_type() + " has a subgraph";
    }
  }
  return "";
}

double AsDouble(const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case DataType::kFloat32:
      return t.data<float>()[i];
    case DataType::kFloat16:
      return HalfToFloat(static_cast<const uint16_t*>(t.raw())[i]);
    case DataType::kDouble:
      return t.data<double>()[i];
    case DataType::kInt64:
      return static_cast<double>(t.data<int64_t>()[i]);
    case DataType::kInt32:
      return t.data<int32_t>()[i];
    case DataType::kInt8:
      return t.data<int8_t>()[i];
    case DataType::kUint8:
      return t.data<uint8_t>()[i];
    case DataType::kBool:
      return t.data<bool>()[i] ? 1 : 0;
  }
  return 0;
}

// "" when `got` matches `want`, else what differs.
std::string Compare(const Tensor& got, const Tensor& want) {
  if (got.dtype() != want.dtype()) {
    return "type " + std::string(DataTypeName(got.dtype())) + ", expected " +
           std::string(DataTypeName(want.dtype()));
  }
  if (got.shape() != want.shape()) {
    return "shape " + ShapeToString(got.shape()) + ", expected " + ShapeToString(want.shape());
  }
  const bool is_float = want.dtype() == DataType::kFloat32 || want.dtype() == DataType::kDouble ||
                        want.dtype() == DataType::kFloat16;
  int bad = 0;
  std::ostringstream first;
  for (int64_t i = 0; i < want.size(); ++i) {
    const double g = AsDouble(got, i), w = AsDouble(want, i);
    bool ok;
    if (!is_float) {
      ok = g == w;
    } else if (std::isnan(w) || std::isnan(g)) {
      ok = std::isnan(w) && std::isnan(g);
    } else if (std::isinf(w) || std::isinf(g)) {
      ok = g == w;
    } else {
      ok = std::abs(g - w) <= kAtol + kRtol * std::abs(w);
    }
    if (!ok && bad++ == 0) first << "element " << i << " is " << g << ", expected " << w;
  }
  if (bad == 0) return "";
  return std::to_string(bad) + " of " + std::to_string(want.size()) + " elements differ; " +
         first.str();
}

// Runs every data set of one test folder twice; "" when all outputs match.
std::string RunTest(const fs::path& dir, const Session& session) {
  std::vector<fs::path> sets;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_directory() && e.path().filename().string().rfind("test_data_set_", 0) == 0) {
      sets.push_back(e.path());
    }
  }
  std::sort(sets.begin(), sets.end());
  if (sets.empty()) return "no test data sets";
  for (const fs::path& set : sets) {
    std::vector<std::pair<std::string, Tensor>> inputs;
    for (size_t i = 0; i < session.inputs().size(); ++i) {
      fs::path file = set / ("input_" + std::to_string(i) + ".pb");
      Result<Tensor> t = ParseTensorProto(ReadFile(file));
      if (!t.ok()) return file.string() + ": " + t.status().message();
      inputs.emplace_back(session.inputs()[i].name, std::move(t).value());
    }
    std::vector<Tensor> expected;
    for (size_t i = 0;; ++i) {
      fs::path file = set / ("output_" + std::to_string(i) + ".pb");
      if (!fs::exists(file)) break;
      Result<Tensor> t = ParseTensorProto(ReadFile(file));
      if (!t.ok()) return file.string() + ": " + t.status().message();
      expected.push_back(std::move(t).value());
    }
    for (const char* pass : {"recording run", "planned run"}) {
      Result<std::vector<Tensor>> got = session.Run(inputs);
      if (!got.ok()) return std::string(pass) + ": " + got.status().ToString();
      if (got->size() != expected.size()) return std::string(pass) + ": wrong output count";
      for (size_t i = 0; i < expected.size(); ++i) {
        std::string diff = Compare((*got)[i], expected[i]);
        if (!diff.empty()) {
          return std::string(pass) + ", " + set.filename().string() + ", output " +
                 std::to_string(i) + " ('" + session.outputs()[i].name + "'): " + diff;
        }
      }
    }
  }
  return "";
}

class OnnxNodeTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OnnxNodeTest, MatchesReference) {
  const std::string& name = GetParam();
  const fs::path dir = fs::path(TestsDir()) / "node" / name;
  onnx::ModelProto model;
  std::string bytes = ReadFile(dir / "model.onnx");
  ASSERT_TRUE(model.ParseFromString(bytes)) << "cannot parse " << dir / "model.onnx";
  std::string unsupported = UnsupportedReason(model);
  if (!unsupported.empty()) {
    ++counts().skipped;
    GTEST_SKIP() << "unsupported: " << unsupported;
  }
  std::string failure;
  SessionOptions options;
  options.device = kTestDevice;
  Result<std::unique_ptr<Session>> session = Session::Load((dir / "model.onnx").string(), options);
  if (!session.ok()) {
    failure = "load: " + session.status().ToString();
  } else {
    failure = RunTest(dir, **session);
  }
  auto known = ExpectedFailures().find(name);
  if (known != ExpectedFailures().end()) {
    if (failure.empty()) {
      ++counts().failed;
      FAIL() << name << " passes now: remove it from conformance_expected_failures.txt";
    }
    ++counts().known;
    GTEST_SKIP() << "known failure (" << known->second << "): " << failure;
  }
  if (failure.empty()) {
    ++counts().passed;
  } else {
    ++counts().failed;
    FAIL() << failure;
  }
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

INSTANTIATE_TEST_SUITE_P(Onnx, OnnxNodeTest, ::testing::ValuesIn(ListTests()), TestName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(OnnxNodeTest);

class SummaryPrinter : public ::testing::EmptyTestEventListener {
  void OnTestProgramEnd(const ::testing::UnitTest&) override {
    const Counts& c = counts();
    const int total = c.passed + c.failed + c.skipped + c.known;
    std::printf("onnx node tests: %d passed, %d failed, %d skipped (unsupported op/dtype) of %d",
                c.passed.load(), c.failed.load(), c.skipped.load(), total);
    if (c.known > 0) {
      std::printf("; %d known failures (conformance_expected_failures.txt)", c.known.load());
    }
    std::printf("\n");
  }
};

}  // namespace
}  // namespace voxface::nn

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
#ifdef VOXFACE_NN_TEST_CUDA
  if (voxface::Status gpu = voxface::nn::cuda::CheckDeviceAvailable(); !gpu.ok()) {
    std::printf("skipping the CUDA node tests: %s\n", gpu.message().c_str());
    return 0;
  }
#endif
  if (voxface::nn::ListTests().empty()) {
    std::printf("no ONNX node tests under %s/node (build the onnx_node_tests target)\n",
                voxface::nn::TestsDir().c_str());
  }
  ::testing::UnitTest::GetInstance()->listeners().Append(new voxface::nn::SummaryPrinter);
  return RUN_ALL_TESTS();
}
