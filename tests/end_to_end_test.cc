// SPDX-License-Identifier: Apache-2.0
// Speech in, animation out, through the public API only.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "voxface/voxface.h"

namespace voxface {
namespace {

const std::string kData = VOXFACE_TEST_DATA_DIR;
const std::string kGolden = VOXFACE_GOLDEN_DIR;
constexpr const char* kBookText = "Please bring me the blue book. Maybe tomorrow.";

class EndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto e = Engine::Create(EngineConfig{});
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(e).value().release();
  }
  static void TearDownTestSuite() { delete engine_; }
  static Engine* engine_;
};
Engine* EndToEndTest::engine_ = nullptr;

// Golden test: the track for a short clip with its transcript matches the stored one. After an
// intended change, regenerate with VOXFACE_UPDATE_GOLDEN=1 and review the plot.
TEST_F(EndToEndTest, GoldenTrackWithTranscript) {
  AnimateOptions options;
  options.text = kBookText;
  auto track = engine_->AnimateFile(kData + "/flite_slt_book.wav", options);
  ASSERT_TRUE(track.ok()) << track.status().ToString();
  const std::string golden_path = kGolden + "/flite_slt_book.json";
  if (std::getenv("VOXFACE_UPDATE_GOLDEN")) {
    ASSERT_TRUE(WriteTextFile(golden_path, TrackToJson(*track)).ok());
  }
  auto golden = LoadTrackFile(golden_path);
  ASSERT_TRUE(golden.ok()) << golden.status().ToString();
  ASSERT_EQ(golden->num_frames(), track->num_frames());
  float worst = 0;
  for (size_t i = 0; i < track->weights.size(); ++i) {
    worst = std::max(worst, std::abs(golden->weights[i] - track->weights[i]));
  }
  EXPECT_LT(worst, 2e-3);
  ASSERT_EQ(golden->phones.size(), track->phones.size());
  for (size_t i = 0; i < track->phones.size(); ++i) {
    EXPECT_EQ(golden->phones[i].phone, track->phones[i].phone);
  }
}

TEST_F(EndToEndTest, LipsCloseOnBilabialsAndOpenOnVowels) {
  AnimateOptions options;
  options.text = kBookText;
  auto track = engine_->AnimateFile(kData + "/flite_slt_book.wav", options);
  ASSERT_TRUE(track.ok());
  // Score against the aligner's own phones: this checks the animation, not the alignment.
  auto counts = EvaluateClip(track->phones, *track);
  ASSERT_TRUE(counts.ok());
  LipSyncMetrics m = Summarize(*counts);
  EXPECT_EQ(m.bcr, 1.0);
  EXPECT_GE(m.ovo, 0.99);
  EXPECT_GE(m.r, 0.85);
  EXPECT_LE(std::abs(m.lag_ms), 17.0);
  EXPECT_GE(m.sr, 0.95);
}

TEST_F(EndToEndTest, StreamEqualsBatch) {
  auto audio = LoadAudioFile(kData + "/flite_rms_fox.wav");
  ASSERT_TRUE(audio.ok());
  auto batch = engine_->Animate(*audio);
  ASSERT_TRUE(batch.ok());
  std::vector<int16_t> pcm;
  for (float v : audio->samples) pcm.push_back(static_cast<int16_t>(std::lrint(v * 32767.0f)));
  PcmFormat format;
  auto stream = engine_->CreateStream(format);
  ASSERT_TRUE(stream.ok());
  const char* bytes = reinterpret_cast<const char*>(pcm.data());
  size_t total = pcm.size() * 2, pos = 0, chunk = 1;
  while (pos < total) {
    size_t n = std::min(chunk, total - pos);
    ASSERT_TRUE((*stream)->Push(bytes + pos, n).ok());
    pos += n;
    chunk = chunk * 3 + 1;  // 1, 4, 13, ... bytes: splits samples mid-way.
    if (chunk > 9000) chunk = 7;
  }
  auto streamed = (*stream)->Finish();
  ASSERT_TRUE(streamed.ok()) << streamed.status().ToString();
  ASSERT_EQ(streamed->num_frames(), batch->num_frames());
  for (size_t i = 0; i < batch->weights.size(); ++i) {
    ASSERT_NEAR(streamed->weights[i], batch->weights[i], 1e-4) << i;
  }
}

// The same audio gives the same track every time, on a reused engine and on a fresh one: no
// hidden decoder state, no process-wide random dither. Known exception: without a transcript,
// an engine's first call may place a boundary one 10 ms PocketSphinx frame away from later calls.
TEST_F(EndToEndTest, Deterministic) {
  auto audio = LoadAudioFile(kData + "/flite_slt_book.wav");
  ASSERT_TRUE(audio.ok());
  for (const std::string text : {"", kBookText}) {
    AnimateOptions options;
    options.text = text;
    auto first = engine_->Animate(*audio, options);
    auto again = engine_->Animate(*audio, options);
    auto fresh_engine = Engine::Create(EngineConfig{});
    ASSERT_TRUE(fresh_engine.ok());
    auto fresh = (*fresh_engine)->Animate(*audio, options);
    ASSERT_TRUE(first.ok() && again.ok() && fresh.ok());
    EXPECT_EQ(TrackToJson(*first), TrackToJson(*fresh)) << "text: " << text;
    if (!text.empty()) {
      EXPECT_EQ(TrackToJson(*first), TrackToJson(*again));
      continue;
    }
    ASSERT_EQ(first->phones.size(), again->phones.size());
    for (size_t i = 0; i < first->phones.size(); ++i) {
      EXPECT_EQ(first->phones[i].phone, again->phones[i].phone);
      EXPECT_NEAR(first->phones[i].start_s, again->phones[i].start_s, 0.0101);
    }
  }
}

TEST_F(EndToEndTest, StreamOutlivesEngine) {
  auto engine = Engine::Create(EngineConfig{});
  ASSERT_TRUE(engine.ok());
  auto stream = (*engine)->CreateStream(PcmFormat{});
  ASSERT_TRUE(stream.ok());
  engine->reset();
  std::vector<int16_t> pcm(16000, 0);
  ASSERT_TRUE((*stream)->Push(pcm.data(), pcm.size() * 2).ok());
  EXPECT_TRUE((*stream)->Finish().ok());
}

TEST_F(EndToEndTest, RejectsMalformedAnalysis) {
  Analysis a;
  a.phones = {{"aa", 0.5, 0.7}, {"b", 0.2, 0.3}};  // out of order
  EXPECT_EQ(engine_->AnimateAnalysis(a, 1.0).status().code(), StatusCode::kInvalidArgument);
  Analysis b;
  b.prosody.energy_db.assign(10, 0.0f);  // lengths disagree
  EXPECT_EQ(engine_->AnimateAnalysis(b, 1.0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(engine_->AnimateAnalysis(Analysis{}, 1e12).ok());
  Audio nan;
  nan.samples = {0.1f, NAN, 0.2f};
  EXPECT_EQ(engine_->Animate(nan).status().code(), StatusCode::kCorruptData);
}

TEST_F(EndToEndTest, AnyFrameRate) {
  EngineConfig config;
  config.anim.fps_hz = 30;
  auto engine = Engine::Create(config);
  ASSERT_TRUE(engine.ok());
  auto track = (*engine)->AnimateFile(kData + "/flite_slt_book.wav");
  ASSERT_TRUE(track.ok());
  EXPECT_EQ(track->fps, 30);
  EXPECT_EQ(track->num_frames(), static_cast<int>(std::ceil(track->duration_s * 30 - 1e-9)));
}

TEST_F(EndToEndTest, SilenceRestsWithAWarning) {
  Audio silence;
  silence.samples.assign(16000 * 2, 0.0f);
  auto track = engine_->Animate(silence);
  ASSERT_TRUE(track.ok()) << track.status().ToString();
  for (int f = 0; f < track->num_frames(); ++f) {
    EXPECT_LT(track->weight(f, kJawOpen), 0.02f);
  }
  auto loaded = DecodeRawPcm(std::vector<char>(32000, 0).data(), 32000, PcmFormat{});
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->warnings.empty());
}

TEST_F(EndToEndTest, CleanErrorsOnBadInput) {
  auto missing = engine_->AnimateFile("/nonexistent/clip.wav");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  Audio empty;
  EXPECT_FALSE(engine_->Animate(empty).ok());
  Audio wrong_rate;
  wrong_rate.sample_rate_hz = 44100;
  wrong_rate.samples.assign(100, 0.0f);
  EXPECT_EQ(engine_->Animate(wrong_rate).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace voxface
