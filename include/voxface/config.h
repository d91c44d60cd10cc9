// SPDX-License-Identifier: Apache-2.0
// Configuration structs. Every field has a documented default; Validate() says what is wrong.
#ifndef VOXFACE_CONFIG_H_
#define VOXFACE_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>

#include "voxface/audio.h"
#include "voxface/status.h"

namespace voxface {

// Speech analysis: audio -> phones.
struct AnalyzerConfig {
  // "phonetic": PocketSphinx word recognition + forced alignment (English).
  std::string name = "phonetic";
  // Folder with en-us/ (acoustic model), en-us.lm.bin, en-us-phone.lm.bin and
  // cmudict-en-us.dict. Empty: the Debian pocketsphinx-en-us location.
  std::string model_dir;
  // At most this many concurrent analyses per Engine; more callers wait. Each one holds a
  // recogniser of about 100 MB.
  int max_parallel = 4;

  Status Validate() const;
};

// Phones -> ARKit curves.
struct AnimConfig {
  // Output frame rate; frame i is at i / fps_hz.
  double fps_hz = 60.0;
  // Seed for blinks, saccades and idle motion; equal seeds give equal output.
  uint64_t seed = 0;
  // Emotion name -> strength 0..1 ("joy" -> 0.6). Names: neutral, joy, sadness, anger, surprise,
  // fear, disgust.
  std::map<std::string, float> emotion;
  // Viseme pose library (JSON). Empty: data/visemes.json shipped with voxface.
  std::string poses_path;
  // Rounding may start this long before a rounded vowel.
  double anticipation_ms = 150.0;
  // Global scale of mouth motion (1 = as authored).
  float articulation = 1.0f;
  // Upper face: blinks, saccades, brows from pitch, idle motion.
  bool upper_face = true;

  Status Validate() const;
};

struct EngineConfig {
  AudioOptions audio;
  AnalyzerConfig analyzer;
  AnimConfig anim;
  // An NVIDIA Audio2Face-3D model.json (regression v2.3 / v2.3.1; see docs/a2f.md). When set,
  // audio runs through that network, its post-processing and its blendshape solve instead of
  // analysis + anim; anim.fps_hz and anim.emotion still apply. Empty (default): phonetic pipeline.
  std::string model_path;
  // Threads for the A2F network (nn::Session); 1 suits servers that parallelise requests.
  int model_threads = 1;

  Status Validate() const;
};

// Per-call options.
struct AnimateOptions {
  // Transcript of the audio. With it, phones come from aligning this text, which is more
  // accurate than recognition.
  std::string text;
};

}  // namespace voxface

#endif  // VOXFACE_CONFIG_H_
