// SPDX-License-Identifier: Apache-2.0
#include "a2f/regression.h"

#include <gtest/gtest.h>

#include <cmath>

#include "a2f/test_util.h"
#include "nn/session.h"
#include "voxface/audio.h"

namespace voxface::a2f {
namespace {

const RegressionPipeline& Pipeline() {
  static auto* p = [] {
    auto r = RegressionPipeline::Load(testing::SyntheticModelJson());
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? std::move(r).value().release() : nullptr;
  }();
  return *p;
}

std::vector<float> Tone(size_t n) {
  std::vector<float> s(n);
  for (size_t i = 0; i < n; ++i) {
    s[i] = 0.3f * std::sin(0.07f * i) * std::sin(0.0009f * i) + 0.05f * std::sin(0.31f * i);
  }
  return s;
}

TEST(RegressionTest, FrameSchedule) {
  EXPECT_EQ(RegressionPipeline::NumFrames(16000, 60.0), 60);
  EXPECT_EQ(RegressionPipeline::NumFrames(16001, 60.0), 61);
  EXPECT_EQ(RegressionPipeline::NumFrames(16000, 30.0), 30);
  EXPECT_EQ(RegressionPipeline::NumFrames(1, 30.0), 1);
  EXPECT_EQ(RegressionPipeline::FrameSample(3, 60.0), 800);
  EXPECT_EQ(RegressionPipeline::FrameSample(1001, 30000.0 / 1001.0), 534400);
  EXPECT_EQ(RegressionPipeline::FrameSample(7, 24.0), 4666);
}

TEST(RegressionTest, WindowsAreCentredScaledAndBatchIndependent) {
  const RegressionPipeline& p = Pipeline();
  std::vector<float> audio = Tone(12000);
  RegressionOptions one;
  one.batch_size = 1;
  RegressionOptions many;
  many.batch_size = 7;
  auto a = p.Infer(audio, one);
  auto b = p.Infer(audio, many);
  ASSERT_TRUE(a.ok() && b.ok()) << a.status().message() << b.status().message();
  ASSERT_EQ(a->size(), 45u * 301);
  for (size_t i = 0; i < a->size(); ++i) ASSERT_NEAR((*a)[i], (*b)[i], 1e-5) << i;

  // Frame 2 by hand: samples [2*16000/60 - 4160, +8320) x input_strength, zero padded.
  const RegressionModel& m = p.model();
  std::vector<float> window(8320, 0.0f);
  for (int i = 0; i < 8320; ++i) {
    int64_t s = 533 - 4160 + i;
    if (s >= 0 && s < 12000) window[i] = static_cast<float>(m.face.input_strength) * audio[s];
  }
  std::vector<float> emotion = m.implicit_emotion;
  emotion.insert(emotion.end(), 10, 0.0f);
  auto session = nn::Session::Load(m.network_path);
  ASSERT_TRUE(session.ok());
  auto out = (*session)->Run({{"input", nn::Tensor::FromVector<float>({1, 1, 8320}, window)},
                              {"emotion", nn::Tensor::FromVector<float>({1, 1, 26}, emotion)}});
  ASSERT_TRUE(out.ok());
  const float* want = (*out)[0].data<float>();
  for (int i = 0; i < 301; ++i) EXPECT_NEAR((*a)[2 * 301 + i], want[i], 1e-5) << i;
}

TEST(RegressionTest, EmotionChangesTheOutputAndUnknownNamesFail) {
  const RegressionPipeline& p = Pipeline();
  std::vector<float> audio = Tone(4000);
  RegressionOptions neutral, joy, bad;
  joy.emotion["joy"] = 1.0f;
  bad.emotion["happiness"] = 1.0f;
  auto a = p.Infer(audio, neutral), b = p.Infer(audio, joy);
  ASSERT_TRUE(a.ok() && b.ok());
  double diff = 0;
  for (size_t i = 0; i < a->size(); ++i) diff += std::abs((*a)[i] - (*b)[i]);
  EXPECT_GT(diff, 1e-3);
  auto e = p.Infer(audio, bad);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("amazement, anger"), std::string::npos);
}

TEST(RegressionTest, SpeechClipEndToEndAt60And30Fps) {
  const RegressionPipeline& p = Pipeline();
  auto audio =
      LoadAudioFile(std::string(VOXFACE_SOURCE_DATA_DIR) + "/../examples/speech/pbx-invalid.wav");
  ASSERT_TRUE(audio.ok()) << audio.status().message();
  for (double fps : {60.0, 30.0}) {
    RegressionOptions options;
    options.fps_hz = fps;
    auto out = p.Run(audio->samples, options);
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ(out->num_frames, RegressionPipeline::NumFrames(audio->samples.size(), fps));
    EXPECT_NEAR(out->num_frames, audio->duration_s() * fps, 1.0);
    ASSERT_EQ(out->skin_pose_names.size(), 52u);
    ASSERT_EQ(out->skin_weights.size(), out->num_frames * 52u);
    ASSERT_EQ(out->tongue_weights.size(), out->num_frames * 16u);
    double moving = 0;
    for (size_t i = 0; i < out->skin_weights.size(); ++i) {
      const float w = out->skin_weights[i];
      ASSERT_TRUE(std::isfinite(w));
      ASSERT_GE(w, 0.0f);
      ASSERT_LE(w, 1.0f);
      if (i >= 52) moving += std::abs(w - out->skin_weights[i - 52]);
    }
    EXPECT_GT(moving, 0.1);  // The face moves with the speech.
    for (float w : out->tongue_weights) ASSERT_TRUE(std::isfinite(w) && w >= 0.0f);
    for (float e : out->eyes) ASSERT_TRUE(std::isfinite(e));
  }
}

}  // namespace
}  // namespace voxface::a2f
