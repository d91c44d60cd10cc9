// SPDX-License-Identifier: Apache-2.0
// AudioStream: the one incremental raw-PCM path. DecodeRawPcm runs through it too, so a recording
// fed in chunks and the same bytes decoded at once give identical samples.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <utility>
#include <vector>

#include "audio/resampler.h"
#include "audio/validate.h"
#include "voxface/audio.h"

namespace voxface {
namespace {

// Frames converted per resampler call: bounds scratch memory for huge pushes.
constexpr size_t kBlockFrames = 4096;

// Explicit byte assembly keeps "le" true on any host byte order.
void BytesToFloat(const uint8_t* bytes, size_t count, SampleFormat format, float* out) {
  if (format == SampleFormat::kS16LE) {
    for (size_t i = 0; i < count; ++i, bytes += 2) {
      const auto v = static_cast<int16_t>(static_cast<uint16_t>(bytes[0] | (bytes[1] << 8)));
      // Same 1/32768 scale libsndfile uses, so raw and WAV input of the same samples match.
      out[i] = static_cast<float>(v) * (1.0f / 32768.0f);
    }
  } else {
    for (size_t i = 0; i < count; ++i, bytes += 4) {
      const uint32_t u = static_cast<uint32_t>(bytes[0]) | (static_cast<uint32_t>(bytes[1]) << 8) |
                         (static_cast<uint32_t>(bytes[2]) << 16) |
                         (static_cast<uint32_t>(bytes[3]) << 24);
      out[i] = std::bit_cast<float>(u);
    }
  }
}

class PcmStream final : public AudioStream {
 public:
  PcmStream(const PcmFormat& format, const AudioOptions& options,
            std::unique_ptr<Resampler> resampler)
      : format_(format),
        options_(options),
        frame_bytes_(static_cast<size_t>(format.bytes_per_frame())),
        resampler_(std::move(resampler)) {
    pending_.reserve(frame_bytes_);
  }

  Status Push(const void* data, size_t size) override {
    VF_RETURN_IF_ERROR(error_);
    if (finished_) {
      return Status::InvalidArgument(
          "Push called after Finish; create a new AudioStream for the next recording");
    }
    if (size == 0) return Status::Ok();
    if (data == nullptr) return Status::InvalidArgument("Push got a null buffer of non-zero size");
    // Checked before converting anything so that a rejected chunk leaves the stream unchanged.
    const int64_t frames_after =
        frames_in_ + static_cast<int64_t>((pending_.size() + size) / frame_bytes_);
    VF_RETURN_IF_ERROR(
        CheckDuration(frames_after, format_.sample_rate_hz, options_.max_duration_s));

    const auto* bytes = static_cast<const uint8_t*>(data);
    if (!pending_.empty()) {
      const size_t take = std::min(size, frame_bytes_ - pending_.size());
      pending_.insert(pending_.end(), bytes, bytes + take);
      bytes += take;
      size -= take;
      if (pending_.size() < frame_bytes_) return Status::Ok();
      VF_RETURN_IF_ERROR(Fail(ConvertFrames(pending_.data(), 1)));
      pending_.clear();
    }
    const size_t whole = size / frame_bytes_;
    for (size_t done = 0; done < whole;) {
      const size_t n = std::min(kBlockFrames, whole - done);
      VF_RETURN_IF_ERROR(Fail(ConvertFrames(bytes + done * frame_bytes_, n)));
      done += n;
    }
    const size_t tail = size - whole * frame_bytes_;
    pending_.assign(bytes + whole * frame_bytes_, bytes + whole * frame_bytes_ + tail);
    return Status::Ok();
  }

  Status Finish() override {
    VF_RETURN_IF_ERROR(error_);
    if (finished_) return Status::Ok();
    finished_ = true;
    VF_RETURN_IF_ERROR(Fail(Flush()));
    if (!pending_.empty()) {
      return Fail(Status::CorruptData(
          "the stream ended in the middle of a sample frame (" + std::to_string(pending_.size()) +
          " of " + std::to_string(frame_bytes_) +
          " bytes); check the sample format and channel count, or that the last chunk was sent "
          "whole"));
    }
    return Status::Ok();
  }

  std::vector<float> TakeSamples() override { return std::exchange(out_, {}); }

  int64_t samples_out() const override { return samples_out_; }

 private:
  Status ConvertFrames(const uint8_t* bytes, size_t frames) {
    const size_t count = frames * static_cast<size_t>(format_.channels);
    interleaved_.resize(count);
    BytesToFloat(bytes, count, format_.format, interleaved_.data());
    if (format_.format == SampleFormat::kF32LE) {
      VF_RETURN_IF_ERROR(CheckFinite(interleaved_.data(), count, format_.channels, frames_in_,
                                     format_.sample_rate_hz));
    }
    DownmixToMono(interleaved_.data(), frames, format_.channels, &mono_);
    const size_t before = out_.size();
    VF_RETURN_IF_ERROR(resampler_->Process(mono_.data(), frames, &out_));
    samples_out_ += static_cast<int64_t>(out_.size() - before);
    frames_in_ += static_cast<int64_t>(frames);
    return Status::Ok();
  }

  Status Flush() {
    const size_t before = out_.size();
    VF_RETURN_IF_ERROR(resampler_->Flush(&out_));
    samples_out_ += static_cast<int64_t>(out_.size() - before);
    return Status::Ok();
  }

  // Errors are sticky: after bad data the resampler state no longer matches the input, so every
  // later call reports the first failure instead of producing misaligned audio.
  Status Fail(Status status) {
    if (!status.ok()) error_ = status;
    return status;
  }

  const PcmFormat format_;
  const AudioOptions options_;
  const size_t frame_bytes_;
  std::unique_ptr<Resampler> resampler_;
  std::vector<uint8_t> pending_;  // Bytes of an incomplete frame split across pushes.
  std::vector<float> interleaved_;
  std::vector<float> mono_;
  std::vector<float> out_;
  int64_t frames_in_ = 0;
  int64_t samples_out_ = 0;
  bool finished_ = false;
  Status error_;
};

}  // namespace

Result<std::unique_ptr<AudioStream>> AudioStream::Create(const PcmFormat& format,
                                                         const AudioOptions& options) {
  VF_RETURN_IF_ERROR(format.Validate());
  VF_RETURN_IF_ERROR(options.Validate());
  VF_ASSIGN_OR_RETURN(std::unique_ptr<Resampler> resampler,
                      Resampler::Create(format.sample_rate_hz, options.target_rate_hz));
  return std::unique_ptr<AudioStream>(
      std::make_unique<PcmStream>(format, options, std::move(resampler)));
}

}  // namespace voxface
