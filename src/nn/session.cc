// SPDX-License-Identifier: Apache-2.0
#include "nn/session.h"

#include <algorithm>
#include <iostream>
#include <optional>
#include <set>

#include "nn/constant_folding.h"
#include "nn/half.h"
#include "nn/onnx_loader.h"
#include "nn/session_impl.h"

namespace voxface::nn {

#ifdef VOXFACE_HAVE_CUDA
// nn/cuda/cuda_session.cc (declared here so this file needs no CUDA headers).
Result<std::unique_ptr<Session>> CreateCudaSession(Graph graph, const SessionOptions& options,
                                                   const std::string& model_name);
#endif

namespace {

std::string DimsToString(const std::vector<int64_t>& dims, const std::vector<std::string>& names) {
  std::string out = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) out += ", ";
    if (dims[i] >= 0) {
      out += std::to_string(dims[i]);
    } else {
      out += i < names.size() && !names[i].empty() ? names[i] : "?";
    }
  }
  return out + "]";
}

std::string Describe(const ValueInfo& info) {
  return std::string(DataTypeName(info.dtype)) + " " + DimsToString(info.dims, info.dim_names);
}

ValueInfo MakeValueInfo(const GraphValue& value) {
  ValueInfo info;
  info.name = value.name;
  info.dtype = value.dtype;
  info.dims = value.dims;
  info.dim_names = value.dim_names;
  return info;
}

Tensor HalfToFloatTensor(const Tensor& t) {
  Tensor out = Tensor::Zeros(DataType::kFloat32, t.shape());
  const auto* in = static_cast<const uint16_t*>(t.raw());
  float* o = out.data<float>();
  for (int64_t i = 0; i < t.size(); ++i) o[i] = HalfToFloat(in[i]);
  return out;
}

Tensor FloatToHalfTensor(const Tensor& t) {
  Tensor out = Tensor::Zeros(DataType::kFloat16, t.shape());
  const float* in = t.data<float>();
  auto* o = static_cast<uint16_t*>(out.raw());
  for (int64_t i = 0; i < t.size(); ++i) o[i] = FloatToHalf(in[i]);
  return out;
}

}  // namespace

Status SessionOptions::Validate() const {
  if (num_threads < 1 || num_threads > 256) {
    return Status::InvalidArgument("nn session num_threads must be in [1, 256], got " +
                                   std::to_string(num_threads));
  }
#ifndef VOXFACE_HAVE_CUDA
  if (device == Device::kCuda) {
    return Status::Unsupported(
        "nn session device cuda: this build has no CUDA backend (configure with VOXFACE_CUDA=ON)");
  }
#endif
  return Status::Ok();
}

Result<std::unique_ptr<Session>> Session::Load(const std::string& path,
                                               const SessionOptions& options) {
  VF_RETURN_IF_ERROR(options.Validate());
  VF_ASSIGN_OR_RETURN(Graph graph, LoadOnnxFile(path));
#ifdef VOXFACE_HAVE_CUDA
  if (options.device == Device::kCuda) {
    Result<std::unique_ptr<Session>> cuda = CreateCudaSession(std::move(graph), options, path);
    if (!cuda.ok()) return cuda.status().WithContext(path);
    return cuda;
  }
#endif
  Result<std::unique_ptr<SessionImpl>> session =
      SessionImpl::Create(std::move(graph), options, path);
  if (!session.ok()) return session.status().WithContext(path);
  return std::unique_ptr<Session>(std::move(session).value());
}

Result<std::unique_ptr<Session>> Session::LoadFromBytes(std::string_view bytes,
                                                        const std::string& base_dir,
                                                        const SessionOptions& options) {
  VF_RETURN_IF_ERROR(options.Validate());
  VF_ASSIGN_OR_RETURN(Graph graph, LoadOnnxModel(bytes, base_dir));
#ifdef VOXFACE_HAVE_CUDA
  if (options.device == Device::kCuda) return CreateCudaSession(std::move(graph), options, "<memory>");
#endif
  VF_ASSIGN_OR_RETURN(std::unique_ptr<SessionImpl> session,
                      SessionImpl::Create(std::move(graph), options, "<memory>"));
  return std::unique_ptr<Session>(std::move(session));
}

SessionImpl::SessionImpl(const SessionOptions& options, std::string model_name)
    : options_(options),
      model_name_(std::move(model_name)),
      pool_(std::make_unique<ThreadPool>(options.num_threads)),
      profiler_(Profiler::FromEnvironment(model_name_)) {}

SessionImpl::~SessionImpl() {
  if (profiler_ != nullptr) profiler_->Print(std::cerr);
}

Result<std::unique_ptr<SessionImpl>> SessionImpl::Create(Graph graph, const SessionOptions& options,
                                                         const std::string& model_name,
                                                         const OpRegistry& registry) {
  VF_RETURN_IF_ERROR(options.Validate());
  if (options.device != Device::kHost) {
    return Status::InvalidArgument("SessionImpl runs on the CPU; Session::Load makes CUDA sessions");
  }
  std::unique_ptr<SessionImpl> session(new SessionImpl(options, model_name));
  VF_RETURN_IF_ERROR(session->Init(std::move(graph), registry));
  return session;
}

Status SessionImpl::CheckOpsSupported(const Graph& graph, const std::vector<bool>& live,
                                      const OpRegistry& registry) const {
  std::vector<std::string> problems;
  std::set<std::string> seen;
  bool opset_problem = false;
  const auto& nodes = graph.nodes();
  for (size_t n = 0; n < nodes.size(); ++n) {
    if (!live[n]) continue;
    const GraphNode& node = nodes[n];
    int opset = graph.OpsetFor(node.domain);
    if (registry.Find(node.op_type, opset, options_.device, node.domain) != nullptr) continue;
    std::string op = node.domain.empty() ? node.op_type : node.domain + "." + node.op_type;
    if (!seen.insert(op).second) continue;
    int since = 0;
    for (int o = opset + 1; o <= kMaxOpset && since == 0; ++o) {
      if (registry.Find(node.op_type, o, options_.device, node.domain) != nullptr) since = o;
    }
    if (since > 0) {
      opset_problem = true;
      problems.push_back("op '" + op + "' in node '" + node.name + "' is supported from opset " +
                         std::to_string(since) + " on, but the model imports opset " +
                         std::to_string(opset));
    } else if (!node.domain.empty() && opset == 0) {
      problems.push_back("op '" + op + "' in node '" + node.name + "' is in domain '" +
                         node.domain + "', which the model does not import");
    } else {
      problems.push_back("unsupported op '" + op + "' in node '" + node.name + "' (opset " +
                         std::to_string(opset) + ")");
    }
  }
  if (problems.empty()) return Status::Ok();
  std::string message;
  for (const std::string& p : problems) message += (message.empty() ? "" : "; ") + p;
  if (opset_problem) {
    message += " (re-export the model with opset " + std::to_string(kMinTestedOpset) + "-17)";
  }
  message += ": voxface nn supports: ";
  std::vector<std::string> ops = registry.OpTypes(options_.device);
  for (size_t i = 0; i < ops.size(); ++i) message += (i ? ", " : "") + ops[i];
  return Status::Unsupported(message);
}

Status SessionImpl::Init(Graph graph, const OpRegistry& registry) {
  graph_ = std::move(graph);
  for (int id : graph_.inputs()) {
    inputs_.push_back(MakeValueInfo(graph_.value(id)));
    input_ids_.push_back(id);
  }
  for (int id : graph_.outputs()) outputs_.push_back(MakeValueInfo(graph_.value(id)));

  // Only nodes that lead to a graph output run.
  const int num_values = graph_.num_values();
  std::vector<GraphNode>& nodes = graph_.nodes();
  std::vector<bool> needed(num_values, false);
  std::vector<bool> live(nodes.size(), false);
  for (int id : graph_.outputs()) needed[id] = true;
  for (size_t n = nodes.size(); n-- > 0;) {
    for (int v : nodes[n].outputs) live[n] = live[n] || (v >= 0 && needed[v]);
    if (!live[n]) continue;
    for (int v : nodes[n].inputs) {
      if (v >= 0) needed[v] = true;
    }
  }
  VF_RETURN_IF_ERROR(CheckOpsSupported(graph_, live, registry));

  for (size_t n = 0; n < nodes.size(); ++n) {
    if (!live[n]) continue;
    GraphNode& node = nodes[n];
    auto info = std::make_unique<NodeInfo>();
    info->name = node.name;
    info->op_type = node.op_type;
    info->domain = node.domain;
    info->opset = graph_.OpsetFor(node.domain);
    info->attrs = node.attrs;
    info->num_inputs = static_cast<int>(node.inputs.size());
    info->num_outputs = static_cast<int>(node.outputs.size());
    bool all_constant = true;
    for (int v : node.inputs) {
      info->input_present.push_back(v >= 0);
      const Tensor* c = v >= 0 ? graph_.FindConstant(v) : nullptr;
      info->constant_inputs.push_back(c);
      if (v >= 0 && c == nullptr) all_constant = false;
    }
    for (int v : node.outputs) info->output_present.push_back(v >= 0);
    const KernelFactory* factory =
        registry.Find(node.op_type, info->opset, options_.device, node.domain);
    Result<std::unique_ptr<OpKernel>> kernel = (*factory)(*info);
    if (!kernel.ok()) {
      const std::string prefix = info->Describe();
      const std::string& m = kernel.status().message();
      return Status(kernel.status().code(),
                    m.compare(0, prefix.size(), prefix) == 0 ? m : prefix + ": " + m);
    }
    if (options_.fold_constants && all_constant && IsFoldable(node.domain, node.op_type)) {
      Result<std::vector<Tensor>> folded =
          EvaluateOnConstants(**kernel, *info, info->constant_inputs, *pool_);
      if (!folded.ok()) {
        return folded.status().WithContext("evaluating constant " + info->Describe());
      }
      for (size_t i = 0; i < node.outputs.size(); ++i) {
        int v = node.outputs[i];
        if (v < 0) continue;
        if (i >= folded->size() || (*folded)[i].raw() == nullptr) {
          return Status::Internal(info->Describe() + " did not produce output " +
                                  std::to_string(i) + " while folding constants");
        }
        graph_.constants()[v] = std::move((*folded)[i]);
      }
      continue;
    }
    Step step;
    step.info = std::move(info);
    step.kernel = std::move(kernel).value();
    step.inputs = node.inputs;
    step.outputs = node.outputs;
    program_.steps.push_back(std::move(step));
  }

  // Weights only folded nodes read are no longer needed.
  std::vector<bool> used(num_values, false);
  for (const Step& s : program_.steps) {
    for (int v : s.inputs) {
      if (v >= 0) used[v] = true;
    }
  }
  for (int id : graph_.outputs()) used[id] = true;
  for (auto it = graph_.constants().begin(); it != graph_.constants().end();) {
    it = used[it->first] ? std::next(it) : graph_.constants().erase(it);
  }

  Program& p = program_;
  p.num_values = num_values;
  p.constants.assign(num_values, nullptr);
  for (const auto& [id, tensor] : graph_.constants()) p.constants[id] = &tensor;
  p.last_use.assign(num_values, -1);
  p.producer.assign(num_values, -1);
  p.is_graph_output.assign(num_values, false);
  for (int s = 0; s < static_cast<int>(p.steps.size()); ++s) {
    for (int v : p.steps[s].inputs) {
      if (v >= 0) p.last_use[v] = s;
    }
    for (int v : p.steps[s].outputs) {
      if (v < 0) continue;
      p.producer[v] = s;
      p.last_use[v] = std::max(p.last_use[v], s);
    }
  }
  for (int id : graph_.outputs()) {
    p.is_graph_output[id] = true;
    p.last_use[id] = Program::kForever;
  }
  p.release_after.assign(p.steps.size(), {});
  for (int v = 0; v < num_values; ++v) {
    const int last = p.last_use[v];
    if (last >= 0 && last < static_cast<int>(p.steps.size()) && p.constants[v] == nullptr) {
      p.release_after[last].push_back(v);
    }
  }
  p.graph_inputs = graph_.inputs();
  p.graph_outputs = graph_.outputs();
  p.value_names.resize(num_values);
  for (int v = 0; v < num_values; ++v) p.value_names[v] = graph_.value(v).name;
  return Status::Ok();
}

Result<std::vector<std::pair<int, Tensor>>> SessionImpl::BindInputs(
    const std::vector<std::pair<std::string, Tensor>>& inputs, std::string* signature) const {
  std::vector<Tensor> given(inputs_.size());
  std::vector<bool> seen(inputs_.size(), false);
  for (const auto& [name, tensor] : inputs) {
    // (clang 14 cannot capture a structured binding in a lambda.)
    auto it = std::find_if(inputs_.begin(), inputs_.end(),
                           [&name = name](const ValueInfo& v) { return v.name == name; });
    if (it == inputs_.end()) {
      int id = graph_.FindValue(name);
      if (id >= 0 && graph_.FindConstant(id) != nullptr) {
        return Status::InvalidArgument("input '" + name +
                                       "' is a constant (initializer) of this model and cannot "
                                       "be fed");
      }
      std::string names;
      for (const ValueInfo& v : inputs_) names += (names.empty() ? "'" : ", '") + v.name + "'";
      return Status::InvalidArgument("unknown input '" + name + "'; the model's inputs are " +
                                     (names.empty() ? "none" : names));
    }
    size_t i = static_cast<size_t>(it - inputs_.begin());
    if (seen[i]) return Status::InvalidArgument("input '" + name + "' is given twice");
    seen[i] = true;
    if (tensor.device() != Device::kHost) {
      return Status::Unsupported("input '" + name + "' is in device memory; pass host tensors");
    }
    if (tensor.empty()) return Status::InvalidArgument("input '" + name + "' has no data");
    const ValueInfo& declared = *it;
    const GraphValue& value = graph_.value(input_ids_[i]);
    Tensor t = tensor;
    // Float16 is a storage type here: the graph computes in float32.
    if (t.dtype() == DataType::kFloat16 &&
        (declared.dtype == DataType::kFloat16 || !value.has_type)) {
      t = HalfToFloatTensor(t);
    } else if (value.has_type && t.dtype() != declared.dtype &&
               !(declared.dtype == DataType::kFloat16 && t.dtype() == DataType::kFloat32)) {
      return Status::InvalidArgument("input '" + name + "' is " +
                                     std::string(DataTypeName(t.dtype())) +
                                     " but the model expects " + Describe(declared));
    }
    if (value.has_shape) {
      bool ok = t.rank() == static_cast<int>(declared.dims.size());
      for (int d = 0; ok && d < t.rank(); ++d) {
        ok = declared.dims[d] < 0 || declared.dims[d] == t.dim(d);
      }
      if (!ok) {
        return Status::InvalidArgument("input '" + name + "' has shape " +
                                       ShapeToString(t.shape()) + " but the model expects " +
                                       Describe(declared));
      }
    }
    given[i] = std::move(t);
  }
  // A symbolic dimension ("batch", "frames") must take one value across all inputs.
  std::map<std::string, std::pair<int64_t, std::string>> symbols;
  std::vector<std::pair<int, Tensor>> bound;
  signature->clear();
  for (size_t i = 0; i < inputs_.size(); ++i) {
    const ValueInfo& declared = inputs_[i];
    if (!seen[i]) {
      return Status::InvalidArgument("missing input '" + declared.name + "' (" +
                                     Describe(declared) + ")");
    }
    const Tensor& t = given[i];
    for (int d = 0; d < t.rank() && d < static_cast<int>(declared.dim_names.size()); ++d) {
      const std::string& sym = declared.dim_names[d];
      if (sym.empty() || declared.dims[d] >= 0) continue;
      auto [pos, inserted] = symbols.emplace(sym, std::make_pair(t.dim(d), declared.name));
      if (!inserted && pos->second.first != t.dim(d)) {
        return Status::InvalidArgument("input '" + declared.name + "' has " + sym + " = " +
                                       std::to_string(t.dim(d)) + " but input '" +
                                       pos->second.second + "' has " + sym + " = " +
                                       std::to_string(pos->second.first));
      }
    }
    *signature += std::to_string(static_cast<int>(t.dtype())) + ShapeToString(t.shape()) + ";";
    bound.emplace_back(input_ids_[i], std::move(given[i]));
  }
  return bound;
}

std::shared_ptr<const ExecutionPlan> SessionImpl::FindPlan(const std::string& signature) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = plans_.find(signature);
  return it == plans_.end() ? nullptr : it->second;
}

void SessionImpl::StorePlan(const std::string& signature,
                            std::shared_ptr<const ExecutionPlan> plan) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!plans_.emplace(signature, std::move(plan)).second) return;  // another run was first
  plan_order_.push_back(signature);
  while (plan_order_.size() > kMaxCachedPlans) {
    plans_.erase(plan_order_.front());
    plan_order_.pop_front();
  }
}

Result<std::vector<Tensor>> SessionImpl::Run(
    const std::vector<std::pair<std::string, Tensor>>& inputs) const {
  std::string signature;
  VF_ASSIGN_OR_RETURN(auto bound, BindInputs(inputs, &signature));
  std::shared_ptr<const ExecutionPlan> plan = FindPlan(signature);
  std::unique_ptr<Arena> arena = arenas_.Acquire();
  if (plan != nullptr) {
    arena->Reserve(plan->arena_bytes);
    if (arena->capacity() < plan->arena_bytes) {
      arenas_.Release(std::move(arena));
      return Status::OutOfRange("cannot allocate the " + std::to_string(plan->arena_bytes) +
                                "-byte arena for this run");
    }
  }
  std::optional<RunTrace> trace;
  if (plan == nullptr) trace.emplace(program_.num_values);
  ExecuteArgs args;
  args.program = &program_;
  args.plan = plan.get();
  args.arena = arena.get();
  args.trace = trace ? &*trace : nullptr;
  args.pool = pool_.get();
  args.profiler = profiler_.get();
  RunStats stats;
  Result<std::vector<Tensor>> outputs = Execute(args, std::move(bound), &stats);
  arenas_.Release(std::move(arena));
  if (!outputs.ok()) return outputs.status();
  if (plan == nullptr) {
    StorePlan(signature, std::make_shared<const ExecutionPlan>(BuildPlan(program_, *trace)));
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    last_stats_ = stats;
  }
  for (size_t i = 0; i < outputs_.size(); ++i) {
    Tensor& t = (*outputs)[i];
    if (outputs_[i].dtype == DataType::kFloat16 && t.dtype() == DataType::kFloat32) {
      t = FloatToHalfTensor(t);
    }
  }
  return outputs;
}

size_t SessionImpl::num_cached_plans() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return plans_.size();
}

RunStats SessionImpl::last_run_stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_stats_;
}

}  // namespace voxface::nn
