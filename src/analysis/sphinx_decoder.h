// SPDX-License-Identifier: Apache-2.0
// A small interface over one PocketSphinx (5prealpha) decoder: word recognition, forced
// alignment of a word sequence, and phone recognition (allphone). Keeps every PocketSphinx type
// out of the rest of the code. Not thread-safe: one decoder per thread.
#ifndef VOXFACE_SRC_ANALYSIS_SPHINX_DECODER_H_
#define VOXFACE_SRC_ANALYSIS_SPHINX_DECODER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "analysis/pronouncer.h"
#include "voxface/status.h"
#include "voxface/types.h"

struct ps_decoder_s;

namespace voxface {

struct SphinxModel {
  std::string acoustic_dir;   // en-us/
  std::string lm_path;        // en-us.lm.bin (word recognition)
  std::string phone_lm_path;  // en-us-phone.lm.bin (allphone)
  std::string dict_path;      // cmudict-en-us.dict

  // Fills the paths from a model folder laid out like Debian's pocketsphinx-en-us.
  static Result<SphinxModel> FromDir(const std::string& dir);
};

// One word to align: its spelling (for the output) and its pronunciations.
struct AlignWord {
  std::string word;
  std::vector<Pronunciation> prons;
};

struct Alignment {
  std::vector<PhoneSegment> phones;  // Includes "sil" between words where the aligner put it.
  std::vector<WordSegment> words;
};

// Fills alignment->words from its phones and moves pauses found inside words into the phone
// before them. Exposed for tests.
void RecoverWords(const std::vector<AlignWord>& words, Alignment* alignment);

class SphinxDecoder {
 public:
  // with_lm: a recogniser with the 27 MB word language model (Recognize only). Otherwise an
  // aligner (Align and RecognizePhones). The two are kept apart because adding the phone-words
  // that alignment needs to a decoder with the binary LM corrupts its scoring (crashes seen in
  // lm_trie_score on long utterances).
  static Result<std::unique_ptr<SphinxDecoder>> Create(const SphinxModel& model, bool with_lm);
  ~SphinxDecoder();
  SphinxDecoder(const SphinxDecoder&) = delete;
  SphinxDecoder& operator=(const SphinxDecoder&) = delete;

  bool has_lm() const { return has_lm_; }

  // Times are in seconds from the start of pcm (16 kHz, 16-bit).
  Result<std::vector<WordSegment>> Recognize(const std::vector<int16_t>& pcm);
  // language_weight scales the grammar against the acoustics: 6.5 (PocketSphinx's default)
  // trusts a transcript; a lower weight lets the acoustics place pauses and boundaries, which
  // suits recognised words that may be wrong.
  Result<Alignment> Align(const std::vector<int16_t>& pcm, const std::vector<AlignWord>& words,
                          double language_weight = kTranscriptWeight);
  static constexpr double kTranscriptWeight = 6.5;
  static constexpr double kRecognizedWeight = 2.0;
  Result<std::vector<PhoneSegment>> RecognizePhones(const std::vector<int16_t>& pcm);

 private:
  SphinxDecoder() = default;
  Status Decode(const char* search, const std::vector<int16_t>& pcm);
  // (word, start_s, end_s) of the current hypothesis, fillers included.
  std::vector<WordSegment> Segments();

  ps_decoder_s* ps_ = nullptr;
  bool has_lm_ = false;
  std::string phone_lm_path_;
};

}  // namespace voxface

#endif  // VOXFACE_SRC_ANALYSIS_SPHINX_DECODER_H_
