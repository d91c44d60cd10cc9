// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "audio/test_util.h"
#include "voxface/audio.h"

namespace voxface {
namespace {

using testing_util::kPi;
using testing_util::ToF32le;
using testing_util::ToS16le;

// A chirp in one channel and a tone in the other: catches channel swaps and misaligned frames,
// which a plain sine in both channels would hide.
std::vector<float> TestSignal(int rate, int frames) {
  std::vector<float> x(static_cast<size_t>(2 * frames));
  for (int n = 0; n < frames; ++n) {
    const double t = double(n) / rate;
    x[2 * n] = static_cast<float>(0.4 * std::sin(2 * kPi * (200 * t + 900 * t * t)));
    x[2 * n + 1] = static_cast<float>(0.3 * std::sin(2 * kPi * 330 * t));
  }
  return x;
}

std::vector<size_t> ChunkSizes(size_t total, uint32_t seed) {
  const size_t menu[] = {1, 2, 3, 7, 13, 1000, 4096, 17, 5, 65536};
  std::mt19937 rng(seed);
  std::vector<size_t> sizes;
  for (size_t left = total; left > 0;) {
    const size_t n = std::min(left, menu[rng() % std::size(menu)]);
    sizes.push_back(n);
    left -= n;
  }
  return sizes;
}

TEST(AudioStreamTest, ChunkedEqualsWholeBuffer) {
  const PcmFormat format{SampleFormat::kS16LE, 44100, 2};
  const std::vector<uint8_t> bytes = ToS16le(TestSignal(44100, 66150));  // 1.5 s.
  Result<Audio> whole = DecodeRawPcm(bytes.data(), bytes.size(), format);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();

  for (uint32_t seed : {1u, 2u, 3u}) {
    Result<std::unique_ptr<AudioStream>> stream = AudioStream::Create(format);
    ASSERT_TRUE(stream.ok());
    std::vector<float> got;
    size_t pos = 0;
    int pushes = 0;
    for (size_t n : ChunkSizes(bytes.size(), seed)) {
      ASSERT_TRUE((*stream)->Push(bytes.data() + pos, n).ok());
      pos += n;
      // Taking mid-stream must not lose or duplicate anything.
      if (++pushes % 50 == 0) {
        std::vector<float> part = (*stream)->TakeSamples();
        got.insert(got.end(), part.begin(), part.end());
      }
    }
    ASSERT_TRUE((*stream)->Finish().ok());
    std::vector<float> rest = (*stream)->TakeSamples();
    got.insert(got.end(), rest.begin(), rest.end());
    EXPECT_EQ((*stream)->samples_out(), static_cast<int64_t>(got.size()));
    ASSERT_EQ(got.size(), whole->samples.size()) << "seed " << seed;
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_NEAR(got[i], whole->samples[i], 1e-5) << "seed " << seed << " sample " << i;
    }
  }
}

TEST(AudioStreamTest, PassthroughWhenAlreadyTargetFormat) {
  const std::vector<float> x = testing_util::Sine(300.0, 16000, 1600, 0.5f);
  const std::vector<uint8_t> bytes = ToF32le(x);
  Result<std::unique_ptr<AudioStream>> stream =
      AudioStream::Create({SampleFormat::kF32LE, 16000, 1});
  ASSERT_TRUE(stream.ok());
  for (size_t pos = 0; pos < bytes.size(); pos += 3) {
    ASSERT_TRUE((*stream)->Push(bytes.data() + pos, std::min<size_t>(3, bytes.size() - pos)).ok());
  }
  ASSERT_TRUE((*stream)->Finish().ok());
  EXPECT_EQ((*stream)->TakeSamples(), x);
}

TEST(AudioStreamTest, PushAfterFinishFails) {
  Result<std::unique_ptr<AudioStream>> stream = AudioStream::Create({});
  ASSERT_TRUE(stream.ok());
  ASSERT_TRUE((*stream)->Finish().ok());
  const uint8_t two[2] = {0, 0};
  Status s = (*stream)->Push(two, 2);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(s.message().empty());
}

TEST(AudioStreamTest, FinishMidFrameFails) {
  Result<std::unique_ptr<AudioStream>> stream =
      AudioStream::Create({SampleFormat::kS16LE, 8000, 2});
  ASSERT_TRUE(stream.ok());
  const uint8_t bytes[7] = {};
  ASSERT_TRUE((*stream)->Push(bytes, 7).ok());
  Status s = (*stream)->Finish();
  EXPECT_EQ(s.code(), StatusCode::kCorruptData);
  EXPECT_NE(s.message().find("middle of a sample frame"), std::string::npos) << s.message();
}

TEST(AudioStreamTest, NanFailsAndStaysFailed) {
  std::vector<float> x(1000, 0.1f);
  x[700] = std::numeric_limits<float>::quiet_NaN();
  const std::vector<uint8_t> bytes = ToF32le(x);
  Result<std::unique_ptr<AudioStream>> stream =
      AudioStream::Create({SampleFormat::kF32LE, 22050, 1});
  ASSERT_TRUE(stream.ok());
  ASSERT_TRUE((*stream)->Push(bytes.data(), 2000).ok());  // Samples 0..499.
  Status s = (*stream)->Push(bytes.data() + 2000, bytes.size() - 2000);
  EXPECT_EQ(s.code(), StatusCode::kCorruptData);
  EXPECT_NE(s.message().find("sample 700"), std::string::npos) << s.message();
  EXPECT_EQ((*stream)->Finish().code(), StatusCode::kCorruptData);
}

TEST(AudioStreamTest, TooLongFails) {
  AudioOptions options;
  options.max_duration_s = 0.5;
  Result<std::unique_ptr<AudioStream>> stream =
      AudioStream::Create({SampleFormat::kS16LE, 8000, 1}, options);
  ASSERT_TRUE(stream.ok());
  std::vector<uint8_t> second(16000);                      // 1 s of s16 mono at 8 kHz.
  ASSERT_TRUE((*stream)->Push(second.data(), 6000).ok());  // 0.375 s.
  Status s = (*stream)->Push(second.data(), 6000);
  EXPECT_EQ(s.code(), StatusCode::kOutOfRange);
  EXPECT_FALSE(s.message().empty());
}

TEST(AudioStreamTest, CreateRejectsBadSettings) {
  EXPECT_EQ(AudioStream::Create({SampleFormat::kS16LE, 16000, 0}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(AudioStream::Create({SampleFormat::kS16LE, 0, 1}).status().code(),
            StatusCode::kInvalidArgument);
  AudioOptions options;
  options.target_rate_hz = 100;
  EXPECT_EQ(AudioStream::Create({}, options).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace voxface
