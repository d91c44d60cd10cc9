// SPDX-License-Identifier: Apache-2.0
// A small deterministic random source. std::*_distribution differ between standard libraries;
// this one gives the same numbers everywhere, so a seed reproduces an animation exactly.
#ifndef VOXFACE_SRC_BASE_RNG_H_
#define VOXFACE_SRC_BASE_RNG_H_

#include <cstdint>

namespace voxface {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed ^ 0x9e3779b97f4a7c15ULL) {}
  uint64_t Next();
  // Uniform in [0, 1).
  double Uniform();
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Standard normal (Box-Muller).
  double Normal();

 private:
  uint64_t state_;
};

}  // namespace voxface

#endif  // VOXFACE_SRC_BASE_RNG_H_
