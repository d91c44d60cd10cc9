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
  return std::make_unique<Profiler>(std::move(model_name), std::strcmp(env, "nodes") == 0);
}

void Profiler::AddRun(const std::vector<std::string>& op_types, const std::vector<double>& seconds,
                      bool recorded) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++runs_;
  if (recorded) ++recorded_runs_;
  Table& table = recorded ? recorded_ : planned_;
  for (size_t i = 0; i < op_types.size() && i < seconds.size(); ++i) {
    OpStats& s = table.ops[op_types[i]];
    ++s.calls;
    s.seconds += seconds[i];
  }
}

void Profiler::AddNodeTimes(const std::vector<std::string>& labels,
                            const std::vector<double>& seconds, bool recorded) {
  std::lock_guard<std::mutex> lock(mutex_);
  Table& table = recorded ? recorded_ : planned_;
  if (table.nodes.size() < labels.size()) {
    table.nodes.resize(labels.size());
    table.node_labels.resize(labels.size());
  }
  for (size_t i = 0; i < labels.size() && i < seconds.size(); ++i) {
    ++table.nodes[i].calls;
    table.nodes[i].seconds += seconds[i];
    table.node_labels[i] = labels[i];
  }
}

void Profiler::Print(std::ostream& out) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const bool planned = runs_ > recorded_runs_;
  const Table& table = planned ? planned_ : recorded_;
  std::vector<std::pair<std::string, OpStats>> rows(table.ops.begin(), table.ops.end());
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.second.seconds > b.second.seconds; });
  double total = 0.0;
  for (const auto& r : rows) total += r.second.seconds;
  char line[160];
  out << "voxface nn profile: " << model_name_ << ", " << runs_ << " runs (" << recorded_runs_
      << " planning), " << total * 1e3 << " ms in kernels over the "
      << (planned ? runs_ - recorded_runs_ : recorded_runs_)
      << (planned ? " planned runs\n" : " planning runs\n");
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
  if (table.nodes.empty()) return;
  constexpr size_t kTopNodes = 25;
  std::vector<size_t> order(table.nodes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return table.nodes[a].seconds > table.nodes[b].seconds; });
  out << "  slowest nodes (step, mean us, share, node -> its output shape in the last run):\n";
  for (size_t r = 0; r < order.size() && r < kTopNodes; ++r) {
    const OpStats& s = table.nodes[order[r]];
    std::snprintf(line, sizeof(line), "  %6zu %12.2f %6.1f%%  ", order[r],
                  s.calls ? s.seconds * 1e6 / static_cast<double>(s.calls) : 0.0,
                  total > 0 ? 100.0 * s.seconds / total : 0.0);
    out << line << table.node_labels[order[r]] << "\n";
  }
}

}  // namespace voxface::nn
