// SPDX-License-Identifier: Apache-2.0
// The pipeline: the only place that knows the stage order.
//   audio (16 kHz mono) -> features (prosody, speech spans) -> analysis (phones) -> anim (ARKit)
// Batch and streaming both end in RunStages, so they produce the same track for the same audio.
#include "voxface/engine.h"

#include <utility>

#include "analysis/analyzer.h"
#include "anim/animator.h"
#include "features/prosody.h"

namespace voxface {
namespace {

class EngineImpl : public Engine {
 public:
  EngineImpl(EngineConfig config, std::unique_ptr<Analyzer> analyzer,
             std::unique_ptr<Animator> animator)
      : config_(std::move(config)),
        analyzer_(std::move(analyzer)),
        animator_(std::move(animator)) {}

  Result<Track> Animate(const Audio& audio, const AnimateOptions& options,
                        const ProgressFn& progress) const override {
    VF_ASSIGN_OR_RETURN(Analysis analysis, RunAnalysis(audio, options, progress));
    VF_ASSIGN_OR_RETURN(Track track, animator_->Animate(analysis, audio.duration_s()));
    track.warnings.insert(track.warnings.begin(), audio.warnings.begin(), audio.warnings.end());
    return track;
  }

  Result<Track> AnimateFile(const std::string& path, const AnimateOptions& options,
                            const ProgressFn& progress) const override {
    VF_ASSIGN_OR_RETURN(Audio audio, LoadAudioFile(path, config_.audio));
    return Animate(audio, options, progress);
  }

  Result<Analysis> Analyze(const Audio& audio, const AnimateOptions& options) const override {
    return RunAnalysis(audio, options, nullptr);
  }

  Result<Track> AnimateAnalysis(const Analysis& analysis, double duration_s) const override {
    return animator_->Animate(analysis, duration_s);
  }

  Result<std::unique_ptr<Stream>> CreateStream(const PcmFormat& format,
                                               const AnimateOptions& options) const override;

  const EngineConfig& config() const override { return config_; }

 private:
  Result<Analysis> RunAnalysis(const Audio& audio, const AnimateOptions& options,
                               const ProgressFn& progress) const {
    if (audio.sample_rate_hz != 16000) {
      return Status::InvalidArgument(
          "audio must be 16 kHz mono; load it with LoadAudioFile or DecodeRawPcm, which "
          "resample");
    }
    if (audio.samples.empty()) {
      return Status::InvalidArgument("audio contains no samples");
    }
    ProsodyTrack prosody = ComputeProsody(audio.samples, audio.sample_rate_hz);
    AnalyzerInput input;
    input.audio = &audio;
    input.speech_spans = FindSpeechSpans(prosody);
    input.text = options.text;
    input.progress = progress;
    VF_ASSIGN_OR_RETURN(Analysis analysis, analyzer_->Analyze(input));
    analysis.prosody = std::move(prosody);
    return analysis;
  }

  EngineConfig config_;
  std::unique_ptr<Analyzer> analyzer_;
  std::unique_ptr<Animator> animator_;
};

class StreamImpl : public Stream {
 public:
  StreamImpl(const EngineImpl* engine, std::unique_ptr<AudioStream> audio, AnimateOptions options)
      : engine_(engine), audio_(std::move(audio)), options_(std::move(options)) {}

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
    audio.sample_rate_hz = engine_->config().audio.target_rate_hz;
    audio.samples = std::move(samples_);
    return engine_->Animate(audio, options_, nullptr);
  }

 private:
  const EngineImpl* engine_;
  std::unique_ptr<AudioStream> audio_;
  AnimateOptions options_;
  std::vector<float> samples_;
  bool finished_ = false;
};

Result<std::unique_ptr<Stream>> EngineImpl::CreateStream(const PcmFormat& format,
                                                         const AnimateOptions& options) const {
  VF_ASSIGN_OR_RETURN(auto audio, AudioStream::Create(format, config_.audio));
  return std::unique_ptr<Stream>(new StreamImpl(this, std::move(audio), options));
}

}  // namespace

Result<std::unique_ptr<Engine>> Engine::Create(const EngineConfig& config) {
  VF_RETURN_IF_ERROR(config.Validate());
  if (config.audio.target_rate_hz != 16000) {
    return Status::InvalidArgument("the phonetic analyser needs audio.target_rate_hz = 16000");
  }
  VF_ASSIGN_OR_RETURN(auto analyzer, CreateAnalyzer(config.analyzer));
  VF_ASSIGN_OR_RETURN(auto animator, Animator::Create(config.anim));
  return std::unique_ptr<Engine>(new EngineImpl(config, std::move(analyzer), std::move(animator)));
}

const char* Version() { return VOXFACE_VERSION; }

}  // namespace voxface
