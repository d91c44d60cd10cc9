// SPDX-License-Identifier: Apache-2.0
// Plain data passed between voxface's stages and returned to callers.
#ifndef VOXFACE_TYPES_H_
#define VOXFACE_TYPES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "voxface/arkit.h"

namespace voxface {

// Mono float32 audio in [-1, 1]. Everything after decoding works on 16 kHz.
struct Audio {
  std::vector<float> samples;
  int sample_rate_hz = 16000;
  // Non-fatal findings from decoding, e.g. "input is silent".
  std::vector<std::string> warnings;

  double duration_s() const {
    return sample_rate_hz > 0 ? static_cast<double>(samples.size()) / sample_rate_hz : 0.0;
  }
};

// One phone on the timeline. Phones are lowercase ArpaBet without stress ("aa", "p", ...), plus
// "sil" for silence and pauses.
struct PhoneSegment {
  std::string phone;
  double start_s = 0.0;
  double end_s = 0.0;
  float confidence = 1.0f;  // 0..1; 1 for given or forced-aligned phones.
};

// A stretch of time, e.g. a speech region between pauses.
struct TimeSpan {
  double start_s = 0.0;
  double end_s = 0.0;
};

// A recognised or aligned word with its time span.
struct WordSegment {
  std::string word;
  double start_s = 0.0;
  double end_s = 0.0;
};

// Prosody at a fixed frame rate (100 Hz: frame i covers time i / rate_hz).
struct ProsodyTrack {
  double rate_hz = 100.0;
  std::vector<float> energy_db;  // Frame RMS in dBFS (-100 for digital silence).
  std::vector<float> voicing;    // 0..1 periodicity.
  std::vector<float> f0_hz;      // Fundamental frequency; 0 where unvoiced.
};

// What every analyser produces: a phone track and prosody.
struct Analysis {
  std::vector<PhoneSegment> phones;
  std::vector<WordSegment> words;
  ProsodyTrack prosody;
  std::string analyzer;  // Name of the analyser that produced it.
  // True when the phones come from aligning the given transcript (not from recognition).
  bool aligned_to_text = false;
  std::vector<std::string> warnings;
};

// ARKit-52 animation at a fixed frame rate. Frame i is at time i / fps.
struct Track {
  double fps = 60.0;
  double duration_s = 0.0;
  // Blendshape weights in 0..1, row-major frames x kArkitCount, columns in kArkitNames order.
  std::vector<float> weights;
  // Viseme weights, row-major frames x viseme_names.size().
  std::vector<std::string> viseme_names;
  std::vector<float> visemes;
  // The phones the animation was made from (for plots and evaluation).
  std::vector<PhoneSegment> phones;
  std::vector<WordSegment> words;
  // Provenance written into exports.
  std::string analyzer;
  uint64_t seed = 0;
  std::vector<std::string> warnings;

  int num_frames() const { return static_cast<int>(weights.size() / kArkitCount); }
  double timestamp_s(int frame) const { return frame / fps; }
  float weight(int frame, int channel) const {
    return weights[static_cast<size_t>(frame) * kArkitCount + channel];
  }
  float& weight(int frame, int channel) {
    return weights[static_cast<size_t>(frame) * kArkitCount + channel];
  }
};

}  // namespace voxface

#endif  // VOXFACE_TYPES_H_
