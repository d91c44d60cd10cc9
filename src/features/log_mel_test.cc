// SPDX-License-Identifier: Apache-2.0
#include "features/log_mel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <vector>

#include "features/fft.h"

namespace voxface {
namespace {

std::vector<float> Noise(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 0.1f);
  std::vector<float> x(n);
  for (float& v : x) v = dist(rng);
  return x;
}

TEST(PowerSpectrumTest, MatchesADirectDft) {
  const int n = 64;
  PowerSpectrum fft(n);
  std::vector<double> x(50);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.3 * i) + 0.1 * static_cast<double>(i % 7);
  std::vector<std::complex<double>> scratch;
  std::vector<double> power(fft.num_bins());
  fft.Compute(x.data(), static_cast<int>(x.size()), &scratch, power.data());
  for (int k = 0; k <= n / 2; ++k) {
    std::complex<double> sum = 0.0;
    for (size_t i = 0; i < x.size(); ++i) {
      sum += x[i] * std::polar(1.0, -2.0 * std::numbers::pi * k * static_cast<double>(i) / n);
    }
    EXPECT_NEAR(power[k], std::norm(sum), 1e-9 * (1.0 + std::norm(sum))) << k;
  }
}

TEST(LogMelTest, CountsWholeFramesOnly) {
  auto mel = LogMel::Create();
  ASSERT_TRUE(mel.ok());
  EXPECT_EQ((*mel)->NumFrames(0), 0);
  EXPECT_EQ((*mel)->NumFrames(399), 0);
  EXPECT_EQ((*mel)->NumFrames(400), 1);
  EXPECT_EQ((*mel)->NumFrames(559), 1);
  EXPECT_EQ((*mel)->NumFrames(560), 2);
  EXPECT_EQ((*mel)->NumFrames(16000), 98);
  EXPECT_EQ((*mel)->Compute(nullptr, 0).size(), 0u);
}

TEST(LogMelTest, SilenceSitsOnTheFloor) {
  auto features = ComputeLogMel(std::vector<float>(1600, 0.0f));
  ASSERT_TRUE(features.ok());
  ASSERT_EQ(features->size(), 8u * 80u);
  for (float v : *features) EXPECT_FLOAT_EQ(v, static_cast<float>(std::log(1e-6)));
}

TEST(LogMelTest, ASinePeaksInItsBand) {
  auto mel = LogMel::Create();
  ASSERT_TRUE(mel.ok());
  std::vector<float> x(4000);
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = 0.5f * static_cast<float>(std::sin(2.0 * std::numbers::pi * 1000.0 * i / 16000.0));
  }
  const std::vector<float> f = (*mel)->Compute(x.data(), x.size());
  // The filter whose weight at the 1 kHz bin (k = 32) is largest must hold the most energy.
  const std::vector<double>& bank = (*mel)->filterbank();
  int best_filter = 0, best_band = 0;
  for (int m = 0; m < 80; ++m) {
    if (bank[m * 257 + 32] > bank[best_filter * 257 + 32]) best_filter = m;
    if (f[m] > f[best_band]) best_band = m;
  }
  EXPECT_EQ(best_band, best_filter);
  EXPECT_GT(f[best_band], 5.0f);  // ln of ~(0.5 * 200 / 2)^2 = ln 2500, less filter weight.
}

TEST(LogMelTest, EveryFilterSeesAtLeastOneBin) {
  auto mel = LogMel::Create();
  ASSERT_TRUE(mel.ok());
  const std::vector<double>& bank = (*mel)->filterbank();
  for (int m = 0; m < 80; ++m) {
    double peak = 0.0;
    for (int k = 0; k < 257; ++k) peak = std::max(peak, bank[m * 257 + k]);
    EXPECT_GT(peak, 0.3) << "filter " << m;
    EXPECT_LE(peak, 1.0) << "filter " << m;
  }
}

TEST(LogMelStreamTest, ChunksGiveTheBatchFramesExactly) {
  auto mel = LogMel::Create();
  ASSERT_TRUE(mel.ok());
  const std::vector<float> x = Noise(16000 + 123, 7);
  const std::vector<float> batch = (*mel)->Compute(x.data(), x.size());
  for (size_t chunk : {1u, 7u, 160u, 399u, 400u, 1000u, 20000u}) {
    LogMelStream stream(*mel);
    std::vector<float> frames;
    for (size_t i = 0; i < x.size(); i += chunk) {
      stream.Push(&x[i], std::min(chunk, x.size() - i), &frames);
    }
    EXPECT_EQ(frames, batch) << "chunk " << chunk;
    EXPECT_EQ(stream.frames_emitted(), static_cast<int64_t>(batch.size() / 80));
  }
}

TEST(LogMelStreamTest, EmitsAFrameAsSoonAsItsLastSampleArrives) {
  auto mel = LogMel::Create();
  ASSERT_TRUE(mel.ok());
  LogMelStream stream(*mel);
  const std::vector<float> x = Noise(560, 3);
  std::vector<float> frames;
  EXPECT_EQ(stream.Push(x.data(), 399, &frames), 0);
  EXPECT_EQ(stream.Push(x.data() + 399, 1, &frames), 1);
  EXPECT_EQ(stream.Push(x.data() + 400, 159, &frames), 0);
  EXPECT_EQ(stream.Push(x.data() + 559, 1, &frames), 1);
  stream.Reset();
  EXPECT_EQ(stream.frames_emitted(), 0);
}

TEST(LogMelTest, RejectsBadConfigs) {
  LogMelConfig c;
  c.fft_size = 256;  // Shorter than the window.
  EXPECT_FALSE(LogMel::Create(c).ok());
  c = {};
  c.fft_size = 600;  // Not a power of two.
  EXPECT_FALSE(LogMel::Create(c).ok());
  c = {};
  c.high_hz = 9000;  // Above Nyquist.
  EXPECT_FALSE(LogMel::Create(c).ok());
  c = {};
  c.floor = 0;
  EXPECT_FALSE(LogMel::Create(c).ok());
}

}  // namespace
}  // namespace voxface
