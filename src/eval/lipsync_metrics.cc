// SPDX-License-Identifier: Apache-2.0
// EvaluateClip and its pooling. The numbers and windows follow docs/eval.md; they are written
// here once as named constants so that the doc and the code can be checked against each other.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/phone_set.h"
#include "eval/openness_lag.h"
#include "voxface/eval.h"

namespace voxface {
namespace {

constexpr float kClosedOpen = 0.10f;        // BCR: a frame at or below this is closed.
constexpr double kBilabialMargin = 0.030;   // BCR: closure may come this early or late.
constexpr double kOpenVowelMinDur = 0.060;  // OVO: shorter vowels may be reduced.
constexpr float kOpenVowelOpen = 0.25f;
constexpr double kRoundMinDur = 0.050;  // RR
constexpr double kRoundLead = 0.040;    // RR: rounding anticipates the vowel.
constexpr float kRoundedRound = 0.25f;
constexpr float kSpreadRounded = 0.40f;   // FR
constexpr double kSilenceMinDur = 0.300;  // SR
constexpr double kSilenceTrim = 0.100;    // SR: skip the speech onset/offset transitions.
constexpr float kRestOpen = 0.08f;
constexpr float kVowelOpen = 0.05f;  // SA
constexpr double kMaxLagS = 0.200;   // LAG search range.
// Frame times and phone bounds both come from decimal text, so an exact comparison would put
// a frame landing on a boundary on either side at random.
constexpr double kTimeEps = 1e-9;

bool OneOf(std::string_view p, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), p) != set.end();
}
bool IsOpenVowel(std::string_view p) { return OneOf(p, {"aa", "ae", "ah", "ao", "aw", "ay"}); }
bool IsRoundPhone(std::string_view p) { return OneOf(p, {"uw", "ow", "w", "oy", "uh"}); }
bool IsSpreadVowel(std::string_view p) { return OneOf(p, {"iy", "ih", "eh", "ae"}); }

// Frames of a track as a time axis.
class FrameGrid {
 public:
  FrameGrid(double fps, int n) : fps_(fps), n_(n) {}

  double end_s() const { return n_ / fps_; }

  // Frames whose centre lies in [lo, hi] (closed) or [lo, hi) (half-open). When none does, the
  // frame nearest the span's middle stands in, so that a phone shorter than a frame is still
  // scored instead of silently dropped.
  std::pair<int, int> Span(double lo, double hi, bool closed) const {
    int a = static_cast<int>(std::ceil((lo - kTimeEps) * fps_));
    int b = closed ? static_cast<int>(std::floor((hi + kTimeEps) * fps_)) + 1
                   : static_cast<int>(std::ceil((hi - kTimeEps) * fps_));
    a = std::max(a, 0);
    b = std::min(b, n_);
    if (a < b) return {a, b};
    const int mid = std::clamp(static_cast<int>(std::lround(0.5 * (lo + hi) * fps_)), 0, n_ - 1);
    return {mid, mid + 1};
  }

  // Frames in [lo, hi) with no fallback, for spans (silences) that are counted frame by frame.
  std::pair<int, int> StrictSpan(double lo, double hi) const {
    const int a = std::max(static_cast<int>(std::ceil((lo - kTimeEps) * fps_)), 0);
    const int b = std::min(static_cast<int>(std::ceil((hi - kTimeEps) * fps_)), n_);
    return {a, std::max(a, b)};
  }

 private:
  double fps_;
  int n_;
};

float MaxOver(const std::vector<float>& v, std::pair<int, int> span) {
  return *std::max_element(v.begin() + span.first, v.begin() + span.second);
}

float MinOver(const std::vector<float>& v, std::pair<int, int> span) {
  return *std::min_element(v.begin() + span.first, v.begin() + span.second);
}

// Silent spans of the clip: "sil" phones plus the time before the first and after the last
// phone, with touching spans merged so that "sil" next to the leading gap counts as one pause.
std::vector<std::pair<double, double>> SilenceSpans(const std::vector<PhoneSegment>& phones,
                                                    double track_end_s) {
  std::vector<std::pair<double, double>> raw;
  raw.emplace_back(0.0, phones.front().start_s);
  double last_end = 0.0;
  for (const PhoneSegment& p : phones) {
    if (IsSilence(p.phone)) raw.emplace_back(p.start_s, p.end_s);
    last_end = std::max(last_end, p.end_s);
  }
  raw.emplace_back(last_end, std::max(last_end, track_end_s));
  std::sort(raw.begin(), raw.end());
  std::vector<std::pair<double, double>> merged;
  for (const auto& span : raw) {
    if (span.second <= span.first) continue;
    if (!merged.empty() && span.first <= merged.back().second + 1e-6) {
      merged.back().second = std::max(merged.back().second, span.second);
    } else {
      merged.push_back(span);
    }
  }
  return merged;
}

double Share(int hits, int total) { return total > 0 ? static_cast<double>(hits) / total : 1.0; }

}  // namespace

void LipSyncCounts::Add(const LipSyncCounts& o) {
  bilabial_total += o.bilabial_total;
  bilabial_closed += o.bilabial_closed;
  open_vowel_total += o.open_vowel_total;
  open_vowel_opened += o.open_vowel_opened;
  round_total += o.round_total;
  round_rounded += o.round_rounded;
  spread_total += o.spread_total;
  spread_rounded += o.spread_rounded;
  silence_frames += o.silence_frames;
  silence_rest_frames += o.silence_rest_frames;
  vowel_frames += o.vowel_frames;
  vowel_open_frames += o.vowel_open_frames;
  round_sum_rounded += o.round_sum_rounded;
  round_sum_spread += o.round_sum_spread;
  jitter_sum += o.jitter_sum;
  jitter_count += o.jitter_count;
  r_weighted_sum += o.r_weighted_sum;
  lag_ms_sum += o.lag_ms_sum;
  r_frames += o.r_frames;
  clips += o.clips;
}

Result<LipSyncCounts> EvaluateClip(const std::vector<PhoneSegment>& reference, const Track& track) {
  if (!(track.fps > 0.0) || !std::isfinite(track.fps)) {
    return Status::InvalidArgument("track frame rate must be positive, got " +
                                   std::to_string(track.fps));
  }
  if (track.weights.size() % kArkitCount != 0) {
    return Status::InvalidArgument("track weights are not a whole number of 52-channel frames");
  }
  const int n = track.num_frames();
  if (n == 0) return Status::InvalidArgument("track has no frames to evaluate");
  if (reference.empty()) return Status::InvalidArgument("reference phone list is empty");
  for (float w : track.weights) {
    if (!std::isfinite(w)) return Status::CorruptData("track contains a NaN or infinite weight");
  }

  std::vector<PhoneSegment> phones = reference;
  std::stable_sort(phones.begin(), phones.end(), [](const PhoneSegment& a, const PhoneSegment& b) {
    return a.start_s < b.start_s;
  });
  const std::vector<float> open = MouthOpening(track);
  const std::vector<float> round = MouthRounding(track);
  const FrameGrid grid(track.fps, n);

  LipSyncCounts c;
  for (const PhoneSegment& p : phones) {
    const std::string& ph = p.phone;
    const double dur = p.end_s - p.start_s;
    const auto inside = grid.Span(p.start_s, p.end_s, /*closed=*/false);
    if (IsBilabial(ph)) {
      ++c.bilabial_total;
      const auto window =
          grid.Span(p.start_s - kBilabialMargin, p.end_s + kBilabialMargin, /*closed=*/true);
      if (MinOver(open, window) <= kClosedOpen) ++c.bilabial_closed;
    }
    if (IsOpenVowel(ph) && dur >= kOpenVowelMinDur - kTimeEps) {
      ++c.open_vowel_total;
      if (MaxOver(open, inside) >= kOpenVowelOpen) ++c.open_vowel_opened;
    }
    if (IsRoundPhone(ph) && dur >= kRoundMinDur - kTimeEps) {
      const float r = MaxOver(round, grid.Span(p.start_s - kRoundLead, p.end_s, /*closed=*/true));
      ++c.round_total;
      c.round_sum_rounded += r;
      if (r >= kRoundedRound) ++c.round_rounded;
    }
    if (IsSpreadVowel(ph)) {
      const float r = MaxOver(round, inside);
      ++c.spread_total;
      c.round_sum_spread += r;
      if (r >= kSpreadRounded) ++c.spread_rounded;
    }
    if (IsVowel(ph)) {
      for (int i = inside.first; i < inside.second; ++i) {
        ++c.vowel_frames;
        if (open[i] > kVowelOpen) ++c.vowel_open_frames;
      }
    }
  }

  for (const auto& [s, e] : SilenceSpans(phones, grid.end_s())) {
    if (e - s < kSilenceMinDur - kTimeEps) continue;
    const auto span = grid.StrictSpan(s + kSilenceTrim, e - kSilenceTrim);
    for (int i = span.first; i < span.second; ++i) {
      ++c.silence_frames;
      if (open[i] <= kRestOpen) ++c.silence_rest_frames;
    }
  }

  for (int i = 1; i + 1 < n; ++i) {
    c.jitter_sum += std::abs(open[i + 1] - 2.0 * open[i] + open[i - 1]);
    ++c.jitter_count;
  }

  const std::vector<float> ref = ReferenceOpennessTrack(phones, track.fps, n);
  const int max_lag = static_cast<int>(std::floor(kMaxLagS * track.fps + kTimeEps));
  const LagResult lag = BestLag(open, ref, max_lag);
  c.r_weighted_sum = lag.r * n;
  c.r_frames = n;
  c.lag_ms_sum = lag.lag_frames * 1000.0 / track.fps;
  c.clips = 1;
  return c;
}

LipSyncMetrics Summarize(const LipSyncCounts& c) {
  LipSyncMetrics m;
  m.bcr = Share(c.bilabial_closed, c.bilabial_total);
  m.ovo = Share(c.open_vowel_opened, c.open_vowel_total);
  m.rr = Share(c.round_rounded, c.round_total);
  // FR counts failures, so its no-item value is 0, not 1: nothing was wrongly rounded.
  m.fr = c.spread_total > 0 ? static_cast<double>(c.spread_rounded) / c.spread_total : 0.0;
  m.sr = Share(c.silence_rest_frames, c.silence_frames);
  m.sa = Share(c.vowel_open_frames, c.vowel_frames);
  // RS compares two groups; with either missing there is no contrast to report.
  m.rs = (c.round_total > 0 && c.spread_total > 0)
             ? c.round_sum_rounded / c.round_total - c.round_sum_spread / c.spread_total
             : 0.0;
  m.jit = c.jitter_count > 0 ? c.jitter_sum / c.jitter_count : 0.0;
  m.r = c.r_frames > 0 ? c.r_weighted_sum / c.r_frames : 0.0;
  m.lag_ms = c.clips > 0 ? c.lag_ms_sum / c.clips : 0.0;
  m.clips = c.clips;
  m.score = (m.bcr + m.ovo + m.rr + (1.0 - m.fr) + m.sr + m.sa) / 6.0;
  return m;
}

std::string FormatMetrics(const LipSyncMetrics& m) {
  char line[256];
  std::snprintf(line, sizeof(line),
                "BCR %.3f  OVO %.3f  RR %.3f  FR %.3f  SR %.3f  SA %.3f  RS %.3f  R %.3f  "
                "LAG %ldms  JIT %.4f  SCORE %.3f  (clips %d)",
                m.bcr, m.ovo, m.rr, m.fr, m.sr, m.sa, m.rs, m.r, std::lround(m.lag_ms), m.jit,
                m.score, m.clips);
  return line;
}

}  // namespace voxface
