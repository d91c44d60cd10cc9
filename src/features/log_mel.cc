// SPDX-License-Identifier: Apache-2.0
#include "features/log_mel.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <utility>

namespace voxface {
namespace {

double HzToMel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }
double MelToHz(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }

}  // namespace

Status LogMelConfig::Validate() const {
  if (sample_rate_hz <= 0) return Status::InvalidArgument("log-mel sample rate must be positive");
  if (window_samples <= 0 || hop_samples <= 0) {
    return Status::InvalidArgument("log-mel window and hop must be positive");
  }
  if (fft_size < window_samples || (fft_size & (fft_size - 1)) != 0) {
    return Status::InvalidArgument("log-mel fft_size must be a power of two >= the window (" +
                                   std::to_string(fft_size) + ")");
  }
  if (num_mels <= 0) return Status::InvalidArgument("log-mel num_mels must be positive");
  if (!(low_hz >= 0.0 && low_hz < high_hz && high_hz <= sample_rate_hz / 2.0)) {
    return Status::InvalidArgument("log-mel band must satisfy 0 <= low_hz < high_hz <= rate / 2");
  }
  if (!(floor > 0.0)) return Status::InvalidArgument("log-mel floor must be positive");
  return Status::Ok();
}

Result<std::shared_ptr<const LogMel>> LogMel::Create(const LogMelConfig& config) {
  VF_RETURN_IF_ERROR(config.Validate());
  return std::shared_ptr<const LogMel>(new LogMel(config));
}

LogMel::LogMel(const LogMelConfig& config)
    : config_(config),
      fft_(config.fft_size),
      window_(config.window_samples),
      filters_(static_cast<size_t>(config.num_mels) * (config.fft_size / 2 + 1), 0.0),
      filter_begin_(config.num_mels),
      filter_end_(config.num_mels) {
  // Periodic Hann (as torch.hann_window): the window tiles exactly at 50% overlap.
  for (int n = 0; n < config.window_samples; ++n) {
    window_[n] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * n / config.window_samples);
  }
  const int bins = config.fft_size / 2 + 1;
  const double mel_low = HzToMel(config.low_hz);
  const double mel_high = HzToMel(config.high_hz);
  std::vector<double> edges(config.num_mels + 2);
  for (size_t i = 0; i < edges.size(); ++i) {
    edges[i] = MelToHz(mel_low + (mel_high - mel_low) * static_cast<double>(i) /
                                     static_cast<double>(config.num_mels + 1));
  }
  for (int m = 0; m < config.num_mels; ++m) {
    const double left = edges[m], centre = edges[m + 1], right = edges[m + 2];
    filter_begin_[m] = bins;
    filter_end_[m] = 0;
    for (int k = 0; k < bins; ++k) {
      const double f = static_cast<double>(k) * config.sample_rate_hz / config.fft_size;
      const double up = (f - left) / (centre - left);
      const double down = (right - f) / (right - centre);
      const double w = std::max(0.0, std::min(up, down));
      filters_[static_cast<size_t>(m) * bins + k] = w;
      if (w > 0.0) {
        filter_begin_[m] = std::min(filter_begin_[m], k);
        filter_end_[m] = k + 1;
      }
    }
  }
}

int64_t LogMel::NumFrames(int64_t num_samples) const {
  if (num_samples < config_.window_samples) return 0;
  return 1 + (num_samples - config_.window_samples) / config_.hop_samples;
}

void LogMel::ComputeFrame(const float* window, float* out) const {
  thread_local std::vector<double> frame;
  thread_local std::vector<double> power;
  thread_local std::vector<std::complex<double>> scratch;
  frame.resize(config_.window_samples);
  power.resize(fft_.num_bins());
  for (int n = 0; n < config_.window_samples; ++n) frame[n] = window[n] * window_[n];
  fft_.Compute(frame.data(), config_.window_samples, &scratch, power.data());
  const int bins = fft_.num_bins();
  for (int m = 0; m < config_.num_mels; ++m) {
    const double* w = &filters_[static_cast<size_t>(m) * bins];
    double energy = 0.0;
    for (int k = filter_begin_[m]; k < filter_end_[m]; ++k) energy += w[k] * power[k];
    out[m] = static_cast<float>(std::log(std::max(energy, config_.floor)));
  }
}

std::vector<float> LogMel::Compute(const float* samples, size_t num_samples) const {
  const int64_t frames = NumFrames(static_cast<int64_t>(num_samples));
  std::vector<float> out(static_cast<size_t>(frames) * config_.num_mels);
  for (int64_t i = 0; i < frames; ++i) {
    ComputeFrame(samples + i * config_.hop_samples,
                 &out[static_cast<size_t>(i) * config_.num_mels]);
  }
  return out;
}

LogMelStream::LogMelStream(std::shared_ptr<const LogMel> log_mel) : log_mel_(std::move(log_mel)) {}

int LogMelStream::Push(const float* samples, size_t num_samples, std::vector<float>* frames) {
  pending_.insert(pending_.end(), samples, samples + num_samples);
  const LogMelConfig& c = log_mel_->config();
  const int64_t ready = log_mel_->NumFrames(static_cast<int64_t>(pending_.size()));
  if (ready == 0) return 0;
  const size_t old_size = frames->size();
  frames->resize(old_size + static_cast<size_t>(ready) * c.num_mels);
  for (int64_t i = 0; i < ready; ++i) {
    log_mel_->ComputeFrame(&pending_[static_cast<size_t>(i * c.hop_samples)],
                           &(*frames)[old_size + static_cast<size_t>(i) * c.num_mels]);
  }
  // Keep what the next frame needs: everything from its first sample on.
  pending_.erase(pending_.begin(),
                 pending_.begin() + static_cast<ptrdiff_t>(ready * c.hop_samples));
  frames_emitted_ += ready;
  return static_cast<int>(ready);
}

void LogMelStream::Reset() {
  pending_.clear();
  frames_emitted_ = 0;
}

Result<std::vector<float>> ComputeLogMel(const std::vector<float>& samples,
                                         const LogMelConfig& config) {
  VF_ASSIGN_OR_RETURN(std::shared_ptr<const LogMel> log_mel, LogMel::Create(config));
  return log_mel->Compute(samples.data(), samples.size());
}

}  // namespace voxface
