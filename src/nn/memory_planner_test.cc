// SPDX-License-Identifier: Apache-2.0
#include "nn/memory_planner.h"

#include <gtest/gtest.h>

#include <random>

namespace voxface::nn {
namespace {

// No two buffers live at the same step share a byte; every offset is aligned; all fit.
void ExpectValid(const std::vector<BufferRequest>& req, const MemoryPlan& plan) {
  ASSERT_EQ(plan.offsets.size(), req.size());
  EXPECT_EQ(plan.arena_bytes % kArenaAlignment, 0u);
  for (size_t i = 0; i < req.size(); ++i) {
    EXPECT_EQ(plan.offsets[i] % kArenaAlignment, 0u);
    EXPECT_LE(plan.offsets[i] + req[i].bytes, plan.arena_bytes);
    for (size_t j = i + 1; j < req.size(); ++j) {
      if (!LifetimesOverlap(req[i], req[j]) || req[i].bytes == 0 || req[j].bytes == 0) continue;
      bool disjoint = plan.offsets[i] + req[i].bytes <= plan.offsets[j] ||
                      plan.offsets[j] + req[j].bytes <= plan.offsets[i];
      EXPECT_TRUE(disjoint) << "buffers " << i << " and " << j << " overlap";
    }
  }
}

TEST(MemoryPlannerTest, ChainReusesBuffers) {
  // a -> b -> c -> d: each buffer dies once the next is written, so two slots suffice.
  std::vector<BufferRequest> req = {{1000, 0, 1}, {1000, 1, 2}, {1000, 2, 3}, {1000, 3, 4}};
  MemoryPlan plan = PlanMemory(req);
  ExpectValid(req, plan);
  EXPECT_EQ(plan.arena_bytes, 2 * 1024u);
  EXPECT_EQ(plan.offsets[0], plan.offsets[2]);
  EXPECT_EQ(plan.offsets[1], plan.offsets[3]);
}

TEST(MemoryPlannerTest, OverlappingLifetimesGetDisjointBytes) {
  std::vector<BufferRequest> req = {{100, 0, 5}, {200, 1, 3}, {300, 2, 4}, {50, 4, 6}};
  MemoryPlan plan = PlanMemory(req);
  ExpectValid(req, plan);
  EXPECT_LE(plan.arena_bytes, 128u + 256 + 320);
}

TEST(MemoryPlannerTest, SmallBufferFillsGapLeftByLargeOnes) {
  std::vector<BufferRequest> req = {{4096, 0, 1}, {4096, 2, 3}, {64, 1, 2}};
  MemoryPlan plan = PlanMemory(req);
  ExpectValid(req, plan);
  EXPECT_EQ(plan.arena_bytes, 4096u + 64);
}

TEST(MemoryPlannerTest, EmptyAndZeroSized) {
  EXPECT_EQ(PlanMemory({}).arena_bytes, 0u);
  std::vector<BufferRequest> req = {{0, 0, 1}, {10, 0, 1}};
  MemoryPlan plan = PlanMemory(req);
  ExpectValid(req, plan);
  EXPECT_EQ(plan.arena_bytes, 64u);
}

TEST(MemoryPlannerTest, RandomGraphsStayValidAndBeatNoReuse) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<BufferRequest> req;
    size_t total = 0;
    int n = 5 + static_cast<int>(rng() % 60);
    for (int i = 0; i < n; ++i) {
      int first = static_cast<int>(rng() % 40);
      int last = first + static_cast<int>(rng() % 6);
      size_t bytes = 1 + rng() % 5000;
      req.push_back({bytes, first, last});
      total += (bytes + 63) / 64 * 64;
    }
    MemoryPlan plan = PlanMemory(req);
    ExpectValid(req, plan);
    EXPECT_LE(plan.arena_bytes, total);
  }
}

}  // namespace
}  // namespace voxface::nn
