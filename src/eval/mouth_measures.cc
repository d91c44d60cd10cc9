// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <vector>

#include "voxface/arkit.h"
#include "voxface/eval.h"

namespace voxface {
namespace {

// Rigs differ in how they split the left and right halves; averaging keeps the measures
// symmetric so that a lopsided rig is not scored as a half-open mouth.
float Pair(const Track& track, int frame, int left, int right) {
  return 0.5f * (track.weight(frame, left) + track.weight(frame, right));
}

}  // namespace

std::vector<float> MouthOpening(const Track& track) {
  const int n = track.num_frames();
  std::vector<float> open(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    // mouthClose presses the lips together while the jaw hangs open (ARKit's "closed jaw open"
    // pose), so it cancels jawOpen rather than adding to it.
    const float jaw =
        std::clamp(track.weight(i, kJawOpen) - track.weight(i, kMouthClose), 0.0f, 1.0f);
    open[i] = jaw + 0.5f * Pair(track, i, kMouthLowerDownLeft, kMouthLowerDownRight) +
              0.3f * Pair(track, i, kMouthUpperUpLeft, kMouthUpperUpRight);
  }
  return open;
}

std::vector<float> MouthRounding(const Track& track) {
  const int n = track.num_frames();
  std::vector<float> round(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    round[i] = std::max(track.weight(i, kMouthFunnel), track.weight(i, kMouthPucker));
  }
  return round;
}

}  // namespace voxface
