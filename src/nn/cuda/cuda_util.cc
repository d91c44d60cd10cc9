// SPDX-License-Identifier: Apache-2.0
#include "nn/cuda/cuda_util.h"

#include <cstdint>
#include <mutex>
#include <utility>

namespace voxface::nn::cuda {

Status CudaCheck(cudaError_t error, const char* what) {
  if (error == cudaSuccess) return Status::Ok();
  std::string message = std::string("CUDA error in ") + what + ": " + cudaGetErrorName(error) +
                        " (" + cudaGetErrorString(error) + ")";
  if (error == cudaErrorMemoryAllocation) {
    message += "; the GPU is out of memory: run smaller batches or fewer concurrent sessions";
    return Status::OutOfRange(message);
  }
  if (error == cudaErrorNoDevice || error == cudaErrorInsufficientDriver) {
    return Status::Unsupported(message + "; use SessionOptions.device = kHost (CPU) instead");
  }
  return Status::Internal(message);
}

Status CublasCheck(cublasStatus_t status, const char* what) {
  if (status == CUBLAS_STATUS_SUCCESS) return Status::Ok();
  std::string message = std::string("cuBLAS error in ") + what + ": " +
                        cublasGetStatusName(status) + " (" + cublasGetStatusString(status) + ")";
  if (status == CUBLAS_STATUS_ALLOC_FAILED) {
    return Status::OutOfRange(message + "; the GPU is out of memory: run smaller batches");
  }
  return Status::Internal(message);
}

Status CheckDeviceAvailable() {
  static const Status status = [] {
    int count = 0;
    cudaError_t error = cudaGetDeviceCount(&count);
    if (error != cudaSuccess) {
      std::string message = std::string("nn session device cuda: no usable CUDA GPU (") +
                            cudaGetErrorName(error) + ": " + cudaGetErrorString(error) +
                            "); use device=cpu or check the NVIDIA driver";
      cudaGetLastError();  // clear the sticky-free error so later calls start clean
      return Status::Unsupported(message);
    }
    if (count == 0) {
      return Status::Unsupported(
          "nn session device cuda: no CUDA GPU found; use device=cpu on this machine");
    }
    return ConfigureMemoryPool();
  }();
  return status;
}

Status ConfigureMemoryPool() {
  int device = 0;
  VF_CUDA_RETURN_IF_ERROR(cudaGetDevice(&device));
  cudaMemPool_t pool;
  VF_CUDA_RETURN_IF_ERROR(cudaDeviceGetDefaultMemPool(&pool, device));
  uint64_t keep = UINT64_MAX;
  VF_CUDA_RETURN_IF_ERROR(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep));
  return Status::Ok();
}

DeviceBuffer::~DeviceBuffer() {
  if (data_ != nullptr) cudaFree(data_);
}

DeviceBuffer::DeviceBuffer(DeviceBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) cudaFree(data_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

Result<DeviceBuffer> DeviceBuffer::Allocate(size_t bytes, const std::string& what) {
  DeviceBuffer buffer;
  if (bytes == 0) return buffer;
  cudaError_t error = cudaMalloc(&buffer.data_, bytes);
  if (error != cudaSuccess) {
    buffer.data_ = nullptr;
    return CudaCheck(error,
                     ("cudaMalloc of " + std::to_string(bytes) + " bytes for " + what).c_str());
  }
  buffer.size_ = bytes;
  return buffer;
}

Result<DeviceTensor> UploadTensor(const Tensor& host, const std::string& what) {
  if (host.device() != Device::kHost) {
    return Status::Internal("UploadTensor: " + what + " is not in host memory");
  }
  DeviceTensor out;
  VF_ASSIGN_OR_RETURN(out.buffer, DeviceBuffer::Allocate(host.bytes(), what));
  if (host.bytes() > 0) {
    VF_RETURN_IF_ERROR(
        CudaCheck(cudaMemcpy(out.buffer.get(), host.raw(), host.bytes(), cudaMemcpyHostToDevice),
                  ("cudaMemcpy uploading " + what).c_str()));
  }
  out.tensor = Tensor::Borrow(host.dtype(), host.shape(), out.buffer.get(), Device::kCuda);
  return out;
}

}  // namespace voxface::nn::cuda
