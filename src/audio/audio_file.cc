// SPDX-License-Identifier: Apache-2.0
// Encoded audio (files and in-memory uploads) via libsndfile, converted through the shared
// resampler and checks, plus the 16-bit WAV writer.
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "audio/resampler.h"
#include "audio/sndfile_reader.h"
#include "audio/validate.h"
#include "voxface/audio.h"

namespace voxface {
namespace {

constexpr size_t kBlockFrames = 8192;
constexpr double kMaxReserveS = 600.0;

std::string Quoted(const std::string& path) { return "'" + path + "'"; }

std::string FormatSeconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f s", s);
  return buf;
}

// Decodes block by block so that memory holds only the 16 kHz output, not the source at its
// native rate and channel count.
// REQUIRES: options.Validate().ok().
Result<Audio> DecodeAll(SndfileReader& reader, const AudioOptions& options) {
  const SF_INFO& info = reader.info();
  if (reader.frames_known()) {
    VF_RETURN_IF_ERROR(CheckDuration(info.frames, info.samplerate, options.max_duration_s));
  }
  VF_ASSIGN_OR_RETURN(std::unique_ptr<Resampler> resampler,
                      Resampler::Create(info.samplerate, options.target_rate_hz));
  Audio audio;
  audio.sample_rate_hz = options.target_rate_hz;
  if (reader.frames_known()) {
    // Capped: a corrupt header may promise hours that never arrive; growth covers the rest.
    const double seconds = std::min(double(info.frames) / info.samplerate, kMaxReserveS);
    audio.samples.reserve(static_cast<size_t>(std::ceil(seconds * options.target_rate_hz)) + 64);
  }

  std::vector<float> interleaved(kBlockFrames * static_cast<size_t>(info.channels));
  std::vector<float> mono;
  int64_t frames_read = 0;
  while (true) {
    Result<size_t> n = reader.Read(interleaved.data(), kBlockFrames);
    if (!n.ok()) {
      // Damage after some good audio: keep what decoded, as players do, but say so.
      if (frames_read == 0) return n.status();
      audio.warnings.push_back("decoding stopped early at " +
                               FormatSeconds(double(frames_read) / info.samplerate) + ": " +
                               n.status().message());
      break;
    }
    if (*n == 0) break;
    VF_RETURN_IF_ERROR(CheckFinite(interleaved.data(), *n * info.channels, info.channels,
                                   frames_read, info.samplerate));
    frames_read += static_cast<int64_t>(*n);
    // Headers can lie or be missing; the limit holds on what is actually decoded.
    VF_RETURN_IF_ERROR(CheckDuration(frames_read, info.samplerate, options.max_duration_s));
    DownmixToMono(interleaved.data(), *n, info.channels, &mono);
    VF_RETURN_IF_ERROR(resampler->Process(mono.data(), mono.size(), &audio.samples));
  }
  VF_RETURN_IF_ERROR(resampler->Flush(&audio.samples));

  const std::string present = FormatSeconds(double(frames_read) / info.samplerate);
  const bool overstated = reader.header_overstates_data();
  if (overstated && audio.samples.empty()) {
    return Status::CorruptData(
        "contains no audio samples: the header promises audio but the file ends right after it; "
        "the file is truncated, re-copy or re-export it");
  }
  if (overstated) {
    audio.warnings.push_back(
        "file is truncated: its header promises more audio than it holds; using the " + present +
        " that are there");
  } else if (reader.frames_known() && reader.exact_length() && frames_read > 0 &&
             frames_read < info.frames) {
    audio.warnings.push_back("file is truncated: the header promises " +
                             FormatSeconds(double(info.frames) / info.samplerate) + " but only " +
                             present + " are present; using what is there");
  }
  VF_RETURN_IF_ERROR(CheckDecoded(&audio));
  return audio;
}

Result<Audio> LoadImpl(const std::string& path, const AudioOptions& options) {
  VF_RETURN_IF_ERROR(options.Validate());
  VF_ASSIGN_OR_RETURN(std::unique_ptr<SndfileReader> reader, SndfileReader::OpenFile(path));
  return DecodeAll(*reader, options);
}

Result<Audio> DecodeImpl(const void* data, size_t size, const AudioOptions& options) {
  VF_RETURN_IF_ERROR(options.Validate());
  VF_ASSIGN_OR_RETURN(std::unique_ptr<SndfileReader> reader, SndfileReader::OpenMemory(data, size));
  return DecodeAll(*reader, options);
}

Status WriteImpl(const std::string& path, const Audio& audio) {
  if (audio.sample_rate_hz < 1 || audio.sample_rate_hz > 1000000) {
    return Status::InvalidArgument("sample_rate_hz must be positive, got " +
                                   std::to_string(audio.sample_rate_hz));
  }
  VF_RETURN_IF_ERROR(
      CheckFinite(audio.samples.data(), audio.samples.size(), 1, 0, audio.sample_rate_hz));
  SF_INFO info{};
  info.samplerate = audio.sample_rate_hz;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  if (file == nullptr) {
    return Status::IoError(std::string(sf_strerror(nullptr)) +
                           "; check that the folder exists and is writable");
  }
  // Without clipping, samples just over full scale wrap around to loud clicks.
  sf_command(file, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  const auto frames = static_cast<sf_count_t>(audio.samples.size());
  const sf_count_t written = sf_writef_float(file, audio.samples.data(), frames);
  const std::string write_error = sf_strerror(file);
  const int close_error = sf_close(file);
  if (written != frames || close_error != 0) {
    return Status::IoError("writing failed (" + write_error + "); check free disk space");
  }
  return Status::Ok();
}

}  // namespace

Result<AudioInfo> ProbeAudioFile(const std::string& path) {
  Result<std::unique_ptr<SndfileReader>> reader = SndfileReader::OpenFile(path);
  if (!reader.ok()) return reader.status().WithContext("cannot open " + Quoted(path));
  return (*reader)->Describe();
}

Result<Audio> LoadAudioFile(const std::string& path, const AudioOptions& options) {
  Result<Audio> audio = LoadImpl(path, options);
  if (!audio.ok()) return audio.status().WithContext("cannot decode " + Quoted(path));
  return audio;
}

Result<Audio> DecodeAudio(const void* data, size_t size, const AudioOptions& options) {
  Result<Audio> audio = DecodeImpl(data, size, options);
  if (!audio.ok()) {
    return audio.status().WithContext("cannot decode in-memory audio (" + std::to_string(size) +
                                      " bytes)");
  }
  return audio;
}

Status WriteWav(const std::string& path, const Audio& audio) {
  return WriteImpl(path, audio).WithContext("cannot write " + Quoted(path));
}

}  // namespace voxface
