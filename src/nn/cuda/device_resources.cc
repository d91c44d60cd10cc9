// SPDX-License-Identifier: Apache-2.0
#include "nn/cuda/device_resources.h"

#include <cstdlib>
#include <cstring>
#include <string>

#include "nn/cuda/cuda_util.h"

namespace voxface::nn::cuda {
namespace {

// TF32 tensor-core GEMMs are several times faster than FP32 ones but round the operands to a
// 10-bit mantissa (about 3e-4 relative error): opt-in, so results match the CPU runtime unless
// the deployment asks for speed.
bool UseTf32() {
  const char* env = std::getenv("VOXFACE_NN_CUDA_TF32");
  return env != nullptr && std::strcmp(env, "1") == 0;
}

}  // namespace

Result<std::unique_ptr<DeviceResources>> DeviceResources::Create() {
  std::unique_ptr<DeviceResources> r(new DeviceResources());
  VF_CUDA_RETURN_IF_ERROR(cudaStreamCreateWithFlags(&r->stream_, cudaStreamNonBlocking));
  VF_CUBLAS_RETURN_IF_ERROR(cublasCreate(&r->cublas_));
  VF_CUBLAS_RETURN_IF_ERROR(cublasSetStream(r->cublas_, r->stream_));
  VF_CUBLAS_RETURN_IF_ERROR(
      cublasSetMathMode(r->cublas_, UseTf32() ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH));
  return r;
}

DeviceResources::~DeviceResources() {
  // Work still queued (a run that failed half-way) must finish before its memory goes.
  if (stream_ != nullptr) cudaStreamSynchronize(stream_);
  if (arena_ != nullptr) cudaFree(arena_);
  if (cublas_ != nullptr) cublasDestroy(cublas_);
  if (stream_ != nullptr) cudaStreamDestroy(stream_);
}

Status DeviceResources::ReserveArena(size_t bytes) {
  if (bytes <= arena_capacity_) return Status::Ok();
  // The old arena may still be read by queued work of an earlier run on this stream.
  VF_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream_));
  if (arena_ != nullptr) {
    VF_CUDA_RETURN_IF_ERROR(cudaFree(arena_));
    arena_ = nullptr;
    arena_capacity_ = 0;
  }
  void* p = nullptr;
  VF_RETURN_IF_ERROR(
      CudaCheck(cudaMalloc(&p, bytes),
                ("cudaMalloc of the " + std::to_string(bytes) + "-byte arena").c_str()));
  arena_ = static_cast<uint8_t*>(p);
  arena_capacity_ = bytes;
  VF_CUDA_RETURN_IF_ERROR(cudaMemsetAsync(arena_, 0xff, bytes, stream_));
  return Status::Ok();
}

Result<std::unique_ptr<DeviceResources>> DeviceResourcePool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!free_.empty()) {
      std::unique_ptr<DeviceResources> r = std::move(free_.back());
      free_.pop_back();
      return r;
    }
  }
  return DeviceResources::Create();
}

void DeviceResourcePool::Release(std::unique_ptr<DeviceResources> resources) {
  if (resources == nullptr) return;
  std::lock_guard<std::mutex> lock(mutex_);
  free_.push_back(std::move(resources));
}

}  // namespace voxface::nn::cuda
