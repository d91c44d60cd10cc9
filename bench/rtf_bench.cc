// SPDX-License-Identifier: Apache-2.0
// Real-time factor (processing time / audio time) on one core for a ~60 s clip built from the
// example prompts, per stage and end to end, with and without a transcript. The baseline in the
// same run is PocketSphinx's own word decoding of the same audio (what a recogniser-driven lip
// sync such as Rhubarb pays at least), so the ratios say what voxface adds on top of it.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "analysis/phonetic_analyzer.h"
#include "anim/animator.h"
#include "features/prosody.h"
#include "voxface/voxface.h"

namespace fs = std::filesystem;
using namespace voxface;

namespace {

double Time(int repeats, const std::function<void()>& fn) {
  double best = 1e30;
  for (int i = 0; i < repeats; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    fn();
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

void Die(const Status& s) {
  std::fprintf(stderr, "voxface_bench: %s\n", s.message().c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  double target_s = 60.0;
  int repeats = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--seconds")) target_s = std::atof(argv[i + 1]);
    if (!std::strcmp(argv[i], "--repeats")) repeats = std::max(1, std::atoi(argv[i + 1]));
  }
  // Build the clip: example prompts with their transcripts, 0.4 s apart, until target_s.
  std::vector<fs::path> clips;
  for (const auto& e : fs::directory_iterator(VOXFACE_EXAMPLES_DIR)) {
    if (e.path().extension() != ".txt" && e.path().extension() != ".md" &&
        fs::exists(fs::path(e.path()).replace_extension(".txt"))) {
      clips.push_back(e.path());
    }
  }
  std::sort(clips.begin(), clips.end());
  if (clips.empty()) Die(Status::NotFound("no example clips in " VOXFACE_EXAMPLES_DIR));
  Audio audio;
  std::string text;
  for (size_t i = 0; audio.duration_s() < target_s; ++i) {
    const fs::path& p = clips[i % clips.size()];
    auto a = LoadAudioFile(p.string());
    if (!a.ok()) Die(a.status());
    auto t = ReadTextFile(fs::path(p).replace_extension(".txt").string());
    if (!t.ok()) Die(t.status());
    audio.samples.insert(audio.samples.end(), a->samples.begin(), a->samples.end());
    audio.samples.insert(audio.samples.end(), 6400, 0.0f);
    text += *t + " ";
  }
  const double dur = audio.duration_s();

  auto engine = Engine::Create(EngineConfig{});
  if (!engine.ok()) Die(engine.status());
  auto analyzer = PhoneticAnalyzer::Create(AnalyzerConfig{});
  if (!analyzer.ok()) Die(analyzer.status());
  auto animator = Animator::Create(AnimConfig{});
  if (!animator.ok()) Die(animator.status());
  // Warm the decoder pool so that model loading is not in the timings.
  (void)(*engine)->Animate(audio);

  ProsodyTrack prosody;
  double t_prosody = Time(repeats, [&] { prosody = ComputeProsody(audio.samples, 16000); });
  AnalyzerInput in;
  in.audio = &audio;
  in.speech_spans = FindSpeechSpans(prosody);
  Analysis analysis;
  double t_analysis = Time(repeats, [&] { analysis = *(*analyzer)->Analyze(in); });
  in.text = text;
  double t_align = Time(repeats, [&] { (void)(*analyzer)->Analyze(in); });
  analysis.prosody = prosody;
  double t_anim = Time(repeats, [&] { (void)(*animator)->Animate(analysis, dur); });
  double t_total = Time(repeats, [&] { (void)(*engine)->Animate(audio); });
  AnimateOptions with_text;
  with_text.text = text;
  double t_total_text = Time(repeats, [&] { (void)(*engine)->Animate(audio, with_text); });
  // Baseline: PocketSphinx word decoding alone, one utterance per speech chunk.
  auto model = SphinxModel::FromDir("/usr/share/pocketsphinx/model/en-us");
  if (!model.ok()) Die(model.status());
  auto decoder = SphinxDecoder::Create(*model, true);
  if (!decoder.ok()) Die(decoder.status());
  double t_baseline = Time(repeats, [&] {
    for (const auto& chunk : GroupSpans(in.speech_spans, PhoneticAnalyzer::kMaxChunkS)) {
      size_t b = static_cast<size_t>(chunk.start_s * 16000),
             e = static_cast<size_t>(chunk.end_s * 16000);
      std::vector<int16_t> pcm;
      for (size_t i = b; i < std::min(e, audio.samples.size()); ++i) {
        pcm.push_back(static_cast<int16_t>(std::clamp(audio.samples[i], -1.0f, 1.0f) * 32767));
      }
      (void)(*decoder)->Recognize(pcm);
    }
  });

  std::printf("voxface %s bench: %.1f s of speech (example prompts), 1 thread, best of %d\n",
              Version(), dur, repeats);
  std::printf("%-44s %8s %8s %10s\n", "stage", "time s", "RTF", "x baseline");
  auto row = [&](const char* name, double t) {
    std::printf("%-44s %8.3f %8.4f %10.2f\n", name, t, t / dur, t / t_baseline);
  };
  row("baseline: PocketSphinx word decoding only", t_baseline);
  row("features: prosody (energy, voicing, F0)", t_prosody);
  row("analysis: recognise + align (no transcript)", t_analysis);
  row("analysis: align transcript", t_align);
  row("anim: phones -> ARKit-52 at 60 fps", t_anim);
  row("end to end, audio only", t_total);
  row("end to end, with transcript", t_total_text);
  return 0;
}
