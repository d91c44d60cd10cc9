// SPDX-License-Identifier: Apache-2.0
// Runs a program once: binds inputs and constants, calls each step's kernel in order, releases
// values after their last reader and hands back the graph outputs.
#ifndef VOXFACE_SRC_NN_EXECUTOR_H_
#define VOXFACE_SRC_NN_EXECUTOR_H_

#include <utility>
#include <vector>

#include "nn/execution_plan.h"
#include "nn/profiler.h"
#include "nn/program.h"
#include "nn/thread_pool.h"
#include "voxface/status.h"

namespace voxface::nn {

struct RunStats {
  bool recorded = false;         // no plan existed: shapes were recorded
  int arena_outputs = 0;         // outputs placed in the arena
  int allocated_outputs = 0;     // outputs given fresh memory (graph outputs, fallbacks)
  int fallback_allocations = 0;  // planned outputs whose shape or type differed from the plan
  int views = 0;                 // outputs that aliased their input
  size_t arena_bytes = 0;
};

struct ExecuteArgs {
  const Program* program = nullptr;
  const ExecutionPlan* plan = nullptr;  // nullptr: record into `trace`
  Arena* arena = nullptr;
  RunTrace* trace = nullptr;
  ThreadPool* pool = nullptr;
  Profiler* profiler = nullptr;
};

// `inputs`: (value id, tensor) for every graph input. Returns the graph outputs in order.
Result<std::vector<Tensor>> Execute(const ExecuteArgs& args,
                                    std::vector<std::pair<int, Tensor>> inputs, RunStats* stats);

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_EXECUTOR_H_
