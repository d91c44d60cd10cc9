// SPDX-License-Identifier: Apache-2.0
#include "nn/executor.h"

#include <chrono>
#include <cstring>

namespace voxface::nn {
namespace {

struct RunState {
  const ExecuteArgs& args;
  std::vector<Tensor> slots;         // storage of values computed or bound in this run
  std::vector<const Tensor*> bound;  // where each value's tensor is, nullptr before/after it lives
  RunStats stats;
};

class StepContext final : public KernelContext {
 public:
  StepContext(RunState& state, const Step& step) : state_(state), step_(step) {}

  int num_inputs() const override { return static_cast<int>(step_.inputs.size()); }
  const Tensor* input(int index) const override {
    if (index < 0 || index >= num_inputs() || step_.inputs[index] < 0) return nullptr;
    return state_.bound[step_.inputs[index]];
  }
  int num_outputs() const override { return static_cast<int>(step_.outputs.size()); }

  Tensor* Output(int index, DataType type, const Shape& shape) override {
    if (index < 0 || index >= num_outputs() || step_.outputs[index] < 0) return nullptr;
    const int v = step_.outputs[index];
    const Program& program = *state_.args.program;
    const ExecutionPlan* plan = state_.args.plan;
    Tensor& slot = state_.slots[v];
    const PlannedValue* planned =
        plan != nullptr && !program.is_graph_output[v] ? &plan->values[v] : nullptr;
    if (planned != nullptr && planned->kind == PlannedValue::Kind::kArena &&
        planned->dtype == type && planned->shape == shape) {
      slot = Tensor::Borrow(type, shape, state_.args.arena->data() + planned->offset);
      ++state_.stats.arena_outputs;
    } else {
      // Graph outputs are handed to the caller, so they own their memory; anything the plan did
      // not foresee (data-dependent shapes) is allocated too.
      slot = Tensor::Zeros(type, shape);
      ++state_.stats.allocated_outputs;
      if (planned != nullptr && planned->kind != PlannedValue::Kind::kNone) {
        ++state_.stats.fallback_allocations;
      }
    }
    if (state_.args.trace != nullptr) {
      state_.args.trace->produced[v] = true;
      state_.args.trace->dtype[v] = type;
      state_.args.trace->shape[v] = shape;
      state_.args.trace->alias_of[v] = -1;
    }
    state_.bound[v] = &slot;
    return &slot;
  }

  Tensor* OutputView(int index, int input_index, const Shape& shape) override {
    const Tensor* in = input(input_index);
    if (in == nullptr || index < 0 || index >= num_outputs() || step_.outputs[index] < 0 ||
        NumElements(shape) != in->size()) {
      return KernelContext::OutputView(index, input_index, shape);
    }
    const int v = step_.outputs[index];
    const Program& program = *state_.args.program;
    const ExecutionPlan* plan = state_.args.plan;
    // In a planned run only the view the plan foresaw is safe: its source's buffer is the one
    // whose lifetime the planner extended.
    bool view = !program.is_graph_output[v] &&
                (plan == nullptr || (plan->values[v].kind == PlannedValue::Kind::kAlias &&
                                     plan->values[v].alias_of == step_.inputs[input_index]));
    if (!view) return KernelContext::OutputView(index, input_index, shape);
    Tensor& slot = state_.slots[v];
    slot = in->Reshaped(shape);
    ++state_.stats.views;
    if (state_.args.trace != nullptr) {
      state_.args.trace->produced[v] = true;
      state_.args.trace->dtype[v] = in->dtype();
      state_.args.trace->shape[v] = shape;
      state_.args.trace->alias_of[v] = step_.inputs[input_index];
    }
    state_.bound[v] = &slot;
    return &slot;
  }

  void* Scratch(size_t bytes) override { return state_.args.arena->Scratch(bytes); }
  ThreadPool& pool() override { return *state_.args.pool; }

 private:
  RunState& state_;
  const Step& step_;
};

std::string DescribeFailure(const Step& step, const Status& status) {
  std::string prefix = step.info->Describe();
  return status.message().compare(0, prefix.size(), prefix) == 0 ? status.message()
                                                                 : prefix + ": " + status.message();
}

}  // namespace

Result<std::vector<Tensor>> Execute(const ExecuteArgs& args,
                                    std::vector<std::pair<int, Tensor>> inputs, RunStats* stats) {
  const Program& program = *args.program;
  RunState state{args, std::vector<Tensor>(program.num_values), program.constants, {}};
  state.stats.recorded = args.plan == nullptr;
  state.stats.arena_bytes = args.plan != nullptr ? args.plan->arena_bytes : 0;
  for (auto& [id, tensor] : inputs) {
    state.slots[id] = std::move(tensor);
    state.bound[id] = &state.slots[id];
  }

  const int num_steps = static_cast<int>(program.steps.size());
  std::vector<double> seconds(args.profiler != nullptr ? num_steps : 0);
  const bool per_node = args.profiler != nullptr && args.profiler->per_node();
  std::vector<std::string> labels(per_node ? num_steps : 0);
  for (int s = 0; s < num_steps; ++s) {
    const Step& step = program.steps[s];
    StepContext ctx(state, step);
    // The clock is read only when profiling: for graphs of ~2000 small nodes two reads per
    // step are a measurable share of the run.
    std::chrono::steady_clock::time_point start;
    if (args.profiler != nullptr) start = std::chrono::steady_clock::now();
    Status status = step.kernel->Run(ctx);
    if (args.profiler != nullptr) {
      seconds[s] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    args.arena->ResetScratch();
    if (!status.ok()) return Status(status.code(), DescribeFailure(step, status));
    for (size_t i = 0; i < step.outputs.size(); ++i) {
      int v = step.outputs[i];
      if (v >= 0 && state.bound[v] == nullptr) {
        return Status::Internal(step.info->Describe() + " did not produce its output " +
                                std::to_string(i) + " ('" + program.value_names[v] + "')");
      }
    }
    if (per_node) {
      const int v = step.outputs.empty() ? -1 : step.outputs[0];
      labels[s] = step.info->Describe() +
                  (v >= 0 ? " -> " + ShapeToString(state.bound[v]->shape()) : std::string());
    }
    for (int v : program.release_after[s]) {
      state.slots[v] = Tensor();
      state.bound[v] = nullptr;
    }
  }
  if (args.profiler != nullptr) {
    std::vector<std::string> ops(num_steps);
    for (int s = 0; s < num_steps; ++s) ops[s] = program.steps[s].info->op_type;
    args.profiler->AddRun(ops, seconds, args.plan == nullptr);
    if (per_node) args.profiler->AddNodeTimes(labels, seconds, args.plan == nullptr);
  }

  std::vector<Tensor> outputs;
  outputs.reserve(program.graph_outputs.size());
  std::vector<int> handed_out(program.num_values, -1);  // index in `outputs`
  for (int v : program.graph_outputs) {
    const Tensor* t = state.bound[v];
    if (t == nullptr) {
      return Status::Internal("graph output '" + program.value_names[v] + "' was not computed");
    }
    // Step outputs that are graph outputs own their memory and can be moved out; inputs,
    // constants and repeated outputs are copied so the caller never shares storage with them.
    if (handed_out[v] >= 0) {
      outputs.push_back(outputs[handed_out[v]].Clone());
    } else if (program.producer[v] >= 0 && t == &state.slots[v]) {
      outputs.push_back(std::move(state.slots[v]));
    } else {
      outputs.push_back(t->Clone());
    }
    handed_out[v] = static_cast<int>(outputs.size()) - 1;
  }
  if (stats != nullptr) *stats = state.stats;
  return outputs;
}

}  // namespace voxface::nn
