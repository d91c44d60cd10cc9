// SPDX-License-Identifier: Apache-2.0
// One run of a CudaProgram: binds the inputs on the device, queues every device step on the
// run's stream (and, in a recording run, evaluates the host-once steps in order between them),
// releases values after their last device reader, and copies the graph outputs back.
#ifndef VOXFACE_SRC_NN_CUDA_CUDA_EXECUTOR_H_
#define VOXFACE_SRC_NN_CUDA_CUDA_EXECUTOR_H_

#include <utility>
#include <vector>

#include "nn/cuda/cuda_session.h"
#include "nn/cuda/device_resources.h"
#include "nn/execution_plan.h"
#include "nn/profiler.h"
#include "nn/thread_pool.h"

namespace voxface::nn::cuda {

struct CudaExecuteArgs {
  const CudaProgram* program = nullptr;
  const CudaPlan* plan = nullptr;  // nullptr: a recording run, filling `recording` and `trace`
  CudaPlan* recording = nullptr;
  RunTrace* trace = nullptr;
  DeviceResources* resources = nullptr;
  ThreadPool* pool = nullptr;    // for the host-once steps
  Profiler* profiler = nullptr;  // times device steps with events (waits once per run)
};

// `inputs`: (value id, host tensor) for every graph input. Returns the graph outputs in order,
// in host memory. On error, work already queued may still be running: synchronise the stream
// before reusing the resources.
Result<std::vector<Tensor>> ExecuteOnDevice(const CudaExecuteArgs& args,
                                            std::vector<std::pair<int, Tensor>> inputs,
                                            CudaRunStats* stats);

}  // namespace voxface::nn::cuda

#endif  // VOXFACE_SRC_NN_CUDA_CUDA_EXECUTOR_H_
