// SPDX-License-Identifier: Apache-2.0
// Mono float sample-rate conversion around libsoxr, usable one-shot or incrementally. Every audio
// path (files, raw PCM, live streams) goes through this one class so that they agree exactly.
#ifndef VOXFACE_SRC_AUDIO_RESAMPLER_H_
#define VOXFACE_SRC_AUDIO_RESAMPLER_H_

#include <cstddef>
#include <memory>
#include <vector>

#include "voxface/status.h"

struct soxr;

namespace voxface {

// Averages interleaved channels into `mono` (resized to `frames`). Averaging rather than summing
// keeps full-scale input in [-1, 1].
void DownmixToMono(const float* interleaved, size_t frames, int channels, std::vector<float>* mono);

class Resampler {
 public:
  // Fails on rates outside 1..10^6 or when libsoxr cannot be set up. Equal rates give an exact
  // passthrough that never touches libsoxr.
  static Result<std::unique_ptr<Resampler>> Create(double in_rate_hz, double out_rate_hz);
  ~Resampler();
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  // Converts `count` input samples and appends whatever output is ready to `out`. The result does
  // not depend on how the input is split across calls.
  Status Process(const float* in, size_t count, std::vector<float>* out);
  // Signals end of input and appends the samples still held in the filter. No Process may follow.
  Status Flush(std::vector<float>* out);

  // One-shot convenience: Process(all) + Flush.
  static Result<std::vector<float>> Convert(const float* in, size_t count, double in_rate_hz,
                                            double out_rate_hz);

  bool passthrough() const { return soxr_ == nullptr; }

 private:
  Resampler(soxr* handle, double ratio) : soxr_(handle), ratio_(ratio) {}
  Status Drain(const float* in, size_t count, std::vector<float>* out);

  soxr* soxr_;    // Null for passthrough.
  double ratio_;  // out / in.
  bool flushed_ = false;
};

}  // namespace voxface

#endif  // VOXFACE_SRC_AUDIO_RESAMPLER_H_
