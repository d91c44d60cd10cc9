// SPDX-License-Identifier: Apache-2.0
// Time per op type across a session's runs, on when VOXFACE_NN_PROFILE=1. The table goes to
// stderr when the session is destroyed: enough to see which kernels a model spends its time in
// without an external profiler. VOXFACE_NN_PROFILE=nodes adds the slowest nodes, with their
// output shapes, since one op type often hides a single expensive node.
#ifndef VOXFACE_SRC_NN_PROFILER_H_
#define VOXFACE_SRC_NN_PROFILER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

namespace voxface::nn {

class Profiler {
 public:
  // A profiler when VOXFACE_NN_PROFILE is set to something other than "0", else nullptr.
  static std::unique_ptr<Profiler> FromEnvironment(std::string model_name);
  explicit Profiler(std::string model_name, bool per_node = false)
      : model_name_(std::move(model_name)), per_node_(per_node) {}

  // Whether the executor should also report per-node times (AddNodeTimes).
  bool per_node() const { return per_node_; }

  // Adds one run's per-step times (seconds; op types parallel to them) and whether it recorded
  // a plan. Recording runs allocate every output afresh (page faults on large tensors), so
  // they are tallied apart and only shown when no planned run happened.
  void AddRun(const std::vector<std::string>& op_types, const std::vector<double>& seconds,
              bool recorded);
  // Per-step times keyed by a label naming the node ("MatMul node 'x' -> [1, 49, 768]"),
  // parallel to `seconds`, for the run just passed to AddRun.
  void AddNodeTimes(const std::vector<std::string>& labels, const std::vector<double>& seconds,
                    bool recorded);
  void Print(std::ostream& out) const;

 private:
  struct OpStats {
    int64_t calls = 0;
    double seconds = 0.0;
  };
  struct Table {
    std::map<std::string, OpStats> ops;
    std::vector<OpStats> nodes;  // by step
    std::vector<std::string> node_labels;
  };
  std::string model_name_;
  bool per_node_ = false;
  mutable std::mutex mutex_;
  Table planned_;
  Table recorded_;
  int64_t runs_ = 0;
  int64_t recorded_runs_ = 0;
};

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_PROFILER_H_
