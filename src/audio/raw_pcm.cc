// SPDX-License-Identifier: Apache-2.0
#include <memory>
#include <string>

#include "audio/validate.h"
#include "voxface/audio.h"

namespace voxface {
namespace {

const char* FormatName(SampleFormat format) {
  return format == SampleFormat::kS16LE ? "s16le" : "f32le";
}

Result<Audio> DecodeRawPcmImpl(const void* data, size_t size, const PcmFormat& format,
                               const AudioOptions& options) {
  VF_RETURN_IF_ERROR(format.Validate());
  VF_RETURN_IF_ERROR(options.Validate());
  if (data == nullptr && size > 0) return Status::InvalidArgument("null buffer of non-zero size");
  const size_t frame_bytes = static_cast<size_t>(format.bytes_per_frame());
  if (size % frame_bytes != 0) {
    return Status::CorruptData(
        std::to_string(size) + " bytes is not a whole number of " + std::to_string(frame_bytes) +
        "-byte frames (" + FormatName(format.format) + ", " + std::to_string(format.channels) +
        " channel(s)); check the sample format and channel count, or whether the data was cut off");
  }
  // Rejects an over-long buffer before spending time converting it.
  VF_RETURN_IF_ERROR(CheckDuration(static_cast<int64_t>(size / frame_bytes), format.sample_rate_hz,
                                   options.max_duration_s));
  // The streaming path is the only converter, which keeps chunked and whole input identical.
  VF_ASSIGN_OR_RETURN(std::unique_ptr<AudioStream> stream, AudioStream::Create(format, options));
  VF_RETURN_IF_ERROR(stream->Push(data, size));
  VF_RETURN_IF_ERROR(stream->Finish());
  Audio audio;
  audio.sample_rate_hz = options.target_rate_hz;
  audio.samples = stream->TakeSamples();
  VF_RETURN_IF_ERROR(CheckDecoded(&audio));
  return audio;
}

}  // namespace

Result<Audio> DecodeRawPcm(const void* data, size_t size, const PcmFormat& format,
                           const AudioOptions& options) {
  Result<Audio> audio = DecodeRawPcmImpl(data, size, format, options);
  if (!audio.ok()) return audio.status().WithContext("cannot decode raw PCM");
  return audio;
}

}  // namespace voxface
