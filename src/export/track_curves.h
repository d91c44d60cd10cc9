// SPDX-License-Identifier: Apache-2.0
// Summary curves derived from the 52 weights. The SVG plot draws them and the Rhubarb exporter
// falls back to them when a track carries no phones, so both read the mouth the same way.
#ifndef VOXFACE_SRC_EXPORT_TRACK_CURVES_H_
#define VOXFACE_SRC_EXPORT_TRACK_CURVES_H_

#include "voxface/types.h"

namespace voxface::export_internal {

// How far apart the lips are: the jaw opening not cancelled by mouthClose, plus the lip raisers
// and depressors that open the lips without the jaw. 0 (sealed) to 1.8.
float LipOpening(const Track& track, int frame);
// Lip rounding: the stronger of funnel and pucker.
float LipRounding(const Track& track, int frame);
// Mean of the left and right smile.
float Smile(const Track& track, int frame);
// Mean of the left and right blink.
float Blink(const Track& track, int frame);

// The length of the track in seconds: duration_s when set, else the frames' span, and never
// shorter than the last phone or word.
double TrackLength(const Track& track);

}  // namespace voxface::export_internal

#endif  // VOXFACE_SRC_EXPORT_TRACK_CURVES_H_
