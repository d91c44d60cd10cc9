// SPDX-License-Identifier: Apache-2.0
// Command-line flags and the one place where they become library config.
#ifndef VOXFACE_TOOLS_CLI_FLAGS_H_
#define VOXFACE_TOOLS_CLI_FLAGS_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "voxface/voxface.h"

namespace voxface::cli {

// Flags shared by every command that runs the engine.
struct EngineFlags {
  double fps = 60.0;
  uint64_t seed = 0;
  std::vector<std::string> emotions;  // "joy=0.6"
  std::string analyzer = "phonetic";
  std::string model_dir;
  std::string poses;
  double max_duration_s = 7200.0;
  bool no_upper_face = false;
  std::string model;  // Audio2Face-3D model.json.
  int model_threads = 1;
};

void AddEngineFlags(CLI::App* app, EngineFlags* flags);
Result<EngineConfig> ToEngineConfig(const EngineFlags& flags);

// The transcript from --text or --text-file ("" when neither).
Result<std::string> ReadTranscript(const std::string& text, const std::string& text_file);

}  // namespace voxface::cli

#endif  // VOXFACE_TOOLS_CLI_FLAGS_H_
