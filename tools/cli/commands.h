// SPDX-License-Identifier: Apache-2.0
// The CLI's subcommands. Each returns the process exit code: 0 success, 1 failure (reason on
// stderr), 2 usage error.
#ifndef VOXFACE_TOOLS_CLI_COMMANDS_H_
#define VOXFACE_TOOLS_CLI_COMMANDS_H_

#include <cstdlib>
#include <string>
#include <vector>

#include "flags.h"
#include "server.h"

namespace voxface::cli {

struct AnimateArgs {
  std::vector<std::string> inputs;
  std::string output;  // File for one input, folder for several; "" = stdout (one input).
  std::string format;  // json | csv | tsv; "" = from the output extension, else json.
  std::string text, text_file;
  bool quiet = false;
  // Batch mode (several inputs, a folder, or a manifest): see batch.h.
  std::string manifest;
  int jobs = 1;
  bool transcripts = false;
  bool overwrite = false;
  EngineFlags engine;
};

struct AlignArgs {
  std::string input, output, text, text_file;
  EngineFlags engine;
};

struct EvalArgs {
  std::string ref, pred;      // One clip: reference phones and a track.
  std::string devset;         // Or a dev set: its manifest.tsv (or the folder holding it).
  std::string mode = "both";  // text | audio | both (with and without transcripts).
  std::string report;         // Optional Markdown table output.
  int limit = 0;              // Evaluate only the first N clips of each source (0 = all).
  double csv_fps = 60.0;      // Frame rate of a CSV --pred.
  EngineFlags engine;
};

// `voxface serve`: the server's own settings plus the engine defaults for requests.
struct ServeArgs {
  server::ServerConfig config;
  EngineFlags engine;
};

int RunAnimate(const AnimateArgs& args);
int RunAlign(const AlignArgs& args);
int RunInfo(const std::string& input);
int RunPlot(const std::string& input, const std::string& output, double csv_fps);
int RunEval(const EvalArgs& args);

// Prints "voxface: <message>" to stderr and returns 1.
int Fail(const Status& status);

// Maps the engine flags into the server config and runs the server until SIGINT/SIGTERM.
inline int RunServe(ServeArgs args) {
  auto engine = ToEngineConfig(args.engine);
  if (!engine.ok()) return Fail(engine.status());
  args.config.engine = *engine;
  args.config.engine.audio.max_duration_s = args.config.max_duration_s;
  // Keys come from the environment, never a flag, so they do not show in `ps`.
  if (const char* keys = std::getenv("VOXFACE_API_KEYS"); keys != nullptr) {
    args.config.api_keys = keys;
  }
  return server::RunServer(args.config);
}

}  // namespace voxface::cli

#endif  // VOXFACE_TOOLS_CLI_COMMANDS_H_
