// SPDX-License-Identifier: Apache-2.0
#include "flags.h"

namespace voxface::cli {

void AddEngineFlags(CLI::App* app, EngineFlags* f) {
  app->add_option("--fps", f->fps, "Output frame rate (frame i at i/fps)")->capture_default_str();
  app->add_option("--seed", f->seed, "Seed for blinks, gaze and idle motion")
      ->check(CLI::Validator(
          [](std::string& v) {
            return v.empty() || v[0] == '-' ? std::string("must be an integer >= 0") : "";
          },
          "UINT"))
      ->capture_default_str();
  app->add_option("--emotion", f->emotions,
                  "Emotion and strength 0..1, repeatable: --emotion joy=0.6 (neutral, joy, "
                  "sadness, anger, surprise, fear, disgust)");
  app->add_option("--analyzer", f->analyzer, "Speech analyser")->capture_default_str();
  app->add_option("--model-dir", f->model_dir, "PocketSphinx en-us model folder");
  app->add_option("--poses", f->poses, "Viseme pose library (JSON) replacing the built-in one");
  app->add_option("--max-duration", f->max_duration_s, "Reject audio longer than this (s)")
      ->capture_default_str();
  app->add_flag("--no-upper-face", f->no_upper_face, "No blinks, gaze, brows or idle motion");
  app->add_option("--model", f->model,
                  "NVIDIA Audio2Face-3D regression model.json (docs/a2f.md): animate with it "
                  "instead of the phonetic pipeline");
  app->add_option("--model-threads", f->model_threads, "Threads for the --model network")
      ->capture_default_str();
}

Result<EngineConfig> ToEngineConfig(const EngineFlags& f) {
  EngineConfig c;
  c.audio.max_duration_s = f.max_duration_s;
  c.analyzer.name = f.analyzer;
  c.analyzer.model_dir = f.model_dir;
  c.anim.fps_hz = f.fps;
  c.anim.seed = f.seed;
  c.anim.poses_path = f.poses;
  c.anim.upper_face = !f.no_upper_face;
  c.model_path = f.model;
  c.model_threads = f.model_threads;
  for (const auto& e : f.emotions) {
    auto eq = e.find('=');
    std::string name = e.substr(0, eq);
    float strength = 1.0f;
    if (eq != std::string::npos) {
      try {
        size_t used = 0;
        strength = std::stof(e.substr(eq + 1), &used);
        if (used != e.size() - eq - 1) throw std::invalid_argument(e);
      } catch (const std::exception&) {
        return Status::InvalidArgument("--emotion " + e + ": expected NAME=STRENGTH, e.g. joy=0.6");
      }
    }
    c.anim.emotion[name] = strength;
  }
  VF_RETURN_IF_ERROR(c.Validate());
  return c;
}

Result<std::string> ReadTranscript(const std::string& text, const std::string& text_file) {
  if (!text.empty() && !text_file.empty()) {
    return Status::InvalidArgument("give --text or --text-file, not both");
  }
  if (!text_file.empty()) return ReadTextFile(text_file);
  return text;
}

}  // namespace voxface::cli
