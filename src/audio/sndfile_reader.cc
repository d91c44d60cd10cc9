// SPDX-License-Identifier: Apache-2.0
#include "audio/sndfile_reader.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <system_error>

namespace voxface {
namespace {

constexpr int kMaxChannels = 1024;
constexpr int kMaxSampleRateHz = 1000000;

// libsndfile reports open failures through a process-wide error slot; concurrent failed opens may
// swap messages, which only affects wording, never the outcome.
Status OpenError() {
  const int code = sf_error(nullptr);
  std::string detail = sf_strerror(nullptr);
  // libsndfile reports some parse failures (e.g. a fake MP3) as "File does not exist or is not a
  // regular file", which misleads for a file we have just opened; use a neutral phrase instead.
  if (detail.find("not a regular file") != std::string::npos) detail = "no usable audio stream";
  switch (code) {
    case SF_ERR_UNRECOGNISED_FORMAT:
      return Status::Unsupported(
          "format not recognised by libsndfile; convert it to WAV, FLAC, Ogg or MP3");
    case SF_ERR_SYSTEM:
      return Status::IoError("the system refused to read it (" + detail +
                             "); check permissions and that the disk is readable");
    case SF_ERR_UNSUPPORTED_ENCODING:
      return Status::Unsupported("the file uses an encoding libsndfile cannot decode (" + detail +
                                 "); convert it to 16-bit PCM WAV or FLAC");
    default:
      return Status::CorruptData(
          "the file is malformed, truncated or not really in the format it claims (libsndfile: " +
          detail + "); re-export it or convert it to WAV");
  }
}

const char* ContainerName(int major) {
  switch (major) {
    case SF_FORMAT_WAV:
      return "WAV";
    case SF_FORMAT_WAVEX:
      return "WAVEX";
    case SF_FORMAT_RF64:
      return "RF64";
    case SF_FORMAT_W64:
      return "W64";
    case SF_FORMAT_AIFF:
      return "AIFF";
    case SF_FORMAT_AU:
      return "AU";
    case SF_FORMAT_CAF:
      return "CAF";
    case SF_FORMAT_FLAC:
      return "FLAC";
    case SF_FORMAT_OGG:
      return "OGG";
    case SF_FORMAT_MPEG:
      return "MPEG";
    case SF_FORMAT_RAW:
      return "RAW";
    case SF_FORMAT_NIST:
      return "NIST";
    case SF_FORMAT_VOC:
      return "VOC";
    case SF_FORMAT_IRCAM:
      return "IRCAM";
    case SF_FORMAT_SVX:
      return "SVX";
    case SF_FORMAT_PAF:
      return "PAF";
    case SF_FORMAT_MAT4:
      return "MAT4";
    case SF_FORMAT_MAT5:
      return "MAT5";
    case SF_FORMAT_HTK:
      return "HTK";
    case SF_FORMAT_SD2:
      return "SD2";
    default:
      return nullptr;
  }
}

const char* EncodingName(int subtype) {
  switch (subtype) {
    case SF_FORMAT_PCM_S8:
      return "PCM_S8";
    case SF_FORMAT_PCM_U8:
      return "PCM_U8";
    case SF_FORMAT_PCM_16:
      return "PCM_16";
    case SF_FORMAT_PCM_24:
      return "PCM_24";
    case SF_FORMAT_PCM_32:
      return "PCM_32";
    case SF_FORMAT_FLOAT:
      return "FLOAT";
    case SF_FORMAT_DOUBLE:
      return "DOUBLE";
    case SF_FORMAT_ULAW:
      return "ULAW";
    case SF_FORMAT_ALAW:
      return "ALAW";
    case SF_FORMAT_IMA_ADPCM:
      return "IMA_ADPCM";
    case SF_FORMAT_MS_ADPCM:
      return "MS_ADPCM";
    case SF_FORMAT_GSM610:
      return "GSM610";
    case SF_FORMAT_VORBIS:
      return "VORBIS";
    case SF_FORMAT_OPUS:
      return "OPUS";
    case SF_FORMAT_ALAC_16:
      return "ALAC_16";
    case SF_FORMAT_ALAC_20:
      return "ALAC_20";
    case SF_FORMAT_ALAC_24:
      return "ALAC_24";
    case SF_FORMAT_ALAC_32:
      return "ALAC_32";
    case SF_FORMAT_MPEG_LAYER_I:
      return "MPEG_LAYER_I";
    case SF_FORMAT_MPEG_LAYER_II:
      return "MPEG_LAYER_II";
    case SF_FORMAT_MPEG_LAYER_III:
      return "MPEG_LAYER_III";
    default:
      return nullptr;
  }
}

std::string Hex(int value) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%06x", value);
  return buf;
}

}  // namespace

Result<std::unique_ptr<SndfileReader>> SndfileReader::OpenFile(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    return Status::NotFound("file not found; check the path");
  }
  if (std::filesystem::is_directory(status)) {
    return Status::InvalidArgument("it is a directory, not an audio file");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size == 0) {
    return Status::CorruptData("the file is empty (0 bytes); check that it was fully written");
  }
  std::unique_ptr<SndfileReader> reader(new SndfileReader());
  reader->file_ = sf_open(path.c_str(), SFM_READ, &reader->info_);
  if (reader->file_ == nullptr) return OpenError();
  VF_RETURN_IF_ERROR(reader->CheckInfo());
  return reader;
}

Result<std::unique_ptr<SndfileReader>> SndfileReader::OpenMemory(const void* data, size_t size) {
  if (size == 0) return Status::CorruptData("the buffer is empty (0 bytes)");
  if (data == nullptr) return Status::InvalidArgument("null buffer of non-zero size");
  std::unique_ptr<SndfileReader> reader(new SndfileReader());
  reader->memory_.data = static_cast<const unsigned char*>(data);
  reader->memory_.size = static_cast<sf_count_t>(size);
  // Captureless lambdas inside a member function may use the private MemoryFile type.
  static SF_VIRTUAL_IO io = {
      .get_filelen = [](void* user) -> sf_count_t { return static_cast<MemoryFile*>(user)->size; },
      .seek = [](sf_count_t offset, int whence, void* user) -> sf_count_t {
        auto* m = static_cast<MemoryFile*>(user);
        sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : m->size;
        // Clamped: a corrupt header may ask to seek anywhere; reads there just return nothing.
        m->pos = std::clamp<sf_count_t>(base + offset, 0, m->size);
        return m->pos;
      },
      .read = [](void* ptr, sf_count_t count, void* user) -> sf_count_t {
        auto* m = static_cast<MemoryFile*>(user);
        const sf_count_t n = std::clamp<sf_count_t>(count, 0, m->size - m->pos);
        if (n > 0) std::memcpy(ptr, m->data + m->pos, static_cast<size_t>(n));
        m->pos += n;
        return n;
      },
      .write = [](const void*, sf_count_t, void*) -> sf_count_t { return 0; },
      .tell = [](void* user) -> sf_count_t { return static_cast<MemoryFile*>(user)->pos; },
  };
  reader->file_ = sf_open_virtual(&io, SFM_READ, &reader->info_, &reader->memory_);
  if (reader->file_ == nullptr) return OpenError();
  VF_RETURN_IF_ERROR(reader->CheckInfo());
  return reader;
}

SndfileReader::~SndfileReader() {
  if (file_ != nullptr) sf_close(file_);
}

// A corrupt header can claim absurd layouts; refuse them before sizing any buffer from them.
Status SndfileReader::CheckInfo() const {
  if (info_.channels < 1 || info_.channels > kMaxChannels) {
    return Status::CorruptData("the header claims " + std::to_string(info_.channels) +
                               " channels; the file is corrupt");
  }
  if (info_.samplerate < 1 || info_.samplerate > kMaxSampleRateHz) {
    return Status::CorruptData("the header claims a sample rate of " +
                               std::to_string(info_.samplerate) + " Hz; the file is corrupt");
  }
  return Status::Ok();
}

AudioInfo SndfileReader::Describe() const {
  AudioInfo out;
  const int major = info_.format & SF_FORMAT_TYPEMASK;
  const int subtype = info_.format & SF_FORMAT_SUBMASK;
  const char* container = ContainerName(major);
  const char* encoding = EncodingName(subtype);
  out.container = container != nullptr ? container : Hex(major);
  out.encoding = encoding != nullptr ? encoding : Hex(subtype);
  out.sample_rate_hz = info_.samplerate;
  out.channels = info_.channels;
  // Unknown length (SF_COUNT_MAX) is reported as 0 rather than a bogus multi-century duration.
  out.frames = frames_known() ? info_.frames : 0;
  return out;
}

bool SndfileReader::exact_length() const {
  switch (info_.format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_VORBIS:
    case SF_FORMAT_OPUS:
    case SF_FORMAT_MPEG_LAYER_I:
    case SF_FORMAT_MPEG_LAYER_II:
    case SF_FORMAT_MPEG_LAYER_III:
      return false;
    default:
      return true;
  }
}

bool SndfileReader::header_overstates_data() const {
  // libsndfile exposes this only in its parse log, as e.g. "data : 32000 (should be 8000)". The
  // wording is stable across 1.0.x-1.2.x; if it ever changes we merely lose the warning.
  std::string log(4096, '\0');
  sf_command(file_, SFC_GET_LOG_INFO, log.data(), static_cast<int>(log.size()));
  log.resize(std::strlen(log.c_str()));
  for (size_t start = 0; start < log.size();) {
    size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    const std::string_view line(log.data() + start, end - start);
    if (line.starts_with("data") && line.find("(should be") != std::string_view::npos) return true;
    start = end + 1;
  }
  return false;
}

Result<size_t> SndfileReader::Read(float* interleaved, size_t frames) {
  const sf_count_t n = sf_readf_float(file_, interleaved, static_cast<sf_count_t>(frames));
  if (n > 0) return static_cast<size_t>(n);
  if (sf_error(file_) != SF_ERR_NO_ERROR) {
    return Status::CorruptData(std::string("decoding failed (libsndfile: ") + sf_strerror(file_) +
                               "); the file is damaged, re-export it or convert it to WAV");
  }
  return size_t{0};
}

}  // namespace voxface
