// SPDX-License-Identifier: Apache-2.0
#include "audio/resampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "audio/test_util.h"

namespace voxface {
namespace {

using testing_util::MaxSineError;
using testing_util::Sine;

class ResamplerSineTest : public ::testing::TestWithParam<int> {};

// soxr compensates its filter delay, so the output must line up with the analytic sine sampled
// at the new rate, not merely have the right frequency.
TEST_P(ResamplerSineTest, MatchesAnalyticSine) {
  const int in_rate = GetParam();
  const std::vector<float> in = Sine(1000.0, in_rate, in_rate, 0.5f);  // 1 s.
  Result<std::vector<float>> out = Resampler::Convert(in.data(), in.size(), in_rate, 16000);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_NEAR(static_cast<double>(out->size()), 16000.0, 2.0);
  EXPECT_LT(MaxSineError(*out, 1000.0, 16000, 0.5f, 100), 1e-3);
}

INSTANTIATE_TEST_SUITE_P(Rates, ResamplerSineTest, ::testing::Values(8000, 22050, 44100, 48000));

TEST(ResamplerTest, StereoDownmixIsChannelAverage) {
  const int rate = 44100;
  std::vector<float> stereo(static_cast<size_t>(2 * rate));
  const std::vector<float> left = Sine(1000.0, rate, rate, 0.8f);
  for (int n = 0; n < rate; ++n) {
    stereo[2 * n] = left[n];
    stereo[2 * n + 1] = -0.25f * left[n];  // Partly cancels: mono amplitude (0.8 - 0.2) / 2.
  }
  std::vector<float> mono;
  DownmixToMono(stereo.data(), rate, 2, &mono);
  ASSERT_EQ(mono.size(), static_cast<size_t>(rate));
  Result<std::vector<float>> out = Resampler::Convert(mono.data(), mono.size(), rate, 16000);
  ASSERT_TRUE(out.ok());
  EXPECT_LT(MaxSineError(*out, 1000.0, 16000, 0.3f, 100), 1e-3);
}

TEST(ResamplerTest, EqualRatesPassThroughExactly) {
  const std::vector<float> in = Sine(440.0, 16000, 1234, 0.7f);
  Result<std::unique_ptr<Resampler>> r = Resampler::Create(16000, 16000);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)->passthrough());
  std::vector<float> out;
  ASSERT_TRUE((*r)->Process(in.data(), 1000, &out).ok());
  ASSERT_TRUE((*r)->Process(in.data() + 1000, 234, &out).ok());
  ASSERT_TRUE((*r)->Flush(&out).ok());
  EXPECT_EQ(out, in);
}

TEST(ResamplerTest, ChunkingDoesNotChangeOutput) {
  const std::vector<float> in = Sine(523.0, 48000, 30000, 0.5f);
  Result<std::vector<float>> whole = Resampler::Convert(in.data(), in.size(), 48000, 16000);
  ASSERT_TRUE(whole.ok());

  Result<std::unique_ptr<Resampler>> r = Resampler::Create(48000, 16000);
  ASSERT_TRUE(r.ok());
  std::mt19937 rng(7);
  std::vector<float> out;
  for (size_t pos = 0; pos < in.size();) {
    const size_t n = std::min<size_t>(in.size() - pos, 1 + rng() % 3000);
    ASSERT_TRUE((*r)->Process(in.data() + pos, n, &out).ok());
    pos += n;
  }
  ASSERT_TRUE((*r)->Flush(&out).ok());
  ASSERT_EQ(out.size(), whole->size());
  for (size_t i = 0; i < out.size(); ++i) ASSERT_NEAR(out[i], (*whole)[i], 1e-6) << i;
}

TEST(ResamplerTest, RejectsBadRates) {
  EXPECT_EQ(Resampler::Create(0, 16000).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Resampler::Create(16000, -1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(Resampler::Create(16000, 1e9).status().message().empty());
}

TEST(ResamplerTest, ProcessAfterFlushFails) {
  Result<std::unique_ptr<Resampler>> r = Resampler::Create(44100, 16000);
  ASSERT_TRUE(r.ok());
  std::vector<float> out;
  ASSERT_TRUE((*r)->Flush(&out).ok());
  const float x = 0.0f;
  EXPECT_FALSE((*r)->Process(&x, 1, &out).ok());
}

}  // namespace
}  // namespace voxface
