// SPDX-License-Identifier: Apache-2.0
#include "audio/test_util.h"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>

namespace voxface::testing_util {

std::vector<float> Sine(double freq_hz, int rate_hz, int64_t frames, float amplitude,
                        int channels) {
  std::vector<float> out(static_cast<size_t>(frames * channels));
  for (int64_t n = 0; n < frames; ++n) {
    const auto v = static_cast<float>(amplitude * std::sin(2.0 * kPi * freq_hz * n / rate_hz));
    for (int c = 0; c < channels; ++c) out[static_cast<size_t>(n * channels + c)] = v;
  }
  return out;
}

namespace {

// Removes every file handed out by TempPath when the test program ends.
class TempFiles : public ::testing::Environment {
 public:
  void Add(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    paths_.push_back(path);
  }
  void TearDown() override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& p : paths_) std::filesystem::remove(p);
    paths_.clear();
  }

 private:
  std::mutex mu_;
  std::vector<std::string> paths_;
};

TempFiles* const temp_files =
    static_cast<TempFiles*>(::testing::AddGlobalTestEnvironment(new TempFiles));

}  // namespace

std::string TempPath(const std::string& name) {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string prefix = info != nullptr ? std::string(info->test_suite_name()) + "." + info->name()
                                       : std::string("audio");
  std::replace(prefix.begin(), prefix.end(), '/', '_');
  std::string path = (std::filesystem::path(::testing::TempDir()) /
                      (prefix + "." + std::to_string(counter++) + "." + name))
                         .string();
  temp_files->Add(path);
  return path;
}

std::string WriteSoundFile(const std::string& path, const std::vector<float>& interleaved,
                           int rate_hz, int channels, int format) {
  SF_INFO info{};
  info.samplerate = rate_hz;
  info.channels = channels;
  info.format = format;
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  if (file == nullptr) return sf_strerror(nullptr);
  const auto frames = static_cast<sf_count_t>(interleaved.size() / channels);
  const sf_count_t written = sf_writef_float(file, interleaved.data(), frames);
  std::string error = written == frames ? "" : sf_strerror(file);
  sf_close(file);
  return error;
}

std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

double EstimateFrequency(const std::vector<float>& x, int rate_hz, int64_t skip) {
  double first = -1.0;
  double last = -1.0;
  int crossings = 0;
  for (int64_t n = skip; n + 1 < static_cast<int64_t>(x.size()) - skip; ++n) {
    if (x[n] < 0.0f && x[n + 1] >= 0.0f) {
      const double t = n + x[n] / (x[n] - x[n + 1]);
      if (first < 0.0) first = t;
      last = t;
      ++crossings;
    }
  }
  if (crossings < 2) return 0.0;
  return (crossings - 1) * rate_hz / (last - first);
}

double MaxSineError(const std::vector<float>& x, double freq_hz, int rate_hz, float amplitude,
                    int64_t skip) {
  double worst = 0.0;
  for (int64_t n = skip; n < static_cast<int64_t>(x.size()) - skip; ++n) {
    const double want = amplitude * std::sin(2.0 * kPi * freq_hz * n / rate_hz);
    worst = std::max(worst, std::fabs(x[n] - want));
  }
  return worst;
}

std::vector<uint8_t> ToS16le(const std::vector<float>& x) {
  std::vector<uint8_t> out;
  out.reserve(x.size() * 2);
  for (float v : x) {
    const auto s =
        static_cast<int16_t>(std::lrint(std::clamp(v, -1.0f, 32767.0f / 32768.0f) * 32768.0f));
    const auto u = static_cast<uint16_t>(s);
    out.push_back(static_cast<uint8_t>(u & 0xff));
    out.push_back(static_cast<uint8_t>(u >> 8));
  }
  return out;
}

std::vector<uint8_t> ToF32le(const std::vector<float>& x) {
  std::vector<uint8_t> out;
  out.reserve(x.size() * 4);
  for (float v : x) {
    const auto u = std::bit_cast<uint32_t>(v);
    for (int b = 0; b < 4; ++b) out.push_back(static_cast<uint8_t>(u >> (8 * b)));
  }
  return out;
}

}  // namespace voxface::testing_util
