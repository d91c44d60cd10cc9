// SPDX-License-Identifier: Apache-2.0
// Signal generators, file helpers and measurements shared by the audio tests.
#ifndef VOXFACE_SRC_AUDIO_TEST_UTIL_H_
#define VOXFACE_SRC_AUDIO_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

namespace voxface::testing_util {

inline constexpr double kPi = 3.14159265358979323846;

// amplitude * sin(2 pi f n / rate) in every channel, interleaved.
std::vector<float> Sine(double freq_hz, int rate_hz, int64_t frames, float amplitude = 0.5f,
                        int channels = 1);

// A unique path under the test temp dir; the file is not created.
std::string TempPath(const std::string& name);

// Writes interleaved float samples with libsndfile. Returns libsndfile's error text, or "" on
// success, so callers can skip formats this libsndfile build cannot write.
std::string WriteSoundFile(const std::string& path, const std::vector<float>& interleaved,
                           int rate_hz, int channels, int format);

std::vector<uint8_t> ReadBytes(const std::string& path);
void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes);

// Frequency from rising zero crossings between `skip` samples from each end, interpolating the
// crossing instants so the estimate is far finer than one sample.
double EstimateFrequency(const std::vector<float>& x, int rate_hz, int64_t skip);

// Largest |x[n] - amplitude sin(2 pi f n / rate)| over [skip, size - skip).
double MaxSineError(const std::vector<float>& x, double freq_hz, int rate_hz, float amplitude,
                    int64_t skip);

// Little-endian bytes of interleaved samples.
std::vector<uint8_t> ToS16le(const std::vector<float>& x);
std::vector<uint8_t> ToF32le(const std::vector<float>& x);

}  // namespace voxface::testing_util

#endif  // VOXFACE_SRC_AUDIO_TEST_UTIL_H_
