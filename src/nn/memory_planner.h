// SPDX-License-Identifier: Apache-2.0
// Places the intermediate tensors of one execution plan in a single arena. Each buffer is live
// from the step that writes it to the last step that reads it; buffers whose lifetimes do not
// overlap may share bytes. Placement is greedy: largest buffers first, each at the lowest
// 64-byte-aligned offset that does not collide with an already placed buffer that is live at the
// same time (the "greedy by size" strategy of TFLite's arena planner, which stays within a few
// percent of the optimum on real networks).
#ifndef VOXFACE_SRC_NN_MEMORY_PLANNER_H_
#define VOXFACE_SRC_NN_MEMORY_PLANNER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace voxface::nn {

inline constexpr size_t kArenaAlignment = 64;

struct BufferRequest {
  size_t bytes = 0;
  int first_step = 0;  // the step that writes the buffer
  int last_step = 0;   // the last step that reads it (>= first_step)
};

struct MemoryPlan {
  std::vector<size_t> offsets;  // one per request, multiples of kArenaAlignment
  size_t arena_bytes = 0;       // total size, a multiple of kArenaAlignment
};

MemoryPlan PlanMemory(const std::vector<BufferRequest>& requests);

// True when two requests are live at the same step.
inline bool LifetimesOverlap(const BufferRequest& a, const BufferRequest& b) {
  return a.first_step <= b.last_step && b.first_step <= a.last_step;
}

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_MEMORY_PLANNER_H_
