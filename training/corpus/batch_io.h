// SPDX-License-Identifier: Apache-2.0
// Batch input and output of the training-corpus generators. One job file lists many utterances
// (one synthesiser process renders thousands, so its start-up cost and eSpeak NG's
// once-per-process initialisation do not matter), and the output is one raw PCM file plus one
// index instead of two small files per utterance:
//
//   jobs (TSV, '#' comments):  id  voice  speed  pitch  range  text
//   PREFIX.pcm:                int16 little-endian mono at 16 kHz, utterances back to back
//   PREFIX.tsv:                id  offset  samples  phones [raw-events]
//
// offset and samples count samples in PREFIX.pcm; phones is "phone:start:end" items separated by
// spaces, with start/end sample indices relative to the utterance that tile it exactly.
#ifndef VOXFACE_TRAINING_CORPUS_BATCH_IO_H_
#define VOXFACE_TRAINING_CORPUS_BATCH_IO_H_

#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "voxface/status.h"
#include "voxface/types.h"

namespace voxface::corpus {

inline constexpr int kCorpusRateHz = 16000;

struct SynthJob {
  std::string id;     // Unique; no tabs, spaces or colons.
  std::string voice;  // Synthesiser-specific: "de+f3", "slt".
  double speed = 0;   // eSpeak: words per minute; Flite: duration stretch. 0: the default.
  int pitch = -1;     // eSpeak 0-99; -1: the voice's default.
  int range = -1;     // eSpeak pitch range 0-99; -1: the default.
  std::string text;
};

Result<SynthJob> ParseJobLine(std::string_view line);
// Skips blank lines and lines starting with '#'. Errors name the line.
Result<std::vector<SynthJob>> ReadJobs(const std::string& path);

// Band-limited resampling (soxr, high quality). The output is time-aligned with the input, so
// phone times in seconds stay valid; its length is round(size * out_rate / in_rate).
std::vector<int16_t> ResamplePcm(const std::vector<int16_t>& pcm, int in_rate_hz, int out_rate_hz);

// "sil:0:3520 hh:3520:4100 ...": times in seconds to sample indices at rate_hz, clipped to
// [0, num_samples] and made to tile it (the last end is num_samples; empty spans are dropped).
std::string FormatPhoneSpans(const std::vector<PhoneSegment>& phones, int rate_hz,
                             int64_t num_samples);

class BatchWriter {
 public:
  // Creates PREFIX.pcm and PREFIX.tsv (replacing them).
  static Result<BatchWriter> Open(const std::string& prefix);

  // Appends one utterance (16 kHz) and its index line; raw_events may be empty.
  Status Add(const std::string& id, const std::vector<int16_t>& pcm_16k,
             const std::vector<PhoneSegment>& phones, const std::string& raw_events);
  Status Close();

  int64_t samples_written() const { return offset_; }

 private:
  std::string prefix_;
  std::ofstream pcm_;
  std::ofstream index_;
  int64_t offset_ = 0;
};

}  // namespace voxface::corpus

#endif  // VOXFACE_TRAINING_CORPUS_BATCH_IO_H_
