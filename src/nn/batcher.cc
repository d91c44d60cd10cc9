// SPDX-License-Identifier: Apache-2.0
#include "nn/batcher.h"

#include <algorithm>
#include <cstring>
#include <future>

namespace voxface::nn {

struct Batcher::Request {
  std::vector<Tensor> inputs;  // in declaration order
  int64_t items = 0;
  std::string key;  // types and per-item shapes: only equal keys share a run
  std::chrono::steady_clock::time_point deadline;
  std::promise<Result<std::vector<Tensor>>> done;
};

namespace {

// The first dynamic dimension of a declared input or output, or -1.
int FirstDynamicAxis(const ValueInfo& info) {
  for (size_t d = 0; d < info.dims.size(); ++d) {
    if (info.dims[d] < 0) return static_cast<int>(d);
  }
  return -1;
}

}  // namespace

Result<Tensor> ConcatAlong(const std::vector<const Tensor*>& parts, int axis,
                           const std::function<Tensor(DataType, const Shape&)>& allocate) {
  if (parts.empty()) return Status::InvalidArgument("nothing to concatenate");
  const Tensor& first = *parts[0];
  Shape shape = first.shape();
  shape[axis] = 0;
  for (const Tensor* t : parts) {
    if (t->dtype() != first.dtype() || t->rank() != first.rank()) {
      return Status::InvalidArgument("batched tensors differ in type or rank");
    }
    for (int d = 0; d < first.rank(); ++d) {
      if (d != axis && t->dim(d) != first.dim(d)) {
        return Status::InvalidArgument(
            "batched tensors differ outside the batch axis: " + ShapeToString(first.shape()) +
            " and " + ShapeToString(t->shape()));
      }
    }
    shape[axis] += t->dim(axis);
  }
  Tensor out = allocate ? allocate(first.dtype(), shape) : Tensor::Zeros(first.dtype(), shape);
  if (out.shape() != shape || out.dtype() != first.dtype() || out.device() != Device::kHost ||
      (out.raw() == nullptr && out.size() != 0)) {
    return Status::Internal("the batcher's allocate function returned an unusable tensor");
  }
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= shape[d];
  for (int d = axis + 1; d < first.rank(); ++d) inner *= shape[d];
  const size_t es = ElementSize(first.dtype());
  const size_t out_row = static_cast<size_t>(shape[axis] * inner) * es;
  auto* dst = static_cast<uint8_t*>(out.raw());
  size_t offset = 0;
  for (const Tensor* t : parts) {
    const size_t row = static_cast<size_t>(t->dim(axis) * inner) * es;
    const auto* src = static_cast<const uint8_t*>(t->raw());
    for (int64_t o = 0; o < outer && row > 0; ++o) {
      std::memcpy(dst + o * out_row + offset, src + o * row, row);
    }
    offset += row;
  }
  return out;
}

Tensor SliceAlong(const Tensor& t, int axis, int64_t begin, int64_t count) {
  Shape shape = t.shape();
  shape[axis] = count;
  Tensor out = Tensor::Zeros(t.dtype(), shape);
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= shape[d];
  for (int d = axis + 1; d < t.rank(); ++d) inner *= shape[d];
  const size_t es = ElementSize(t.dtype());
  const size_t in_row = static_cast<size_t>(t.dim(axis) * inner) * es;
  const size_t row = static_cast<size_t>(count * inner) * es;
  const auto* src = static_cast<const uint8_t*>(t.raw()) + static_cast<size_t>(begin * inner) * es;
  auto* dst = static_cast<uint8_t*>(out.raw());
  for (int64_t o = 0; o < outer && row > 0; ++o) std::memcpy(dst + o * row, src + o * in_row, row);
  return out;
}

Batcher::Batcher(const Session& session, BatcherOptions options)
    : session_(session), options_(std::move(options)) {}

Result<std::unique_ptr<Batcher>> Batcher::Create(const Session& session, BatcherOptions options) {
  if (options.max_batch < 1) return Status::InvalidArgument("batcher max_batch must be >= 1");
  if (options.workers < 1 || options.workers > 64) {
    return Status::InvalidArgument("batcher workers must be in [1, 64]");
  }
  std::unique_ptr<Batcher> b(new Batcher(session, std::move(options)));
  VF_RETURN_IF_ERROR(b->Init());
  for (int w = 0; w < b->options_.workers; ++w) {
    b->workers_.emplace_back([raw = b.get()] { raw->WorkerLoop(); });
  }
  return b;
}

Status Batcher::Init() {
  auto axis_of = [&](const ValueInfo& info, const char* what) -> Result<int> {
    auto it = options_.batch_axes.find(info.name);
    const int axis = it != options_.batch_axes.end() ? it->second : FirstDynamicAxis(info);
    if (axis < 0 || (!info.dims.empty() && axis >= static_cast<int>(info.dims.size()))) {
      return Status::InvalidArgument(std::string("batcher: ") + what + " '" + info.name +
                                     "' has no batch axis (no dynamic dimension); set "
                                     "BatcherOptions.batch_axes");
    }
    return axis;
  };
  for (const ValueInfo& in : session_.inputs()) {
    VF_ASSIGN_OR_RETURN(int axis, axis_of(in, "input"));
    input_axes_.push_back(axis);
  }
  for (const ValueInfo& out : session_.outputs()) {
    VF_ASSIGN_OR_RETURN(int axis, axis_of(out, "output"));
    output_axes_.push_back(axis);
  }
  return Status::Ok();
}

Batcher::~Batcher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

Status Batcher::Prepare(Request& request) const {
  const std::vector<ValueInfo>& declared = session_.inputs();
  request.items = -1;
  for (size_t i = 0; i < declared.size(); ++i) {
    const Tensor& t = request.inputs[i];
    const int axis = input_axes_[i];
    if (t.device() != Device::kHost) {
      return Status::Unsupported("input '" + declared[i].name + "' is not in host memory");
    }
    if (axis >= t.rank()) {
      return Status::InvalidArgument("input '" + declared[i].name + "' has shape " +
                                     ShapeToString(t.shape()) + ", which has no batch axis " +
                                     std::to_string(axis));
    }
    if (request.items >= 0 && t.dim(axis) != request.items) {
      return Status::InvalidArgument("input '" + declared[i].name + "' has " +
                                     std::to_string(t.dim(axis)) + " items but another has " +
                                     std::to_string(request.items));
    }
    request.items = t.dim(axis);
    Shape item = t.shape();
    item[axis] = -1;
    request.key += std::to_string(static_cast<int>(t.dtype())) + ShapeToString(item) + ";";
  }
  if (request.items < 1) return Status::InvalidArgument("a batched request needs >= 1 item");
  return Status::Ok();
}

Result<std::vector<Tensor>> Batcher::Run(
    const std::vector<std::pair<std::string, Tensor>>& inputs) {
  auto request = std::make_shared<Request>();
  const std::vector<ValueInfo>& declared = session_.inputs();
  request->inputs.resize(declared.size());
  std::vector<bool> seen(declared.size(), false);
  for (const auto& [name, tensor] : inputs) {
    auto it = std::find_if(declared.begin(), declared.end(),
                           [&name = name](const ValueInfo& v) { return v.name == name; });
    if (it == declared.end()) return Status::InvalidArgument("unknown input '" + name + "'");
    const size_t i = static_cast<size_t>(it - declared.begin());
    if (seen[i]) return Status::InvalidArgument("input '" + name + "' is given twice");
    seen[i] = true;
    request->inputs[i] = tensor;
  }
  for (size_t i = 0; i < declared.size(); ++i) {
    if (!seen[i]) return Status::InvalidArgument("missing input '" + declared[i].name + "'");
  }
  VF_RETURN_IF_ERROR(Prepare(*request));
  std::future<Result<std::vector<Tensor>>> result = request->done.get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return Status::Internal("the batcher is shutting down");
    request->deadline = std::chrono::steady_clock::now() + options_.max_delay;
    queue_.push_back(std::move(request));
  }
  wake_.notify_all();
  return result.get();
}

std::vector<std::shared_ptr<Batcher::Request>> Batcher::NextBatch(
    std::unique_lock<std::mutex>& lock) {
  while (true) {
    if (queue_.empty()) {
      if (stopping_) return {};
      wake_.wait(lock);
      continue;
    }
    const std::shared_ptr<Request> first = queue_.front();
    int64_t ready = 0;
    for (const auto& r : queue_) {
      if (r->key == first->key && (ready == 0 || ready + r->items <= options_.max_batch)) {
        ready += r->items;
      }
    }
    if (ready >= options_.max_batch || stopping_ ||
        std::chrono::steady_clock::now() >= first->deadline) {
      std::vector<std::shared_ptr<Request>> batch;
      int64_t total = 0;
      for (auto it = queue_.begin(); it != queue_.end();) {
        if ((*it)->key == first->key &&
            (total == 0 || total + (*it)->items <= options_.max_batch)) {
          total += (*it)->items;
          batch.push_back(std::move(*it));
          it = queue_.erase(it);
        } else {
          ++it;
        }
      }
      return batch;
    }
    wake_.wait_until(lock, first->deadline);
  }
}

void Batcher::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    std::vector<std::shared_ptr<Request>> batch = NextBatch(lock);
    if (batch.empty()) return;
    // The queue may still hold work for another worker.
    wake_.notify_all();
    lock.unlock();
    RunBatch(batch);
    lock.lock();
  }
}

void Batcher::RunBatch(const std::vector<std::shared_ptr<Request>>& batch) {
  const std::vector<ValueInfo>& declared = session_.inputs();
  int64_t total = 0;
  for (const auto& r : batch) total += r->items;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.requests += static_cast<int64_t>(batch.size());
    stats_.items += total;
    ++stats_.runs;
    stats_.largest_batch = std::max(stats_.largest_batch, total);
  }
  auto fail_all = [&](const Status& status) {
    for (const auto& r : batch) r->done.set_value(status);
  };
  std::vector<std::pair<std::string, Tensor>> inputs;
  for (size_t i = 0; i < declared.size(); ++i) {
    if (batch.size() == 1) {
      inputs.emplace_back(declared[i].name, batch[0]->inputs[i]);
      continue;
    }
    std::vector<const Tensor*> parts;
    for (const auto& r : batch) parts.push_back(&r->inputs[i]);
    Result<Tensor> joined = ConcatAlong(parts, input_axes_[i], options_.allocate);
    if (!joined.ok()) return fail_all(joined.status());
    inputs.emplace_back(declared[i].name, std::move(joined).value());
  }
  Result<std::vector<Tensor>> outputs = session_.Run(inputs);
  if (!outputs.ok()) return fail_all(outputs.status());
  if (batch.size() == 1) {
    batch[0]->done.set_value(std::move(outputs));
    return;
  }
  for (size_t o = 0; o < outputs->size(); ++o) {
    const Tensor& t = (*outputs)[o];
    if (output_axes_[o] >= t.rank() || t.dim(output_axes_[o]) != total) {
      return fail_all(Status::Internal("batcher: output '" + session_.outputs()[o].name +
                                       "' has shape " + ShapeToString(t.shape()) + ", not " +
                                       std::to_string(total) + " items on axis " +
                                       std::to_string(output_axes_[o])));
    }
  }
  int64_t begin = 0;
  for (const auto& r : batch) {
    std::vector<Tensor> mine;
    for (size_t o = 0; o < outputs->size(); ++o) {
      mine.push_back(SliceAlong((*outputs)[o], output_axes_[o], begin, r->items));
    }
    begin += r->items;
    r->done.set_value(std::move(mine));
  }
}

BatcherStats Batcher::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

}  // namespace voxface::nn
