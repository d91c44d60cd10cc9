// SPDX-License-Identifier: Apache-2.0
// `--config FILE` for a subcommand: a file of `name = value` lines (TOML/INI style) standing for
// the subcommand's own flags, so a deployment can keep its settings in one file:
//
//   # voxface-serve.toml
//   [serve]            # optional section header
//   host = "0.0.0.0"
//   port = 9000
//   rate-limit = 20    # rate_limit works too
//   emotion = ["joy=0.4", "surprise=0.1"]
//   no-upper-face = true
//
// The file's settings become flags placed before those on the command line, which therefore win.
#ifndef VOXFACE_TOOLS_CLI_CONFIG_FILE_H_
#define VOXFACE_TOOLS_CLI_CONFIG_FILE_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "voxface/status.h"

namespace voxface::cli {

// The flags `path` stands for, checked against `command`'s options (unknown names, a value for a
// flag that takes none, and malformed lines are errors naming the file and line).
Result<std::vector<std::string>> ConfigFileArgs(const std::string& path, const CLI::App& command);

// Rewrites argv so that `<subcommand> ... --config FILE ...` becomes
// `<subcommand> <flags from FILE> ...`, for the subcommands in `with_config`. Returns the new
// argument list (argv[0] first).
Result<std::vector<std::string>> ExpandConfigFiles(int argc, char** argv, const CLI::App& app,
                                                   const std::vector<std::string>& with_config);

}  // namespace voxface::cli

#endif  // VOXFACE_TOOLS_CLI_CONFIG_FILE_H_
