// SPDX-License-Identifier: Apache-2.0
#include "export/track_curves.h"

#include <algorithm>

namespace voxface::export_internal {
namespace {

float Mean(const Track& track, int frame, int a, int b) {
  return 0.5f * (track.weight(frame, a) + track.weight(frame, b));
}

}  // namespace

float LipOpening(const Track& track, int frame) {
  const float jaw =
      std::clamp(track.weight(frame, kJawOpen) - track.weight(frame, kMouthClose), 0.0f, 1.0f);
  return jaw + 0.5f * Mean(track, frame, kMouthLowerDownLeft, kMouthLowerDownRight) +
         0.3f * Mean(track, frame, kMouthUpperUpLeft, kMouthUpperUpRight);
}

float LipRounding(const Track& track, int frame) {
  return std::max(track.weight(frame, kMouthFunnel), track.weight(frame, kMouthPucker));
}

float Smile(const Track& track, int frame) {
  return Mean(track, frame, kMouthSmileLeft, kMouthSmileRight);
}

float Blink(const Track& track, int frame) {
  return Mean(track, frame, kEyeBlinkLeft, kEyeBlinkRight);
}

double TrackLength(const Track& track) {
  double length = track.duration_s;
  if (length <= 0.0 && track.fps > 0.0) length = track.num_frames() / track.fps;
  for (const PhoneSegment& p : track.phones) length = std::max(length, p.end_s);
  for (const WordSegment& w : track.words) length = std::max(length, w.end_s);
  return std::max(length, 0.0);
}

}  // namespace voxface::export_internal
