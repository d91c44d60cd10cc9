// SPDX-License-Identifier: Apache-2.0
#include "nn/execution_plan.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "nn/memory_planner.h"

namespace voxface::nn {
namespace {

size_t AlignUp(size_t n) { return (n + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment; }

}  // namespace

ExecutionPlan BuildPlan(const Program& program, const RunTrace& trace) {
  ExecutionPlan plan;
  plan.values.resize(program.num_values);
  const int last_step = static_cast<int>(program.steps.size()) - 1;
  std::vector<int> arena_ids;
  std::vector<BufferRequest> requests;
  std::vector<int> request_of(program.num_values, -1);
  for (int s = 0; s < static_cast<int>(program.steps.size()); ++s) {
    for (int v : program.steps[s].outputs) {
      if (v < 0 || !trace.produced[v] || program.is_graph_output[v]) continue;
      PlannedValue& pv = plan.values[v];
      pv.dtype = trace.dtype[v];
      pv.shape = trace.shape[v];
      if (trace.alias_of[v] >= 0) {
        pv.kind = PlannedValue::Kind::kAlias;
        pv.alias_of = trace.alias_of[v];
        continue;
      }
      pv.kind = PlannedValue::Kind::kArena;
      request_of[v] = static_cast<int>(requests.size());
      requests.push_back({static_cast<size_t>(NumElements(pv.shape)) * ElementSize(pv.dtype), s,
                          std::min(program.last_use[v], last_step)});
      arena_ids.push_back(v);
    }
  }
  // A view keeps its root's buffer alive: extend the root's lifetime over every view's readers.
  for (int v = 0; v < program.num_values; ++v) {
    if (plan.values[v].kind != PlannedValue::Kind::kAlias) continue;
    int root = trace.alias_of[v];
    int guard = 0;
    while (root >= 0 && plan.values[root].kind == PlannedValue::Kind::kAlias &&
           guard++ < program.num_values) {
      root = trace.alias_of[root];
    }
    if (root < 0 || request_of[root] < 0) continue;  // a view of memory the plan does not own
    BufferRequest& r = requests[request_of[root]];
    r.last_step = std::max(r.last_step, std::min(program.last_use[v], last_step));
  }
  MemoryPlan memory = PlanMemory(requests);
  for (size_t i = 0; i < arena_ids.size(); ++i)
    plan.values[arena_ids[i]].offset = memory.offsets[i];
  plan.arena_bytes = memory.arena_bytes;
  plan.num_arena_values = static_cast<int>(arena_ids.size());
  return plan;
}

void Arena::FreeDeleter::operator()(uint8_t* p) const { std::free(p); }

Arena::Block Arena::Allocate(size_t bytes) {
  return Block(static_cast<uint8_t*>(std::aligned_alloc(kArenaAlignment, AlignUp(bytes))));
}

void Arena::Reserve(size_t bytes) {
  if (bytes <= capacity_) return;
  data_ = Allocate(bytes);
  capacity_ = data_ ? AlignUp(bytes) : 0;
  // Planned outputs are not zeroed. Filling new arenas with 0xff (NaN as float, -1 as int) makes
  // a kernel that forgets to write part of its output fail the tests instead of passing by luck.
  if (data_) std::memset(data_.get(), 0xff, capacity_);
}

void* Arena::Scratch(size_t bytes) {
  size_t size = std::max(AlignUp(bytes), kArenaAlignment);
  if (scratch_blocks_.empty() || scratch_sizes_.back() - scratch_used_ < size) {
    size_t block = std::max<size_t>(size, 64 * 1024);
    if (!scratch_sizes_.empty()) block = std::max(block, scratch_sizes_.back() * 2);
    scratch_blocks_.push_back(Allocate(block));
    scratch_sizes_.push_back(block);
    scratch_used_ = 0;
  }
  void* p = scratch_blocks_.back().get() + scratch_used_;
  scratch_used_ += size;
  return p;
}

void Arena::ResetScratch() {
  scratch_used_ = 0;
  if (scratch_blocks_.size() <= 1) return;
  // Several blocks were needed: next time one block of their total size serves the step.
  size_t total = 0;
  for (size_t s : scratch_sizes_) total += s;
  scratch_blocks_.clear();
  scratch_sizes_.clear();
  scratch_blocks_.push_back(Allocate(total));
  scratch_sizes_.push_back(total);
}

std::unique_ptr<Arena> ArenaPool::Acquire() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (free_.empty()) return std::make_unique<Arena>();
  std::unique_ptr<Arena> arena = std::move(free_.back());
  free_.pop_back();
  return arena;
}

void ArenaPool::Release(std::unique_ptr<Arena> arena) {
  std::lock_guard<std::mutex> lock(mutex_);
  free_.push_back(std::move(arena));
}

}  // namespace voxface::nn
