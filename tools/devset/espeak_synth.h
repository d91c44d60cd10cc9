// SPDX-License-Identifier: Apache-2.0
// A small wrapper of eSpeak NG's synchronous C API that returns the audio and the phoneme events
// of one text at a time. Shared by the dev-set generator (espeak_phones) and the training-corpus
// generator (corpus_espeak).
//
// Licence note: the implementation links libespeak-ng (GPL-3.0-or-later), so every program that
// uses it is GPL. Those programs only generate data; nothing in the voxface library, CLI, server
// or bindings may link this wrapper or libespeak-ng, and they are never shipped.
#ifndef VOXFACE_TOOLS_DEVSET_ESPEAK_SYNTH_H_
#define VOXFACE_TOOLS_DEVSET_ESPEAK_SYNTH_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "espeak_phoneme_map.h"
#include "voxface/status.h"

namespace voxface::devset {

struct EspeakUtterance {
  std::vector<int16_t> pcm;
  int sample_rate_hz = 0;
  std::vector<EspeakPhonemeEvent> events;
  int end_sample = -1;  // Where eSpeak NG's end event says the audio ends; -1 if none came.
};

struct EspeakVoiceSettings {
  std::string voice;  // File name with an optional variant: "en-us", "de", "fr-fr+f3".
  int rate_wpm = 0;   // 0: the voice's default. The others: -1 keeps the default.
  int pitch = -1;     // 0-99.
  int range = -1;     // Pitch range, 0-99.
};

class EspeakSynth {
 public:
  // eSpeak NG keeps global state and cannot be initialised again after it is terminated, so a
  // process holds at most one of these. ipa_names: report phoneme names in IPA, else as
  // eSpeak mnemonics.
  static Result<std::unique_ptr<EspeakSynth>> Create(bool ipa_names);
  ~EspeakSynth();
  EspeakSynth(const EspeakSynth&) = delete;
  EspeakSynth& operator=(const EspeakSynth&) = delete;

  // Selects the voice (only when it changed) and sets rate, pitch and range.
  Status Configure(const EspeakVoiceSettings& settings);

  // Synthesises UTF-8 text. phoneme_input: text inside [[ ]] is eSpeak phoneme mnemonics.
  Result<EspeakUtterance> Synthesize(const std::string& text, bool phoneme_input);

  int sample_rate_hz() const { return sample_rate_hz_; }

 private:
  explicit EspeakSynth(int sample_rate_hz) : sample_rate_hz_(sample_rate_hz) {}
  int sample_rate_hz_;
  std::string voice_;
};

}  // namespace voxface::devset

#endif  // VOXFACE_TOOLS_DEVSET_ESPEAK_SYNTH_H_
