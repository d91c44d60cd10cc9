// SPDX-License-Identifier: Apache-2.0
// The "phonetic" analyser: PocketSphinx recognises words (or takes the transcript), then forced
// alignment of those words gives phone times. PocketSphinx's phone recogniser alone gets about
// half the phones wrong on real speech, so it is only the fallback for stretches where no words
// were recognised or the alignment failed.
#ifndef VOXFACE_SRC_ANALYSIS_PHONETIC_ANALYZER_H_
#define VOXFACE_SRC_ANALYSIS_PHONETIC_ANALYZER_H_

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "analysis/analyzer.h"
#include "analysis/pronouncer.h"
#include "analysis/sphinx_decoder.h"

namespace voxface {

class PhoneticAnalyzer : public Analyzer {
 public:
  static Result<std::unique_ptr<PhoneticAnalyzer>> Create(const AnalyzerConfig& config);

  Result<Analysis> Analyze(const AnalyzerInput& input) const override;
  std::string name() const override { return "phonetic"; }

  // Longest stretch decoded in one piece; longer speech is split at pauses.
  static constexpr double kMaxChunkS = 25.0;

 private:
  PhoneticAnalyzer(SphinxModel model, Pronouncer pronouncer, int max_decoders)
      : model_(std::move(model)),
        pronouncer_(std::move(pronouncer)),
        max_decoders_(std::max(1, max_decoders)) {}

  // Decoders are expensive to load and not thread-safe: a small pool hands one to each caller.
  class Lease;
  Result<Lease> AcquireDecoder(bool with_lm) const;
  void ReleaseDecoder(std::unique_ptr<SphinxDecoder> d) const;

  std::vector<AlignWord> ToAlignWords(const std::vector<std::string>& words,
                                      std::vector<std::string>* oov) const;
  // Recognises words, then aligns them for phone times; phone recognition where that fails.
  Result<Alignment> RecognizeChunk(SphinxDecoder* recognizer, SphinxDecoder* aligner,
                                   const std::vector<int16_t>& pcm) const;

  // Phone recognition over "silences" that are as loud as speech (words the recogniser dropped).
  void FillDroppedWords(SphinxDecoder* aligner, const std::vector<int16_t>& pcm,
                        Alignment* alignment) const;

  SphinxModel model_;
  Pronouncer pronouncer_;
  const int max_decoders_;  // Per kind (recogniser, aligner).
  mutable std::mutex mu_;
  mutable std::condition_variable released_;
  mutable std::vector<std::unique_ptr<SphinxDecoder>> idle_;
  mutable int live_[2] = {0, 0};  // Decoders in existence: [aligners, recognisers].
};

// Splits speech spans into chunks of at most max_s, cutting only in pauses between spans.
std::vector<TimeSpan> GroupSpans(const std::vector<TimeSpan>& spans, double max_s);

// Makes phones contiguous over [0, duration]: fills gaps with "sil", merges adjacent silences,
// clips to the duration and drops empty segments.
std::vector<PhoneSegment> CleanPhoneTrack(std::vector<PhoneSegment> phones, double duration_s);

}  // namespace voxface

#endif  // VOXFACE_SRC_ANALYSIS_PHONETIC_ANALYZER_H_
