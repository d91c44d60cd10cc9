// SPDX-License-Identifier: Apache-2.0
// The CUDA session behind nn::Session when SessionOptions.device is kCuda.
//
// Loading goes through the CPU session (SessionImpl): it parses the model, checks every op,
// folds constants and builds the program with host kernels. This session then splits the program:
//  - host-once steps: nodes whose inputs are all known without running the device, i.e.
//    constants, the output of Shape/Size (whose input shape is fixed by the input shapes) and
//    anything computed from those only (Gather/Concat/Unsqueeze/Cast/ConstantOfShape/Range/...
//    shape arithmetic, even NonZero on such values). They run on the host with the CPU kernels,
//    once per input-shape signature, in the recording run; their results are kept in the plan
//    (with a device copy where a device node reads them) and never run again. One whose output
//    is large (more than 64K elements: shape-derived data, such as a scalar expanded to a whole
//    tensor) runs on the device instead, in every run;
//  - device steps: everything else, each with its CUDA kernel, queued on the run's stream.
// A run copies the inputs to the device once, queues every device step, copies the outputs back
// once and waits for the stream once. Only a device node that needs a device-computed value on
// the host waits in between (data-dependent shapes: NonZero on device data, a Reshape whose
// shape was computed from tensor values); the run statistics count those waits.
#ifndef VOXFACE_SRC_NN_CUDA_CUDA_SESSION_H_
#define VOXFACE_SRC_NN_CUDA_CUDA_SESSION_H_

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "nn/cuda/cuda_util.h"
#include "nn/cuda/device_resources.h"
#include "nn/execution_plan.h"
#include "nn/executor.h"
#include "nn/graph.h"
#include "nn/profiler.h"
#include "nn/program.h"
#include "nn/session.h"
#include "nn/session_impl.h"

namespace voxface::nn::cuda {

enum class StepMode : uint8_t { kHostOnce, kDevice };

// What the graph says about each step, whatever the input shapes.
struct CudaProgram {
  const Program* host = nullptr;  // nodes, host kernels, value facts (the CPU session's)
  // Per step: every input is known without the device (constants, shape arithmetic), or the
  // step reads only shapes (Shape/Size of a value whose shape the input shapes fix).
  std::vector<bool> host_eligible;
  std::vector<bool> shape_only;
  std::vector<std::unique_ptr<OpKernel>> device_kernels;  // per step; null without a CUDA kernel
  std::vector<int> last_reader;                           // per value: its last reader, or -1
  std::vector<std::vector<int>> last_read_by;             // per step: values it reads last
  std::vector<bool> read_on_device;  // per value: read by a step that always runs on the device
  std::vector<std::unique_ptr<DeviceTensor>>
      constants;  // device copies of the constants those read
};

// Per input-shape signature. Host-eligible steps run once on the host in the recording run,
// unless their output is large (shape-derived data such as a scalar expanded to the whole
// prediction, which belongs on the device): those run on the device like any other step.
struct CudaPlan {
  std::vector<StepMode> mode;                   // per step
  std::vector<int> device_index;                // per step: its index in `device`, or -1
  Program device;                               // the device steps' inputs/outputs, for BuildPlan
  std::vector<std::vector<int>> release_after;  // per device step: values it reads last
  ExecutionPlan memory;
  std::vector<bool> has_host_value;
  std::vector<Tensor> host_values;                           // by value id
  std::vector<std::unique_ptr<DeviceTensor>> device_values;  // device copies, by value id
  size_t static_device_bytes = 0;
};

struct CudaRunStats {
  RunStats memory;                 // arena placement, as on the CPU
  int device_steps = 0;            // device nodes queued
  int host_steps = 0;              // host-once nodes evaluated (recording runs only)
  int host_syncs = 0;              // waits for the stream inside the run (data-dependent values)
  size_t static_device_bytes = 0;  // device copies of host-once values kept by the plan
};

class CudaSession final : public Session {
 public:
  static constexpr size_t kMaxCachedPlans = 32;

  static Result<std::unique_ptr<CudaSession>> Create(
      Graph graph, const SessionOptions& options, const std::string& model_name,
      const OpRegistry& registry = OpRegistry::Default());
  ~CudaSession() override;

  const std::vector<ValueInfo>& inputs() const override { return host_->inputs(); }
  const std::vector<ValueInfo>& outputs() const override { return host_->outputs(); }
  Result<std::vector<Tensor>> Run(
      const std::vector<std::pair<std::string, Tensor>>& inputs) const override;

  // Introspection for tests and tools.
  const CudaProgram& program() const { return program_; }
  CudaRunStats last_run_stats() const;
  size_t num_cached_plans() const;

 private:
  CudaSession(const SessionOptions& options, std::string model_name);
  Status Init(Graph graph, const OpRegistry& registry);
  Status Split(const OpRegistry& registry);
  // The device program, lifetimes and arena layout of a finished recording run.
  void FinishPlan(const RunTrace& trace, CudaPlan* plan) const;
  std::shared_ptr<const CudaPlan> FindPlan(const std::string& signature) const;
  void StorePlan(const std::string& signature, std::shared_ptr<const CudaPlan> plan) const;

  SessionOptions options_;
  std::string model_name_;
  std::unique_ptr<SessionImpl> host_;
  std::unique_ptr<ThreadPool> pool_;
  CudaProgram program_;
  std::unique_ptr<Profiler> profiler_;

  mutable std::mutex mutex_;  // guards the plan cache and the last stats
  mutable std::map<std::string, std::shared_ptr<const CudaPlan>> plans_;
  mutable std::deque<std::string> plan_order_;
  mutable CudaRunStats last_stats_;
  mutable DeviceResourcePool resources_;
};

}  // namespace voxface::nn::cuda

namespace voxface::nn {
// Session::Load's entry into this backend (session.cc).
Result<std::unique_ptr<Session>> CreateCudaSession(Graph graph, const SessionOptions& options,
                                                   const std::string& model_name);
}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_CUDA_CUDA_SESSION_H_
