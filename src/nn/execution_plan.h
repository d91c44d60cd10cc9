// SPDX-License-Identifier: Apache-2.0
// An execution plan: for one set of input shapes, where each intermediate value lives. The first
// run with new shapes records a trace (every value's type and shape, which outputs were views of
// inputs); BuildPlan turns it into arena offsets; later runs with those shapes reuse the plan
// and allocate nothing for planned values. Arenas come from a pool so concurrent runs of one
// session never share one.
#ifndef VOXFACE_SRC_NN_EXECUTION_PLAN_H_
#define VOXFACE_SRC_NN_EXECUTION_PLAN_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "nn/program.h"
#include "nn/tensor.h"

namespace voxface::nn {

struct RunTrace {
  explicit RunTrace(int num_values)
      : produced(num_values, false),
        dtype(num_values),
        shape(num_values),
        alias_of(num_values, -1) {}
  std::vector<bool> produced;
  std::vector<DataType> dtype;
  std::vector<Shape> shape;
  std::vector<int> alias_of;  // the input value a view was made of, -1 when none
};

struct PlannedValue {
  enum class Kind : uint8_t {
    kNone,   // not planned: graph inputs, constants, graph outputs (always owned)
    kArena,  // a slice of the arena
    kAlias,  // a view of the value it was made from
  };
  Kind kind = Kind::kNone;
  DataType dtype = DataType::kFloat32;
  Shape shape;
  size_t offset = 0;
  int alias_of = -1;  // kAlias: the value it is a view of
};

struct ExecutionPlan {
  std::vector<PlannedValue> values;  // by value id
  size_t arena_bytes = 0;
  int num_arena_values = 0;
};

ExecutionPlan BuildPlan(const Program& program, const RunTrace& trace);

// One run's memory: the planned arena and a bump allocator for kernel scratch space.
class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Grows (never shrinks) the planned region to at least `bytes`.
  void Reserve(size_t bytes);
  uint8_t* data() { return data_.get(); }
  size_t capacity() const { return capacity_; }

  // 64-byte-aligned scratch valid until ResetScratch (called after every step).
  void* Scratch(size_t bytes);
  void ResetScratch();

 private:
  struct FreeDeleter {
    void operator()(uint8_t* p) const;
  };
  using Block = std::unique_ptr<uint8_t, FreeDeleter>;
  static Block Allocate(size_t bytes);

  Block data_;
  size_t capacity_ = 0;
  std::vector<Block> scratch_blocks_;
  std::vector<size_t> scratch_sizes_;
  size_t scratch_used_ = 0;  // in the last block
};

class ArenaPool {
 public:
  std::unique_ptr<Arena> Acquire();
  void Release(std::unique_ptr<Arena> arena);

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<Arena>> free_;
};

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_EXECUTION_PLAN_H_
