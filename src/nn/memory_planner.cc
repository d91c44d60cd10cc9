// SPDX-License-Identifier: Apache-2.0
#include "nn/memory_planner.h"

#include <algorithm>
#include <numeric>

namespace voxface::nn {
namespace {

size_t AlignUp(size_t n) { return (n + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment; }

}  // namespace

MemoryPlan PlanMemory(const std::vector<BufferRequest>& requests) {
  const size_t n = requests.size();
  MemoryPlan plan;
  plan.offsets.assign(n, 0);
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  // Largest first; ties by first use keep the layout deterministic.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (requests[a].bytes != requests[b].bytes) return requests[a].bytes > requests[b].bytes;
    return requests[a].first_step < requests[b].first_step;
  });
  struct Placed {
    size_t offset;
    size_t end;
    size_t index;
  };
  std::vector<Placed> placed;  // kept sorted by offset
  placed.reserve(n);
  for (size_t index : order) {
    const BufferRequest& r = requests[index];
    const size_t size = AlignUp(r.bytes);
    if (size == 0) {
      plan.offsets[index] = 0;  // nothing is ever written through it
      continue;
    }
    // Walk the live neighbours by offset and take the first gap that fits.
    size_t candidate = 0;
    for (const Placed& p : placed) {
      if (!LifetimesOverlap(r, requests[p.index])) continue;
      if (p.offset >= candidate + size) break;  // the gap before p fits
      candidate = std::max(candidate, p.end);
    }
    plan.offsets[index] = candidate;
    Placed entry{candidate, candidate + size, index};
    auto pos =
        std::upper_bound(placed.begin(), placed.end(), entry,
                         [](const Placed& a, const Placed& b) { return a.offset < b.offset; });
    placed.insert(pos, entry);
    plan.arena_bytes = std::max(plan.arena_bytes, candidate + size);
  }
  return plan;
}

}  // namespace voxface::nn
