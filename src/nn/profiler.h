// SPDX-License-Identifier: Apache-2.0
// Time per op type across a session's runs, on when VOXFACE_NN_PROFILE=1. The table goes to
// stderr when the session is destroyed: enough to see which kernels a model spends its time in
// without an external profiler.
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
  explicit Profiler(std::string model_name) : model_name_(std::move(model_name)) {}

  // Adds one run's per-step times (seconds; op types parallel to them) and whether it planned.
  void AddRun(const std::vector<std::string>& op_types, const std::vector<double>& seconds,
              bool recorded);
  void Print(std::ostream& out) const;

 private:
  struct OpStats {
    int64_t calls = 0;
    double seconds = 0.0;
  };
  std::string model_name_;
  mutable std::mutex mutex_;
  std::map<std::string, OpStats> ops_;
  int64_t runs_ = 0;
  int64_t recorded_runs_ = 0;
};

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_PROFILER_H_
