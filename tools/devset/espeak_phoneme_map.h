// SPDX-License-Identifier: Apache-2.0
// eSpeak NG's English phoneme mnemonics (the names in its phoneme events, as printed by
// `espeak-ng -x`) mapped onto voxface's ArpaBet set.
#ifndef VOXFACE_TOOLS_DEVSET_ESPEAK_PHONEME_MAP_H_
#define VOXFACE_TOOLS_DEVSET_ESPEAK_PHONEME_MAP_H_

#include <string>
#include <string_view>
#include <vector>

namespace voxface::devset {

enum class EspeakAccent {
  kRhotic,     // en-us, en-us-nyc: "care" ends in an r.
  kNonRhotic,  // en, en-gb-*, en-029: "care" ends in a schwa or nothing.
};

// en-us* voices are rhotic, every other English voice is not.
EspeakAccent AccentForVoice(std::string_view voice_name);

struct EspeakMapping {
  // Zero phones: a marker (stress, syllable boundary, lengthening) whose time belongs to the
  // phone before it. One phone: the usual case. Two: an r-coloured or centring diphthong that
  // CMU-style references split, e.g. "e@" -> "eh r"; the event's span is divided 60/40.
  std::vector<std::string> phones;
  bool known = true;  // False when the nearest class was guessed; callers should warn.
};

EspeakMapping MapEspeakPhoneme(std::string_view mnemonic, EspeakAccent accent);

// Every mnemonic the table covers, for tests.
std::vector<std::string> KnownEspeakMnemonics();

}  // namespace voxface::devset

#endif  // VOXFACE_TOOLS_DEVSET_ESPEAK_PHONEME_MAP_H_
