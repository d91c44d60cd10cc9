// SPDX-License-Identifier: Apache-2.0
#include "batch_io.h"

#include <soxr.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

namespace voxface::corpus {
namespace {

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
    if (tab == std::string_view::npos) return fields;
    start = tab + 1;
  }
}

template <typename T>
bool ParseNumber(std::string_view text, T* value) {
  if (text.empty()) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

Result<SynthJob> ParseJobLine(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const std::vector<std::string_view> f = SplitTabs(line);
  if (f.size() != 6) {
    return Status::InvalidArgument(
        "a job needs 6 tab-separated fields (id voice speed pitch "
        "range text), got " +
        std::to_string(f.size()));
  }
  SynthJob job;
  job.id = std::string(f[0]);
  if (job.id.empty() || job.id.find_first_of(" :") != std::string::npos) {
    return Status::InvalidArgument("bad job id '" + job.id + "' (empty, or has a space or colon)");
  }
  job.voice = std::string(f[1]);
  if (job.voice.empty()) return Status::InvalidArgument("job " + job.id + " has no voice");
  if (!ParseNumber(f[2], &job.speed) || job.speed < 0 || !ParseNumber(f[3], &job.pitch) ||
      !ParseNumber(f[4], &job.range)) {
    return Status::InvalidArgument("job " + job.id + ": speed, pitch and range must be numbers");
  }
  job.text = std::string(f[5]);
  if (job.text.empty()) return Status::InvalidArgument("job " + job.id + " has no text");
  return job;
}

Result<std::vector<SynthJob>> ReadJobs(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot open job file '" + path + "'");
  std::vector<SynthJob> jobs;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    Result<SynthJob> job = ParseJobLine(line);
    if (!job.ok()) {
      return Status::InvalidArgument(path + ":" + std::to_string(number) + ": " +
                                     job.status().message());
    }
    jobs.push_back(std::move(*job));
  }
  return jobs;
}

std::vector<int16_t> ResamplePcm(const std::vector<int16_t>& pcm, int in_rate_hz, int out_rate_hz) {
  if (in_rate_hz == out_rate_hz || pcm.empty()) return pcm;
  const size_t out_size =
      static_cast<size_t>(std::llround(static_cast<double>(pcm.size()) * out_rate_hz / in_rate_hz));
  std::vector<float> in(pcm.begin(), pcm.end());
  std::vector<float> out(out_size);
  size_t done = 0;
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  soxr_oneshot(in_rate_hz, out_rate_hz, 1, in.data(), in.size(), nullptr, out.data(), out.size(),
               &done, &io, &quality, nullptr);
  out.resize(out_size, 0.0f);  // soxr may return a sample less; pad with silence.
  std::vector<int16_t> result(out_size);
  for (size_t i = 0; i < out_size; ++i) {
    result[i] = static_cast<int16_t>(std::clamp(std::lround(out[i]), -32768L, 32767L));
  }
  return result;
}

std::string FormatPhoneSpans(const std::vector<PhoneSegment>& phones, int rate_hz,
                             int64_t num_samples) {
  std::string out;
  int64_t t = 0;
  for (size_t i = 0; i < phones.size() && t < num_samples; ++i) {
    const bool last = i + 1 == phones.size();
    const int64_t end =
        last ? num_samples
             : std::clamp<int64_t>(std::llround(phones[i].end_s * rate_hz), t, num_samples);
    if (end <= t) continue;
    if (!out.empty()) out += ' ';
    out += phones[i].phone + ":" + std::to_string(t) + ":" + std::to_string(end);
    t = end;
  }
  if (t < num_samples) {  // No phones at all, or phones that ended early: the rest is silence.
    if (!out.empty()) out += ' ';
    out += "sil:" + std::to_string(t) + ":" + std::to_string(num_samples);
  }
  return out;
}

Result<BatchWriter> BatchWriter::Open(const std::string& prefix) {
  BatchWriter w;
  w.prefix_ = prefix;
  w.pcm_.open(prefix + ".pcm", std::ios::binary | std::ios::trunc);
  w.index_.open(prefix + ".tsv", std::ios::binary | std::ios::trunc);
  if (!w.pcm_ || !w.index_) return Status::IoError("cannot create '" + prefix + ".pcm/.tsv'");
  return w;
}

Status BatchWriter::Add(const std::string& id, const std::vector<int16_t>& pcm_16k,
                        const std::vector<PhoneSegment>& phones, const std::string& raw_events) {
  std::string bytes(pcm_16k.size() * 2, '\0');
  for (size_t i = 0; i < pcm_16k.size(); ++i) {
    const auto v = static_cast<uint16_t>(pcm_16k[i]);
    bytes[2 * i] = static_cast<char>(v & 0xff);
    bytes[2 * i + 1] = static_cast<char>(v >> 8);
  }
  pcm_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  const auto n = static_cast<int64_t>(pcm_16k.size());
  index_ << id << '\t' << offset_ << '\t' << n << '\t'
         << FormatPhoneSpans(phones, kCorpusRateHz, n);
  if (!raw_events.empty()) index_ << '\t' << raw_events;
  index_ << '\n';
  offset_ += n;
  if (!pcm_ || !index_) return Status::IoError("cannot write '" + prefix_ + ".pcm/.tsv'");
  return Status::Ok();
}

Status BatchWriter::Close() {
  pcm_.close();
  index_.close();
  if (pcm_.fail() || index_.fail()) return Status::IoError("cannot close '" + prefix_ + "'");
  return Status::Ok();
}

}  // namespace voxface::corpus
