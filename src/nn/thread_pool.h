// SPDX-License-Identifier: Apache-2.0
// A fixed pool of threads for data-parallel loops inside kernels. One pool per Session; a
// pool of size 1 runs everything on the calling thread (the default: the server and batch
// tools parallelise across requests instead).
#ifndef VOXFACE_SRC_NN_THREAD_POOL_H_
#define VOXFACE_SRC_NN_THREAD_POOL_H_

#include <cstdint>
#include <functional>
#include <memory>

namespace voxface::nn {

class ThreadPool {
 public:
  // `num_threads` <= 1: no worker threads.
  explicit ThreadPool(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const;
  // Calls fn(begin, end) over [0, n) split into chunks of at least `grain` items, on the pool and
  // the calling thread; returns when all are done. Not re-entrant from inside fn.
  void ParallelFor(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_THREAD_POOL_H_
