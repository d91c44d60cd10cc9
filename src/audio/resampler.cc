// SPDX-License-Identifier: Apache-2.0
#include "audio/resampler.h"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace voxface {
namespace {

constexpr double kMaxRateHz = 1e6;

}  // namespace

void DownmixToMono(const float* interleaved, size_t frames, int channels,
                   std::vector<float>* mono) {
  mono->resize(frames);
  if (channels == 1) {
    std::copy(interleaved, interleaved + frames, mono->begin());
    return;
  }
  const float scale = 1.0f / static_cast<float>(channels);
  for (size_t f = 0; f < frames; ++f) {
    const float* frame = interleaved + f * static_cast<size_t>(channels);
    float sum = 0.0f;
    for (int c = 0; c < channels; ++c) sum += frame[c];
    (*mono)[f] = sum * scale;
  }
}

Result<std::unique_ptr<Resampler>> Resampler::Create(double in_rate_hz, double out_rate_hz) {
  if (!(in_rate_hz >= 1.0 && in_rate_hz <= kMaxRateHz && out_rate_hz >= 1.0 &&
        out_rate_hz <= kMaxRateHz)) {
    return Status::InvalidArgument("cannot resample from " + std::to_string(in_rate_hz) +
                                   " Hz to " + std::to_string(out_rate_hz) +
                                   " Hz: rates must be between 1 Hz and 1 MHz");
  }
  if (in_rate_hz == out_rate_hz) {
    return std::unique_ptr<Resampler>(new Resampler(nullptr, 1.0));
  }
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  // One thread: soxr's OpenMP path would make the host's thread count matter for nothing on mono
  // speech, and callers may already run several decodes in parallel.
  const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
  soxr_error_t error = nullptr;
  soxr_t handle = soxr_create(in_rate_hz, out_rate_hz, 1, &error, &io, &quality, &runtime);
  if (error != nullptr || handle == nullptr) {
    if (handle != nullptr) soxr_delete(handle);
    return Status::Internal(std::string("libsoxr could not create a resampler: ") +
                            soxr_strerror(error));
  }
  return std::unique_ptr<Resampler>(new Resampler(handle, out_rate_hz / in_rate_hz));
}

Resampler::~Resampler() {
  if (soxr_ != nullptr) soxr_delete(soxr_);
}

Status Resampler::Process(const float* in, size_t count, std::vector<float>* out) {
  if (flushed_) return Status::Internal("resampler used after Flush");
  if (count == 0) return Status::Ok();
  if (passthrough()) {
    out->insert(out->end(), in, in + count);
    return Status::Ok();
  }
  return Drain(in, count, out);
}

Status Resampler::Flush(std::vector<float>* out) {
  if (flushed_) return Status::Ok();
  flushed_ = true;
  if (passthrough()) return Status::Ok();
  return Drain(nullptr, 0, out);
}

// Feeds `in` (or, when null, end-of-input) until libsoxr has consumed everything and stops filling
// the output window, growing `out` as it goes.
Status Resampler::Drain(const float* in, size_t count, std::vector<float>* out) {
  size_t consumed = 0;
  while (true) {
    const size_t remaining = count - consumed;
    const size_t window =
        std::max<size_t>(1024, static_cast<size_t>(std::ceil(remaining * ratio_)) + 64);
    const size_t old_size = out->size();
    out->resize(old_size + window);
    size_t in_done = 0;
    size_t out_done = 0;
    soxr_error_t error = soxr_process(soxr_, in != nullptr ? in + consumed : nullptr, remaining,
                                      &in_done, out->data() + old_size, window, &out_done);
    out->resize(old_size + out_done);
    if (error != nullptr) {
      return Status::Internal(std::string("libsoxr failed while resampling: ") +
                              soxr_strerror(error));
    }
    consumed += in_done;
    // At end of input libsoxr hands out its tail over several calls and signals the end with an
    // empty one; otherwise a window it did not fill means it wants more input.
    if (in == nullptr ? out_done == 0 : (consumed == count && out_done < window)) break;
  }
  return Status::Ok();
}

Result<std::vector<float>> Resampler::Convert(const float* in, size_t count, double in_rate_hz,
                                              double out_rate_hz) {
  VF_ASSIGN_OR_RETURN(std::unique_ptr<Resampler> resampler, Create(in_rate_hz, out_rate_hz));
  std::vector<float> out;
  out.reserve(static_cast<size_t>(std::ceil(count * resampler->ratio_)) + 16);
  VF_RETURN_IF_ERROR(resampler->Process(in, count, &out));
  VF_RETURN_IF_ERROR(resampler->Flush(&out));
  return out;
}

}  // namespace voxface
