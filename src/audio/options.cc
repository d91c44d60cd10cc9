// SPDX-License-Identifier: Apache-2.0
// Validation of the caller-facing audio settings.
#include <cctype>
#include <cmath>
#include <string>

#include "voxface/audio.h"

namespace voxface {
namespace {

constexpr int kMinTargetRateHz = 8000;
constexpr int kMaxTargetRateHz = 192000;
constexpr int kMinPcmRateHz = 1000;
constexpr int kMaxPcmRateHz = 768000;
// Generous for multichannel interfaces while keeping the per-frame buffer tiny.
constexpr int kMaxPcmChannels = 64;

}  // namespace

Status AudioOptions::Validate() const {
  if (target_rate_hz < kMinTargetRateHz || target_rate_hz > kMaxTargetRateHz) {
    return Status::InvalidArgument("target_rate_hz must be in [" +
                                   std::to_string(kMinTargetRateHz) + ", " +
                                   std::to_string(kMaxTargetRateHz) + "], got " +
                                   std::to_string(target_rate_hz) + "; the analysers expect 16000");
  }
  if (!(max_duration_s > 0.0) || !std::isfinite(max_duration_s)) {
    return Status::InvalidArgument("max_duration_s must be a positive number of seconds, got " +
                                   std::to_string(max_duration_s));
  }
  return Status::Ok();
}

Status PcmFormat::Validate() const {
  if (format != SampleFormat::kS16LE && format != SampleFormat::kF32LE) {
    return Status::InvalidArgument("unknown raw PCM sample format; use s16le or f32le");
  }
  if (sample_rate_hz < kMinPcmRateHz || sample_rate_hz > kMaxPcmRateHz) {
    return Status::InvalidArgument(
        "raw PCM sample rate must be in [" + std::to_string(kMinPcmRateHz) + ", " +
        std::to_string(kMaxPcmRateHz) + "] Hz, got " + std::to_string(sample_rate_hz));
  }
  if (channels < 1 || channels > kMaxPcmChannels) {
    return Status::InvalidArgument("raw PCM channel count must be in [1, " +
                                   std::to_string(kMaxPcmChannels) + "], got " +
                                   std::to_string(channels));
  }
  return Status::Ok();
}

Result<SampleFormat> ParseSampleFormat(const std::string& name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "s16le") return SampleFormat::kS16LE;
  if (lower == "f32le") return SampleFormat::kF32LE;
  return Status::InvalidArgument("unknown sample format '" + name +
                                 "'; use s16le (16-bit signed) or f32le (32-bit float), both "
                                 "little-endian");
}

}  // namespace voxface
