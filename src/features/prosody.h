// SPDX-License-Identifier: Apache-2.0
// Prosody at 100 frames per second: energy, voicing and F0. The animator drives brows, squint and
// blinks from these, and the analyser uses energy to find pauses.
#ifndef VOXFACE_SRC_FEATURES_PROSODY_H_
#define VOXFACE_SRC_FEATURES_PROSODY_H_

#include <vector>

#include "voxface/types.h"

namespace voxface {

struct ProsodyConfig {
  double frame_rate_hz = 100.0;
  double energy_window_ms = 25.0;
  // Pitch needs two periods of the lowest F0 in the window.
  double pitch_window_ms = 40.0;
  double min_f0_hz = 60.0;
  double max_f0_hz = 400.0;
  // A frame is voiced when its normalised autocorrelation peak is at least this.
  float voicing_threshold = 0.55f;
  // ...and it is no quieter than this (dBFS).
  float min_voiced_energy_db = -50.0f;
};

// Frame i covers the window centred at i / frame_rate_hz. Frames = ceil(duration * rate).
ProsodyTrack ComputeProsody(const std::vector<float>& samples, int sample_rate_hz,
                            const ProsodyConfig& config = {});

// Spans [start_s, end_s) where the energy stays above a threshold set from the clip's own noise
// floor and peak; gaps shorter than min_gap_s are bridged. Used to split long audio at pauses.
std::vector<TimeSpan> FindSpeechSpans(const ProsodyTrack& prosody, double min_gap_s = 0.3,
                                      double pad_s = 0.1);

}  // namespace voxface

#endif  // VOXFACE_SRC_FEATURES_PROSODY_H_
