// SPDX-License-Identifier: Apache-2.0
#include "stop_closures.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace voxface::devset {
namespace {

constexpr int kRate = 10000;

// A tone everywhere except in [quiet_from, quiet_to).
std::vector<int16_t> ToneWithGap(double duration_s, double quiet_from, double quiet_to) {
  std::vector<int16_t> pcm(static_cast<size_t>(duration_s * kRate));
  for (size_t i = 0; i < pcm.size(); ++i) {
    const double t = static_cast<double>(i) / kRate;
    const bool quiet = t >= quiet_from && t < quiet_to;
    pcm[i] = quiet ? 0 : static_cast<int16_t>(8000 * std::sin(2 * M_PI * 200 * t));
  }
  return pcm;
}

TEST(StopClosuresTest, MovesTheClosureIntoTheStop) {
  const auto pcm = ToneWithGap(1.0, 0.45, 0.50);
  std::vector<PhoneSegment> phones = {{"aa", 0.0, 0.5}, {"p", 0.5, 0.55}, {"aa", 0.55, 1.0}};
  AttachStopClosures(pcm, kRate, &phones);
  EXPECT_NEAR(phones[1].start_s, 0.45, 0.0025);
  EXPECT_DOUBLE_EQ(phones[0].end_s, phones[1].start_s);
  EXPECT_DOUBLE_EQ(phones[2].start_s, 0.55);
}

TEST(StopClosuresTest, LeavesVoicedStopsAndPausesAlone) {
  const auto pcm = ToneWithGap(1.0, 0.45, 0.50);
  std::vector<PhoneSegment> voiced = {{"aa", 0.0, 0.5}, {"b", 0.5, 0.55}, {"aa", 0.55, 1.0}};
  AttachStopClosures(pcm, kRate, &voiced);
  EXPECT_DOUBLE_EQ(voiced[1].start_s, 0.5);
  std::vector<PhoneSegment> after_pause = {{"sil", 0.0, 0.5}, {"t", 0.5, 0.55}, {"aa", 0.55, 1.0}};
  AttachStopClosures(pcm, kRate, &after_pause);
  EXPECT_DOUBLE_EQ(after_pause[1].start_s, 0.5);
}

TEST(StopClosuresTest, KeepsHalfOfThePreviousPhone) {
  const auto pcm = ToneWithGap(1.0, 0.40, 0.50);
  std::vector<PhoneSegment> phones = {
      {"aa", 0.0, 0.38}, {"s", 0.38, 0.5}, {"k", 0.5, 0.6}, {"aa", 0.6, 1.0}};
  AttachStopClosures(pcm, kRate, &phones);
  EXPECT_GE(phones[2].start_s, 0.44 - 1e-9);
  EXPECT_LT(phones[2].start_s, 0.5);
}

}  // namespace
}  // namespace voxface::devset
