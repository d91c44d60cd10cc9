// SPDX-License-Identifier: Apache-2.0
#include "features/prosody.h"

#include <gtest/gtest.h>

#include <cmath>

namespace voxface {
namespace {

std::vector<float> Tone(double f0, double seconds, int rate, float amp) {
  std::vector<float> x(static_cast<size_t>(seconds * rate));
  for (size_t i = 0; i < x.size(); ++i) {
    double t = double(i) / rate;
    // A few harmonics so the signal looks like a voice, not a pure sine.
    x[i] = amp * float(0.6 * std::sin(2 * M_PI * f0 * t) + 0.3 * std::sin(4 * M_PI * f0 * t) +
                       0.1 * std::sin(6 * M_PI * f0 * t));
  }
  return x;
}

TEST(ProsodyTest, FindsPitchOfHarmonicTone) {
  for (double f0 : {90.0, 150.0, 220.0, 330.0}) {
    auto x = Tone(f0, 1.0, 16000, 0.3f);
    ProsodyTrack p = ComputeProsody(x, 16000);
    ASSERT_EQ(p.f0_hz.size(), 100u);
    EXPECT_NEAR(p.f0_hz[50], f0, f0 * 0.02) << f0;
    EXPECT_GT(p.voicing[50], 0.9f);
    EXPECT_NEAR(p.energy_db[50], 10 * std::log10(0.3 * 0.3 * (0.36 + 0.09 + 0.01) / 2), 0.5);
  }
}

TEST(ProsodyTest, SilenceAndNoiseAreUnvoiced) {
  std::vector<float> silence(16000, 0.0f);
  ProsodyTrack p = ComputeProsody(silence, 16000);
  EXPECT_EQ(p.f0_hz[50], 0.0f);
  EXPECT_EQ(p.energy_db[50], -100.0f);
  std::vector<float> noise(16000);
  uint32_t s = 1;
  for (auto& v : noise) {
    s = s * 1664525u + 1013904223u;
    v = 0.2f * (float(s >> 8) / float(1 << 24) - 0.5f);
  }
  p = ComputeProsody(noise, 16000);
  int voiced = 0;
  for (float f : p.f0_hz) voiced += f > 0;
  EXPECT_LT(voiced, 10);
}

TEST(ProsodyTest, SpeechSpansBridgeShortGaps) {
  std::vector<float> x;
  auto add = [&](double s, bool on) {
    auto t = Tone(150, s, 16000, on ? 0.3f : 0.0f);
    x.insert(x.end(), t.begin(), t.end());
  };
  add(0.5, false);
  add(1.0, true);
  add(0.1, false);  // bridged
  add(0.5, true);
  add(1.0, false);  // split
  add(0.5, true);
  add(0.5, false);
  auto spans = FindSpeechSpans(ComputeProsody(x, 16000), 0.3, 0.0);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_NEAR(spans[0].start_s, 0.5, 0.03);
  EXPECT_NEAR(spans[0].end_s, 2.1, 0.03);
  EXPECT_NEAR(spans[1].start_s, 3.1, 0.03);
}

TEST(ProsodyTest, SpeechWithoutPausesIsOneSpanButNoiseIsNone) {
  auto voiced = Tone(140, 0.5, 16000, 0.3f);
  auto spans = FindSpeechSpans(ComputeProsody(voiced, 16000));
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_DOUBLE_EQ(spans[0].start_s, 0.0);
  std::vector<float> noise(16000);
  uint32_t s = 7;
  for (auto& v : noise) {
    s = s * 1664525u + 1013904223u;
    v = 0.2f * (float(s >> 8) / float(1 << 24) - 0.5f);
  }
  EXPECT_TRUE(FindSpeechSpans(ComputeProsody(noise, 16000)).empty());
}

}  // namespace
}  // namespace voxface
