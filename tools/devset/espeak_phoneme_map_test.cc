// SPDX-License-Identifier: Apache-2.0
#include "espeak_phoneme_map.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "base/phone_set.h"

namespace voxface::devset {
namespace {

using Phones = std::vector<std::string>;

TEST(EspeakPhonemeMapTest, EveryRowMapsToOurPhoneSet) {
  for (const std::string& m : KnownEspeakMnemonics()) {
    for (EspeakAccent accent : {EspeakAccent::kRhotic, EspeakAccent::kNonRhotic}) {
      const EspeakMapping mapping = MapEspeakPhoneme(m, accent);
      EXPECT_TRUE(mapping.known) << m;
      EXPECT_LE(mapping.phones.size(), 2u) << m;
      for (const std::string& p : mapping.phones) EXPECT_TRUE(IsPhone(p)) << m << " -> " << p;
    }
  }
}

TEST(EspeakPhonemeMapTest, CoversTheEnglishInventory) {
  // The vowels of eSpeak NG 1.51's en, en-us, en-n, en-rp, en-sc, en-us-nyc, en-wi and en-wm
  // tables plus the base1 consonants English uses (espeak-ng-data/phontab).
  const char* kInventory[] = {
      "@",  "t#", "a",   "i",  "r-", "n",  "l",   "t2", "d#",  "z#", "3",   "z/2", "I2",  "w#",
      "@2", "@5", "U",   "@L", "a#", "a2", "aa",  "A:", "E",   "E#", "E2",  "I",   "I#",  "I2#",
      "0",  "0#", "02",  "O2", "V",  "A@", "A#",  "3:", "i:",  "O:", "O",   "O@",  "o@",  "u:",
      "aU", "oU", "oU#", "aI", "eI", "OI", "e@",  "i@", "i@3", "U@", "aI@", "aI3", "aU@", "IR",
      "VR", "o:", "A~",  "O~", "e:", "e#", "a#2", "@#", "?",   "r/", "t",   "h",   "d",   "N",
      "r",  "p",  "b",   "k",  "g",  "f",  "v",   "T",  "D",   "s",  "z",   "S",   "Z",   "m",
      "j",  "w",  "tS",  "dZ", "l/", "_",  "_:",  "_!", "_::", "||"};
  for (const char* m : kInventory) {
    const EspeakMapping mapping = MapEspeakPhoneme(m, EspeakAccent::kRhotic);
    EXPECT_TRUE(mapping.known) << m;
    EXPECT_FALSE(mapping.phones.empty()) << m;
  }
}

TEST(EspeakPhonemeMapTest, ExamplesFromTheBrief) {
  const auto us = EspeakAccent::kRhotic;
  EXPECT_EQ(MapEspeakPhoneme("@", us).phones, Phones{"ah"});
  EXPECT_EQ(MapEspeakPhoneme("3:", us).phones, Phones{"er"});
  EXPECT_EQ(MapEspeakPhoneme("A:", us).phones, Phones{"aa"});
  EXPECT_EQ(MapEspeakPhoneme("aI", us).phones, Phones{"ay"});
  EXPECT_EQ(MapEspeakPhoneme("0", us).phones, Phones{"aa"});
  EXPECT_EQ(MapEspeakPhoneme("oU", us).phones, Phones{"ow"});
  EXPECT_EQ(MapEspeakPhoneme("tS", us).phones, Phones{"ch"});
  EXPECT_EQ(MapEspeakPhoneme("j", us).phones, Phones{"y"});
  EXPECT_EQ(MapEspeakPhoneme("N", us).phones, Phones{"ng"});
}

TEST(EspeakPhonemeMapTest, AccentDecidesRColouring) {
  EXPECT_EQ(AccentForVoice("en-us+f3"), EspeakAccent::kRhotic);
  EXPECT_EQ(AccentForVoice("en+f2"), EspeakAccent::kNonRhotic);
  EXPECT_EQ(MapEspeakPhoneme("e@", EspeakAccent::kRhotic).phones, (Phones{"eh", "r"}));
  EXPECT_EQ(MapEspeakPhoneme("e@", EspeakAccent::kNonRhotic).phones, (Phones{"eh", "ah"}));
  EXPECT_EQ(MapEspeakPhoneme("3", EspeakAccent::kRhotic).phones, Phones{"er"});
  EXPECT_EQ(MapEspeakPhoneme("3", EspeakAccent::kNonRhotic).phones, Phones{"ah"});
}

TEST(EspeakPhonemeMapTest, StressMarkersAndPauses) {
  const auto us = EspeakAccent::kRhotic;
  EXPECT_EQ(MapEspeakPhoneme("'i:", us).phones, Phones{"iy"});
  EXPECT_EQ(MapEspeakPhoneme(",aI", us).phones, Phones{"ay"});
  EXPECT_TRUE(MapEspeakPhoneme("'", us).phones.empty());
  EXPECT_TRUE(MapEspeakPhoneme("-", us).phones.empty());
  EXPECT_EQ(MapEspeakPhoneme("_:", us).phones, Phones{"sil"});
  EXPECT_EQ(MapEspeakPhoneme("_::::", us).phones, Phones{"sil"});
}

TEST(EspeakPhonemeMapTest, UnknownMnemonicsFallBackToANearbyClass) {
  const auto us = EspeakAccent::kRhotic;
  EspeakMapping m = MapEspeakPhoneme("s.", us);  // A retroflex s: modifiers dropped.
  EXPECT_FALSE(m.known);
  EXPECT_EQ(m.phones, Phones{"s"});
  m = MapEspeakPhoneme("y:", us);  // Not English; starts like no consonant we know.
  EXPECT_FALSE(m.known);
  ASSERT_EQ(m.phones.size(), 1u);
  EXPECT_TRUE(IsPhone(m.phones[0]));
  m = MapEspeakPhoneme("E~", us);
  EXPECT_FALSE(m.known);
  EXPECT_EQ(m.phones, Phones{"eh"});
}

TEST(EspeakIpaMapTest, MapsSymbolsOfManyLanguages) {
  EXPECT_EQ(MapEspeakIpa("a").phones, Phones{"aa"});
  EXPECT_EQ(MapEspeakIpa("ˈiː").phones, Phones{"iy"});  // Stress and length dropped.
  EXPECT_EQ(MapEspeakIpa("ɔ̃").phones, Phones{"ao"});    // Nasal vowels map as oral.
  EXPECT_EQ(MapEspeakIpa("y").phones, Phones{"uw"});    // Rounded front: rounded lips.
  EXPECT_EQ(MapEspeakIpa("ø").phones, Phones{"ow"});
  EXPECT_EQ(MapEspeakIpa("ʁ").phones, Phones{"hh"});
  EXPECT_EQ(MapEspeakIpa("rʲ").phones, Phones{"r"});  // Palatalisation dropped.
  EXPECT_EQ(MapEspeakIpa("tʃ").phones, Phones{"ch"});
  EXPECT_EQ(MapEspeakIpa("dʒ").phones, Phones{"jh"});
  EXPECT_EQ(MapEspeakIpa("tɕ").phones, Phones{"ch"});
  EXPECT_EQ(MapEspeakIpa("ts").phones, (Phones{"t", "s"}));
  EXPECT_EQ(MapEspeakIpa("aɪ").phones, Phones{"ay"});
  EXPECT_EQ(MapEspeakIpa("aʊ").phones, Phones{"aw"});
  EXPECT_EQ(MapEspeakIpa("ɔɪ").phones, Phones{"oy"});
  EXPECT_EQ(MapEspeakIpa("ɔø").phones, (Phones{"ao", "ow"}));  // German eu stays rounded.
  EXPECT_EQ(MapEspeakIpa("ə-").phones, Phones{"ah"});          // eSpeak's elidable schwa.
  EXPECT_EQ(MapEspeakIpa("ɡ").phones, Phones{"g"});            // IPA g and ASCII g.
  EXPECT_EQ(MapEspeakIpa("ə˞").phones, Phones{"er"});
  EXPECT_EQ(MapEspeakIpa("").phones, Phones{"sil"});   // Pauses have no IPA name.
  EXPECT_EQ(MapEspeakIpa("ʔe").phones, Phones{"eh"});  // Danish stød: a voice quality.
  EXPECT_EQ(MapEspeakIpa("ʔ").phones, Phones{"hh"});
  EXPECT_EQ(MapEspeakIpa("u\"").phones, Phones{"uw"});
  EXPECT_TRUE(MapEspeakIpa("ʲ").phones.empty());  // A lone modifier: a marker.
  EXPECT_TRUE(MapEspeakIpa("ʲ").known);
}

TEST(EspeakNameMapperTest, MnemonicsViaIpaTellPausesFromMarkers) {
  const EspeakNameMapper mapper = EspeakNameMapper::MnemonicsViaIpa(
      {{"a", "a"}, {"y", "y"}, {";", ""}, {"@-", ""}, {"R", "ʁ"}});
  EXPECT_EQ(mapper.Map("a").phones, Phones{"aa"});
  EXPECT_EQ(mapper.Map("R").phones, Phones{"hh"});
  EXPECT_EQ(mapper.Map("_:").phones, Phones{"sil"});  // Pauses start with "_".
  EXPECT_EQ(mapper.Map("_!").phones, Phones{"sil"});
  EXPECT_TRUE(mapper.Map(";").phones.empty());  // Empty IPA but not a pause: a marker.
  EXPECT_TRUE(mapper.Map("@-").phones.empty());
  EXPECT_TRUE(mapper.Map("(en)").phones.empty());  // Language switch.
  EXPECT_TRUE(mapper.Map("(en)").known);
  const EspeakMapping guess = mapper.Map("s");  // Not in the table: guessed.
  EXPECT_FALSE(guess.known);
  EXPECT_EQ(guess.phones, Phones{"s"});
}

TEST(EspeakIpaMapTest, EveryResultIsInOurPhoneSet) {
  const char* kSamples[] = {"i", "y", "ɨ", "ʉ",  "ɯ",  "u",  "ɪ",  "ʏ",  "ʊ", "e", "ø", "ɘ", "ɵ",
                            "ɤ", "o", "ə", "ɛ",  "œ",  "ɜ",  "ʌ",  "ɔ",  "æ", "ɐ", "a", "ɑ", "ɒ",
                            "β", "ɸ", "ç", "x",  "ɣ",  "χ",  "ʎ",  "ɲ",  "ŋ", "ɾ", "ʔ", "ʋ", "ɕ",
                            "ʑ", "ʂ", "ʐ", "pf", "øy", "ɛi", "eu", "ʌʊ", "ɑ̃", "ɛ̃"};
  for (const char* s : kSamples) {
    const EspeakMapping m = MapEspeakIpa(s);
    EXPECT_TRUE(m.known) << s;
    ASSERT_FALSE(m.phones.empty()) << s;
    EXPECT_LE(m.phones.size(), 2u) << s;
    for (const std::string& p : m.phones) EXPECT_TRUE(IsPhone(p)) << s << " -> " << p;
  }
  const EspeakMapping m = MapEspeakIpa("ǃ");  // A click: guessed, still a phone.
  EXPECT_FALSE(m.known);
  ASSERT_EQ(m.phones.size(), 1u);
  EXPECT_TRUE(IsPhone(m.phones[0]));
}

TEST(EspeakEventsTest, MarkersGiveTheirTimeToThePhoneBefore) {
  const std::vector<EspeakPhonemeEvent> events = {
      {"_:", 0}, {"h", 100}, {"'", 150}, {"aI", 200}, {"_", 400}};
  std::set<std::string> guessed;
  const std::vector<PhoneSegment> phones = EspeakEventsToPhones(
      events, 500, 1000, EspeakNameMapper::English(EspeakAccent::kRhotic), &guessed);
  ASSERT_EQ(phones.size(), 4u);
  EXPECT_EQ(phones[1].phone, "hh");
  EXPECT_DOUBLE_EQ(phones[1].end_s, 0.2);  // The stress mark's 50 ms stay with hh.
  EXPECT_EQ(phones[2].phone, "ay");
  EXPECT_DOUBLE_EQ(phones[3].end_s, 0.5);
  EXPECT_TRUE(guessed.empty());
}

TEST(EspeakEventsTest, TwoPhoneNamesSplitSixtyForty) {
  const std::vector<PhoneSegment> phones =
      EspeakEventsToPhones({{"ts", 0}, {"", 100}}, 200, 1000, EspeakNameMapper::Ipa(), nullptr);
  ASSERT_EQ(phones.size(), 3u);
  EXPECT_EQ(phones[0].phone, "t");
  EXPECT_DOUBLE_EQ(phones[0].end_s, 0.06);
  EXPECT_EQ(phones[1].phone, "s");
  EXPECT_EQ(phones[2].phone, "sil");
}

}  // namespace
}  // namespace voxface::devset
