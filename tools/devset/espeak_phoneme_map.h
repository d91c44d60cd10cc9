// SPDX-License-Identifier: Apache-2.0
// eSpeak NG's phoneme names mapped onto voxface's ArpaBet set: the English mnemonics (the names
// in its phoneme events, as printed by `espeak-ng -x`) and, for every other language, the IPA
// names it reports with espeakINITIALIZE_PHONEME_IPA. Also the conversion of a synthesis' phoneme
// events into phone segments. Nothing here links eSpeak NG, so it stays Apache-2.0.
#ifndef VOXFACE_TOOLS_DEVSET_ESPEAK_PHONEME_MAP_H_
#define VOXFACE_TOOLS_DEVSET_ESPEAK_PHONEME_MAP_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "voxface/types.h"

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

// An IPA phoneme name as eSpeak NG reports it ("ɔ̃", "tʃ", "aɪ", "rʲ", "" for a pause), in any
// language. ArpaBet has no front rounded vowels, trills or uvulars, so the mapping picks the phone
// whose mouth shape is closest (y -> uw, ø -> ow, ʁ -> hh, trilled r -> r): the labels feed a
// viseme model, where lip and jaw shape is what counts. Affricates and diphthongs that ArpaBet
// lacks become two phones (ts -> t s, øy -> ow uw).
EspeakMapping MapEspeakIpa(std::string_view ipa);

// Maps the phoneme names of one synthesis' events.
class EspeakNameMapper {
 public:
  // English mnemonics with the dev set's table (MapEspeakPhoneme).
  static EspeakNameMapper English(EspeakAccent accent);
  // IPA names (espeakINITIALIZE_PHONEME_IPA). eSpeak NG gives pauses and zero-width markers
  // (";" glides, elided "@-") the same empty IPA name, so this mode reads every empty name as
  // a pause; use it to look at events, not for labels.
  static EspeakNameMapper Ipa();
  // Mnemonics of any language, through a table mnemonic -> IPA name found by synthesising the
  // same texts in both modes (training/voxtrain/synth.py). Mnemonics starting with "_" are
  // pauses, an empty IPA name is a marker, and a mnemonic missing from the table is guessed (the
  // English table, else its letters read as IPA, which they mostly are).
  static EspeakNameMapper MnemonicsViaIpa(std::map<std::string, std::string> ipa_of);

  EspeakMapping Map(std::string_view name) const;

 private:
  enum class Kind { kEnglish, kIpa, kViaIpa };
  EspeakNameMapper(Kind kind, EspeakAccent accent, std::map<std::string, std::string> ipa_of)
      : kind_(kind), accent_(accent), ipa_of_(std::move(ipa_of)) {}
  Kind kind_;
  EspeakAccent accent_;
  std::map<std::string, std::string> ipa_of_;
};

struct EspeakPhonemeEvent {
  std::string name;
  int sample = 0;  // First sample of the phoneme.
};

// Turns the phoneme events into phones. A phoneme lasts until the next event (the last one until
// total_samples); markers that map to no phone give their time to the phone before them, and a
// two-phone mapping splits its span 60/40. Names that were guessed are added to `guessed` (may be
// null) so that the caller can warn once per name.
std::vector<PhoneSegment> EspeakEventsToPhones(const std::vector<EspeakPhonemeEvent>& events,
                                               int total_samples, int sample_rate_hz,
                                               const EspeakNameMapper& mapper,
                                               std::set<std::string>* guessed);

}  // namespace voxface::devset

#endif  // VOXFACE_TOOLS_DEVSET_ESPEAK_PHONEME_MAP_H_
