// SPDX-License-Identifier: Apache-2.0
// Log-mel filterbank features for the learned speech model: 16 kHz audio in, one 80-value frame
// every 10 ms out. The numpy twin in training/voxtrain/log_mel.py computes the same numbers
// (tested to 1e-4), so a model trained on numpy features runs on these.
//
// Frame i covers samples [i * hop, i * hop + window) (no centring or padding, so a stream can
// emit a frame as soon as its last sample arrives); its centre is at (i * hop + window / 2) /
// rate, 12.5 ms + 10 ms * i. Samples past the last whole frame are not used. Per frame: periodic
// Hann window, |DFT|^2 (zero-padded to fft_size), triangular mel filters on the HTK mel scale
// without area normalisation (torchaudio's melscale_fbanks(norm=None, mel_scale="htk")), then
// ln(max(energy, floor)). Samples are floats in [-1, 1].
#ifndef VOXFACE_SRC_FEATURES_LOG_MEL_H_
#define VOXFACE_SRC_FEATURES_LOG_MEL_H_

#include <complex>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "features/fft.h"
#include "voxface/status.h"

namespace voxface {

struct LogMelConfig {
  int sample_rate_hz = 16000;
  int window_samples = 400;  // 25 ms.
  int hop_samples = 160;     // 10 ms.
  int fft_size = 512;
  int num_mels = 80;
  // 20 Hz leaves out DC and mains hum; 7600 Hz stays below the roll-off that resamplers and
  // codecs put just under 8 kHz, which differs between them and says nothing about the mouth.
  double low_hz = 20.0;
  double high_hz = 7600.0;
  // Energy floor before the log. 1e-6 is about -100 dBFS per band: 16-bit quantisation noise and
  // digital silence both land on it, so the model cannot tell synthetic silence by its depth.
  double floor = 1e-6;

  Status Validate() const;
};

// Immutable after creation; one instance may serve many threads.
class LogMel {
 public:
  static Result<std::shared_ptr<const LogMel>> Create(const LogMelConfig& config = {});

  const LogMelConfig& config() const { return config_; }
  int num_mels() const { return config_.num_mels; }

  // Whole frames in num_samples samples.
  int64_t NumFrames(int64_t num_samples) const;

  // One frame from config().window_samples samples starting at `window`.
  void ComputeFrame(const float* window, float* out) const;

  // All frames of `samples`, row-major (frames x num_mels).
  std::vector<float> Compute(const float* samples, size_t num_samples) const;

  // The filterbank, row-major (num_mels x fft_size / 2 + 1), for tests and the numpy twin.
  const std::vector<double>& filterbank() const { return filters_; }

 private:
  explicit LogMel(const LogMelConfig& config);

  LogMelConfig config_;
  PowerSpectrum fft_;
  std::vector<double> window_;
  std::vector<double> filters_;
  // Each filter's first and one-past-last non-zero bin, so the product skips the zeros.
  std::vector<int> filter_begin_;
  std::vector<int> filter_end_;
};

// Streaming front end: push chunks of any size; every frame is emitted once its last sample has
// arrived, identical to LogMel::Compute on the concatenated audio. Belongs to one caller.
class LogMelStream {
 public:
  explicit LogMelStream(std::shared_ptr<const LogMel> log_mel);

  // Appends the new complete frames (row-major) to *frames; returns how many were added.
  int Push(const float* samples, size_t num_samples, std::vector<float>* frames);
  int64_t frames_emitted() const { return frames_emitted_; }
  void Reset();

 private:
  std::shared_ptr<const LogMel> log_mel_;
  std::vector<float> pending_;  // Samples not yet consumed by a hop, oldest first.
  int64_t frames_emitted_ = 0;
};

// Convenience: default-configured features of 16 kHz samples.
Result<std::vector<float>> ComputeLogMel(const std::vector<float>& samples,
                                         const LogMelConfig& config = {});

}  // namespace voxface

#endif  // VOXFACE_SRC_FEATURES_LOG_MEL_H_
