// SPDX-License-Identifier: Apache-2.0
#include "espeak_phoneme_map.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace voxface::devset
