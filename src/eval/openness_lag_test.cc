// SPDX-License-Identifier: Apache-2.0
#include "eval/openness_lag.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace voxface {
namespace {

TEST(OpennessLagTest, ReferenceOpennessByPhoneClass) {
  EXPECT_FLOAT_EQ(ReferenceOpenness("aa"), 0.6f);
  EXPECT_FLOAT_EQ(ReferenceOpenness("ow"), 0.4f);
  EXPECT_FLOAT_EQ(ReferenceOpenness("iy"), 0.25f);
  EXPECT_FLOAT_EQ(ReferenceOpenness("m"), 0.0f);
  EXPECT_FLOAT_EQ(ReferenceOpenness("f"), 0.05f);
  EXPECT_FLOAT_EQ(ReferenceOpenness("sil"), 0.0f);
  EXPECT_FLOAT_EQ(ReferenceOpenness("s"), 0.15f);
}

TEST(OpennessLagTest, TrackSamplesPhonesAtFrameTimesAndGapsAreSilence) {
  const std::vector<PhoneSegment> phones = {{"aa", 0.1, 0.2}, {"s", 0.3, 0.4}};
  const std::vector<float> ref = ReferenceOpennessTrack(phones, 10.0, 5);
  ASSERT_EQ(ref.size(), 5u);
  EXPECT_FLOAT_EQ(ref[0], 0.0f);
  EXPECT_FLOAT_EQ(ref[1], 0.6f);
  EXPECT_FLOAT_EQ(ref[2], 0.0f);  // The gap between phones.
  EXPECT_FLOAT_EQ(ref[3], 0.15f);
  EXPECT_FLOAT_EQ(ref[4], 0.0f);  // After the last phone.
}

TEST(OpennessLagTest, PearsonOfConstantIsZero) {
  EXPECT_DOUBLE_EQ(PearsonCorrelation({1, 1, 1}, {1, 2, 3}), 0.0);
  EXPECT_NEAR(PearsonCorrelation({1, 2, 3}, {2, 4, 6}), 1.0, 1e-12);
  EXPECT_NEAR(PearsonCorrelation({1, 2, 3}, {3, 2, 1}), -1.0, 1e-12);
}

TEST(OpennessLagTest, BestLagFindsShiftInBothDirections) {
  std::vector<float> ref(200);
  for (size_t i = 0; i < ref.size(); ++i) ref[i] = std::sin(0.05f * i * i / 10.0f);  // Chirp.
  std::vector<float> late(ref.size(), 0.0f), early(ref.size(), 0.0f);
  for (size_t i = 4; i < ref.size(); ++i) late[i] = ref[i - 4];
  for (size_t i = 0; i + 4 < ref.size(); ++i) early[i] = ref[i + 4];
  EXPECT_EQ(BestLag(late, ref, 12).lag_frames, 4);
  EXPECT_EQ(BestLag(early, ref, 12).lag_frames, -4);
  EXPECT_NEAR(BestLag(ref, ref, 12).r, 1.0, 1e-9);
  // Out of the search range: the answer stays inside it.
  EXPECT_LE(std::abs(BestLag(late, ref, 2).lag_frames), 2);
}

}  // namespace
}  // namespace voxface
