// SPDX-License-Identifier: Apache-2.0
// CPU speed of the Audio2Face-3D network replicas (tests/data/replicas, tools/replicas/README.md)
// through nn::Session: for each model and test data set, the time per planned run and the
// real-time factor, RTF = run time / seconds of audio the run advances the stream by. A run
// covers, per batch item (docs: /work/shared/research/a2f-sdk.md sections 3, 6.2 and 7):
//   regression  one 8320-sample window per animation frame: 1/fps s (--fps, default 30);
//   diffusion   one 16000-sample window per 8000-sample hop: 0.5 s;
//   a2e         one window per 31 frames at 30 fps (the SDK sample's inferencesToSkip 30):
//               31/30 s, whatever the window length L.
// Tiny replicas always run; the full-size ones too when tests/data/replicas/full/ exists.
// Per run: median and best wall time, median process CPU time; RTF uses the median wall time.
//
//   nn_replica_bench [--threads N] [--fps F] [--seconds S] [--only SUBSTRING] [--set 0|1]
//                    [--dir REPLICAS_DIR] [--no-full]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "nn/onnx_loader.h"
#include "nn/session.h"

namespace voxface::nn {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
  int threads = 1;
  double fps = 30.0;
  double seconds = 1.0;  // measuring time per (model, data set); at least kMinRuns runs
  std::string only;
  int set = -1;  // -1: every data set
  bool full = true;
};

constexpr int kMinRuns = 3;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU seconds of the whole process: on a shared machine the wall time also counts the time
// other tenants held the core, CPU time does not.
double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Seconds of audio one batch item of `model` advances the stream by; 0 when unknown.
double AudioSecondsPerItem(const std::string& model, const Options& options) {
  if (model.rfind("regression", 0) == 0) return 1.0 / options.fps;
  if (model.rfind("diffusion", 0) == 0) return 0.5;
  if (model.rfind("a2e", 0) == 0) return 31.0 / 30.0;
  return 0.0;
}

Result<std::vector<std::pair<std::string, Tensor>>> ReadInputs(const Session& session,
                                                               const fs::path& set) {
  std::vector<std::pair<std::string, Tensor>> inputs;
  for (size_t i = 0; i < session.inputs().size(); ++i) {
    const fs::path file = set / ("input_" + std::to_string(i) + ".pb");
    VF_ASSIGN_OR_RETURN(std::string bytes, ReadFileBytes(file.string()));
    VF_ASSIGN_OR_RETURN(Tensor t, ParseTensorProto(bytes));
    inputs.emplace_back(session.inputs()[i].name, std::move(t));
  }
  return inputs;
}

// Loads one model and times each of its data sets; prints one line per set.
void BenchModel(const std::string& label, const fs::path& dir, const Options& options) {
  SessionOptions session_options;
  session_options.num_threads = options.threads;
  const Clock::time_point load_start = Clock::now();
  Result<std::unique_ptr<Session>> session =
      Session::Load((dir / "model.onnx").string(), session_options);
  if (!session.ok()) {
    std::printf("%-24s load failed: %s\n", label.c_str(), session.status().ToString().c_str());
    return;
  }
  const double load_s = Since(load_start);
  const double per_item = AudioSecondsPerItem(dir.filename().string(), options);
  for (int set = 0; set < 2; ++set) {
    if (options.set >= 0 && set != options.set) continue;
    const fs::path set_dir = dir / ("test_data_set_" + std::to_string(set));
    if (!fs::exists(set_dir)) continue;
    auto inputs = ReadInputs(**session, set_dir);
    if (!inputs.ok()) {
      std::printf("%-24s %s\n", label.c_str(), inputs.status().ToString().c_str());
      return;
    }
    const int64_t batch = inputs->front().second.dim(0);
    // The first run records the plan; the second is the first planned one (arena allocated).
    for (int warm = 0; warm < 2; ++warm) {
      Result<std::vector<Tensor>> out = (*session)->Run(*inputs);
      if (!out.ok()) {
        std::printf("%-24s run failed: %s\n", label.c_str(), out.status().ToString().c_str());
        return;
      }
    }
    std::vector<double> times, cpu_times;
    const Clock::time_point start = Clock::now();
    while (static_cast<int>(times.size()) < kMinRuns || Since(start) < options.seconds) {
      const Clock::time_point t0 = Clock::now();
      const double c0 = CpuSeconds();
      (void)(*session)->Run(*inputs);
      cpu_times.push_back(CpuSeconds() - c0);
      times.push_back(Since(t0));
    }
    std::sort(times.begin(), times.end());
    std::sort(cpu_times.begin(), cpu_times.end());
    const double median = times[times.size() / 2];
    const double audio = per_item * static_cast<double>(batch);
    std::string input_shape = ShapeToString(inputs->front().second.shape());
    std::printf(
        "%-24s set %d %-14s %9.3f ms/run (min %9.3f, cpu %9.3f, %4zu runs)  audio %5.3f s"
        "  RTF %.4f  load %.2f s\n",
        label.c_str(), set, input_shape.c_str(), median * 1e3, times.front() * 1e3,
        cpu_times[cpu_times.size() / 2] * 1e3, times.size(), audio,
        audio > 0 ? median / audio : 0.0, load_s);
  }
}

std::vector<fs::path> ModelDirs(const fs::path& root) {
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    if (fs::exists(e.path() / "model.onnx")) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

}  // namespace
}  // namespace voxface::nn

int main(int argc, char** argv) {
  namespace nn = voxface::nn;
  nn::Options options;
  std::string root = VOXFACE_REPLICAS_DIR;
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (std::strcmp(argv[i], "--threads") == 0 && has_value) {
      options.threads = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--fps") == 0 && has_value) {
      options.fps = std::atof(argv[++i]);
    } else if (std::strcmp(argv[i], "--seconds") == 0 && has_value) {
      options.seconds = std::atof(argv[++i]);
    } else if (std::strcmp(argv[i], "--only") == 0 && has_value) {
      options.only = argv[++i];
    } else if (std::strcmp(argv[i], "--set") == 0 && has_value) {
      options.set = std::atoi(argv[++i]);
    } else if (std::strcmp(argv[i], "--dir") == 0 && has_value) {
      root = argv[++i];
    } else if (std::strcmp(argv[i], "--no-full") == 0) {
      options.full = false;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--threads N] [--fps F] [--seconds S] [--only SUBSTRING] [--set 0|1] "
                   "[--dir REPLICAS_DIR] [--no-full]\n",
                   argv[0]);
      return 2;
    }
  }
  if (options.threads < 1 || options.fps <= 0) {
    std::fprintf(stderr, "--threads and --fps must be positive\n");
    return 2;
  }
  std::printf("nn replicas, %d thread(s), regression at %.0f fps; RTF = run time / audio time\n",
              options.threads, options.fps);
  std::vector<std::pair<std::string, std::filesystem::path>> models;
  for (const auto& dir : nn::ModelDirs(root)) models.emplace_back(dir.filename().string(), dir);
  if (options.full) {
    for (const auto& dir : nn::ModelDirs(std::filesystem::path(root) / "full")) {
      models.emplace_back("full/" + dir.filename().string(), dir);
    }
  }
  if (models.empty()) std::printf("no replicas under %s\n", root.c_str());
  for (const auto& [label, dir] : models) {
    if (!options.only.empty() && label.find(options.only) == std::string::npos) continue;
    nn::BenchModel(label, dir, options);
  }
  return 0;
}
