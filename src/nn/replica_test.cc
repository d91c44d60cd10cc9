// SPDX-License-Identifier: Apache-2.0
// Runs the Audio2Face-3D network replicas (tests/data/replicas/<model>/, written by
// tools/replicas/export_replicas.py) through nn::Session and compares every output with the
// PyTorch reference of each test data set. These are whole networks of up to ~2000 nodes
// (wav2vec2/HuBERT encoders, GRU, a 2-step diffusion sampler), so they catch what the one-node
// ONNX tests cannot: planner and view lifetimes across a real graph, shape arithmetic chains,
// and error accumulation. Each data set runs twice (recording run, planned run) on one thread
// and once more on a two-thread session, so the pooled kernels are checked too.
//
// VOXFACE_NN_REPLICAS_DIR overrides the folder (e.g. tests/data/replicas/full for the
// full-size exports, which are not committed).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "nn/onnx_loader.h"
#include "nn/session.h"

namespace voxface::nn {
namespace {

namespace fs = std::filesystem;

// The conformance runner's tolerance: |got - want| <= kAtol + kRtol |want|. The replicas pass it
// at full size too (observed worst: well below 1e-3 of an output's scale), so it is not relaxed.
constexpr double kAtol = 1e-5;
constexpr double kRtol = 1e-3;

std::string ReplicasDir() {
  if (const char* env = std::getenv("VOXFACE_NN_REPLICAS_DIR")) return env;
  return VOXFACE_REPLICAS_DIR;
}

std::vector<std::string> ListModels() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(ReplicasDir(), ec)) {
    if (fs::exists(entry.path() / "model.onnx")) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct Summary {
  int passed = 0, failed = 0, data_sets = 0;
  double worst = 0.0;  // max |got - want| / max(1, max |want|) over every output
  std::string worst_where;
};
Summary& summary() {
  static Summary s;
  return s;
}

Result<Tensor> ReadTensor(const fs::path& file) {
  VF_ASSIGN_OR_RETURN(std::string bytes, ReadFileBytes(file.string()));
  return ParseTensorProto(bytes);
}

// "" when `got` is within tolerance of `want`; records the scaled error in the summary.
std::string Compare(const Tensor& got, const Tensor& want, const std::string& where) {
  if (got.dtype() != DataType::kFloat32 || want.dtype() != DataType::kFloat32) {
    return where + ": expected float32 outputs";
  }
  if (got.shape() != want.shape()) {
    return where + ": shape " + ShapeToString(got.shape()) + ", expected " +
           ShapeToString(want.shape());
  }
  const float* g = got.data<float>();
  const float* w = want.data<float>();
  double scale = 1.0, max_err = 0.0;
  int64_t bad = 0, first_bad = -1;
  for (int64_t i = 0; i < want.size(); ++i) scale = std::max(scale, std::fabs(double{w[i]}));
  for (int64_t i = 0; i < want.size(); ++i) {
    const double err = std::fabs(double{g[i]} - double{w[i]});
    if (!(err <= kAtol + kRtol * std::fabs(double{w[i]}))) {  // NaN fails too
      if (bad++ == 0) first_bad = i;
    }
    max_err = std::max(max_err, std::isnan(err) ? INFINITY : err);
  }
  if (max_err / scale > summary().worst) {
    summary().worst = max_err / scale;
    summary().worst_where = where;
  }
  if (bad == 0) return "";
  std::ostringstream out;
  out << where << ": " << bad << " of " << want.size() << " elements differ; element " << first_bad
      << " is " << g[first_bad] << ", expected " << w[first_bad] << "; max |err| = " << max_err;
  return out.str();
}

// Every data set of one model, on a session with `threads` threads.
std::string RunModel(const fs::path& dir, int threads) {
  SessionOptions options;
  options.num_threads = threads;
  Result<std::unique_ptr<Session>> session = Session::Load((dir / "model.onnx").string(), options);
  if (!session.ok()) return "load: " + session.status().ToString();
  const Session& s = **session;
  int sets = 0;
  for (int set = 0;; ++set) {
    const fs::path set_dir = dir / ("test_data_set_" + std::to_string(set));
    if (!fs::exists(set_dir)) break;
    ++sets;
    std::vector<std::pair<std::string, Tensor>> inputs;
    for (size_t i = 0; i < s.inputs().size(); ++i) {
      Result<Tensor> t = ReadTensor(set_dir / ("input_" + std::to_string(i) + ".pb"));
      if (!t.ok()) return t.status().ToString();
      inputs.emplace_back(s.inputs()[i].name, std::move(t).value());
    }
    std::vector<Tensor> expected;
    for (size_t i = 0; i < s.outputs().size(); ++i) {
      Result<Tensor> t = ReadTensor(set_dir / ("output_" + std::to_string(i) + ".pb"));
      if (!t.ok()) return t.status().ToString();
      expected.push_back(std::move(t).value());
    }
    for (const char* pass : {"recording run", "planned run"}) {
      Result<std::vector<Tensor>> got = s.Run(inputs);
      if (!got.ok()) return std::string(pass) + ": " + got.status().ToString();
      for (size_t i = 0; i < expected.size(); ++i) {
        const std::string where = dir.filename().string() + " " + set_dir.filename().string() +
                                  " '" + s.outputs()[i].name + "' (" + pass + ", " +
                                  std::to_string(threads) + " thread(s))";
        std::string diff = Compare((*got)[i], expected[i], where);
        if (!diff.empty()) return diff;
      }
    }
  }
  if (sets == 0) return "no test_data_set_* folders";
  if (threads == 1) summary().data_sets += sets;
  return "";
}

class ReplicaTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ReplicaTest, MatchesTorchReference) {
  const fs::path dir = fs::path(ReplicasDir()) / GetParam();
  std::string failure = RunModel(dir, 1);
  if (failure.empty()) failure = RunModel(dir, 2);
  if (failure.empty()) {
    ++summary().passed;
  } else {
    ++summary().failed;
    FAIL() << failure;
  }
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

INSTANTIATE_TEST_SUITE_P(Replicas, ReplicaTest, ::testing::ValuesIn(ListModels()), TestName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ReplicaTest);

class SummaryPrinter : public ::testing::EmptyTestEventListener {
  void OnTestProgramEnd(const ::testing::UnitTest&) override {
    const Summary& s = summary();
    std::printf(
        "nn replicas: %d passed, %d failed (%d data sets, each run recorded, planned and on "
        "2 threads); worst |err| / max(1, |ref|) = %.3g (%s)\n",
        s.passed, s.failed, s.data_sets, s.worst, s.worst_where.c_str());
  }
};

}  // namespace
}  // namespace voxface::nn

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (voxface::nn::ListModels().empty()) {
    std::printf("no replicas under %s\n", voxface::nn::ReplicasDir().c_str());
    return 1;
  }
  ::testing::UnitTest::GetInstance()->listeners().Append(new voxface::nn::SummaryPrinter);
  return RUN_ALL_TESTS();
}
