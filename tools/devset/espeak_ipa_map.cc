// SPDX-License-Identifier: Apache-2.0
// IPA phoneme names from eSpeak NG (any language) mapped onto voxface's ArpaBet set. The symbols
// are those of eSpeak NG 1.51's phoneme tables for the ~30 languages the training corpus uses;
// unknown ones fall back by class and are reported as guessed.
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "espeak_phoneme_map.h"

namespace voxface::devset {
namespace {

// Decodes UTF-8; an invalid byte becomes U+FFFD so that it maps as "unknown".
std::u32string DecodeUtf8(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
      out.push_back(0xfffd);
      ++i;
      continue;
    }
    char32_t cp = len == 1 ? c : c & (0x7f >> len);
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    out.push_back(cp);
    i += len;
  }
  return out;
}

// Marks that change a phoneme's duration, stress, phonation or secondary articulation but not
// the mouth shape a viseme model should learn: stress and length marks, tie bars, combining
// diacritics (nasal, syllabic, dental, ...), modifier letters (ʲ ʰ ʷ ˠ) and eSpeak's own "-"
// (an elidable schwa) and digits.
bool IsModifier(char32_t c) {
  if (c >= 0x300 && c <= 0x36f) return true;                // Combining diacritics and tie bars.
  if (c >= 0x2b0 && c <= 0x2ff && c != 0x2de) return true;  // Modifier letters except ˞.
  if (c >= 0x1d2c && c <= 0x1d6a) return true;              // Superscript letters (ᵝ, ᵊ, ...).
  // Stress, length, syllable, linking, intonation; eSpeak's "-" (elidable schwa), '"' and ';'.
  static constexpr std::u32string_view kMarks = U"-',.:‿ˈˌːˑ|‖↗↘\";";
  return kMarks.find(c) != std::u32string_view::npos || (c >= U'0' && c <= U'9');
}

struct Symbol {
  char32_t ipa;
  const char* phone;
  bool vowel;
};

// One ArpaBet phone per IPA letter, chosen by the shape of the lips and jaw.
constexpr Symbol kSymbols[] = {
    // Close and near-close vowels. Rounded front vowels look like their back partners.
    {U'i', "iy", true},
    {U'y', "uw", true},
    {U'ɨ', "ih", true},
    {U'ʉ', "uw", true},
    {U'ɯ', "ih", true},
    {U'u', "uw", true},
    {U'ɪ', "ih", true},
    {U'ʏ', "uh", true},
    {U'ʊ', "uh", true},
    {U'ᵻ', "ih", true},
    {U'ᵿ', "uh", true},
    // Mid vowels. Monophthong e stays eh (ey would glide to ih); o has no monophthong in
    // ArpaBet, and ow's glide towards uw is the closest mouth shape.
    {U'e', "eh", true},
    {U'ø', "ow", true},
    {U'ɘ', "ah", true},
    {U'ɵ', "ow", true},
    {U'ɤ', "ah", true},
    {U'o', "ow", true},
    {U'ə', "ah", true},
    {U'ɛ', "eh", true},
    {U'œ', "ao", true},
    {U'ɜ', "er", true},
    {U'ɞ', "ao", true},
    {U'ʌ', "ah", true},
    {U'ɔ', "ao", true},
    {U'ɚ', "er", true},
    {U'ɝ', "er", true},
    // Open vowels.
    {U'æ', "ae", true},
    {U'ɐ', "ah", true},
    {U'a', "aa", true},
    {U'ɶ', "aa", true},
    {U'ɑ', "aa", true},
    {U'ɒ', "aa", true},
    // Labials. β (Spanish "haba") narrows the lips almost shut.
    {U'p', "p", false},
    {U'b', "b", false},
    {U'm', "m", false},
    {U'ɓ', "b", false},
    {U'ɱ', "m", false},
    {U'f', "f", false},
    {U'v', "v", false},
    {U'ʋ', "v", false},
    {U'ɸ', "f", false},
    {U'β', "b", false},
    {U'w', "w", false},
    {U'ɥ', "w", false},
    {U'ʍ', "w", false},
    {U'ɰ', "w", false},
    // Dentals and alveolars. The tap (Spanish "pero") is ArpaBet's flap, spelled d.
    {U'θ', "th", false},
    {U'ð', "dh", false},
    {U't', "t", false},
    {U'd', "d", false},
    {U'ɗ', "d", false},
    {U'n', "n", false},
    {U's', "s", false},
    {U'z', "z", false},
    {U'ɾ', "d", false},
    {U'ɽ', "d", false},
    {U'r', "r", false},
    {U'ɹ', "r", false},
    {U'ɻ', "r", false},
    {U'l', "l", false},
    {U'ɫ', "l", false},
    {U'ɬ', "l", false},
    {U'ɮ', "l", false},
    {U'ɭ', "l", false},
    {U'ʎ', "l", false},
    {U'ʟ', "l", false},
    {U'ɺ', "l", false},
    // Post-alveolars, retroflexes and palatals.
    {U'ʃ', "sh", false},
    {U'ʒ', "zh", false},
    {U'ɕ', "sh", false},
    {U'ʑ', "zh", false},
    {U'ʂ', "sh", false},
    {U'ʐ', "zh", false},
    {U'ʈ', "t", false},
    {U'ɖ', "d", false},
    {U'ɳ', "n", false},
    {U'ɲ', "n", false},
    {U'j', "y", false},
    {U'ʝ', "y", false},
    {U'c', "k", false},
    {U'ɟ', "g", false},
    {U'ç', "hh", false},
    // Velars and further back: no lip or jaw gesture of their own, like hh (which takes the
    // shape of its neighbours) or, for the stops, k and g.
    {U'k', "k", false},
    {U'g', "g", false},
    {U'ɡ', "g", false},
    {U'ŋ', "ng", false},
    {U'x', "hh", false},
    {U'ɣ', "g", false},
    {U'q', "k", false},
    {U'ɢ', "g", false},
    {U'ɴ', "ng", false},
    {U'χ', "hh", false},
    {U'ʁ', "hh", false},
    {U'ʀ', "hh", false},
    {U'ħ', "hh", false},
    {U'ʕ', "hh", false},
    {U'h', "hh", false},
    {U'ɦ', "hh", false},
    {U'ʔ', "hh", false},
    {U'?', "hh", false},
    {U'ɧ', "sh", false},
    {U'ε', "eh", true},  // Greek epsilon, which Danish uses for ɛ.
};

const Symbol* FindSymbol(char32_t c) {
  for (const Symbol& s : kSymbols) {
    if (s.ipa == c) return &s;
  }
  return nullptr;
}

// Two-letter names with a single ArpaBet phone: affricates, and diphthongs close enough to
// ArpaBet's (the animator glides those to their second viseme).
std::string_view Pair(std::string_view first, std::string_view second) {
  auto in = [](std::string_view p, std::initializer_list<std::string_view> set) {
    for (std::string_view s : set) {
      if (p == s) return true;
    }
    return false;
  };
  if (first == "t" && second == "sh") return "ch";  // tʃ, tɕ, ʈʂ
  if (first == "d" && second == "zh") return "jh";  // dʒ, dʑ, ɖʐ
  if (in(first, {"aa", "ae", "ah"}) && in(second, {"ih", "iy", "y", "eh"})) return "ay";
  if (in(first, {"aa", "ae", "ah"}) && in(second, {"uh", "uw", "w", "ow"})) return "aw";
  if (first == "eh" && in(second, {"ih", "iy", "y"})) return "ey";
  if (first == "ow" && in(second, {"uh", "uw", "w"})) return "ow";
  if (in(first, {"ao", "ow"}) && in(second, {"ih", "iy", "y"})) return "oy";
  if (first == second) return first;  // Geminates and long vowels spelled twice.
  return {};
}

}  // namespace

EspeakMapping MapEspeakIpa(std::string_view ipa) {
  if (ipa.empty()) return {{"sil"}, true};  // eSpeak NG reports pauses with an empty IPA name.
  std::vector<const Symbol*> symbols;
  bool rhotic = false;
  bool known = true;
  const std::u32string chars = DecodeUtf8(ipa);
  for (char32_t c : chars) {
    // A glottal stop joined to a vowel (Danish stød, "ʔe") is a voice quality of the vowel.
    if ((c == U'ʔ' || c == U'?') && chars.size() > 1) continue;
    if (c == 0x2de) {  // ˞ r-colouring: the vowel is er.
      rhotic = true;
      continue;
    }
    if (IsModifier(c)) continue;
    const Symbol* s = FindSymbol(c);
    if (s == nullptr) {
      known = false;
      continue;
    }
    symbols.push_back(s);
  }
  if (symbols.empty()) {
    // Only modifiers (a lone "ʲ"): a marker with no mouth shape of its own.
    if (known) return {{}, true};
    return {{"ah"}, false};
  }
  if (rhotic && symbols.back()->vowel) return {{"er"}, known};
  // Three or more letters (triphthongs, "ʈʂʰ" after modifiers are gone) keep the first and last.
  const Symbol* first = symbols.front();
  const Symbol* last = symbols.back();
  if (symbols.size() == 1) return {{first->phone}, known};
  if (const std::string_view one = Pair(first->phone, last->phone); !one.empty()) {
    return {{std::string(one)}, known};
  }
  return {{first->phone, last->phone}, known};
}

}  // namespace voxface::devset
