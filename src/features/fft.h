// SPDX-License-Identifier: Apache-2.0
// A small radix-2 FFT for the log-mel front end. Our own rather than a library: the sizes are
// fixed and tiny (512 points), double precision keeps the C++ features within 1e-6 of the numpy
// reference, and it avoids both FFTW's GPL and another dependency.
#ifndef VOXFACE_SRC_FEATURES_FFT_H_
#define VOXFACE_SRC_FEATURES_FFT_H_

#include <complex>
#include <vector>

namespace voxface {

class PowerSpectrum {
 public:
  // size: a power of two >= 2.
  explicit PowerSpectrum(int size);

  int size() const { return size_; }
  int num_bins() const { return size_ / 2 + 1; }

  // |X[k]|^2 for k = 0..size/2 of the DFT of `input` (`count` <= size values, zero-padded).
  // `scratch` is caller-owned so that one PowerSpectrum serves many threads.
  void Compute(const double* input, int count, std::vector<std::complex<double>>* scratch,
               double* power) const;

 private:
  int size_;
  std::vector<int> bit_reverse_;
  std::vector<std::complex<double>> twiddles_;  // exp(-2 pi i k / size), k < size / 2.
};

}  // namespace voxface

#endif  // VOXFACE_SRC_FEATURES_FFT_H_
