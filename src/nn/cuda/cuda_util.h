// SPDX-License-Identifier: Apache-2.0
// Error handling and memory helpers of the CUDA backend. Every CUDA and cuBLAS call is checked;
// a failure becomes a Status that names the call and says what to do, never an abort.
#ifndef VOXFACE_SRC_NN_CUDA_CUDA_UTIL_H_
#define VOXFACE_SRC_NN_CUDA_CUDA_UTIL_H_

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstddef>
#include <memory>
#include <string>

#include "nn/tensor.h"
#include "voxface/status.h"

namespace voxface::nn::cuda {

// Ok, or an error naming `what` (the call) and the CUDA error. Out-of-memory errors say so and
// suggest a smaller batch.
Status CudaCheck(cudaError_t error, const char* what);
Status CublasCheck(cublasStatus_t status, const char* what);

#define VF_CUDA_RETURN_IF_ERROR(call) \
  VF_RETURN_IF_ERROR(::voxface::nn::cuda::CudaCheck((call), #call))
#define VF_CUBLAS_RETURN_IF_ERROR(call) \
  VF_RETURN_IF_ERROR(::voxface::nn::cuda::CublasCheck((call), #call))
// After a kernel launch: launch errors (bad configuration) surface here, at the launching node.
#define VF_CUDA_RETURN_IF_LAUNCH_FAILED(what) \
  VF_RETURN_IF_ERROR(::voxface::nn::cuda::CudaCheck(cudaGetLastError(), what))

// Ok when a CUDA device can be used by this process; otherwise why not ("no CUDA GPU found",
// driver too old, ...) and what to do. Cached after the first call.
Status CheckDeviceAvailable();

// Keeps memory freed with cudaFreeAsync in the device's pool instead of returning it to the
// driver at every synchronisation, so per-run allocations (graph inputs and outputs, scratch,
// recording runs) are cheap after the first run. Called once per process.
Status ConfigureMemoryPool();

// A cudaMalloc'd block, freed on destruction (cudaFree waits for the device: use for long-lived
// memory such as weights, never per step).
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer&& other) noexcept;
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  // `what` names the buffer in the error ("weights of Conv node 'x'").
  static Result<DeviceBuffer> Allocate(size_t bytes, const std::string& what);
  void* get() const { return data_; }
  size_t size() const { return size_; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

// A device copy of a host tensor (blocking; for load time and plan time only).
struct DeviceTensor {
  DeviceBuffer buffer;
  Tensor tensor;  // borrows `buffer`, Device::kCuda
};
Result<DeviceTensor> UploadTensor(const Tensor& host, const std::string& what);

// Elements of a launch grid for n work items (grid-stride loops cover the rest).
inline unsigned GridFor(int64_t n, int block = 256) {
  int64_t blocks = (n + block - 1) / block;
  return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > 65535 * 8 ? 65535 * 8 : blocks));
}

}  // namespace voxface::nn::cuda

#endif  // VOXFACE_SRC_NN_CUDA_CUDA_UTIL_H_
