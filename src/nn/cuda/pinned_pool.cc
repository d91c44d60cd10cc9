// SPDX-License-Identifier: Apache-2.0
#include "nn/cuda/pinned_pool.h"

#include <cuda_runtime.h>

#include "nn/cuda/cuda_util.h"

namespace voxface::nn::cuda {
namespace {

// Freed buffers kept for reuse, at most this many bytes (the rest go back to the system).
constexpr size_t kMaxCachedBytes = size_t{4} << 30;

// Sizes are rounded to 1/8 of their power of two (at least 64 KiB), so a buffer serves every
// request within 12.5% of its size and repeated runs of one shape always hit the pool.
size_t RoundUp(size_t bytes) {
  size_t pow2 = 65536;
  while (pow2 < bytes) pow2 <<= 1;
  const size_t step = pow2 >= 8 * 65536 ? pow2 / 8 : 65536;
  return (bytes + step - 1) / step * step;
}

}  // namespace

PinnedPool& PinnedPool::Get() {
  static PinnedPool* pool = new PinnedPool();
  return *pool;
}

Result<std::shared_ptr<void>> PinnedPool::Acquire(size_t bytes) {
  const size_t capacity = RoundUp(bytes);
  void* p = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = free_.find(capacity);
    if (it != free_.end()) {
      p = it->second;
      free_.erase(it);
      cached_bytes_ -= capacity;
    }
  }
  if (p == nullptr) {
    Status s = CudaCheck(cudaHostAlloc(&p, capacity, cudaHostAllocDefault),
                         "cudaHostAlloc of page-locked output memory");
    if (!s.ok()) return s;
  }
  return std::shared_ptr<void>(p, [this, capacity](void* q) { Return(q, capacity); });
}

void PinnedPool::Return(void* p, size_t capacity) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cached_bytes_ + capacity <= kMaxCachedBytes) {
      free_.emplace(capacity, p);
      cached_bytes_ += capacity;
      return;
    }
  }
  cudaFreeHost(p);
}

Tensor PinnedTensor(DataType type, const Shape& shape) {
  const size_t bytes = static_cast<size_t>(NumElements(shape)) * ElementSize(type);
  if (bytes > 0) {
    Result<std::shared_ptr<void>> memory = PinnedPool::Get().Acquire(bytes);
    if (memory.ok()) {
      void* data = memory->get();
      return Tensor::Adopt(type, shape, std::move(memory).value(), data);
    }
    cudaGetLastError();  // not fatal: ordinary memory works, only slower
  }
  return Tensor::Zeros(type, shape);
}

}  // namespace voxface::nn::cuda
