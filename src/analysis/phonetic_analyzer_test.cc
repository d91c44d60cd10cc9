// SPDX-License-Identifier: Apache-2.0
#include "analysis/phonetic_analyzer.h"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <string>

namespace voxface {
namespace {

// Reads a 16 kHz test clip directly; the audio stage has its own tests.
Audio ReadClip(const std::string& name) {
  std::string path = std::string(VOXFACE_TEST_DATA_DIR) + "/" + name;
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  EXPECT_NE(f, nullptr) << path;
  Audio a;
  a.sample_rate_hz = info.samplerate;
  a.samples.resize(info.frames);
  sf_readf_float(f, a.samples.data(), info.frames);
  sf_close(f);
  return a;
}

void ExpectContiguous(const std::vector<PhoneSegment>& phones, double duration) {
  ASSERT_FALSE(phones.empty());
  EXPECT_DOUBLE_EQ(phones.front().start_s, 0.0);
  EXPECT_NEAR(phones.back().end_s, duration, 1e-6);
  for (size_t i = 1; i < phones.size(); ++i) {
    EXPECT_NEAR(phones[i].start_s, phones[i - 1].end_s, 1e-6);
    EXPECT_GT(phones[i].end_s, phones[i].start_s);
  }
}

class PhoneticAnalyzerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto a = PhoneticAnalyzer::Create(AnalyzerConfig{});
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    analyzer_ = std::move(a).value().release();
  }
  static void TearDownTestSuite() { delete analyzer_; }
  static PhoneticAnalyzer* analyzer_;
};
PhoneticAnalyzer* PhoneticAnalyzerTest::analyzer_ = nullptr;

TEST_F(PhoneticAnalyzerTest, AlignsTranscript) {
  Audio audio = ReadClip("flite_slt_book.wav");
  AnalyzerInput in;
  in.audio = &audio;
  in.speech_spans = {{0.0, audio.duration_s()}};
  in.text = "Please bring me the blue book. Maybe tomorrow.";
  auto r = analyzer_->Analyze(in);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectContiguous(r->phones, audio.duration_s());
  std::string seq;
  for (const auto& p : r->phones) {
    if (p.phone != "sil") seq += p.phone + " ";
  }
  EXPECT_EQ(seq.rfind("p l iy z b r ih ng m iy", 0), 0u) << seq;
  ASSERT_EQ(r->words.size(), 8u);
  EXPECT_EQ(r->words[4].word, "blue");
  for (size_t i = 1; i < r->words.size(); ++i) {
    EXPECT_GE(r->words[i].start_s, r->words[i - 1].end_s - 1e-6);
  }
}

TEST_F(PhoneticAnalyzerTest, RecognisesWithoutTranscript) {
  Audio audio = ReadClip("flite_rms_fox.wav");
  AnalyzerInput in;
  in.audio = &audio;
  in.speech_spans = {{0.0, audio.duration_s()}};
  auto r = analyzer_->Analyze(in);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectContiguous(r->phones, audio.duration_s());
  EXPECT_GE(r->words.size(), 5u);
  int speech = 0;
  for (const auto& p : r->phones) speech += p.phone != "sil";
  EXPECT_GE(speech, 20);
}

TEST(PhoneTrackTest, RecoverWordsSkipsPausesInsideWords) {
  Alignment a;
  a.phones = {{"sil", 0, 0.1}, {"b", 0.1, 0.2}, {"sil", 0.2, 0.25}, {"ah", 0.25, 0.3},
              {"t", 0.3, 0.4}, {"n", 0.4, 0.5}, {"ow", 0.5, 0.6}};
  std::vector<AlignWord> words = {{"but", {{"b", "ah", "t"}}}, {"no", {{"n", "ow"}}}};
  RecoverWords(words, &a);
  ASSERT_EQ(a.words.size(), 2u);
  EXPECT_EQ(a.words[1].word, "no");
  EXPECT_DOUBLE_EQ(a.words[0].end_s, 0.4);
  ASSERT_EQ(a.phones.size(), 6u);  // The pause inside "but" went to the "b".
  EXPECT_DOUBLE_EQ(a.phones[1].end_s, 0.25);
}

TEST(PhoneTrackTest, CleanFillsGapsAndMergesSilence) {
  auto out = CleanPhoneTrack(
      {{"aa", 0.5, 0.7}, {"sil", 0.7, 0.8}, {"sil", 0.8, 0.9}, {"b", 1.0, 1.1}}, 1.5);
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0].phone, "sil");
  EXPECT_EQ(out[2].phone, "sil");
  EXPECT_DOUBLE_EQ(out[2].end_s, 1.0);
  EXPECT_EQ(out[4].phone, "sil");
  EXPECT_DOUBLE_EQ(out[4].end_s, 1.5);
}

TEST(PhoneTrackTest, GroupSpansCutsAtPauses) {
  auto g = GroupSpans({{0, 10}, {11, 20}, {21, 30}, {31, 100}}, 25.0);
  ASSERT_EQ(g.size(), 5u);
  EXPECT_DOUBLE_EQ(g[0].end_s, 20);
  EXPECT_DOUBLE_EQ(g[1].start_s, 21);
  EXPECT_DOUBLE_EQ(g[1].end_s, 30);
  EXPECT_NEAR(g[2].end_s - g[2].start_s, 23.0, 1e-9);
}

}  // namespace
}  // namespace voxface
