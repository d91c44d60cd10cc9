// SPDX-License-Identifier: Apache-2.0
#include "admission.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "api_keys.h"

namespace voxface::server {
namespace {

using Clock = std::chrono::steady_clock;

TEST(ApiKeysTest, AcceptsListedKeysOnly) {
  auto keys = ApiKeys::FromList("first-key-0123456789, second-key-0123456789");
  ASSERT_TRUE(keys.ok()) << keys.status().message();
  EXPECT_TRUE(keys->enabled());
  EXPECT_TRUE(keys->Accepts("first-key-0123456789"));
  EXPECT_TRUE(keys->Accepts("second-key-0123456789"));
  EXPECT_FALSE(keys->Accepts("first-key-012345678"));
  EXPECT_FALSE(keys->Accepts(""));
}

TEST(ApiKeysTest, NoKeysAcceptsEverything) {
  ApiKeys none;
  EXPECT_FALSE(none.enabled());
  EXPECT_TRUE(none.Accepts(""));
}

TEST(ApiKeysTest, StoredDigestMatchesItsKey) {
  // sha256("correct horse battery staple")
  auto keys =
      ApiKeys::FromList("sha256:c4bbcb1fbec99d65bf59d85c8cb62ee2db963f0fe106f483d9afa73bd4e39a8a");
  ASSERT_TRUE(keys.ok()) << keys.status().message();
  EXPECT_TRUE(keys->Accepts("correct horse battery staple"));
  EXPECT_FALSE(keys->Accepts("correct horse battery stapl"));
}

TEST(ApiKeysTest, RejectsShortKeysAndBadDigests) {
  EXPECT_FALSE(ApiKeys::FromList("short").ok());
  auto bad = ApiKeys::FromList("sha256:abc");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("64 hex digits"), std::string::npos);
}

TEST(ApiKeysTest, FileWithCommentsAndErrors) {
  char path[] = "/tmp/voxface_keys_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream out(path);
    out << "# team keys\n\n  file-key-0123456789abcdef  \n";
  }
  auto keys = ApiKeys::FromFile(path);
  ASSERT_TRUE(keys.ok()) << keys.status().message();
  EXPECT_EQ(keys->size(), 1u);
  EXPECT_TRUE(keys->Accepts("file-key-0123456789abcdef"));
  {
    std::ofstream out(path);
    out << "# nothing here\n";
  }
  auto empty = ApiKeys::FromFile(path);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("holds no keys"), std::string::npos);
  std::remove(path);
  EXPECT_FALSE(ApiKeys::FromFile("/nonexistent/keys.txt").ok());
}

TEST(ApiKeysTest, BearerToken) {
  EXPECT_EQ(ApiKeys::BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(ApiKeys::BearerToken("bearer   abc  "), "abc");
  EXPECT_EQ(ApiKeys::BearerToken("Basic abc"), "");
  EXPECT_EQ(ApiKeys::BearerToken("Bearer"), "");
  EXPECT_EQ(ApiKeys::BearerToken(""), "");
}

TEST(RateLimiterTest, BurstThenSteadyRate) {
  RateLimiter limiter(/*rate_per_s=*/2.0, /*burst=*/3);
  const auto t0 = Clock::now();
  double retry = 0;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.AllowAt("a", t0, &retry)) << i;
  EXPECT_FALSE(limiter.AllowAt("a", t0, &retry));
  EXPECT_NEAR(retry, 0.5, 1e-9);
  // Another client has its own bucket.
  EXPECT_TRUE(limiter.AllowAt("b", t0, &retry));
  // Half a second later one token has come back.
  EXPECT_TRUE(limiter.AllowAt("a", t0 + std::chrono::milliseconds(500), &retry));
  EXPECT_FALSE(limiter.AllowAt("a", t0 + std::chrono::milliseconds(500), &retry));
}

TEST(RateLimiterTest, TableStaysBounded) {
  RateLimiter limiter(1.0, 1, /*max_clients=*/100);
  const auto t0 = Clock::now();
  double retry = 0;
  // Far more distinct addresses than the table holds: all are served (each has a fresh bucket).
  for (int i = 0; i < 10000; ++i) {
    EXPECT_TRUE(limiter.AllowAt("10.0." + std::to_string(i), t0, &retry));
  }
}

TEST(AdmissionTest, RoutesThatNeedKeys) {
  EXPECT_TRUE(RequiresKey(Route::kAnimate));
  EXPECT_TRUE(RequiresKey(Route::kProcessAudio));
  EXPECT_TRUE(RequiresKey(Route::kStream));
  EXPECT_TRUE(RequiresKey(Route::kMetrics));
  EXPECT_FALSE(RequiresKey(Route::kHealthz));
  EXPECT_FALSE(RequiresKey(Route::kReadyz));
  EXPECT_FALSE(RequiresKey(Route::kOpenApi));
}

}  // namespace
}  // namespace voxface::server
