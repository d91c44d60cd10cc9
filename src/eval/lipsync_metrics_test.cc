// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "eval/openness_lag.h"
#include "voxface/eval.h"

namespace voxface {
namespace {

constexpr double kFps = 60.0;

// A phrase with pauses, bilabials, open, rounded and spread vowels and uneven durations, so that
// the openness track has no period that a wrong lag could also match.
std::vector<PhoneSegment> Phrase() {
  const std::vector<std::pair<std::string, double>> spec = {
      {"sil", 0.50}, {"m", 0.07},  {"aa", 0.15}, {"p", 0.06},  {"iy", 0.09},  {"t", 0.05},
      {"b", 0.08},   {"uw", 0.12}, {"s", 0.10},  {"ae", 0.11}, {"sil", 0.45}, {"w", 0.06},
      {"ow", 0.17},  {"k", 0.06},  {"ih", 0.07}, {"m", 0.09},  {"ay", 0.20},  {"f", 0.08},
      {"eh", 0.10},  {"l", 0.07},  {"ah", 0.08}, {"sil", 0.60}};
  std::vector<PhoneSegment> phones;
  double t = 0.0;
  for (const auto& [p, d] : spec) {
    phones.push_back({p, t, t + d});
    t += d;
  }
  return phones;
}

double EndOf(const std::vector<PhoneSegment>& phones) { return phones.back().end_s; }

// A track of `duration_s` whose per-frame weights come from `fill(frame_time, weights_row)`.
Track MakeTrack(double duration_s, const std::function<void(double, float*)>& fill) {
  Track track;
  track.fps = kFps;
  track.duration_s = duration_s;
  const int n = static_cast<int>(std::ceil(duration_s * kFps));
  track.weights.assign(static_cast<size_t>(n) * kArkitCount, 0.0f);
  for (int i = 0; i < n; ++i) fill(i / kFps, &track.weights[static_cast<size_t>(i) * kArkitCount]);
  return track;
}

const PhoneSegment* PhoneAt(const std::vector<PhoneSegment>& phones, double t) {
  for (const PhoneSegment& p : phones) {
    if (p.start_s <= t && t < p.end_s) return &p;
  }
  return nullptr;
}

// The animation the metrics describe as ideal: jaw opening equal to the reference openness,
// lips shut on p/b/m, lips rounded on rounded phones.
Track PerfectTrack(const std::vector<PhoneSegment>& phones) {
  return MakeTrack(EndOf(phones), [&](double t, float* w) {
    const PhoneSegment* p = PhoneAt(phones, t);
    const std::string ph = p ? p->phone : "sil";
    w[kJawOpen] = ReferenceOpenness(ph);
    if (ph == "uw" || ph == "ow" || ph == "w") w[kMouthPucker] = 0.6f;
  });
}

LipSyncMetrics Evaluate(const std::vector<PhoneSegment>& phones, const Track& track) {
  Result<LipSyncCounts> counts = EvaluateClip(phones, track);
  EXPECT_TRUE(counts.ok()) << counts.status().ToString();
  return Summarize(counts.ok() ? *counts : LipSyncCounts{});
}

TEST(MouthMeasuresTest, OpeningAndRoundingFollowTheDefinitions) {
  Track track = MakeTrack(1.0 / kFps, [](double, float* w) {
    w[kJawOpen] = 0.7f;
    w[kMouthClose] = 0.2f;
    w[kMouthLowerDownLeft] = 0.4f;
    w[kMouthLowerDownRight] = 0.2f;  // Pair mean 0.3.
    w[kMouthUpperUpLeft] = 0.1f;
    w[kMouthUpperUpRight] = 0.3f;  // Pair mean 0.2.
    w[kMouthFunnel] = 0.3f;
    w[kMouthPucker] = 0.5f;
  });
  ASSERT_EQ(track.num_frames(), 1);
  EXPECT_NEAR(MouthOpening(track)[0], 0.5f + 0.5f * 0.3f + 0.3f * 0.2f, 1e-6);
  EXPECT_NEAR(MouthRounding(track)[0], 0.5f, 1e-6);

  // mouthClose beyond jawOpen clips the jaw term at zero instead of going negative.
  Track pressed = MakeTrack(1.0 / kFps, [](double, float* w) { w[kMouthClose] = 0.4f; });
  EXPECT_FLOAT_EQ(MouthOpening(pressed)[0], 0.0f);
}

TEST(LipSyncMetricsTest, PerfectTrackScoresPerfectly) {
  const auto phones = Phrase();
  const LipSyncMetrics m = Evaluate(phones, PerfectTrack(phones));
  EXPECT_DOUBLE_EQ(m.bcr, 1.0);
  EXPECT_DOUBLE_EQ(m.ovo, 1.0);
  EXPECT_DOUBLE_EQ(m.rr, 1.0);
  EXPECT_DOUBLE_EQ(m.fr, 0.0);
  EXPECT_DOUBLE_EQ(m.sr, 1.0);
  EXPECT_DOUBLE_EQ(m.sa, 1.0);
  EXPECT_GT(m.r, 0.95);
  EXPECT_DOUBLE_EQ(m.lag_ms, 0.0);
  EXPECT_DOUBLE_EQ(m.score, 1.0);
  EXPECT_EQ(m.clips, 1);
}

TEST(LipSyncMetricsTest, DelayedTrackReportsPositiveLag) {
  const auto phones = Phrase();
  const Track perfect = PerfectTrack(phones);
  Track late = perfect;
  constexpr int kDelay = 3;
  std::fill(late.weights.begin(), late.weights.end(), 0.0f);
  std::copy(perfect.weights.begin(), perfect.weights.end() - kDelay * kArkitCount,
            late.weights.begin() + kDelay * kArkitCount);
  const LipSyncMetrics m = Evaluate(phones, late);
  EXPECT_DOUBLE_EQ(m.lag_ms, 50.0);
  EXPECT_GT(m.r, 0.95);

  // And the mirror image: an early animation has a negative lag.
  Track early = perfect;
  std::fill(early.weights.begin(), early.weights.end(), 0.0f);
  std::copy(perfect.weights.begin() + kDelay * kArkitCount, perfect.weights.end(),
            early.weights.begin());
  EXPECT_DOUBLE_EQ(Evaluate(phones, early).lag_ms, -50.0);
}

TEST(LipSyncMetricsTest, LoudnessLikeTrackCorrelatesWorse) {
  const auto phones = Phrase();
  // Opens evenly whenever there is speech, as an energy-driven jaw would, blind to phone identity.
  const Track loud = MakeTrack(EndOf(phones), [&](double t, float* w) {
    const PhoneSegment* p = PhoneAt(phones, t);
    w[kJawOpen] = (p && p->phone != "sil") ? 0.4f : 0.0f;
  });
  const LipSyncMetrics perfect = Evaluate(phones, PerfectTrack(phones));
  const LipSyncMetrics m = Evaluate(phones, loud);
  EXPECT_LT(m.r, perfect.r - 0.1);
  EXPECT_LT(m.bcr, 0.5);  // It never closes for p/b/m inside speech.
}

TEST(LipSyncMetricsTest, NeverClosingTrackHasNoBilabialClosures) {
  const auto phones = Phrase();
  const Track open = MakeTrack(EndOf(phones), [](double, float* w) { w[kJawOpen] = 0.3f; });
  const LipSyncMetrics m = Evaluate(phones, open);
  EXPECT_DOUBLE_EQ(m.bcr, 0.0);
  EXPECT_DOUBLE_EQ(m.sr, 0.0);
  EXPECT_DOUBLE_EQ(m.r, 0.0);  // A flat track has no shape to correlate.
  EXPECT_DOUBLE_EQ(m.lag_ms, 0.0);
  EXPECT_DOUBLE_EQ(m.jit, 0.0);
}

TEST(LipSyncMetricsTest, BilabialClosureMayLeadOrTrailBy30Ms) {
  const std::vector<PhoneSegment> phones = {{"aa", 0.0, 0.5}, {"p", 0.5, 0.6}, {"aa", 0.6, 1.0}};
  auto closed_between = [&](double lo, double hi) {
    return MakeTrack(1.0, [=](double t, float* w) {
      w[kJawOpen] = (t >= lo - 1e-9 && t <= hi + 1e-9) ? 0.0f : 0.5f;
    });
  };
  // Closed only in the 20 ms before the phone: inside the margin.
  EXPECT_DOUBLE_EQ(Evaluate(phones, closed_between(0.48, 0.49)).bcr, 1.0);
  // Closed only 50 ms after the phone: outside.
  EXPECT_DOUBLE_EQ(Evaluate(phones, closed_between(0.65, 0.66)).bcr, 0.0);
}

TEST(LipSyncMetricsTest, RoundingTrackScoresRoundedAndSpreadVowels) {
  const auto phones = Phrase();
  // Rounds everything: every rounded phone passes, every spread vowel fails, no contrast.
  const Track always = MakeTrack(EndOf(phones), [](double, float* w) { w[kMouthFunnel] = 0.5f; });
  LipSyncMetrics m = Evaluate(phones, always);
  EXPECT_DOUBLE_EQ(m.rr, 1.0);
  EXPECT_DOUBLE_EQ(m.fr, 1.0);
  EXPECT_NEAR(m.rs, 0.0, 1e-9);

  // Never rounds.
  m = Evaluate(phones, MakeTrack(EndOf(phones), [](double, float*) {}));
  EXPECT_DOUBLE_EQ(m.rr, 0.0);
  EXPECT_DOUBLE_EQ(m.fr, 0.0);

  // Rounds only the rounded phones: RS is the full contrast.
  m = Evaluate(phones, PerfectTrack(phones));
  EXPECT_NEAR(m.rs, 0.6, 1e-6);
}

TEST(LipSyncMetricsTest, RoundingMayAnticipateBy40Ms) {
  const std::vector<PhoneSegment> phones = {{"s", 0.0, 0.5}, {"uw", 0.5, 0.6}, {"s", 0.6, 1.0}};
  auto round_between = [&](double lo, double hi) {
    return MakeTrack(1.0, [=](double t, float* w) {
      w[kMouthPucker] = (t >= lo - 1e-9 && t <= hi + 1e-9) ? 0.3f : 0.0f;
    });
  };
  EXPECT_DOUBLE_EQ(Evaluate(phones, round_between(0.465, 0.485)).rr, 1.0);  // Frames 28, 29.
  EXPECT_DOUBLE_EQ(Evaluate(phones, round_between(0.40, 0.44)).rr, 0.0);
  EXPECT_DOUBLE_EQ(Evaluate(phones, round_between(0.62, 0.70)).rr, 0.0);  // After the end.
}

TEST(LipSyncMetricsTest, ShortRoundAndOpenPhonesAreNotScored) {
  const std::vector<PhoneSegment> phones = {
      {"sil", 0.0, 0.2}, {"uw", 0.2, 0.24}, {"aa", 0.24, 0.29}, {"sil", 0.29, 0.5}};
  LipSyncCounts c = *EvaluateClip(phones, MakeTrack(0.5, [](double, float*) {}));
  EXPECT_EQ(c.round_total, 0);
  EXPECT_EQ(c.open_vowel_total, 0);
  EXPECT_EQ(c.vowel_frames, 6);  // SA still counts their frames.
}

TEST(LipSyncMetricsTest, PhoneBetweenFramesUsesNearestFrame) {
  // At 60 fps frames sit at 0.5 and 0.5167; this "iy" contains neither centre.
  const std::vector<PhoneSegment> phones = {
      {"sil", 0.0, 0.501}, {"iy", 0.501, 0.511}, {"sil", 0.511, 1.0}};
  const Track track = MakeTrack(1.0, [](double t, float* w) {
    if (std::abs(t - 0.5) < 1e-6) w[kMouthPucker] = 0.9f;
  });
  const LipSyncCounts c = *EvaluateClip(phones, track);
  EXPECT_EQ(c.spread_total, 1);
  EXPECT_EQ(c.spread_rounded, 1);
  EXPECT_EQ(c.vowel_frames, 1);
}

TEST(LipSyncMetricsTest, SilenceRestCountsTrimmedLongPauses) {
  // Speech from 1.0 to 1.5 s in a 2.5 s track: the leading gap and the trailing sil+gap are
  // silences even though the first one has no "sil" phone.
  const std::vector<PhoneSegment> phones = {{"aa", 1.0, 1.5}, {"sil", 1.5, 2.0}};
  const Track open_in_silence = MakeTrack(2.5, [](double, float* w) { w[kJawOpen] = 0.5f; });
  LipSyncCounts c = *EvaluateClip(phones, open_in_silence);
  // [0.1, 0.9) and [1.6, 2.4): 48 + 48 frames at 60 fps.
  EXPECT_EQ(c.silence_frames, 96);
  EXPECT_EQ(c.silence_rest_frames, 0);
  EXPECT_DOUBLE_EQ(Summarize(c).sr, 0.0);

  // Open only in the trimmed edges of the pauses: still at rest.
  const Track edges = MakeTrack(2.5, [](double t, float* w) {
    const bool edge = t < 0.09 || (t > 0.91 && t < 1.59) || t > 2.41;
    w[kJawOpen] = edge ? 0.5f : 0.0f;
  });
  EXPECT_DOUBLE_EQ(Summarize(*EvaluateClip(phones, edges)).sr, 1.0);

  // A 250 ms pause is too short to expect rest.
  const std::vector<PhoneSegment> short_pause = {
      {"aa", 0.0, 0.5}, {"sil", 0.5, 0.75}, {"aa", 0.75, 1.25}};
  EXPECT_EQ(EvaluateClip(short_pause, MakeTrack(1.25, [](double, float*) {}))->silence_frames, 0);
}

TEST(LipSyncMetricsTest, SpeechActivityCountsOpenVowelFrames) {
  const std::vector<PhoneSegment> phones = {{"iy", 0.0, 0.5}, {"s", 0.5, 1.0}};
  const Track track =
      MakeTrack(1.0, [](double t, float* w) { w[kJawOpen] = t < 0.25 ? 0.1f : 0.0f; });
  const LipSyncCounts c = *EvaluateClip(phones, track);
  EXPECT_EQ(c.vowel_frames, 30);
  EXPECT_EQ(c.vowel_open_frames, 15);
}

TEST(LipSyncMetricsTest, JitterIsMeanAbsoluteSecondDifference) {
  const std::vector<PhoneSegment> phones = {{"aa", 0.0, 0.1}};
  // Alternating 0, 0.2: every second difference is +-0.4.
  int frame = 0;
  const Track track = MakeTrack(0.1, [&](double, float* w) { w[kJawOpen] = (frame++ % 2) * 0.2f; });
  const LipSyncCounts c = *EvaluateClip(phones, track);
  EXPECT_EQ(c.jitter_count, 4);
  EXPECT_NEAR(Summarize(c).jit, 0.4, 1e-6);
}

TEST(LipSyncMetricsTest, RejectsUnusableInput) {
  const auto phones = Phrase();
  Track empty;
  EXPECT_EQ(EvaluateClip(phones, empty).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(EvaluateClip({}, PerfectTrack(phones)).status().code(), StatusCode::kInvalidArgument);
  Track bad_fps = PerfectTrack(phones);
  bad_fps.fps = 0.0;
  EXPECT_EQ(EvaluateClip(phones, bad_fps).status().code(), StatusCode::kInvalidArgument);
  Track nan = PerfectTrack(phones);
  nan.weights[5] = std::nanf("");
  EXPECT_EQ(EvaluateClip(phones, nan).status().code(), StatusCode::kCorruptData);
}

TEST(LipSyncMetricsTest, UnsortedReferenceIsSortedFirst) {
  auto phones = Phrase();
  const Track track = PerfectTrack(phones);
  const LipSyncMetrics sorted = Evaluate(phones, track);
  std::reverse(phones.begin(), phones.end());
  const LipSyncMetrics reversed = Evaluate(phones, track);
  EXPECT_DOUBLE_EQ(sorted.score, reversed.score);
  EXPECT_DOUBLE_EQ(sorted.r, reversed.r);
}

TEST(LipSyncSummaryTest, EmptyCountsAreNanFree) {
  const LipSyncMetrics m = Summarize(LipSyncCounts{});
  for (double v : {m.bcr, m.ovo, m.rr, m.sr, m.sa}) EXPECT_DOUBLE_EQ(v, 1.0);
  EXPECT_DOUBLE_EQ(m.fr, 0.0);
  EXPECT_DOUBLE_EQ(m.score, 1.0);
  for (double v : {m.rs, m.jit, m.r, m.lag_ms}) EXPECT_DOUBLE_EQ(v, 0.0);
  EXPECT_EQ(m.clips, 0);
}

TEST(LipSyncSummaryTest, AddPoolsItemsAndWeightsRByFrames) {
  LipSyncCounts a, b;
  a.bilabial_total = 3;
  a.bilabial_closed = 3;
  a.r_weighted_sum = 0.9 * 100;
  a.r_frames = 100;
  a.lag_ms_sum = 20;
  a.clips = 1;
  b.bilabial_total = 1;
  b.bilabial_closed = 0;
  b.r_weighted_sum = 0.5 * 300;
  b.r_frames = 300;
  b.lag_ms_sum = -40;
  b.clips = 1;
  LipSyncCounts pooled;
  pooled.Add(a);
  pooled.Add(b);
  const LipSyncMetrics m = Summarize(pooled);
  EXPECT_DOUBLE_EQ(m.bcr, 0.75);  // Items pooled, not per-clip shares averaged.
  EXPECT_DOUBLE_EQ(m.r, 0.6);
  EXPECT_DOUBLE_EQ(m.lag_ms, -10.0);
  EXPECT_EQ(m.clips, 2);
}

TEST(LipSyncSummaryTest, FormatsOneLine) {
  const auto phones = Phrase();
  LipSyncCounts pooled;
  pooled.Add(*EvaluateClip(phones, PerfectTrack(phones)));
  pooled.Add(*EvaluateClip(phones, PerfectTrack(phones)));
  const std::string line = FormatMetrics(Summarize(pooled));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("BCR 1.000"), std::string::npos) << line;
  EXPECT_NE(line.find("LAG 0ms"), std::string::npos) << line;
  EXPECT_NE(line.find("SCORE 1.000"), std::string::npos) << line;
  EXPECT_NE(line.find("(clips 2)"), std::string::npos) << line;
}

}  // namespace
}  // namespace voxface
