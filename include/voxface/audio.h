// SPDX-License-Identifier: Apache-2.0
// Audio input: files, in-memory bytes, raw PCM and live chunks, all turned into 16 kHz mono
// float32. Decoding uses libsndfile (WAV, FLAC, Ogg Vorbis, Opus, MP3 and more); resampling uses
// libsoxr at high quality.
#ifndef VOXFACE_AUDIO_H_
#define VOXFACE_AUDIO_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "voxface/status.h"
#include "voxface/types.h"

namespace voxface {

struct AudioOptions {
  // Sample rate of the returned audio. The analysers expect 16000.
  int target_rate_hz = 16000;
  // Inputs longer than this are rejected with kOutOfRange (default 2 h).
  double max_duration_s = 7200.0;

  Status Validate() const;
};

enum class SampleFormat { kS16LE, kF32LE };

// How raw PCM bytes are laid out. Channels are interleaved.
struct PcmFormat {
  SampleFormat format = SampleFormat::kS16LE;
  int sample_rate_hz = 16000;
  int channels = 1;

  Status Validate() const;
  int bytes_per_frame() const { return channels * (format == SampleFormat::kS16LE ? 2 : 4); }
};

// Parses "s16le" / "f32le".
Result<SampleFormat> ParseSampleFormat(const std::string& name);

// What a file holds, before any conversion.
struct AudioInfo {
  std::string container;  // "WAV", "FLAC", "OGG", "MPEG", ...
  std::string encoding;   // "PCM_16", "VORBIS", "OPUS", ...
  int sample_rate_hz = 0;
  int channels = 0;
  int64_t frames = 0;
  double duration_s() const { return sample_rate_hz > 0 ? double(frames) / sample_rate_hz : 0.0; }
};

Result<AudioInfo> ProbeAudioFile(const std::string& path);

// Decodes a file (any format libsndfile reads) to mono float at options.target_rate_hz.
// Fails cleanly on missing, unreadable, unsupported, empty, too long, or NaN/Inf input. An
// all-silent input succeeds with a warning in Audio::warnings.
Result<Audio> LoadAudioFile(const std::string& path, const AudioOptions& options = {});

// Same, from an encoded file held in memory (e.g. an HTTP upload).
Result<Audio> DecodeAudio(const void* data, size_t size, const AudioOptions& options = {});

// Raw interleaved PCM without a header.
Result<Audio> DecodeRawPcm(const void* data, size_t size, const PcmFormat& format,
                           const AudioOptions& options = {});

// Converts live PCM chunks of any size (even split mid-sample) into 16 kHz mono float. Feeding a
// whole recording in chunks yields the same samples as DecodeRawPcm, to within resampler rounding.
// Not thread-safe: one per stream.
class AudioStream {
 public:
  static Result<std::unique_ptr<AudioStream>> Create(const PcmFormat& format,
                                                     const AudioOptions& options = {});
  virtual ~AudioStream() = default;

  // Appends raw bytes. Fails on NaN/Inf samples or when the total exceeds max_duration_s.
  virtual Status Push(const void* data, size_t size) = 0;
  // Flushes the resampler; no Push may follow.
  virtual Status Finish() = 0;
  // Moves out the converted samples produced so far.
  virtual std::vector<float> TakeSamples() = 0;
  // Total converted samples produced so far (taken or not).
  virtual int64_t samples_out() const = 0;
};

// Writes 16-bit PCM WAV (for tests, examples and the dev set).
Status WriteWav(const std::string& path, const Audio& audio);

}  // namespace voxface

#endif  // VOXFACE_AUDIO_H_
