// SPDX-License-Identifier: Apache-2.0
#include "nn/cuda/cuda_executor.h"

#include <string>

#include "nn/constant_folding.h"
#include "nn/cuda/cuda_kernel.h"
#include "nn/cuda/pinned_pool.h"

namespace voxface::nn::cuda {
namespace {

// Outputs from this size on are copied into pooled page-locked memory.
constexpr size_t kPinnedOutputBytes = size_t{1} << 20;

// Memory of a value that is neither in the arena nor kept by the plan or the session: freed in
// stream order when the last tensor using it (the value or a view of it) is released.
Result<std::shared_ptr<void>> AllocateAsync(size_t bytes, cudaStream_t stream,
                                            const std::string& what) {
  void* p = nullptr;
  Status s =
      CudaCheck(cudaMallocAsync(&p, bytes, stream),
                ("cudaMallocAsync of " + std::to_string(bytes) + " bytes for " + what).c_str());
  if (!s.ok()) return s;
  return std::shared_ptr<void>(p, [stream](void* q) { cudaFreeAsync(q, stream); });
}

struct Slot {
  Tensor tensor;
  std::shared_ptr<void> owner;  // null for arena, plan and constant memory
};

struct RunState {
  RunState(const CudaExecuteArgs& a, int num_values)
      : args(a),
        stream(a.resources->stream()),
        slots(num_values),
        device(num_values, nullptr),
        host(num_values, nullptr),
        host_slots(num_values),
        meta(num_values) {}
  ~RunState() {
    for (void* p : scratch) cudaFreeAsync(p, stream);
  }

  const CudaExecuteArgs& args;
  cudaStream_t stream;
  std::vector<Slot> slots;
  std::vector<const Tensor*> device;  // the value's device tensor while it lives
  std::vector<const Tensor*> host;    // its host tensor, when there is one
  std::vector<Tensor> host_slots;     // graph inputs and values read back in this run
  std::vector<Tensor> meta;           // type and shape of device values (for Shape/Size)
  std::vector<void*> scratch;         // the current step's scratch memory
  Status error;                       // an allocation failure inside Output()
  CudaRunStats stats;
};

// A borrowed tensor with a value's type and shape whose bytes must never be read: what Shape and
// Size see of a device value when they run on the host.
Tensor MetaTensor(const Tensor& t) {
  static uint8_t sentinel;
  return Tensor::Borrow(t.dtype(), t.shape(), &sentinel, Device::kCuda);
}

class DeviceStepContext final : public CudaKernelContext {
 public:
  DeviceStepContext(RunState& state, const Step& step, int device_step)
      : state_(state), step_(step), device_step_(device_step) {}

  int num_inputs() const override { return static_cast<int>(step_.inputs.size()); }
  const Tensor* input(int index) const override {
    if (index < 0 || index >= num_inputs() || step_.inputs[index] < 0) return nullptr;
    return state_.device[step_.inputs[index]];
  }
  int num_outputs() const override { return static_cast<int>(step_.outputs.size()); }

  Tensor* Output(int index, DataType type, const Shape& shape) override {
    if (index < 0 || index >= num_outputs() || step_.outputs[index] < 0) return nullptr;
    const int v = step_.outputs[index];
    const CudaProgram& program = *state_.args.program;
    const CudaPlan* plan = state_.args.plan;
    Slot& slot = state_.slots[v];
    const PlannedValue* planned =
        plan != nullptr && !program.host->is_graph_output[v] ? &plan->memory.values[v] : nullptr;
    const size_t bytes = static_cast<size_t>(NumElements(shape)) * ElementSize(type);
    if (planned != nullptr && planned->kind == PlannedValue::Kind::kArena &&
        planned->dtype == type && planned->shape == shape) {
      slot.owner.reset();
      slot.tensor = Tensor::Borrow(type, shape, state_.args.resources->arena() + planned->offset,
                                   Device::kCuda);
      ++state_.stats.memory.arena_outputs;
    } else {
      // Graph outputs and values the plan did not foresee (data-dependent shapes).
      slot.owner.reset();
      void* data = nullptr;
      if (bytes > 0) {
        Result<std::shared_ptr<void>> memory =
            AllocateAsync(bytes, state_.stream, "'" + program.host->value_names[v] + "'");
        if (!memory.ok()) {
          state_.error = memory.status();
          return nullptr;
        }
        slot.owner = std::move(memory).value();
        data = slot.owner.get();
      }
      slot.tensor = Tensor::Borrow(type, shape, data, Device::kCuda);
      ++state_.stats.memory.allocated_outputs;
      if (planned != nullptr && planned->kind != PlannedValue::Kind::kNone) {
        ++state_.stats.memory.fallback_allocations;
      }
    }
    Record(v, type, shape, -1);
    return &slot.tensor;
  }

  Tensor* OutputView(int index, int input_index, const Shape& shape) override {
    const Tensor* in = input(input_index);
    if (in == nullptr || index < 0 || index >= num_outputs() || step_.outputs[index] < 0 ||
        NumElements(shape) != in->size()) {
      return CopyOut(index, input_index, shape);
    }
    const int v = step_.outputs[index];
    const int source = step_.inputs[input_index];
    const CudaProgram& program = *state_.args.program;
    const CudaPlan* plan = state_.args.plan;
    bool view = !program.host->is_graph_output[v] &&
                (plan == nullptr || (plan->memory.values[v].kind == PlannedValue::Kind::kAlias &&
                                     plan->memory.values[v].alias_of == source));
    if (!view) return CopyOut(index, input_index, shape);
    Slot& slot = state_.slots[v];
    slot.tensor = in->Reshaped(shape);
    slot.owner = state_.slots[source].owner;  // keeps the source's allocation, if it has one
    ++state_.stats.memory.views;
    Record(v, in->dtype(), shape, source);
    return &slot.tensor;
  }

  void* Scratch(size_t bytes) override {
    void* p = nullptr;
    Status s = CudaCheck(cudaMallocAsync(&p, bytes < 256 ? 256 : bytes, state_.stream),
                         "cudaMallocAsync of kernel scratch");
    if (!s.ok()) {
      state_.error = s;
      return nullptr;
    }
    state_.scratch.push_back(p);
    return p;
  }
  ThreadPool& pool() override { return *state_.args.pool; }
  cudaStream_t cuda_stream() const override { return state_.stream; }
  cublasHandle_t cublas() const override { return state_.args.resources->cublas(); }

  Result<const Tensor*> HostInput(int index) override {
    if (index < 0 || index >= num_inputs() || step_.inputs[index] < 0) return nullptr;
    const int v = step_.inputs[index];
    if (state_.host[v] != nullptr) return state_.host[v];
    const Tensor* d = state_.device[v];
    if (d == nullptr) return Status::Internal("input " + std::to_string(index) + " is not bound");
    // A device-computed value parameterises this node: wait for it (data-dependent shapes).
    VF_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(state_.stream));
    Tensor h = Tensor::Zeros(d->dtype(), d->shape());
    if (h.bytes() > 0) {
      VF_CUDA_RETURN_IF_ERROR(cudaMemcpy(h.raw(), d->raw(), h.bytes(), cudaMemcpyDeviceToHost));
    }
    ++state_.stats.host_syncs;
    state_.host_slots[v] = std::move(h);
    state_.host[v] = &state_.host_slots[v];
    return state_.host[v];
  }

 private:
  // The output as a device copy of the input's bytes, when a view is not allowed.
  Tensor* CopyOut(int index, int input_index, const Shape& shape) {
    const Tensor* in = input(input_index);
    if (in == nullptr) return nullptr;
    Tensor* out = Output(index, in->dtype(), shape);
    if (out != nullptr && out->bytes() == in->bytes() && in->bytes() > 0) {
      Status s = CudaCheck(cudaMemcpyAsync(out->raw(), in->raw(), in->bytes(),
                                           cudaMemcpyDeviceToDevice, state_.stream),
                           "cudaMemcpyAsync copying a view");
      if (!s.ok()) state_.error = s;
    }
    return out;
  }

  void Record(int v, DataType type, const Shape& shape, int alias_of) {
    state_.device[v] = &state_.slots[v].tensor;
    state_.meta[v] = MetaTensor(state_.slots[v].tensor);
    if (RunTrace* trace = state_.args.trace) {
      trace->produced[v] = true;
      trace->dtype[v] = type;
      trace->shape[v] = shape;
      trace->alias_of[v] = alias_of;
    }
  }

  RunState& state_;
  const Step& step_;
  [[maybe_unused]] int device_step_;
};

std::string Describe(const Step& step, const Status& status) {
  std::string prefix = step.info->Describe();
  return status.message().compare(0, prefix.size(), prefix) == 0 ? status.message()
                                                                 : prefix + ": " + status.message();
}

// Binds input `v` of a device step: session constants and plan values have device copies;
// recording runs make the copy of a host-once value the first time a device step reads it.
Status BindDeviceInput(RunState& st, int v) {
  if (st.device[v] != nullptr) return Status::Ok();
  const CudaProgram& program = *st.args.program;
  if (program.constants[v] != nullptr) {
    st.device[v] = &program.constants[v]->tensor;
    return Status::Ok();
  }
  if (st.args.plan != nullptr && st.args.plan->device_values[v] != nullptr) {
    st.device[v] = &st.args.plan->device_values[v]->tensor;
    return Status::Ok();
  }
  if (st.args.recording != nullptr && st.host[v] != nullptr) {
    CudaPlan& rec = *st.args.recording;
    VF_ASSIGN_OR_RETURN(DeviceTensor copy,
                        UploadTensor(*st.host[v], "'" + program.host->value_names[v] + "'"));
    rec.static_device_bytes += st.host[v]->bytes();
    rec.device_values[v] = std::make_unique<DeviceTensor>(std::move(copy));
    st.device[v] = &rec.device_values[v]->tensor;
    return Status::Ok();
  }
  return Status::Internal("value '" + program.host->value_names[v] +
                          "' is not available on the device");
}

// Drops the run's hold on values no later step reads (their memory returns in stream order).
void ReleaseRead(RunState& st, const std::vector<int>& values) {
  for (int v : values) {
    st.slots[v] = Slot();
    st.device[v] = nullptr;
  }
}

// A host-eligible step of a recording run: the CPU kernel on host values (Shape and Size see
// type and shape only). The caller keeps or discards the outputs (CommitHostOutputs).
Result<std::vector<Tensor>> EvaluateOnHost(RunState& st, const Step& step) {
  std::vector<const Tensor*> inputs(step.inputs.size(), nullptr);
  for (size_t i = 0; i < step.inputs.size(); ++i) {
    const int v = step.inputs[i];
    if (v < 0) continue;
    inputs[i] = st.host[v] != nullptr ? st.host[v] : &st.meta[v];
    if (inputs[i]->raw() == nullptr && inputs[i]->size() != 0) {
      return Status::Internal("input '" + st.args.program->host->value_names[v] +
                              "' is not known on the host");
    }
  }
  VF_ASSIGN_OR_RETURN(std::vector<Tensor> outputs,
                      EvaluateOnConstants(*step.kernel, *step.info, inputs, *st.args.pool));
  for (size_t i = 0; i < step.outputs.size(); ++i) {
    if (step.outputs[i] < 0) continue;
    if (i >= outputs.size() || (outputs[i].raw() == nullptr && outputs[i].size() != 0)) {
      return Status::Internal("did not produce output " + std::to_string(i));
    }
  }
  return outputs;
}

void CommitHostOutputs(RunState& st, const Step& step, std::vector<Tensor> outputs) {
  CudaPlan& rec = *st.args.recording;
  for (size_t i = 0; i < step.outputs.size(); ++i) {
    const int v = step.outputs[i];
    if (v < 0) continue;
    rec.host_values[v] = std::move(outputs[i]);
    rec.has_host_value[v] = true;
    st.host[v] = &rec.host_values[v];
    st.meta[v] = MetaTensor(rec.host_values[v]);
  }
  ++st.stats.host_steps;
}

// Shape-derived values up to this many elements are kept from the recording run (a host copy
// and, where read, a device copy); larger ones, typically a constant expanded to a data tensor's
// shape, are data: their nodes run on the device in every run.
constexpr int64_t kMaxHostOnceElements = int64_t{1} << 16;

// Output size of a generator node from its host inputs, or -1 when not predictable: lets the
// recording run send a ConstantOfShape/Expand/Tile of a large shape to the device without
// materialising it on the host first.
int64_t PredictedElements(const RunState& st, const Step& step) {
  auto host_in = [&](size_t i) -> const Tensor* {
    return i < step.inputs.size() && step.inputs[i] >= 0 ? st.host[step.inputs[i]] : nullptr;
  };
  auto ints = [](const Tensor* t) {
    return t != nullptr && (t->dtype() == DataType::kInt64 || t->dtype() == DataType::kInt32)
               ? t->ToInt64Vector()
               : std::vector<int64_t>();
  };
  const std::string& op = step.info->op_type;
  if (op == "ConstantOfShape" && host_in(0) != nullptr) return NumElements(ints(host_in(0)));
  if (op == "Expand" && host_in(0) != nullptr && host_in(1) != nullptr) {
    Result<Shape> shape = BroadcastShapes(host_in(0)->shape(), ints(host_in(1)));
    return shape.ok() ? NumElements(*shape) : -1;
  }
  if (op == "Tile" && host_in(0) != nullptr && host_in(1) != nullptr) {
    int64_t n = host_in(0)->size();
    for (int64_t r : ints(host_in(1))) n *= std::max<int64_t>(r, 0);
    return n;
  }
  return -1;
}

}  // namespace

Result<std::vector<Tensor>> ExecuteOnDevice(const CudaExecuteArgs& args,
                                            std::vector<std::pair<int, Tensor>> inputs,
                                            CudaRunStats* stats) {
  const CudaProgram& program = *args.program;
  const Program& hp = *program.host;
  RunState st(args, hp.num_values);
  st.stats.memory.recorded = args.plan == nullptr;
  st.stats.memory.arena_bytes = args.plan != nullptr ? args.plan->memory.arena_bytes : 0;
  for (int v = 0; v < hp.num_values; ++v) {
    if (hp.constants[v] != nullptr) st.host[v] = hp.constants[v];
  }
  if (args.plan != nullptr) {
    st.stats.static_device_bytes = args.plan->static_device_bytes;
    for (int v = 0; v < hp.num_values; ++v) {
      if (args.plan->has_host_value[v]) st.host[v] = &args.plan->host_values[v];
    }
  }
  const int num_steps = static_cast<int>(hp.steps.size());
  const CudaPlan* plan = args.plan;
  const int num_device = plan != nullptr ? static_cast<int>(plan->device.steps.size()) : 0;
  // Profiling (planned runs): events before each device step, plus around the input and output
  // copies (events[num_device + 1..3]).
  std::vector<cudaEvent_t> events;
  if (args.profiler != nullptr && plan != nullptr) {
    events.resize(num_device + 4);
    for (cudaEvent_t& e : events) VF_CUDA_RETURN_IF_ERROR(cudaEventCreate(&e));
  }
  struct EventsGuard {
    std::vector<cudaEvent_t>& events;
    ~EventsGuard() {
      for (cudaEvent_t e : events) cudaEventDestroy(e);
    }
  } events_guard{events};
  if (!events.empty()) VF_CUDA_RETURN_IF_ERROR(cudaEventRecord(events[num_device + 1], st.stream));

  // Inputs: kept on the host (parameters, graph outputs) and copied to the device once.
  for (auto& [v, tensor] : inputs) {
    st.host_slots[v] = std::move(tensor);
    const Tensor& h = st.host_slots[v];
    st.host[v] = &h;
    st.meta[v] = MetaTensor(h);
    if (!program.read_on_device[v]) continue;
    Slot& slot = st.slots[v];
    void* data = nullptr;
    if (h.bytes() > 0) {
      VF_ASSIGN_OR_RETURN(slot.owner,
                          AllocateAsync(h.bytes(), st.stream, "input '" + hp.value_names[v] + "'"));
      data = slot.owner.get();
      VF_CUDA_RETURN_IF_ERROR(
          cudaMemcpyAsync(data, h.raw(), h.bytes(), cudaMemcpyHostToDevice, st.stream));
    }
    slot.tensor = Tensor::Borrow(h.dtype(), h.shape(), data, Device::kCuda);
    st.device[v] = &slot.tensor;
  }
  if (!events.empty()) VF_CUDA_RETURN_IF_ERROR(cudaEventRecord(events[num_device + 2], st.stream));

  // A recording run decides each step's mode: values known without the device stay on the host
  // (evaluated once, kept in the plan) until one is large.
  std::vector<bool> known;
  if (plan == nullptr) {
    known.assign(hp.num_values, false);
    for (int v = 0; v < hp.num_values; ++v) known[v] = hp.constants[v] != nullptr;
  }
  for (int s = 0; s < num_steps; ++s) {
    const Step& step = hp.steps[s];
    const OpKernel* device_kernel = program.device_kernels[s].get();
    if (plan != nullptr) {
      if (plan->mode[s] == StepMode::kHostOnce) continue;  // its results are in the plan
    } else {
      bool host = program.host_eligible[s];
      for (size_t i = 0; host && !program.shape_only[s] && i < step.inputs.size(); ++i) {
        host = step.inputs[i] < 0 || known[step.inputs[i]];
      }
      if (host && device_kernel != nullptr && PredictedElements(st, step) > kMaxHostOnceElements) {
        host = false;
      }
      if (host) {
        Result<std::vector<Tensor>> out = EvaluateOnHost(st, step);
        if (!out.ok()) return Status(out.status().code(), Describe(step, out.status()));
        bool large = false;
        for (const Tensor& t : *out) large = large || t.size() > kMaxHostOnceElements;
        if (!large || device_kernel == nullptr) {
          CommitHostOutputs(st, step, std::move(out).value());
          for (int v : step.outputs) {
            if (v >= 0) known[v] = true;
          }
          args.recording->mode[s] = StepMode::kHostOnce;
          ReleaseRead(st, program.last_read_by[s]);
          continue;
        }
      }
      if (device_kernel == nullptr) {
        return Status::Unsupported(step.info->Describe() +
                                   ": has no CUDA kernel, and its inputs are device data");
      }
    }
    for (int v : step.inputs) {
      if (v < 0) continue;
      Status status = BindDeviceInput(st, v);
      if (!status.ok()) return Status(status.code(), Describe(step, status));
    }
    const int d = plan != nullptr ? plan->device_index[s] : -1;
    if (!events.empty()) VF_CUDA_RETURN_IF_ERROR(cudaEventRecord(events[d], st.stream));
    DeviceStepContext ctx(st, step, d);
    Status status = device_kernel->Run(ctx);
    if (!st.error.ok()) status = st.error;
    for (void* p : st.scratch) cudaFreeAsync(p, st.stream);
    st.scratch.clear();
    if (!status.ok()) return Status(status.code(), Describe(step, status));
    ++st.stats.device_steps;
    for (size_t i = 0; i < step.outputs.size(); ++i) {
      const int v = step.outputs[i];
      if (v >= 0 && st.device[v] == nullptr) {
        return Status::Internal(step.info->Describe() + " did not produce its output " +
                                std::to_string(i) + " ('" + hp.value_names[v] + "')");
      }
    }
    // Planned runs release after the last device reader; recording runs after the last reader
    // of any mode (later modes are not decided yet).
    ReleaseRead(st, plan != nullptr ? plan->release_after[d] : program.last_read_by[s]);
  }
  if (!events.empty()) VF_CUDA_RETURN_IF_ERROR(cudaEventRecord(events[num_device], st.stream));

  std::vector<Tensor> outputs;
  outputs.reserve(hp.graph_outputs.size());
  for (int v : hp.graph_outputs) {
    if (st.host[v] != nullptr) {
      outputs.push_back(st.host[v]->Clone());
      continue;
    }
    const Tensor* t = st.device[v];
    if (t == nullptr) {
      return Status::Internal("graph output '" + hp.value_names[v] + "' was not computed");
    }
    // Large outputs land in page-locked memory: the copy then runs at bus speed.
    Tensor out = t->bytes() >= kPinnedOutputBytes ? PinnedTensor(t->dtype(), t->shape())
                                                  : Tensor::Zeros(t->dtype(), t->shape());
    if (out.bytes() > 0) {
      VF_CUDA_RETURN_IF_ERROR(
          cudaMemcpyAsync(out.raw(), t->raw(), out.bytes(), cudaMemcpyDeviceToHost, st.stream));
    }
    outputs.push_back(std::move(out));
  }
  if (!events.empty()) VF_CUDA_RETURN_IF_ERROR(cudaEventRecord(events[num_device + 3], st.stream));
  // The run's one wait: everything above was queued without the host waiting.
  VF_RETURN_IF_ERROR(
      CudaCheck(cudaStreamSynchronize(st.stream), "the run's kernels (cudaStreamSynchronize)"));
  if (!events.empty()) {
    std::vector<std::string> ops(num_device);
    std::vector<double> seconds(num_device);
    float in_ms = 0, out_ms = 0;
    VF_CUDA_RETURN_IF_ERROR(
        cudaEventElapsedTime(&in_ms, events[num_device + 1], events[num_device + 2]));
    VF_CUDA_RETURN_IF_ERROR(
        cudaEventElapsedTime(&out_ms, events[num_device], events[num_device + 3]));
    ops.push_back("(copy inputs to the device)");
    seconds.push_back(in_ms * 1e-3);
    ops.push_back("(copy outputs to the host)");
    seconds.push_back(out_ms * 1e-3);
    for (int s = 0; s < num_steps; ++s) {
      const int d = plan->device_index[s];
      if (d < 0) continue;
      float ms = 0;
      VF_CUDA_RETURN_IF_ERROR(cudaEventElapsedTime(&ms, events[d], events[d + 1]));
      ops[d] = hp.steps[s].info->op_type;
      seconds[d] = ms * 1e-3;
    }
    args.profiler->AddRun(ops, seconds, args.plan == nullptr);
  }
  if (stats != nullptr) *stats = st.stats;
  return outputs;
}

}  // namespace voxface::nn::cuda
