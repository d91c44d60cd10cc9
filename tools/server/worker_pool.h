// SPDX-License-Identifier: Apache-2.0
// A fixed set of threads with a bounded queue. Inference runs here so that I/O threads stay
// responsive; the bound turns overload into a fast 503 instead of unbounded memory and latency.
#ifndef VOXFACE_TOOLS_SERVER_WORKER_POOL_H_
#define VOXFACE_TOOLS_SERVER_WORKER_POOL_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace voxface::server {

class WorkerPool {
 public:
  // `max_queue` jobs may wait beyond the `threads` that are running.
  WorkerPool(int threads, int max_queue);
  // Runs every job already accepted, then joins.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False (and the job is dropped) when the queue is full or the pool is stopping.
  bool TrySubmit(std::function<void()> job);
  // Jobs accepted but not yet started.
  int64_t queued() const;
  // Stops accepting, finishes accepted jobs and joins the threads. Idempotent.
  void Stop();

 private:
  void Loop();

  const int max_queue_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  int idle_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace voxface::server

#endif  // VOXFACE_TOOLS_SERVER_WORKER_POOL_H_
