// SPDX-License-Identifier: Apache-2.0
// The CPU session behind nn::Session. Declared in a header so tests and tools can load graphs
// with their own registry and look at plan statistics.
#ifndef VOXFACE_SRC_NN_SESSION_IMPL_H_
#define VOXFACE_SRC_NN_SESSION_IMPL_H_

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "nn/execution_plan.h"
#include "nn/executor.h"
#include "nn/graph.h"
#include "nn/kernel.h"
#include "nn/profiler.h"
#include "nn/program.h"
#include "nn/session.h"
#include "nn/thread_pool.h"

namespace voxface::nn {

class SessionImpl final : public Session {
 public:
  // Plans kept per session; models fed many input lengths evict the oldest.
  static constexpr size_t kMaxCachedPlans = 32;

  static Result<std::unique_ptr<SessionImpl>> Create(
      Graph graph, const SessionOptions& options, const std::string& model_name,
      const OpRegistry& registry = OpRegistry::Default());
  ~SessionImpl() override;

  const std::vector<ValueInfo>& inputs() const override { return inputs_; }
  const std::vector<ValueInfo>& outputs() const override { return outputs_; }
  Result<std::vector<Tensor>> Run(
      const std::vector<std::pair<std::string, Tensor>>& inputs) const override;

  // Introspection for tests and tools.
  const Program& program() const { return program_; }
  size_t num_cached_plans() const;
  RunStats last_run_stats() const;
  // Validates the caller's inputs against the declared ones; returns them by value id (float16
  // widened to float32) and the shape signature that selects a plan. Public for the CUDA
  // session, which loads through this class and runs its program on the device.
  Result<std::vector<std::pair<int, Tensor>>> BindInputs(
      const std::vector<std::pair<std::string, Tensor>>& inputs, std::string* signature) const;

 private:
  SessionImpl(const SessionOptions& options, std::string model_name);
  Status Init(Graph graph, const OpRegistry& registry);
  Status CheckOpsSupported(const Graph& graph, const std::vector<bool>& live,
                           const OpRegistry& registry) const;
  std::shared_ptr<const ExecutionPlan> FindPlan(const std::string& signature) const;
  void StorePlan(const std::string& signature, std::shared_ptr<const ExecutionPlan> plan) const;

  SessionOptions options_;
  std::string model_name_;
  std::unique_ptr<ThreadPool> pool_;
  Graph graph_;  // owns the constants the program points at
  Program program_;
  std::vector<ValueInfo> inputs_;
  std::vector<ValueInfo> outputs_;
  std::vector<int> input_ids_;

  mutable std::mutex mutex_;  // guards the plan cache and the last stats
  mutable std::map<std::string, std::shared_ptr<const ExecutionPlan>> plans_;
  mutable std::deque<std::string> plan_order_;
  mutable RunStats last_stats_;
  mutable ArenaPool arenas_;
  std::unique_ptr<Profiler> profiler_;
};

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_SESSION_IMPL_H_
