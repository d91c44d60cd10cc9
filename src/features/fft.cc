// SPDX-License-Identifier: Apache-2.0
#include "features/fft.h"

#include <cmath>
#include <numbers>
#include <utility>

namespace voxface {

PowerSpectrum::PowerSpectrum(int size) : size_(size), bit_reverse_(size), twiddles_(size / 2) {
  int bits = 0;
  while ((1 << bits) < size) ++bits;
  for (int i = 0; i < size; ++i) {
    int r = 0;
    for (int b = 0; b < bits; ++b) r |= ((i >> b) & 1) << (bits - 1 - b);
    bit_reverse_[i] = r;
  }
  for (int k = 0; k < size / 2; ++k) {
    const double angle = -2.0 * std::numbers::pi * k / size;
    twiddles_[k] = {std::cos(angle), std::sin(angle)};
  }
}

void PowerSpectrum::Compute(const double* input, int count,
                            std::vector<std::complex<double>>* scratch, double* power) const {
  std::vector<std::complex<double>>& x = *scratch;
  x.assign(size_, {0.0, 0.0});
  for (int i = 0; i < count && i < size_; ++i) x[bit_reverse_[i]] = {input[i], 0.0};
  // Iterative Cooley-Tukey, decimation in time.
  for (int len = 2; len <= size_; len <<= 1) {
    const int half = len / 2;
    const int stride = size_ / len;
    for (int start = 0; start < size_; start += len) {
      for (int j = 0; j < half; ++j) {
        const std::complex<double> t = twiddles_[j * stride] * x[start + j + half];
        x[start + j + half] = x[start + j] - t;
        x[start + j] += t;
      }
    }
  }
  for (int k = 0; k <= size_ / 2; ++k) power[k] = std::norm(x[k]);
}

}  // namespace voxface
