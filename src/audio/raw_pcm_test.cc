// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "audio/test_util.h"
#include "voxface/audio.h"

namespace voxface {
namespace {

using testing_util::EstimateFrequency;
using testing_util::MaxSineError;
using testing_util::Sine;
using testing_util::ToF32le;
using testing_util::ToS16le;

struct RawCase {
  SampleFormat format;
  int rate;
  int channels;
};

class RawPcmTest : public ::testing::TestWithParam<RawCase> {};

TEST_P(RawPcmTest, DecodesToTargetRateMono) {
  const RawCase c = GetParam();
  const std::vector<float> x = Sine(440.0, c.rate, c.rate, 0.5f, c.channels);  // 1 s.
  const std::vector<uint8_t> bytes = c.format == SampleFormat::kS16LE ? ToS16le(x) : ToF32le(x);
  Result<Audio> audio = DecodeRawPcm(bytes.data(), bytes.size(), {c.format, c.rate, c.channels});
  ASSERT_TRUE(audio.ok()) << audio.status().ToString();
  EXPECT_EQ(audio->sample_rate_hz, 16000);
  EXPECT_NEAR(static_cast<double>(audio->samples.size()), 16000.0, 2.0);
  EXPECT_TRUE(audio->warnings.empty());
  // 16-bit quantisation adds ~3e-5 on top of the resampler's error.
  EXPECT_LT(MaxSineError(audio->samples, 440.0, 16000, 0.5f, 100), 1e-3);
  EXPECT_NEAR(EstimateFrequency(audio->samples, 16000, 100), 440.0, 0.5);
}

INSTANTIATE_TEST_SUITE_P(Formats, RawPcmTest,
                         ::testing::Values(RawCase{SampleFormat::kS16LE, 16000, 1},
                                           RawCase{SampleFormat::kS16LE, 44100, 2},
                                           RawCase{SampleFormat::kS16LE, 11025, 1},
                                           RawCase{SampleFormat::kF32LE, 48000, 1},
                                           RawCase{SampleFormat::kF32LE, 22050, 2},
                                           RawCase{SampleFormat::kF32LE, 96000, 6}));

TEST(RawPcmTest, MonoAtTargetRateIsExact) {
  const std::vector<uint8_t> bytes = {0x00, 0x80, 0xff, 0x7f, 0x00, 0x00, 0x00, 0x40};
  Result<Audio> audio = DecodeRawPcm(bytes.data(), bytes.size(), {SampleFormat::kS16LE, 16000, 1});
  ASSERT_TRUE(audio.ok());
  EXPECT_EQ(audio->samples, (std::vector<float>{-1.0f, 32767.0f / 32768.0f, 0.0f, 0.5f}));
}

TEST(RawPcmTest, StereoIsAveraged) {
  // Left 0.5, right -0.25 (exact in both formats): mono 0.125.
  std::vector<float> x;
  for (int i = 0; i < 100; ++i) x.insert(x.end(), {0.5f, -0.25f});
  for (const auto& bytes : {ToS16le(x), ToF32le(x)}) {
    const SampleFormat f = bytes.size() == 400 ? SampleFormat::kS16LE : SampleFormat::kF32LE;
    Result<Audio> audio = DecodeRawPcm(bytes.data(), bytes.size(), {f, 16000, 2});
    ASSERT_TRUE(audio.ok());
    ASSERT_EQ(audio->samples.size(), 100u);
    for (float v : audio->samples) EXPECT_EQ(v, 0.125f);
  }
}

TEST(RawPcmTest, OddByteCountFails) {
  const std::vector<uint8_t> bytes(1001);
  Result<Audio> audio = DecodeRawPcm(bytes.data(), bytes.size(), {SampleFormat::kS16LE, 16000, 1});
  ASSERT_FALSE(audio.ok());
  EXPECT_EQ(audio.status().code(), StatusCode::kCorruptData);
  EXPECT_NE(audio.status().message().find("1001 bytes"), std::string::npos)
      << audio.status().message();
}

TEST(RawPcmTest, NanFails) {
  std::vector<float> x = Sine(440.0, 16000, 800, 0.5f, 2);
  x[2 * 321 + 1] = std::numeric_limits<float>::infinity();
  const std::vector<uint8_t> bytes = ToF32le(x);
  Result<Audio> audio = DecodeRawPcm(bytes.data(), bytes.size(), {SampleFormat::kF32LE, 16000, 2});
  ASSERT_FALSE(audio.ok());
  EXPECT_EQ(audio.status().code(), StatusCode::kCorruptData);
  EXPECT_NE(audio.status().message().find("sample 321 (channel 1)"), std::string::npos)
      << audio.status().message();
}

// Found by fuzz_raw_pcm: huge but finite floats summed over channels overflowed to Inf after
// the finite check. Values far outside [-1, 1] are now refused as corrupt.
TEST(RawPcmTest, AbsurdlyLargeFloatsFail) {
  std::vector<float> x = Sine(440.0, 16000, 800, 0.5f, 2);
  x[2 * 100] = 3.0e38f;
  x[2 * 100 + 1] = 3.0e38f;
  const std::vector<uint8_t> bytes = ToF32le(x);
  Result<Audio> audio = DecodeRawPcm(bytes.data(), bytes.size(), {SampleFormat::kF32LE, 11025, 2});
  ASSERT_FALSE(audio.ok());
  EXPECT_EQ(audio.status().code(), StatusCode::kCorruptData);
  EXPECT_NE(audio.status().message().find("far outside [-1, 1]"), std::string::npos)
      << audio.status().message();
  // Ordinary overs (a few times full scale) are still audio.
  x[2 * 100] = x[2 * 100 + 1] = 4.0f;
  const std::vector<uint8_t> loud = ToF32le(x);
  EXPECT_TRUE(DecodeRawPcm(loud.data(), loud.size(), {SampleFormat::kF32LE, 16000, 2}).ok());
}

TEST(RawPcmTest, TooLongFails) {
  const std::vector<uint8_t> bytes(2 * 16000 * 3);  // 3 s.
  AudioOptions options;
  options.max_duration_s = 2.0;
  Result<Audio> audio =
      DecodeRawPcm(bytes.data(), bytes.size(), {SampleFormat::kS16LE, 16000, 1}, options);
  ASSERT_FALSE(audio.ok());
  EXPECT_EQ(audio.status().code(), StatusCode::kOutOfRange);
  EXPECT_FALSE(audio.status().message().empty());
}

TEST(RawPcmTest, EmptyFails) {
  Result<Audio> audio = DecodeRawPcm(nullptr, 0, {});
  ASSERT_FALSE(audio.ok());
  EXPECT_EQ(audio.status().code(), StatusCode::kCorruptData);
  EXPECT_NE(audio.status().message().find("no audio samples"), std::string::npos);
}

TEST(RawPcmTest, SilenceWarns) {
  const std::vector<uint8_t> bytes(2 * 44100);
  Result<Audio> audio = DecodeRawPcm(bytes.data(), bytes.size(), {SampleFormat::kS16LE, 44100, 1});
  ASSERT_TRUE(audio.ok());
  ASSERT_EQ(audio->warnings.size(), 1u);
  EXPECT_NE(audio->warnings[0].find("silent"), std::string::npos);
}

TEST(RawPcmTest, ParseSampleFormat) {
  EXPECT_EQ(*ParseSampleFormat("s16le"), SampleFormat::kS16LE);
  EXPECT_EQ(*ParseSampleFormat("F32LE"), SampleFormat::kF32LE);
  Result<SampleFormat> bad = ParseSampleFormat("u8");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("s16le"), std::string::npos);
}

TEST(RawPcmTest, ValidateSettings) {
  EXPECT_TRUE(PcmFormat{}.Validate().ok());
  EXPECT_FALSE((PcmFormat{SampleFormat::kS16LE, 16000, 0}).Validate().ok());
  EXPECT_FALSE((PcmFormat{SampleFormat::kS16LE, 10, 1}).Validate().ok());
  EXPECT_TRUE(AudioOptions{}.Validate().ok());
  EXPECT_FALSE((AudioOptions{7999, 10.0}).Validate().ok());
  EXPECT_FALSE((AudioOptions{192001, 10.0}).Validate().ok());
  EXPECT_FALSE((AudioOptions{16000, 0.0}).Validate().ok());
  EXPECT_FALSE((AudioOptions{16000, std::nan("")}).Validate().ok());
}

}  // namespace
}  // namespace voxface
