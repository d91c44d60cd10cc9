// SPDX-License-Identifier: Apache-2.0
#include "nn/profiler.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace voxface::nn {

std::unique_ptr<Profiler> Profiler::FromEnvironment(std::string model_name) {
  const char* env = std::getenv("VOXFACE_NN_PROFILE");
  if (env == nullptr || *env == '\0' || std::strcmp(env, "0") == 0) return nullptr;
  return std::make_unique<Profiler>(std::move(model_name));
}

void Profiler::AddRun(const std::vector<std::string>& op_types, const std::vector<double>& seconds,
                      bool recorded) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++runs_;
  if (recorded) ++recorded_runs_;
  for (size_t i = 0; i < op_types.size() && i < seconds.size(); ++i) {
    OpStats& s = ops_[op_types[i]];
    ++s.calls;
    s.seconds += seconds[i];
  }
}

void Profiler::Print(std::ostream& out) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::pair<std::string, OpStats>> rows(ops_.begin(), ops_.end());
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.second.seconds > b.second.seconds; });
  double total = 0.0;
  for (const auto& r : rows) total += r.second.seconds;
  char line[160];
  out << "voxface nn profile: " << model_name_ << ", " << runs_ << " runs (" << recorded_runs_
      << " planning), " << total * 1e3 << " ms in kernels\n";
  std::snprintf(line, sizeof(line), "  %-24s %10s %12s %12s %7s\n", "op", "calls", "total ms",
                "mean us", "share");
  out << line;
  for (const auto& [op, s] : rows) {
    std::snprintf(line, sizeof(line), "  %-24s %10lld %12.3f %12.2f %6.1f%%\n", op.c_str(),
                  static_cast<long long>(s.calls), s.seconds * 1e3,
                  s.calls ? s.seconds * 1e6 / static_cast<double>(s.calls) : 0.0,
                  total > 0 ? 100.0 * s.seconds / total : 0.0);
    out << line;
  }
}

}  // namespace voxface::nn
