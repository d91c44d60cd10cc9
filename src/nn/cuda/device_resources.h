// SPDX-License-Identifier: Apache-2.0
// What one run on the GPU owns: a stream (every kernel, copy and allocation of the run is queued
// on it, so nodes never wait for the host), a cuBLAS handle bound to that stream, and the arena
// the execution plan places intermediate values in (one cudaMalloc, grown only when a larger plan
// comes). Runs take resources from a pool, so concurrent runs of a session never share a stream
// or an arena, and a steady stream of runs allocates nothing.
#ifndef VOXFACE_SRC_NN_CUDA_DEVICE_RESOURCES_H_
#define VOXFACE_SRC_NN_CUDA_DEVICE_RESOURCES_H_

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "voxface/status.h"

namespace voxface::nn::cuda {

class DeviceResources {
 public:
  static Result<std::unique_ptr<DeviceResources>> Create();
  ~DeviceResources();
  DeviceResources(const DeviceResources&) = delete;
  DeviceResources& operator=(const DeviceResources&) = delete;

  cudaStream_t stream() const { return stream_; }
  cublasHandle_t cublas() const { return cublas_; }

  // Grows (never shrinks) the arena to at least `bytes`. New arena memory is filled with 0xff
  // (NaN as float, -1 as int) so a kernel that leaves part of its output unwritten fails tests.
  Status ReserveArena(size_t bytes);
  uint8_t* arena() const { return arena_; }
  size_t arena_capacity() const { return arena_capacity_; }

 private:
  DeviceResources() = default;

  cudaStream_t stream_ = nullptr;
  cublasHandle_t cublas_ = nullptr;
  uint8_t* arena_ = nullptr;
  size_t arena_capacity_ = 0;
};

class DeviceResourcePool {
 public:
  Result<std::unique_ptr<DeviceResources>> Acquire();
  void Release(std::unique_ptr<DeviceResources> resources);

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<DeviceResources>> free_;
};

}  // namespace voxface::nn::cuda

#endif  // VOXFACE_SRC_NN_CUDA_DEVICE_RESOURCES_H_
