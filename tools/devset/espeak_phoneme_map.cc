// SPDX-License-Identifier: Apache-2.0
// The table covers eSpeak NG 1.51's "base1" consonants that English uses and every vowel of its
// "en" phoneme table and the en-us / en-n / en-rp / en-sc / en-us-nyc / en-wi / en-wm variants
// (read from espeak-ng-data/phontab). Where the accents differ in what a CMU-dictionary
// reference would say, the table has two columns.
#include "espeak_phoneme_map.h"

#include <sstream>
#include <utility>

namespace voxface::devset {
namespace {

struct Row {
  std::string_view mnemonic;
  std::string_view rhotic;      // Space-separated ArpaBet phones.
  std::string_view non_rhotic;  // Empty: same as rhotic.
};

constexpr Row kTable[] = {
    // Pauses: "_" short, "_:" clause, "_!" glottal stop before a vowel, "_::" sentence, ...
    {"_", "sil", ""},
    {"_:", "sil", ""},
    {"_!", "sil", ""},
    {"_::", "sil", ""},
    {"_:::", "sil", ""},
    {"_|", "sil", ""},
    {"_^_", "sil", ""},
    {"_;_", "sil", ""},
    {"_X1", "sil", ""},
    {"||", "sil", ""},
    // Markers that occupy no time of their own, and ";", the glide eSpeak puts between a
    // vowel and a vowel-initial word ("me a"), which CMU-style references leave in the vowel.
    {"-", "", ""},
    {"#X1", "", ""},
    {":", "", ""},
    {";", "", ""},
    {"=", "", ""},
    {"#@", "", ""},
    {"#a", "", ""},
    {"#e", "", ""},
    {"#i", "", ""},
    {"#o", "", ""},
    {"#u", "", ""},
    // Reduced vowels.
    {"@", "ah", ""},
    {"@2", "ah", ""},
    {"@5", "uh", ""},
    {"@#", "ah", ""},
    {"a#", "ah", ""},
    {"a#2", "ae", ""},
    {"@L", "ah l", ""},
    {"3", "er", "ah"},
    {"I#", "ih", ""},
    {"I2#", "ih", ""},
    {"E#", "eh", ""},
    {"e#", "eh", ""},
    {"0#", "aa", ""},
    {"oU#", "ow", ""},
    // Monophthongs.
    {"a", "ae", ""},
    {"a2", "ae", ""},
    {"aa", "ae", ""},
    {"A:", "aa", ""},
    {"A#", "aa", "ae"},
    {"E", "eh", ""},
    {"E2", "eh", ""},
    {"e:", "ey", ""},
    {"I", "ih", ""},
    {"I2", "ih", ""},
    {"i", "iy", ""},
    {"i:", "iy", ""},
    {"0", "aa", ""},
    {"02", "ah", "aa"},
    {"O", "ao", ""},
    {"O2", "ao", ""},
    {"O:", "ao", ""},
    {"o:", "ow", ""},
    {"V", "ah", ""},
    {"U", "uh", ""},
    {"u:", "uw", ""},
    {"3:", "er", ""},
    {"A~", "aa", ""},
    {"O~", "ao", ""},
    {"a/", "ae", ""},
    // Diphthongs.
    {"aI", "ay", ""},
    {"aI2", "ay", ""},
    {"aU", "aw", ""},
    {"eI", "ey", ""},
    {"oU", "ow", ""},
    {"OI", "oy", ""},
    // Centring and r-coloured diphthongs.
    {"A@", "aa r", "aa"},
    {"O@", "ao r", "ao"},
    {"o@", "ow r", "ao"},
    {"e@", "eh r", "eh ah"},
    {"i@", "ih ah", ""},
    {"i@3", "ih r", "ih ah"},
    {"U@", "uh r", "uh ah"},
    {"aI@", "ay ah", ""},
    {"aI3", "ay er", "ay ah"},
    {"aU@", "aw er", "aw ah"},
    {"IR", "er", ""},
    {"VR", "er", ""},
    // Stops and affricates. "t#" is the American flap, "?" the glottal stop in "button":
    // CMU references spell both as t.
    {"p", "p", ""},
    {"b", "b", ""},
    {"t", "t", ""},
    {"t#", "t", ""},
    {"t2", "t", ""},
    {"t[", "t", ""},
    {"d[", "d", ""},
    {"?", "t", ""},
    {"d", "d", ""},
    {"d#", "d", ""},
    {"*", "d", ""},
    {"k", "k", ""},
    {"g", "g", ""},
    {"tS", "ch", ""},
    {"dZ", "jh", ""},
    {"tS;", "ch", ""},
    {"dZ;", "jh", ""},
    // Fricatives.
    {"f", "f", ""},
    {"v", "v", ""},
    {"T", "th", ""},
    {"D", "dh", ""},
    {"s", "s", ""},
    {"z", "z", ""},
    {"z#", "z", ""},
    {"z/2", "z", ""},
    {"S", "sh", ""},
    {"Z", "zh", ""},
    {"h", "hh", ""},
    {"x", "hh", ""},
    {"C", "hh", ""},
    // Nasals, syllabic or not.
    {"m", "m", ""},
    {"m-", "m", ""},
    {"n", "n", ""},
    {"n-", "n", ""},
    {"N", "ng", ""},
    {"N-", "ng", ""},
    // Approximants.
    {"l", "l", ""},
    {"l/", "l", ""},
    {"l/2", "l", ""},
    {"l/3", "l", ""},
    {"L", "l", ""},
    {"l-", "l", ""},
    {"r", "r", ""},
    {"r/", "r", ""},
    {"r-", "r", ""},
    {"R", "r", ""},
    {"w", "w", ""},
    {"w#", "w", ""},
    {"j", "y", ""},
};

std::vector<std::string> SplitWords(std::string_view text) {
  std::vector<std::string> words;
  std::istringstream in{std::string(text)};
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

const Row* Find(std::string_view mnemonic) {
  for (const Row& row : kTable) {
    if (row.mnemonic == mnemonic) return &row;
  }
  return nullptr;
}

std::string_view StripStress(std::string_view m) {
  // Stress and emphasis marks: primary ', secondary ,, unstressed %, and ! for emphasis.
  while (!m.empty() && (m.front() == '\'' || m.front() == ',' || m.front() == '%' ||
                        m.front() == '=' || m.front() == '!')) {
    m.remove_prefix(1);
  }
  return m;
}

}  // namespace

EspeakAccent AccentForVoice(std::string_view voice_name) {
  return voice_name.rfind("en-us", 0) == 0 ? EspeakAccent::kRhotic : EspeakAccent::kNonRhotic;
}

EspeakMapping MapEspeakPhoneme(std::string_view mnemonic, EspeakAccent accent) {
  const std::string_view m = StripStress(mnemonic);
  if (m.empty()) return {{}, true};
  if (const Row* row = Find(m)) {
    const std::string_view phones = (accent == EspeakAccent::kNonRhotic && !row->non_rhotic.empty())
                                        ? row->non_rhotic
                                        : row->rhotic;
    return {SplitWords(phones), true};
  }
  if (m.front() == '_') return {{"sil"}, true};  // Any other pause length.
  // An unlisted variant of a listed phoneme ("s." or "l^"): drop the modifiers.
  for (size_t len = m.size() - 1; len > 0; --len) {
    if (const Row* row = Find(m.substr(0, len))) {
      if (!row->rhotic.empty() && row->rhotic != "sil") return {SplitWords(row->rhotic), false};
    }
  }
  static constexpr std::string_view kVowelStarts = "aeiouAEIOUV03@";
  return {{kVowelStarts.find(m.front()) != std::string_view::npos ? "ah" : "t"}, false};
}

std::vector<std::string> KnownEspeakMnemonics() {
  std::vector<std::string> names;
  for (const Row& row : kTable) names.emplace_back(row.mnemonic);
  return names;
}

EspeakNameMapper EspeakNameMapper::English(EspeakAccent accent) {
  return EspeakNameMapper(Kind::kEnglish, accent, {});
}

EspeakNameMapper EspeakNameMapper::Ipa() {
  return EspeakNameMapper(Kind::kIpa, EspeakAccent::kRhotic, {});
}

EspeakNameMapper EspeakNameMapper::MnemonicsViaIpa(std::map<std::string, std::string> ipa_of) {
  return EspeakNameMapper(Kind::kViaIpa, EspeakAccent::kRhotic, std::move(ipa_of));
}

EspeakMapping EspeakNameMapper::Map(std::string_view name) const {
  // "(en)" / "(fr)": eSpeak switching language for a foreign word; no sound of its own.
  if (!name.empty() && name.front() == '(') return {{}, true};
  switch (kind_) {
    case Kind::kEnglish:
      return MapEspeakPhoneme(name, accent_);
    case Kind::kIpa:
      return MapEspeakIpa(name);
    case Kind::kViaIpa:
      break;
  }
  const std::string_view m = StripStress(name);
  if (m.empty()) return {{}, true};
  if (m.front() == '_') return {{"sil"}, true};
  if (const auto it = ipa_of_.find(std::string(m)); it != ipa_of_.end()) {
    if (it->second.empty()) return {{}, true};  // A marker such as ";" or an elided "@-".
    return MapEspeakIpa(it->second);
  }
  EspeakMapping english = MapEspeakPhoneme(m, EspeakAccent::kRhotic);
  if (english.known) {
    english.known = false;  // Right for English; only likely elsewhere.
    return english;
  }
  EspeakMapping guess = MapEspeakIpa(m);
  guess.known = false;
  return guess;
}

std::vector<PhoneSegment> EspeakEventsToPhones(const std::vector<EspeakPhonemeEvent>& events,
                                               int total_samples, int sample_rate_hz,
                                               const EspeakNameMapper& mapper,
                                               std::set<std::string>* guessed) {
  struct Kept {
    std::vector<std::string> phones;
    int sample;
  };
  std::vector<Kept> kept;
  for (const EspeakPhonemeEvent& e : events) {
    EspeakMapping m = mapper.Map(e.name);
    if (!m.known && guessed != nullptr) guessed->insert(e.name);
    if (!m.phones.empty()) kept.push_back({std::move(m.phones), e.sample});
  }
  std::vector<PhoneSegment> phones;
  const double rate = sample_rate_hz;
  for (size_t i = 0; i < kept.size(); ++i) {
    const double start = kept[i].sample / rate;
    const double end = (i + 1 < kept.size() ? kept[i + 1].sample : total_samples) / rate;
    if (kept[i].phones.size() == 1) {
      phones.push_back({kept[i].phones[0], start, end});
    } else {
      // The vowel carries most of a diphthong; 60/40 is close to what forced aligners give.
      const double split = start + 0.6 * (end - start);
      phones.push_back({kept[i].phones[0], start, split});
      phones.push_back({kept[i].phones[1], split, end});
    }
  }
  return phones;
}

}  // namespace voxface::devset
