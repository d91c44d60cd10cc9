// SPDX-License-Identifier: Apache-2.0
#include "engine_cache.h"

#include <gtest/gtest.h>

namespace voxface::server {
namespace {

TEST(EngineCacheTest, SharesEnginesAndEvictsLeastRecentlyUsed) {
  EngineCache cache(EngineConfig{}, /*capacity=*/2);
  EngineKey a = cache.DefaultKey();
  EngineKey b = a;
  b.seed = 1;
  EngineKey c = a;
  c.emotion["joy"] = 0.5f;

  auto a1 = cache.Get(a);
  ASSERT_TRUE(a1.ok()) << a1.status().message();
  auto a2 = cache.Get(a);
  ASSERT_TRUE(a2.ok());
  EXPECT_EQ(a1->get(), a2->get());  // Cached, not rebuilt.
  EXPECT_EQ((*a1)->config().anim.seed, 0u);

  auto b1 = cache.Get(b);
  ASSERT_TRUE(b1.ok());
  EXPECT_EQ((*b1)->config().anim.seed, 1u);
  ASSERT_TRUE(cache.Get(a).ok());  // a is now the most recent; b goes next.
  auto c1 = cache.Get(c);
  ASSERT_TRUE(c1.ok());
  EXPECT_EQ((*c1)->config().anim.emotion.at("joy"), 0.5f);
  EXPECT_EQ(cache.size(), 2);
  EXPECT_EQ(cache.Get(a)->get(), a1->get());
  // b was evicted: a new engine, while the old one lives on for whoever holds it.
  EXPECT_NE(cache.Get(b)->get(), b1->get());
  EXPECT_EQ((*b1)->config().anim.seed, 1u);
}

TEST(EngineCacheTest, DoesNotCacheFailures) {
  EngineConfig config;
  config.anim.poses_path = "/nonexistent/poses.json";
  EngineCache cache(config, 2);
  EXPECT_FALSE(cache.Get(cache.DefaultKey()).ok());
  EXPECT_EQ(cache.size(), 0);
}

}  // namespace
}  // namespace voxface::server
