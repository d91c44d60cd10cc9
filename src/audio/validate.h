// SPDX-License-Identifier: Apache-2.0
// Checks shared by every audio path, so that a file, a raw buffer and a live stream fail the same
// way on the same bad input.
#ifndef VOXFACE_SRC_AUDIO_VALIDATE_H_
#define VOXFACE_SRC_AUDIO_VALIDATE_H_

#include <cstddef>
#include <cstdint>

#include "voxface/status.h"
#include "voxface/types.h"

namespace voxface {

// Below this peak (about -80 dBFS) the input carries nothing an analyser can use.
inline constexpr float kSilencePeak = 1e-4f;

// Larger sample magnitudes are rejected as corrupt (see CheckFinite).
inline constexpr float kMaxAbsSample = 1000.0f;

// Fails with kCorruptData naming the first NaN, infinite or absurdly large (> kMaxAbsSample)
// value in `count` interleaved samples.
// `first_frame` is the frame index of samples[0] in the whole input, so the message points at the
// right place even when the input is checked block by block.
Status CheckFinite(const float* samples, size_t count, int channels, int64_t first_frame,
                   int sample_rate_hz);

// Fails with kOutOfRange when `frames` at `sample_rate_hz` last longer than `max_duration_s`.
Status CheckDuration(int64_t frames, int sample_rate_hz, double max_duration_s);

// Final checks on converted audio: no samples is an error (kCorruptData); an all-silent signal
// is allowed but adds a warning.
Status CheckDecoded(Audio* audio);

}  // namespace voxface

#endif  // VOXFACE_SRC_AUDIO_VALIDATE_H_
