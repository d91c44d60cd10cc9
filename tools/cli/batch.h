// SPDX-License-Identifier: Apache-2.0
// Batch animation for `voxface animate` with several inputs, folders or a manifest: a plan of
// (audio, transcript, output) items, run on N threads sharing one Engine. Runs are resumable:
// an output newer than its audio (and transcript) is kept, and outputs are written to a
// temporary name and renamed, so an interrupted run never leaves a half-written file behind
// that a later run would mistake for finished.
#ifndef VOXFACE_TOOLS_CLI_BATCH_H_
#define VOXFACE_TOOLS_CLI_BATCH_H_

#include <string>
#include <vector>

#include "voxface/voxface.h"

namespace voxface::cli {

struct BatchOptions {
  // Audio files and folders (searched recursively for .wav .flac .ogg .opus .mp3 .oga).
  std::vector<std::string> inputs;
  // A manifest: one item per line, `audio[<TAB>transcript.txt]`; relative paths are relative to
  // the manifest's folder; '#' starts a comment line.
  std::string manifest;
  // Outputs go here, mirroring each folder's layout; files given directly go to its top level.
  std::string out_dir = "out";
  ExportFormat format = ExportFormat::kJson;
  // Use `<audio without extension>.txt` beside each audio file as its transcript when present.
  bool transcripts = false;
  // Re-animate items whose output is already up to date.
  bool overwrite = false;
  // Threads animating at once (each holds one decoder of the shared Engine).
  int jobs = 1;
  bool quiet = false;

  Status Validate() const;
};

struct BatchItem {
  std::string audio;
  std::string transcript;  // a text file, or ""
  std::string output;
};

// Expands folders and the manifest into items. Errors: a missing input, an empty plan, two
// items writing one output.
Result<std::vector<BatchItem>> PlanBatch(const BatchOptions& options);

// True when `item.output` exists and is at least as new as its audio and transcript.
bool IsUpToDate(const BatchItem& item);

struct BatchSummary {
  int done = 0;
  int skipped = 0;  // up to date
  int failed = 0;
  double audio_s = 0.0;    // seconds of audio animated
  double wall_s = 0.0;     // wall time of the whole run
  double compute_s = 0.0;  // summed per-item processing time
};

// Animates every item not up to date; errors go to stderr one line per item, a progress line is
// kept on a terminal, and the summary is printed at the end (unless quiet).
BatchSummary RunBatch(const Engine& engine, const std::vector<BatchItem>& items,
                      const BatchOptions& options);

}  // namespace voxface::cli

#endif  // VOXFACE_TOOLS_CLI_BATCH_H_
