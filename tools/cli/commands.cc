// SPDX-License-Identifier: Apache-2.0
#include "commands.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "batch.h"

namespace voxface::cli {
namespace fs = std::filesystem;

int Fail(const Status& status) {
  std::cerr << "voxface: " << status.message() << "\n";
  return 1;
}

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// A one-line progress bar on stderr, only on a terminal and only for long inputs.
ProgressFn MakeProgressBar(double duration_s, bool quiet) {
  if (quiet || duration_s < 30.0 || !isatty(STDERR_FILENO)) return nullptr;
  return [](double f) {
    int filled = static_cast<int>(std::lround(f * 30));
    std::fprintf(stderr, "\r[%s%s] %3d%%", std::string(filled, '#').c_str(),
                 std::string(30 - filled, ' ').c_str(), static_cast<int>(std::lround(f * 100)));
    if (f >= 1.0) std::fprintf(stderr, "\r%s\r", std::string(40, ' ').c_str());
    std::fflush(stderr);
  };
}

Result<ExportFormat> ChooseFormat(const std::string& format, const std::string& output) {
  if (!format.empty()) return ParseExportFormat(format);
  if (!output.empty() && fs::path(output).has_extension()) return ExportFormatFromPath(output);
  return ExportFormat::kJson;
}

}  // namespace

int RunAnimate(const AnimateArgs& args) {
  auto config = ToEngineConfig(args.engine);
  if (!config.ok()) return Fail(config.status());
  auto text = ReadTranscript(args.text, args.text_file);
  if (!text.ok()) return Fail(text.status());
  std::error_code ec;
  const bool many =
      args.inputs.size() != 1 || !args.manifest.empty() || fs::is_directory(args.inputs[0], ec);
  if (many && !text->empty()) {
    return Fail(Status::InvalidArgument(
        "--text applies to one input; for many, put <name>.txt beside each and pass "
        "--transcripts, or list transcripts in a --manifest"));
  }
  auto format = ChooseFormat(args.format, many ? "" : args.output);
  if (!format.ok()) return Fail(format.status());
  if (many) {
    BatchOptions batch;
    batch.inputs = args.inputs;
    batch.manifest = args.manifest;
    batch.out_dir = args.output.empty() ? "out" : args.output;
    batch.format = *format;
    batch.transcripts = args.transcripts;
    batch.overwrite = args.overwrite;
    batch.jobs = args.jobs;
    batch.quiet = args.quiet;
    auto items = PlanBatch(batch);
    if (!items.ok()) return Fail(items.status());
    // Each job holds one decoder of the shared engine at a time.
    config->analyzer.max_parallel = std::max(config->analyzer.max_parallel, args.jobs);
    auto engine = Engine::Create(*config);
    if (!engine.ok()) return Fail(engine.status());
    return RunBatch(**engine, *items, batch).failed ? 1 : 0;
  }
  auto engine = Engine::Create(*config);
  if (!engine.ok()) return Fail(engine.status());

  int failures = 0;
  for (const auto& input : args.inputs) {
    auto start = std::chrono::steady_clock::now();
    auto audio = LoadAudioFile(input, config->audio);
    if (!audio.ok()) {
      Fail(audio.status());
      ++failures;
      continue;
    }
    AnimateOptions options;
    options.text = *text;
    auto track =
        (*engine)->Animate(*audio, options, MakeProgressBar(audio->duration_s(), args.quiet));
    if (!track.ok()) {
      Fail(track.status().WithContext(input));
      ++failures;
      continue;
    }
    double elapsed = Seconds(start);
    std::string body = ExportTrack(*track, *format);
    std::string dest = args.output;
    if (dest.empty() || dest == "-") {
      std::cout << body;
    } else if (Status s = WriteTextFile(dest, body); !s.ok()) {
      Fail(s);
      ++failures;
      continue;
    }
    if (!args.quiet) {
      for (const auto& w : track->warnings)
        std::cerr << "voxface: warning: " << input << ": " << w << "\n";
      int speech = 0;
      for (const auto& p : track->phones) speech += p.phone != "sil";
      std::fprintf(stderr,
                   "%s: %.2f s audio -> %s: %d frames at %g fps, %zu words, %d phones, "
                   "RTF %.3f\n",
                   input.c_str(), audio->duration_s(), dest.empty() ? "stdout" : dest.c_str(),
                   track->num_frames(), track->fps, track->words.size(), speech,
                   elapsed / std::max(audio->duration_s(), 1e-9));
    }
  }
  return failures ? 1 : 0;
}

int RunAlign(const AlignArgs& args) {
  auto config = ToEngineConfig(args.engine);
  if (!config.ok()) return Fail(config.status());
  auto text = ReadTranscript(args.text, args.text_file);
  if (!text.ok()) return Fail(text.status());
  if (text->empty()) return Fail(Status::InvalidArgument("align needs --text or --text-file"));
  auto engine = Engine::Create(*config);
  if (!engine.ok()) return Fail(engine.status());
  auto audio = LoadAudioFile(args.input, config->audio);
  if (!audio.ok()) return Fail(audio.status());
  AnimateOptions options;
  options.text = *text;
  auto analysis = (*engine)->Analyze(*audio, options);
  if (!analysis.ok()) return Fail(analysis.status().WithContext(args.input));
  if (!analysis->aligned_to_text) {
    // Phones from recognition are no reference: refuse them.
    std::string why = analysis->warnings.empty() ? "alignment failed" : analysis->warnings.back();
    return Fail(Status::CorruptData(args.input + ": the transcript could not be aligned: " + why));
  }
  std::string body = FormatPhones(analysis->phones);
  if (args.output.empty() || args.output == "-") {
    std::cout << body;
    return 0;
  }
  Status s = WriteTextFile(args.output, body);
  return s.ok() ? 0 : Fail(s);
}

int RunInfo(const std::string& input) {
  auto info = ProbeAudioFile(input);
  if (!info.ok()) return Fail(info.status());
  auto audio = LoadAudioFile(input);
  if (!audio.ok()) return Fail(audio.status());
  double peak = 0, sum = 0;
  for (float v : audio->samples) {
    peak = std::max(peak, double(std::abs(v)));
    sum += double(v) * v;
  }
  double rms = audio->samples.empty() ? 0 : std::sqrt(sum / audio->samples.size());
  auto db = [](double x) { return x > 0 ? 20 * std::log10(x) : -INFINITY; };
  std::printf(
      "file:        %s\ncontainer:   %s\nencoding:    %s\nsample rate: %d Hz\n"
      "channels:    %d\nduration:    %.3f s\npeak:        %.1f dBFS\nrms:         %.1f dBFS\n",
      input.c_str(), info->container.c_str(), info->encoding.c_str(), info->sample_rate_hz,
      info->channels, audio->duration_s(), db(peak), db(rms));
  for (const auto& w : audio->warnings) std::printf("warning:     %s\n", w.c_str());
  return 0;
}

int RunPlot(const std::string& input, const std::string& output, double csv_fps) {
  auto track = LoadTrackFile(input, csv_fps);
  if (!track.ok()) return Fail(track.status());
  std::string svg = RenderTrackSvg(*track);
  if (output.empty() || output == "-") {
    std::cout << svg;
    return 0;
  }
  Status s = WriteTextFile(output, svg);
  return s.ok() ? 0 : Fail(s);
}

}  // namespace voxface::cli
