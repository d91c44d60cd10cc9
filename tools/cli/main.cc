// SPDX-License-Identifier: Apache-2.0
// voxface: speech audio in, ARKit-52 facial animation out.
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "config_file.h"

int main(int argc, char** argv) {
  using namespace voxface::cli;
  CLI::App app{"voxface: speech audio -> ARKit-52 blendshape animation and visemes"};
  app.set_version_flag("--version", std::string("voxface ") + voxface::Version());
  app.require_subcommand(1);

  AnimateArgs animate;
  auto* a = app.add_subcommand("animate", "Animate audio files (WAV, FLAC, Ogg, Opus, MP3)");
  a->add_option("inputs", animate.inputs, "Audio files or folders (searched recursively)")
      ->check(CLI::ExistingPath);
  a->add_option("-o,--output", animate.output,
                "Output file (one input; default stdout) or folder (several inputs, folders or "
                "--manifest; default out/)");
  a->add_option("--manifest", animate.manifest,
                "File listing inputs, one per line: audio[<TAB>transcript.txt]")
      ->check(CLI::ExistingFile);
  a->add_option("-j,--jobs", animate.jobs, "Inputs animated at once (batch mode)")
      ->capture_default_str();
  a->add_flag("--transcripts", animate.transcripts,
              "Batch mode: use <name>.txt beside each audio file as its transcript");
  a->add_flag("--overwrite", animate.overwrite,
              "Batch mode: redo outputs that are already newer than their input");
  a->add_option("-f,--format", animate.format, "json | csv | tsv (default: from -o, else json)");
  a->add_option("--text", animate.text, "Transcript of the audio (more accurate phones)");
  a->add_option("--text-file", animate.text_file, "Transcript in a file");
  a->add_flag("-q,--quiet", animate.quiet, "No summary line");
  AddEngineFlags(a, &animate.engine);

  AlignArgs align;
  auto* al = app.add_subcommand("align", "Force-align a transcript: write 'phone start end' lines");
  al->add_option("input", align.input, "Audio file")->required()->check(CLI::ExistingFile);
  al->add_option("-o,--output", align.output, "Phone file (default stdout)");
  al->add_option("--text", align.text, "Transcript");
  al->add_option("--text-file", align.text_file, "Transcript in a file");
  AddEngineFlags(al, &align.engine);

  std::string info_input;
  auto* in = app.add_subcommand("info", "Describe an audio file");
  in->add_option("input", info_input, "Audio file")->required();

  std::string plot_input, plot_output;
  double plot_csv_fps = 60.0;
  auto* pl = app.add_subcommand("plot", "Draw a track's main channels over time as SVG");
  pl->add_option("input", plot_input, "Track (.json or .csv)")
      ->required()
      ->check(CLI::ExistingFile);
  pl->add_option("-o,--output", plot_output, "SVG file (default stdout)");
  pl->add_option("--csv-fps", plot_csv_fps, "Frame rate of a CSV input (CSV files do not say)")
      ->capture_default_str();

  EvalArgs eval;
  auto* ev = app.add_subcommand("eval", "Lip-sync metrics against reference phone timings");
  ev->add_option("--ref", eval.ref, "Reference phones ('phone start_s end_s' lines)");
  ev->add_option("--pred", eval.pred, "Track to score (.json or .csv)");
  ev->add_option("--devset", eval.devset, "Dev-set folder or manifest.tsv: animate and score all");
  ev->add_option("--mode", eval.mode, "With the dev set: text, audio or both")
      ->capture_default_str();
  ev->add_option("--report", eval.report, "Also write the table (Markdown) here");
  ev->add_option("--limit", eval.limit, "At most N clips per source");
  ev->add_option("--csv-fps", eval.csv_fps, "Frame rate of a CSV --pred (CSV files do not say)")
      ->capture_default_str();
  AddEngineFlags(ev, &eval.engine);

  ServeArgs serve;
  auto* sv = app.add_subcommand("serve", "HTTP server: POST audio, get animation (docs/server.md)");
  {
    // The one place where serve flags become ServerConfig fields.
    voxface::server::ServerConfig& c = serve.config;
    // A flag given twice (config file, then command line) takes the last value.
    sv->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    sv->add_option("--host", c.host, "Address to bind (IP)")->capture_default_str();
    sv->add_option("--port", c.port, "TCP port (0: any free port)")->capture_default_str();
    sv->add_option("--workers", c.workers, "Threads running inference")->capture_default_str();
    sv->add_option("--max-queue", c.max_queue, "Requests waiting for a worker before 503")
        ->capture_default_str();
    sv->add_option("--max-streams", c.max_streams, "Concurrent WebSocket streams (/v1/stream)")
        ->capture_default_str();
    sv->add_option("--io-threads", c.io_threads, "Threads doing socket I/O")->capture_default_str();
    sv->add_option("--max-body-mb", c.max_body_mb, "Largest request body (MiB), else 413")
        ->capture_default_str();
    sv->add_option("--max-duration", c.max_duration_s, "Longest audio (s), else 413")
        ->capture_default_str();
    sv->add_option("--engine-cache", c.engine_cache_size,
                   "Engines kept for distinct fps/seed/emotion requests")
        ->capture_default_str();
    sv->add_option("--web-dir", c.web_dir, "Web page served at / (built bundle; \"\": no page)")
        ->capture_default_str();
    sv->add_option("--idle-timeout", c.idle_timeout_s, "Close connections idle this long (s)")
        ->capture_default_str();
    sv->add_option("--shutdown-grace", c.shutdown_grace_s,
                   "On SIGTERM, let in-flight work finish for this long (s)")
        ->capture_default_str();
    sv->add_option("--api-keys", c.api_keys_file,
                   "File of API keys (one per line, or sha256:<hex>); also VOXFACE_API_KEYS")
        ->check(CLI::ExistingFile);
    sv->add_option("--rate-limit", c.rate_limit_per_s,
                   "Requests/s per client address on /v1/* and /process-audio (0: off), else 429")
        ->capture_default_str();
    sv->add_option("--rate-burst", c.rate_limit_burst, "Burst allowed above --rate-limit")
        ->capture_default_str();
    // Expanded into flags before parsing (config_file.h); declared here for --help.
    std::string config_file;
    sv->add_option("--config", config_file,
                   "Read these options from a file: 'port = 9000' lines (TOML/INI); flags win");
    EngineFlags& e = serve.engine;
    sv->add_option("--fps", e.fps, "Default frame rate (requests: ?fps=)")->capture_default_str();
    sv->add_option("--seed", e.seed, "Default seed (requests: ?seed=)")->capture_default_str();
    sv->add_option("--emotion", e.emotions, "Default emotion, repeatable: --emotion joy=0.6")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    sv->add_option("--analyzer", e.analyzer, "Speech analyser")->capture_default_str();
    sv->add_option("--model-dir", e.model_dir, "PocketSphinx en-us model folder");
    sv->add_option("--poses", e.poses, "Viseme pose library (JSON)");
    sv->add_flag("--no-upper-face", e.no_upper_face, "No blinks, gaze, brows or idle motion");
  }

  auto expanded = ExpandConfigFiles(argc, argv, app, {"serve"});
  if (!expanded.ok()) {
    std::cerr << "voxface: " << expanded.status().message() << "\n";
    return 2;
  }
  std::vector<char*> args;
  for (std::string& arg : *expanded) args.push_back(arg.data());
  try {
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // A usage error: one line, exit code 2.
    std::cerr << "voxface: " << e.what() << " (see voxface --help)\n";
    return 2;
  }
  try {
    if (*a) return RunAnimate(animate);
    if (*al) return RunAlign(align);
    if (*in) return RunInfo(info_input);
    if (*pl) return RunPlot(plot_input, plot_output, plot_csv_fps);
    if (*ev) return RunEval(eval);
    if (*sv) return RunServe(serve);
  } catch (const std::exception& e) {
    // The library returns Status; this only catches allocation failures and the like.
    std::cerr << "voxface: " << e.what() << "\n";
    return 1;
  }
  return 2;
}
