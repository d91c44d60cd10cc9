// SPDX-License-Identifier: Apache-2.0
#include "nn/cuda/cuda_session.h"

#include <algorithm>
#include <iostream>
#include <optional>
#include <set>

#include "nn/constant_folding.h"
#include "nn/cuda/cuda_executor.h"
#include "nn/cuda/cuda_kernel.h"
#include "nn/half.h"

namespace voxface::nn::cuda {
namespace {

// Shape and Size read only their input's shape, which the input shapes fix unless a
// data-dependent op came before.
bool ReadsShapeOnly(const NodeInfo& node) {
  return node.domain.empty() && (node.op_type == "Shape" || node.op_type == "Size");
}

// Ops whose output shape depends on the values of their input data.
bool HasDataDependentShape(const std::string& op) {
  return op == "NonZero" || op == "Compress" || op == "Unique";
}

// The first input whose values (not only shape) fix the output shape, or -1.
int FirstShapeValueInput(const std::string& op) {
  if (op == "ConstantOfShape" || op == "Range") return 0;
  static const char* const kFromSecond[] = {
      "Reshape",         "Expand",          "Tile",         "Slice",      "Pad",
      "Resize",          "Upsample",        "TopK",         "Squeeze",    "Unsqueeze",
      "OneHot",          "Split",           "ReduceSum",    "ReduceMean", "ReduceMax",
      "ReduceMin",       "ReduceProd",      "ReduceL1",     "ReduceL2",   "ReduceLogSum",
      "ReduceLogSumExp", "ReduceSumSquare", "CenterCropPad"};
  for (const char* name : kFromSecond) {
    if (op == name) return 1;
  }
  return -1;
}

Tensor FloatToHalfTensor(const Tensor& t) {
  Tensor out = Tensor::Zeros(DataType::kFloat16, t.shape());
  const float* in = t.data<float>();
  auto* o = static_cast<uint16_t*>(out.raw());
  for (int64_t i = 0; i < t.size(); ++i) o[i] = FloatToHalf(in[i]);
  return out;
}

}  // namespace

CudaSession::CudaSession(const SessionOptions& options, std::string model_name)
    : options_(options),
      model_name_(std::move(model_name)),
      pool_(std::make_unique<ThreadPool>(options.num_threads)),
      profiler_(Profiler::FromEnvironment(model_name_ + " (cuda)")) {}

CudaSession::~CudaSession() {
  if (profiler_ != nullptr) profiler_->Print(std::cerr);
}

Result<std::unique_ptr<CudaSession>> CudaSession::Create(Graph graph, const SessionOptions& options,
                                                         const std::string& model_name,
                                                         const OpRegistry& registry) {
  VF_RETURN_IF_ERROR(options.Validate());
  VF_RETURN_IF_ERROR(CheckDeviceAvailable());
  std::unique_ptr<CudaSession> session(new CudaSession(options, model_name));
  VF_RETURN_IF_ERROR(session->Init(std::move(graph), registry));
  return session;
}

Status CudaSession::Init(Graph graph, const OpRegistry& registry) {
  SessionOptions host_options = options_;
  host_options.device = Device::kHost;
  VF_ASSIGN_OR_RETURN(host_,
                      SessionImpl::Create(std::move(graph), host_options, model_name_, registry));
  return Split(registry);
}

Status CudaSession::Split(const OpRegistry& registry) {
  const Program& hp = host_->program();
  CudaProgram& cp = program_;
  const int n = hp.num_values;
  const int num_steps = static_cast<int>(hp.steps.size());
  cp.host = &hp;
  cp.host_eligible.assign(num_steps, false);
  cp.shape_only.assign(num_steps, false);
  cp.device_kernels.resize(num_steps);
  cp.last_reader.assign(n, -1);
  cp.read_on_device.assign(n, false);
  std::vector<bool> known(n, false), dynamic_shape(n, false);
  for (int v = 0; v < n; ++v) known[v] = hp.constants[v] != nullptr;

  std::vector<std::string> missing;
  std::set<std::string> missing_ops;
  for (int s = 0; s < num_steps; ++s) {
    const Step& step = hp.steps[s];
    const NodeInfo& info = *step.info;
    bool all_known = true, any_dynamic = false;
    for (int v : step.inputs) {
      if (v < 0) continue;
      cp.last_reader[v] = s;
      all_known = all_known && known[v];
      any_dynamic = any_dynamic || dynamic_shape[v];
    }
    cp.shape_only[s] = ReadsShapeOnly(info) && !step.inputs.empty() && step.inputs[0] >= 0 &&
                       !dynamic_shape[step.inputs[0]];
    cp.host_eligible[s] = (all_known && IsFoldable(info.domain, info.op_type)) || cp.shape_only[s];
    if (cp.host_eligible[s]) {
      for (int v : step.outputs) {
        if (v >= 0) known[v] = true;
      }
    } else {
      bool out_dynamic = any_dynamic || HasDataDependentShape(info.op_type);
      const int first = FirstShapeValueInput(info.op_type);
      for (int i = std::max(first, 0); first >= 0 && i < static_cast<int>(step.inputs.size());
           ++i) {
        const int v = step.inputs[i];
        if (v >= 0 && !known[v]) out_dynamic = true;
      }
      for (int v : step.outputs) {
        if (v >= 0) dynamic_shape[v] = out_dynamic;
      }
      for (int v : step.inputs) {
        if (v >= 0) cp.read_on_device[v] = true;
      }
    }
    // Host-eligible steps get their CUDA kernel too, for signatures where their output is large.
    const KernelFactory* factory =
        registry.Find(info.op_type, info.opset, Device::kCuda, info.domain);
    if (factory == nullptr) {
      if (cp.host_eligible[s]) continue;
      std::string op = info.domain.empty() ? info.op_type : info.domain + "." + info.op_type;
      if (missing_ops.insert(op).second) {
        missing.push_back("op '" + op + "' (node '" + info.name + "', opset " +
                          std::to_string(info.opset) + ")");
      }
      continue;
    }
    Result<std::unique_ptr<OpKernel>> kernel = (*factory)(info);
    if (!kernel.ok()) {
      if (cp.host_eligible[s]) continue;  // the CPU kernel serves it
      const std::string prefix = info.Describe();
      const std::string& m = kernel.status().message();
      return Status(kernel.status().code(),
                    m.compare(0, prefix.size(), prefix) == 0 ? m : prefix + ": " + m);
    }
    cp.device_kernels[s] = std::move(kernel).value();
  }
  if (!missing.empty()) {
    std::string message = "the CUDA backend has no kernel for ";
    for (size_t i = 0; i < missing.size(); ++i) message += (i ? ", " : "") + missing[i];
    message += " (run this model with device=cpu); CUDA kernels exist for: ";
    std::vector<std::string> ops = registry.OpTypes(Device::kCuda);
    for (size_t i = 0; i < ops.size(); ++i) message += (i ? ", " : "") + ops[i];
    return Status::Unsupported(message);
  }
  for (int v = 0; v < n; ++v) {
    if (cp.last_reader[v] < 0) cp.last_reader[v] = hp.producer[v];  // unread outputs
  }
  for (int v : hp.graph_outputs) cp.last_reader[v] = Program::kForever;
  cp.last_read_by.assign(num_steps, {});
  for (int v = 0; v < n; ++v) {
    const int last = cp.last_reader[v];
    if (last >= 0 && last < num_steps && hp.constants[v] == nullptr) {
      cp.last_read_by[last].push_back(v);
    }
  }

  // Weights and other constants that device-only nodes read: copied once, for the session.
  cp.constants.resize(n);
  for (int v = 0; v < n; ++v) {
    if (hp.constants[v] == nullptr || !cp.read_on_device[v]) continue;
    VF_ASSIGN_OR_RETURN(DeviceTensor t,
                        UploadTensor(*hp.constants[v], "constant '" + hp.value_names[v] + "'"));
    cp.constants[v] = std::make_unique<DeviceTensor>(std::move(t));
  }
  return Status::Ok();
}

void CudaSession::FinishPlan(const RunTrace& trace, CudaPlan* plan) const {
  const Program& hp = *program_.host;
  const int n = hp.num_values;
  const int num_steps = static_cast<int>(hp.steps.size());
  // The device steps alone, with lifetimes over them, for the memory planner.
  Program& dp = plan->device;
  dp.num_values = n;
  dp.is_graph_output = hp.is_graph_output;
  dp.graph_inputs = hp.graph_inputs;
  dp.graph_outputs = hp.graph_outputs;
  dp.constants.assign(n, nullptr);
  plan->device_index.assign(num_steps, -1);
  for (int s = 0; s < num_steps; ++s) {
    if (plan->mode[s] != StepMode::kDevice) continue;
    Step ds;
    ds.inputs = hp.steps[s].inputs;
    ds.outputs = hp.steps[s].outputs;
    plan->device_index[s] = static_cast<int>(dp.steps.size());
    dp.steps.push_back(std::move(ds));
  }
  const int num_device = static_cast<int>(dp.steps.size());
  dp.last_use.assign(n, -1);
  dp.producer.assign(n, -1);
  for (int d = 0; d < num_device; ++d) {
    for (int v : dp.steps[d].inputs) {
      if (v >= 0) dp.last_use[v] = d;
    }
    for (int v : dp.steps[d].outputs) {
      if (v < 0) continue;
      dp.producer[v] = d;
      dp.last_use[v] = std::max(dp.last_use[v], d);
    }
  }
  for (int v : hp.graph_outputs) dp.last_use[v] = Program::kForever;
  plan->release_after.assign(num_device, {});
  for (int v = 0; v < n; ++v) {
    const int last = dp.last_use[v];
    if (last >= 0 && last < num_device && hp.constants[v] == nullptr && !plan->has_host_value[v]) {
      plan->release_after[last].push_back(v);
    }
  }
  plan->memory = BuildPlan(dp, trace);
}

std::shared_ptr<const CudaPlan> CudaSession::FindPlan(const std::string& signature) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = plans_.find(signature);
  return it == plans_.end() ? nullptr : it->second;
}

void CudaSession::StorePlan(const std::string& signature,
                            std::shared_ptr<const CudaPlan> plan) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!plans_.emplace(signature, std::move(plan)).second) return;  // another run was first
  plan_order_.push_back(signature);
  while (plan_order_.size() > kMaxCachedPlans) {
    plans_.erase(plan_order_.front());
    plan_order_.pop_front();
  }
}

Result<std::vector<Tensor>> CudaSession::Run(
    const std::vector<std::pair<std::string, Tensor>>& inputs) const {
  std::string signature;
  VF_ASSIGN_OR_RETURN(auto bound, host_->BindInputs(inputs, &signature));
  std::shared_ptr<const CudaPlan> plan = FindPlan(signature);
  VF_ASSIGN_OR_RETURN(std::unique_ptr<DeviceResources> resources, resources_.Acquire());
  if (plan != nullptr) {
    Status reserved = resources->ReserveArena(plan->memory.arena_bytes);
    if (!reserved.ok()) {
      resources_.Release(std::move(resources));
      return reserved;
    }
  }
  const int n = program_.host->num_values;
  std::unique_ptr<CudaPlan> recording;
  std::optional<RunTrace> trace;
  if (plan == nullptr) {
    recording = std::make_unique<CudaPlan>();
    recording->mode.assign(program_.host->steps.size(), StepMode::kDevice);
    recording->has_host_value.assign(n, false);
    recording->host_values.resize(n);
    recording->device_values.resize(n);
    trace.emplace(n);
  }
  CudaExecuteArgs args;
  args.program = &program_;
  args.plan = plan.get();
  args.recording = recording.get();
  args.trace = trace ? &*trace : nullptr;
  args.resources = resources.get();
  args.pool = pool_.get();
  args.profiler = profiler_.get();
  CudaRunStats stats;
  Result<std::vector<Tensor>> outputs = ExecuteOnDevice(args, std::move(bound), &stats);
  if (!outputs.ok()) {
    // Let queued work finish before the stream and arena serve another run.
    cudaStreamSynchronize(resources->stream());
  }
  resources_.Release(std::move(resources));
  if (!outputs.ok()) return outputs.status();
  if (recording != nullptr) {
    FinishPlan(*trace, recording.get());
    stats.static_device_bytes = recording->static_device_bytes;
    StorePlan(signature, std::shared_ptr<const CudaPlan>(std::move(recording)));
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    last_stats_ = stats;
  }
  const std::vector<ValueInfo>& declared = this->outputs();
  for (size_t i = 0; i < declared.size() && i < outputs->size(); ++i) {
    Tensor& t = (*outputs)[i];
    if (declared[i].dtype == DataType::kFloat16 && t.dtype() == DataType::kFloat32) {
      t = FloatToHalfTensor(t);
    }
  }
  return outputs;
}

CudaRunStats CudaSession::last_run_stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_stats_;
}

size_t CudaSession::num_cached_plans() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return plans_.size();
}

}  // namespace voxface::nn::cuda

namespace voxface::nn {

Result<std::unique_ptr<Session>> CreateCudaSession(Graph graph, const SessionOptions& options,
                                                   const std::string& model_name) {
  VF_ASSIGN_OR_RETURN(std::unique_ptr<cuda::CudaSession> session,
                      cuda::CudaSession::Create(std::move(graph), options, model_name));
  return std::unique_ptr<Session>(std::move(session));
}

}  // namespace voxface::nn
