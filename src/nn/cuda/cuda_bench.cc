// SPDX-License-Identifier: Apache-2.0
// Throughput of an ONNX model on the GPU (or the CPU) at several batch sizes, as real-time
// streams: `--fps-per-item F` says how many inferences one stream needs per second (regression:
// 60, one per output frame at 60 fps; diffusion: 2, one per 0.5 s of audio for 30 frames).
//
//   nn_cuda_bench --model m.onnx [--device cuda|cpu] [--batches 1,2,4,8] [--seconds 3]
//                 [--fps-per-item 60] [--threads 1] [--cpu-threads 16] [--pinned 0|1]
//                 [--clients N --delay-us 2000]   (single-item requests through nn::Batcher)
//
// Inputs are random normal values; dynamic dimensions take the batch size. Prints one markdown
// table row per batch: median and p90 latency, inferences per second, and the number of
// concurrent real-time streams that rate sustains.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "nn/batcher.h"
#include "nn/cuda/pinned_pool.h"
#include "nn/session.h"

namespace {

using voxface::nn::DataType;
using voxface::nn::Device;
using voxface::nn::Session;
using voxface::nn::SessionOptions;
using voxface::nn::Tensor;

struct Args {
  std::string model;
  Device device = Device::kCuda;
  std::vector<int64_t> batches = {1, 2, 4, 8};
  double seconds = 3.0;
  double fps_per_item = 60.0;
  int threads = 1;
  int cpu_threads = 1;
  bool pinned = false;  // inputs in page-locked memory (nn::cuda::PinnedTensor)
  int clients = 0;      // > 0: single-item requests from this many threads through nn::Batcher
  int64_t delay_us = 2000;
};

bool Parse(int argc, char** argv, Args* a) {
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    if (i + 1 >= argc) return false;
    std::string v = argv[++i];
    if (k == "--model") {
      a->model = v;
    } else if (k == "--device") {
      a->device = v == "cpu" ? Device::kHost : Device::kCuda;
    } else if (k == "--batches") {
      a->batches.clear();
      std::stringstream ss(v);
      for (std::string item; std::getline(ss, item, ',');) a->batches.push_back(std::stoll(item));
    } else if (k == "--seconds") {
      a->seconds = std::stod(v);
    } else if (k == "--fps-per-item") {
      a->fps_per_item = std::stod(v);
    } else if (k == "--threads") {
      a->threads = std::stoi(v);
    } else if (k == "--cpu-threads") {
      a->cpu_threads = std::stoi(v);
    } else if (k == "--clients") {
      a->clients = std::stoi(v);
    } else if (k == "--delay-us") {
      a->delay_us = std::stoll(v);
    } else if (k == "--pinned") {
      a->pinned = v == "1";
    } else {
      return false;
    }
  }
  return !a->model.empty();
}

std::vector<std::pair<std::string, Tensor>> RandomInputs(const Session& s, int64_t batch,
                                                         bool pinned, std::mt19937& rng) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<std::pair<std::string, Tensor>> inputs;
  for (const auto& info : s.inputs()) {
    voxface::nn::Shape shape;
    for (int64_t d : info.dims) shape.push_back(d < 0 ? batch : d);
    Tensor t = pinned ? voxface::nn::cuda::PinnedTensor(info.dtype, shape)
                      : Tensor::Zeros(info.dtype, shape);
    if (pinned && info.dtype != DataType::kFloat32 && t.bytes() > 0) {
      std::memset(t.raw(), 0, t.bytes());  // page-locked memory comes uninitialised
    }
    if (info.dtype == DataType::kFloat32) {
      float* p = t.data<float>();
      for (int64_t i = 0; i < t.size(); ++i) p[i] = normal(rng);
    }
    inputs.emplace_back(info.name, std::move(t));
  }
  return inputs;
}

double Percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))];
}

// `clients` threads each send single-item requests through a Batcher (max_batch = the first of
// --batches, `threads` workers): the end-to-end throughput a server with that many streams sees.
int RunBatcher(const Args& args, const Session& session) {
  voxface::nn::BatcherOptions options;
  options.max_batch = args.batches.empty() ? 16 : args.batches[0];
  options.max_delay = std::chrono::microseconds(args.delay_us);
  options.workers = args.threads;
  if (args.pinned) options.allocate = voxface::nn::cuda::PinnedTensor;
  auto batcher = voxface::nn::Batcher::Create(session, options);
  if (!batcher.ok()) {
    std::fprintf(stderr, "%s\n", batcher.status().ToString().c_str());
    return 1;
  }
  std::mt19937 rng(99);
  const auto request = RandomInputs(session, 1, false, rng);
  for (int i = 0; i < 3; ++i) (void)(*batcher)->Run(request);  // plans for the first sizes
  std::vector<std::vector<double>> latency(args.clients);
  std::atomic<bool> failed{false};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < args.clients; ++c) {
    threads.emplace_back([&, c] {
      while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() <
             args.seconds) {
        auto a = std::chrono::steady_clock::now();
        if (!(*batcher)->Run(request).ok()) {
          failed = true;
          return;
        }
        latency[c].push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a)
                .count());
      }
    });
  }
  for (auto& t : threads) t.join();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double> all;
  for (const auto& l : latency) all.insert(all.end(), l.begin(), l.end());
  const voxface::nn::BatcherStats stats = (*batcher)->stats();
  std::printf(
      "batcher: %d clients, max_batch %lld, delay %lld us, %d worker(s)%s: %.1f "
      "requests/s (%.1f real-time streams), latency median %.2f ms p90 %.2f ms, "
      "mean batch %.1f\n",
      args.clients, static_cast<long long>(options.max_batch),
      static_cast<long long>(args.delay_us), args.threads, failed ? " (FAILED)" : "",
      all.size() / wall, all.size() / wall / args.fps_per_item, Percentile(all, 0.5),
      Percentile(all, 0.9), stats.runs > 0 ? static_cast<double>(stats.items) / stats.runs : 0.0);
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!Parse(argc, argv, &args)) {
    std::fprintf(stderr,
                 "usage: nn_cuda_bench --model m.onnx [--device cuda|cpu] [--batches 1,2,4] "
                 "[--seconds 3] [--fps-per-item 60] [--threads 1] [--cpu-threads 1]\n");
    return 2;
  }
  SessionOptions options;
  options.device = args.device;
  options.num_threads = args.cpu_threads;
  auto t0 = std::chrono::steady_clock::now();
  auto session = Session::Load(args.model, options);
  if (!session.ok()) {
    std::fprintf(stderr, "%s\n", session.status().ToString().c_str());
    return 1;
  }
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "model %s on %s, loaded in %.2f s; %d run thread(s); %.0f inferences/s per stream%s\n",
      args.model.c_str(), args.device == Device::kCuda ? "cuda" : "cpu", load_s, args.threads,
      args.fps_per_item, args.pinned ? "; page-locked inputs" : "");
  if (args.clients > 0) return RunBatcher(args, **session);
  std::printf("| batch | first run ms | median ms | p90 ms | inferences/s | real-time streams |\n");
  std::printf("|---|---|---|---|---|---|\n");
  std::mt19937 rng(1234);
  for (int64_t batch : args.batches) {
    std::vector<std::vector<std::pair<std::string, Tensor>>> sets;
    for (int i = 0; i < 2; ++i) sets.push_back(RandomInputs(**session, batch, args.pinned, rng));
    auto f0 = std::chrono::steady_clock::now();
    auto warm = (*session)->Run(sets[0]);  // recording run: plan, shape arithmetic, arena
    const double first_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - f0).count();
    if (!warm.ok()) {
      std::printf("| %lld | failed: %s |\n", static_cast<long long>(batch),
                  warm.status().ToString().c_str());
      continue;
    }
    for (int i = 0; i < 2; ++i) (void)(*session)->Run(sets[1]);  // warm every thread's arena
    std::vector<std::vector<double>> per_thread(args.threads);
    std::vector<int64_t> runs(args.threads, 0);
    bool failed = false;
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < args.threads; ++t) {
      threads.emplace_back([&, t] {
        int64_t i = 0;
        while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() <
               args.seconds) {
          auto a = std::chrono::steady_clock::now();
          auto out = (*session)->Run(sets[(i++ + t) % sets.size()]);
          if (!out.ok()) {
            failed = true;
            return;
          }
          per_thread[t].push_back(
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a)
                  .count());
          ++runs[t];
        }
      });
    }
    for (auto& th : threads) th.join();
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::vector<double> all;
    int64_t total = 0;
    for (int t = 0; t < args.threads; ++t) {
      all.insert(all.end(), per_thread[t].begin(), per_thread[t].end());
      total += runs[t];
    }
    if (failed || all.empty()) {
      std::printf("| %lld | run failed |\n", static_cast<long long>(batch));
      continue;
    }
    const double items_per_s = static_cast<double>(total * batch) / wall;
    std::printf("| %lld | %.1f | %.2f | %.2f | %.1f | %.1f |\n", static_cast<long long>(batch),
                first_ms, Percentile(all, 0.5), Percentile(all, 0.9), items_per_s,
                items_per_s / args.fps_per_item);
    std::fflush(stdout);
  }
  return 0;
}
