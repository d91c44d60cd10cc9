// SPDX-License-Identifier: Apache-2.0
// The voxface engine: audio in, ARKit-52 animation out.
//
//   auto engine = voxface::Engine::Create(voxface::EngineConfig{});
//   if (!engine.ok()) { /* engine.status().message() says why */ }
//   auto track = (*engine)->AnimateFile("speech.wav");
//   std::string json = voxface::TrackToJson(*track);
//
// An Engine is immutable after Create and safe to share between threads. A Stream belongs to one
// caller and is not thread-safe.
#ifndef VOXFACE_ENGINE_H_
#define VOXFACE_ENGINE_H_

#include <functional>
#include <memory>
#include <string>

#include "voxface/audio.h"
#include "voxface/config.h"
#include "voxface/status.h"
#include "voxface/types.h"

namespace voxface {

class Stream;

// progress(fraction 0..1) is called from the animating thread.
using ProgressFn = std::function<void(double)>;

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> Create(const EngineConfig& config);
  virtual ~Engine() = default;

  // Animates 16 kHz mono audio (see LoadAudioFile).
  virtual Result<Track> Animate(const Audio& audio, const AnimateOptions& options = {},
                                const ProgressFn& progress = nullptr) const = 0;
  // Loads and animates a file.
  virtual Result<Track> AnimateFile(const std::string& path, const AnimateOptions& options = {},
                                    const ProgressFn& progress = nullptr) const = 0;
  // Audio -> phones and prosody only.
  virtual Result<Analysis> Analyze(const Audio& audio,
                                   const AnimateOptions& options = {}) const = 0;
  // Phones -> animation only (e.g. phones from a TTS engine). Phones must be in time order and
  // not overlap; prosody may be left empty.
  virtual Result<Track> AnimateAnalysis(const Analysis& analysis, double duration_s) const = 0;

  // A live stream: push PCM chunks as they arrive, then Finish() for the track.
  virtual Result<std::unique_ptr<Stream>> CreateStream(
      const PcmFormat& format, const AnimateOptions& options = {}) const = 0;

  virtual const EngineConfig& config() const = 0;
};

// Accepts PCM chunks of any size. The phonetic analyser needs the whole utterance, so frames
// become available at Finish(); the result equals Engine::Animate on the same audio. A Stream
// keeps what it needs of its Engine alive, so it may outlive the Engine.
class Stream {
 public:
  virtual ~Stream() = default;
  virtual Status Push(const void* data, size_t size) = 0;
  virtual Result<Track> Finish() = 0;
};

// "0.1.0".
const char* Version();

}  // namespace voxface

#endif  // VOXFACE_ENGINE_H_
