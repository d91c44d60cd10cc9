// SPDX-License-Identifier: Apache-2.0
#include "audio/validate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace voxface {
namespace {

std::string FormatSeconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f s", s);
  return buf;
}

}  // namespace

Status CheckFinite(const float* samples, size_t count, int channels, int64_t first_frame,
                   int sample_rate_hz) {
  for (size_t i = 0; i < count; ++i) {
    // Float audio lives in [-1, 1]; a few times over is clipping a mixer allowed, but values far
    // beyond it are not audio (wrong encoding, garbage) and would overflow to Inf once channels
    // are summed or resampled.
    if (std::fabs(samples[i]) <= kMaxAbsSample) continue;
    const int64_t frame = first_frame + static_cast<int64_t>(i / static_cast<size_t>(channels));
    std::string what =
        std::isnan(samples[i]) ? "NaN"
        : std::isinf(samples[i])
            ? "infinite"
            : std::to_string(samples[i]) + ", far outside [-1, 1] (is the encoding right?)";
    std::string where = "sample " + std::to_string(frame);
    if (channels > 1) where += " (channel " + std::to_string(i % channels) + ")";
    if (sample_rate_hz > 0) where += " at " + FormatSeconds(double(frame) / sample_rate_hz);
    return Status::CorruptData(where + " is " + what +
                               "; the audio is corrupt or was written with invalid floats, "
                               "re-export it from the source");
  }
  return Status::Ok();
}

Status CheckDuration(int64_t frames, int sample_rate_hz, double max_duration_s) {
  if (sample_rate_hz <= 0) return Status::Ok();
  const double duration = double(frames) / sample_rate_hz;
  if (duration <= max_duration_s) return Status::Ok();
  char buf[160];
  std::snprintf(buf, sizeof(buf), "audio lasts at least %.1f s, over the %.1f s limit", duration,
                max_duration_s);
  return Status::OutOfRange(std::string(buf) +
                            "; split it into shorter pieces or raise max_duration_s");
}

Status CheckDecoded(Audio* audio) {
  if (audio->samples.empty()) {
    return Status::CorruptData(
        "contains no audio samples; check that the recording is not empty or cut off");
  }
  float peak = 0.0f;
  for (float s : audio->samples) peak = std::max(peak, std::fabs(s));
  if (peak < kSilencePeak) {
    audio->warnings.push_back(
        "input is silent (peak below -80 dBFS); the animation will be a neutral face");
  }
  return Status::Ok();
}

}  // namespace voxface
