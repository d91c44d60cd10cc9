// SPDX-License-Identifier: Apache-2.0
#include "analysis/text_normalizer.h"

#include <gtest/gtest.h>

#include "analysis/pronouncer.h"

namespace voxface {
namespace {

using Words = std::vector<std::string>;

TEST(TextNormalizerTest, WordsNumbersAndPunctuation) {
  EXPECT_EQ(NormalizeTranscript("Hello, World!"), (Words{"hello", "world"}));
  EXPECT_EQ(NormalizeTranscript("I don't 'know'."), (Words{"i", "don't", "know"}));
  EXPECT_EQ(NormalizeTranscript("Press 42 & wait"),
            (Words{"press", "forty", "two", "and", "wait"}));
  EXPECT_EQ(NormalizeTranscript("1,200 people"),
            (Words{"one", "thousand", "two", "hundred", "people"}));
  EXPECT_EQ(NormalizeTranscript("50%"), (Words{"fifty", "percent"}));
  EXPECT_EQ(SpellNumber(7), (Words{"seven"}));
  EXPECT_EQ(SpellNumber(115), (Words{"one", "hundred", "fifteen"}));
}

TEST(PronouncerTest, LetterToSoundGivesPhones) {
  EXPECT_EQ(Pronouncer::LetterToSound("voxface"),
            (Pronunciation{"v", "aa", "k", "s", "f", "ae", "k"}));
  EXPECT_EQ(Pronouncer::LetterToSound("shop"), (Pronunciation{"sh", "aa", "p"}));
  EXPECT_FALSE(Pronouncer::LetterToSound("zzyzx").empty());
}

TEST(PronouncerTest, MissingDictionaryIsAClearError) {
  auto p = Pronouncer::Load("/nonexistent/dict");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kNotFound);
  EXPECT_NE(p.status().message().find("pocketsphinx-en-us"), std::string::npos);
}

}  // namespace
}  // namespace voxface
