// SPDX-License-Identifier: Apache-2.0
// The pipeline: the only place that knows the stage order.
//   audio (16 kHz mono) -> features (prosody, speech spans) -> analysis (phones) -> anim (ARKit)
// Batch and streaming both end in Core::Animate, so they produce the same track for the same
// audio.
#include "voxface/engine.h"

#include <cmath>
#include <utility>

#include "analysis/analyzer.h"
#include "anim/animator.h"
#include "features/prosody.h"
#include "pipeline/a2f_path.h"

namespace voxface {
namespace {

// Checks what a caller may have built by hand; data from our own stages always passes.
Status ValidateAudio(const Audio& audio, double max_duration_s) {
  if (audio.sample_rate_hz != 16000) {
    return Status::InvalidArgument(
        "audio must be 16 kHz mono; load it with LoadAudioFile or DecodeRawPcm, which resample");
  }
  if (audio.samples.empty()) return Status::InvalidArgument("audio contains no samples");
  if (audio.duration_s() > max_duration_s) {
    return Status::OutOfRange("audio is longer than the limit of " +
                              std::to_string(max_duration_s) + " s (audio.max_duration_s)");
  }
  for (size_t i = 0; i < audio.samples.size(); ++i) {
    if (!std::isfinite(audio.samples[i])) {
      return Status::CorruptData("audio sample " + std::to_string(i) + " is NaN or infinite");
    }
  }
  return Status::Ok();
}

Status ValidateAnalysis(const Analysis& a, double duration_s, double max_duration_s) {
  if (!(duration_s >= 0.0 && duration_s <= max_duration_s)) {
    return Status::InvalidArgument("duration must be in 0.." + std::to_string(max_duration_s) +
                                   " s");
  }
  double t = 0.0;
  for (const auto& p : a.phones) {
    if (!std::isfinite(p.start_s) || !std::isfinite(p.end_s) || p.end_s < p.start_s ||
        p.start_s < t - 1e-6) {
      return Status::InvalidArgument("phones must be finite, in time order and not overlap (at '" +
                                     p.phone + "' " + std::to_string(p.start_s) + " s)");
    }
    t = p.end_s;
  }
  const ProsodyTrack& pr = a.prosody;
  if (pr.rate_hz <= 0.0 || pr.energy_db.size() != pr.f0_hz.size() ||
      pr.voicing.size() != pr.f0_hz.size()) {
    return Status::InvalidArgument(
        "prosody tracks must share one length and have rate_hz > 0 (leave them empty if unknown)");
  }
  return Status::Ok();
}

// The immutable engine state, shared with streams so that a stream outlives nothing it uses.
struct Core {
  EngineConfig config;
  std::unique_ptr<Analyzer> analyzer;
  std::unique_ptr<Animator> animator;
  // Set instead of analyzer and animator when config.model_path names an A2F model.
  std::unique_ptr<a2f::RegressionPipeline> a2f;

  Result<Analysis> Analyze(const Audio& audio, const AnimateOptions& options,
                           const ProgressFn& progress) const {
    VF_RETURN_IF_ERROR(ValidateAudio(audio, config.audio.max_duration_s));
    if (a2f) {
      return Status::Unsupported("an engine with an Audio2Face-3D model (model_path) animates "
                                 "audio directly and produces no phone analysis");
    }
    ProsodyTrack prosody = ComputeProsody(audio.samples, audio.sample_rate_hz);
    AnalyzerInput input;
    input.audio = &audio;
    input.speech_spans = FindSpeechSpans(prosody);
    input.text = options.text;
    input.progress = progress;
    VF_ASSIGN_OR_RETURN(Analysis analysis, analyzer->Analyze(input));
    analysis.prosody = std::move(prosody);
    return analysis;
  }

  Result<Track> Animate(const Audio& audio, const AnimateOptions& options,
                        const ProgressFn& progress) const {
    if (a2f) {
      // The network reads the audio itself; a transcript has nothing to add.
      VF_RETURN_IF_ERROR(ValidateAudio(audio, config.audio.max_duration_s));
      return AnimateWithA2f(*a2f, audio, config.anim);
    }
    VF_ASSIGN_OR_RETURN(Analysis analysis, Analyze(audio, options, progress));
    VF_ASSIGN_OR_RETURN(Track track, animator->Animate(analysis, audio.duration_s()));
    track.warnings.insert(track.warnings.begin(), audio.warnings.begin(), audio.warnings.end());
    return track;
  }
};

class StreamImpl : public Stream {
 public:
  StreamImpl(std::shared_ptr<const Core> core, std::unique_ptr<AudioStream> audio,
             AnimateOptions options)
      : core_(std::move(core)), audio_(std::move(audio)), options_(std::move(options)) {}

  Status Push(const void* data, size_t size) override {
    if (finished_) return Status::InvalidArgument("stream already finished");
    VF_RETURN_IF_ERROR(audio_->Push(data, size));
    auto chunk = audio_->TakeSamples();
    samples_.insert(samples_.end(), chunk.begin(), chunk.end());
    return Status::Ok();
  }

  Result<Track> Finish() override {
    if (finished_) return Status::InvalidArgument("stream already finished");
    finished_ = true;
    VF_RETURN_IF_ERROR(audio_->Finish());
    auto tail = audio_->TakeSamples();
    samples_.insert(samples_.end(), tail.begin(), tail.end());
    Audio audio;
    audio.sample_rate_hz = core_->config.audio.target_rate_hz;
    audio.samples = std::move(samples_);
    return core_->Animate(audio, options_, nullptr);
  }

 private:
  std::shared_ptr<const Core> core_;
  std::unique_ptr<AudioStream> audio_;
  AnimateOptions options_;
  std::vector<float> samples_;
  bool finished_ = false;
};

class EngineImpl : public Engine {
 public:
  explicit EngineImpl(std::shared_ptr<const Core> core) : core_(std::move(core)) {}

  Result<Track> Animate(const Audio& audio, const AnimateOptions& options,
                        const ProgressFn& progress) const override {
    return core_->Animate(audio, options, progress);
  }

  Result<Track> AnimateFile(const std::string& path, const AnimateOptions& options,
                            const ProgressFn& progress) const override {
    VF_ASSIGN_OR_RETURN(Audio audio, LoadAudioFile(path, core_->config.audio));
    return core_->Animate(audio, options, progress);
  }

  Result<Analysis> Analyze(const Audio& audio, const AnimateOptions& options) const override {
    return core_->Analyze(audio, options, nullptr);
  }

  Result<Track> AnimateAnalysis(const Analysis& analysis, double duration_s) const override {
    if (core_->a2f) {
      return Status::Unsupported("an engine with an Audio2Face-3D model (model_path) animates "
                                 "audio, not phone analyses");
    }
    VF_RETURN_IF_ERROR(ValidateAnalysis(analysis, duration_s, core_->config.audio.max_duration_s));
    return core_->animator->Animate(analysis, duration_s);
  }

  Result<std::unique_ptr<Stream>> CreateStream(const PcmFormat& format,
                                               const AnimateOptions& options) const override {
    VF_ASSIGN_OR_RETURN(auto audio, AudioStream::Create(format, core_->config.audio));
    return std::unique_ptr<Stream>(new StreamImpl(core_, std::move(audio), options));
  }

  const EngineConfig& config() const override { return core_->config; }

 private:
  std::shared_ptr<const Core> core_;
};

}  // namespace

Result<std::unique_ptr<Engine>> Engine::Create(const EngineConfig& config) {
  VF_RETURN_IF_ERROR(config.Validate());
  if (config.audio.target_rate_hz != 16000) {
    return Status::InvalidArgument("the phonetic analyser needs audio.target_rate_hz = 16000");
  }
  auto core = std::make_shared<Core>();
  core->config = config;
  if (!config.model_path.empty()) {
    VF_ASSIGN_OR_RETURN(core->a2f, LoadA2fPipeline(config));
    return std::unique_ptr<Engine>(new EngineImpl(std::move(core)));
  }
  VF_ASSIGN_OR_RETURN(core->analyzer, CreateAnalyzer(config.analyzer));
  VF_ASSIGN_OR_RETURN(core->animator, Animator::Create(config.anim));
  return std::unique_ptr<Engine>(new EngineImpl(std::move(core)));
}

const char* Version() { return VOXFACE_VERSION; }

}  // namespace voxface
