// SPDX-License-Identifier: Apache-2.0
// A small synthetic track shared by the export tests.
#ifndef VOXFACE_SRC_EXPORT_EXPORT_TEST_UTIL_H_
#define VOXFACE_SRC_EXPORT_EXPORT_TEST_UTIL_H_

#include <cmath>

#include "voxface/types.h"

namespace voxface::export_test {

// Weights are smooth, distinct per channel and not round, so a column mix-up or a precision
// loss beyond 1e-4 shows.
inline Track MakeTestTrack(int frames, double fps = 60.0) {
  Track track;
  track.fps = fps;
  track.duration_s = frames / fps;
  track.weights.resize(static_cast<size_t>(frames) * kArkitCount);
  for (int i = 0; i < frames; ++i) {
    for (int c = 0; c < kArkitCount; ++c) {
      track.weight(i, c) = static_cast<float>(0.5 + 0.5 * std::sin(0.05 * i + 0.37 * c));
    }
  }
  track.viseme_names = {"sil", "PP", "aa"};
  track.visemes.resize(static_cast<size_t>(frames) * 3);
  for (int i = 0; i < frames; ++i) {
    track.visemes[i * 3 + 0] = 0.1f;
    track.visemes[i * 3 + 1] = i < frames / 2 ? 0.9f : 0.2f;
    track.visemes[i * 3 + 2] = i < frames / 2 ? 0.05f : 0.7312345f;
  }
  const double d = track.duration_s;
  track.phones = {{"sil", 0.0, 0.2 * d},
                  {"p", 0.2 * d, 0.35 * d},
                  {"aa", 0.35 * d, 0.8 * d},
                  {"sil", 0.8 * d, d}};
  track.words = {{"pa", 0.2 * d, 0.8 * d}};
  track.analyzer = "test-analyzer";
  track.seed = 12345678901234567890ULL;  // Above 2^53: a double would round it.
  return track;
}

}  // namespace voxface::export_test

#endif  // VOXFACE_SRC_EXPORT_EXPORT_TEST_UTIL_H_
