// SPDX-License-Identifier: Apache-2.0
#include "features/prosody.h"

#include <algorithm>
#include <cmath>

namespace voxface {
namespace {

float FrameEnergyDb(const std::vector<float>& x, long center, int half) {
  long lo = std::max<long>(0, center - half);
  long hi = std::min<long>(static_cast<long>(x.size()), center + half);
  if (hi <= lo) return -100.0f;
  double sum = 0.0;
  for (long i = lo; i < hi; ++i) sum += double(x[i]) * x[i];
  double ms = sum / double(hi - lo);
  return ms <= 1e-10 ? -100.0f : static_cast<float>(10.0 * std::log10(ms));
}

// Normalised cross-correlation pitch estimate on one window. Returns the peak correlation and the
// period in samples (0 when none).
std::pair<float, double> EstimatePeriod(const float* w, int n, int min_lag, int max_lag) {
  std::vector<double> r(max_lag + 2, 0.0);
  int len = n - max_lag - 1;
  if (len <= min_lag) return {0.0f, 0.0};
  double e0 = 0.0;
  for (int i = 0; i < len; ++i) e0 += double(w[i]) * w[i];
  if (e0 <= 1e-12) return {0.0f, 0.0};
  double best = 0.0;
  for (int lag = min_lag - 1; lag <= max_lag + 1; ++lag) {
    double num = 0.0, e1 = 0.0;
    for (int i = 0; i < len; ++i) {
      num += double(w[i]) * w[i + lag];
      e1 += double(w[i + lag]) * w[i + lag];
    }
    r[lag] = e1 > 1e-12 ? num / std::sqrt(e0 * e1) : 0.0;
    if (lag >= min_lag && lag <= max_lag) best = std::max(best, r[lag]);
  }
  if (best <= 0.0) return {0.0f, 0.0};
  // The first local peak close to the best avoids picking a multiple of the true period.
  for (int lag = min_lag; lag <= max_lag; ++lag) {
    if (r[lag] >= 0.9 * best && r[lag] >= r[lag - 1] && r[lag] >= r[lag + 1]) {
      double denom = r[lag - 1] - 2 * r[lag] + r[lag + 1];
      double shift = std::abs(denom) > 1e-12 ? 0.5 * (r[lag - 1] - r[lag + 1]) / denom : 0.0;
      return {static_cast<float>(r[lag]), lag + std::clamp(shift, -0.5, 0.5)};
    }
  }
  return {static_cast<float>(best), 0.0};
}

}  // namespace

ProsodyTrack ComputeProsody(const std::vector<float>& samples, int sample_rate_hz,
                            const ProsodyConfig& config) {
  ProsodyTrack track;
  track.rate_hz = config.frame_rate_hz;
  if (sample_rate_hz <= 0 || samples.empty()) return track;
  double duration_s = double(samples.size()) / sample_rate_hz;
  int frames = static_cast<int>(std::ceil(duration_s * config.frame_rate_hz));
  track.energy_db.resize(frames);
  track.voicing.resize(frames);
  track.f0_hz.resize(frames);

  const int energy_half = static_cast<int>(config.energy_window_ms * 1e-3 * sample_rate_hz / 2);
  const int pitch_len = static_cast<int>(config.pitch_window_ms * 1e-3 * sample_rate_hz);
  const int min_lag = std::max(2, static_cast<int>(sample_rate_hz / config.max_f0_hz));
  const int max_lag = static_cast<int>(sample_rate_hz / config.min_f0_hz);
  const int window = pitch_len + max_lag + 2;
  std::vector<float> buf(window);

  for (int f = 0; f < frames; ++f) {
    long center = std::lround(f / config.frame_rate_hz * sample_rate_hz);
    float energy = FrameEnergyDb(samples, center, energy_half);
    track.energy_db[f] = energy;
    if (energy < config.min_voiced_energy_db) continue;
    long start = center - pitch_len / 2;
    for (int i = 0; i < window; ++i) {
      long j = start + i;
      buf[i] = (j >= 0 && j < static_cast<long>(samples.size())) ? samples[j] : 0.0f;
    }
    auto [corr, period] = EstimatePeriod(buf.data(), window, min_lag, max_lag);
    track.voicing[f] = std::clamp(corr, 0.0f, 1.0f);
    if (corr >= config.voicing_threshold && period > 0.0) {
      track.f0_hz[f] = static_cast<float>(sample_rate_hz / period);
    }
  }
  return track;
}

std::vector<TimeSpan> FindSpeechSpans(const ProsodyTrack& prosody, double min_gap_s, double pad_s) {
  std::vector<TimeSpan> spans;
  const auto& e = prosody.energy_db;
  if (e.empty()) return spans;
  std::vector<float> sorted(e);
  std::sort(sorted.begin(), sorted.end());
  float floor_db = sorted[sorted.size() / 10];
  float peak_db = sorted[sorted.size() * 98 / 100];
  // Speech sits well above the noise floor; a third of the way up the range is robust to both
  // clean studio audio (floor -100 dB) and noisy phone recordings.
  float threshold = std::max(floor_db + 0.33f * (peak_db - floor_db), peak_db - 45.0f);
  const double dt = 1.0 / prosody.rate_hz;
  double total = e.size() * dt;
  if (peak_db - floor_db < 10.0f) {
    // No pauses to measure a noise floor from: a clip cut from inside speech (a TTS chunk) or
    // steady noise. Voicing tells them apart.
    size_t voiced = 0;
    for (float f : prosody.f0_hz) voiced += f > 0.0f;
    if (peak_db > -50.0f && voiced >= e.size() / 5) spans.push_back({0.0, total});
    return spans;
  }
  for (size_t i = 0; i < e.size(); ++i) {
    if (e[i] < threshold) continue;
    double t0 = i * dt;
    size_t j = i;
    while (j < e.size() && e[j] >= threshold) ++j;
    double t1 = j * dt;
    if (!spans.empty() && t0 - spans.back().end_s < min_gap_s) {
      spans.back().end_s = t1;
    } else {
      spans.push_back({t0, t1});
    }
    i = j;
  }
  for (auto& s : spans) {
    s.start_s = std::max(0.0, s.start_s - pad_s);
    s.end_s = std::min(total, s.end_s + pad_s);
  }
  return spans;
}

}  // namespace voxface
