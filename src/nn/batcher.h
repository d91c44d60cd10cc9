// SPDX-License-Identifier: Apache-2.0
// Batches independent Session::Run requests: requests whose inputs have the same per-item shapes
// are collected for up to `max_delay` (or until `max_batch` items are waiting), concatenated
// along each input's batch axis, run once, and the outputs are split back along each output's
// batch axis. On a GPU one run of 32 items costs little more than one of 1, so a server with
// many concurrent streams trades a few milliseconds of latency for several times the throughput.
// Works with any session (CPU or CUDA); the model must have a dynamic batch dimension on every
// input and output.
//
//   auto batcher = nn::Batcher::Create(*session, {.max_batch = 32});
//   auto outputs = (*batcher)->Run({{"input", window}, {"emotion", emotion}});  // from any thread
#ifndef VOXFACE_SRC_NN_BATCHER_H_
#define VOXFACE_SRC_NN_BATCHER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "nn/session.h"
#include "voxface/status.h"

namespace voxface::nn {

struct BatcherOptions {
  // Most items in one run (a request of several items is never split).
  int64_t max_batch = 16;
  // How long the oldest waiting request may wait for others before its batch runs anyway.
  std::chrono::microseconds max_delay{2000};
  // Runs in flight at once (each on its own worker thread; on a GPU, its own stream, so one
  // batch's copies overlap another's kernels).
  int workers = 1;
  // Batch axis per input and output name; unnamed ones use the first dynamic dimension the model
  // declares (axis 0 for [batch, 16000], axis 2 for diffusion's [2, 2, batch, 256] latents).
  std::map<std::string, int> batch_axes;
  // Allocates the concatenated inputs (default: ordinary host memory). With a CUDA session,
  // nn::cuda::PinnedTensor makes their copy to the GPU run at bus speed.
  std::function<Tensor(DataType, const Shape&)> allocate;
};

struct BatcherStats {
  int64_t requests = 0;
  int64_t items = 0;
  int64_t runs = 0;
  int64_t largest_batch = 0;
};

class Batcher {
 public:
  // `session` must outlive the batcher.
  static Result<std::unique_ptr<Batcher>> Create(const Session& session,
                                                 BatcherOptions options = {});
  // Runs the requests still queued, then stops the workers.
  ~Batcher();
  Batcher(const Batcher&) = delete;
  Batcher& operator=(const Batcher&) = delete;

  // Same contract as Session::Run (host tensors, outputs in declaration order), for a request of
  // one or more items along the batch axes. Blocks until its batch has run; thread-safe.
  Result<std::vector<Tensor>> Run(const std::vector<std::pair<std::string, Tensor>>& inputs);

  BatcherStats stats() const;

 private:
  struct Request;
  Batcher(const Session& session, BatcherOptions options);
  Status Init();
  // Checks a request and computes its item count and grouping key.
  Status Prepare(Request& request) const;
  void WorkerLoop();
  // Takes the oldest request and those compatible with it, up to max_batch items; waits for
  // company until the oldest request's deadline. Empty when stopping with nothing queued.
  std::vector<std::shared_ptr<Request>> NextBatch(std::unique_lock<std::mutex>& lock);
  void RunBatch(const std::vector<std::shared_ptr<Request>>& batch);

  const Session& session_;
  BatcherOptions options_;
  std::vector<int> input_axes_;   // per declared input
  std::vector<int> output_axes_;  // per declared output

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Request>> queue_;
  bool stopping_ = false;
  BatcherStats stats_;
  std::vector<std::thread> workers_;
};

// Concatenates tensors of one type along `axis` (all other dims equal) into a tensor from
// `allocate` (Tensor::Zeros when empty); used by the batcher and its tests.
Result<Tensor> ConcatAlong(const std::vector<const Tensor*>& parts, int axis,
                           const std::function<Tensor(DataType, const Shape&)>& allocate = {});
// Slices [begin, begin + count) of `axis` out of `t` into a new tensor.
Tensor SliceAlong(const Tensor& t, int axis, int64_t begin, int64_t count);

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_BATCHER_H_
