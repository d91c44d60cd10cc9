// SPDX-License-Identifier: Apache-2.0
// Analysers turn audio into a phone track. Each one is created from AnalyzerConfig and may be
// shared between threads.
#ifndef VOXFACE_SRC_ANALYSIS_ANALYZER_H_
#define VOXFACE_SRC_ANALYSIS_ANALYZER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "voxface/config.h"
#include "voxface/status.h"
#include "voxface/types.h"

namespace voxface {

struct AnalyzerInput {
  const Audio* audio = nullptr;          // 16 kHz mono.
  std::vector<TimeSpan> speech_spans;    // Where speech is, from the features stage.
  std::string text;                      // Optional transcript.
  std::function<void(double)> progress;  // Fraction done; may be empty.
};

class Analyzer {
 public:
  virtual ~Analyzer() = default;
  // Phones cover [0, duration] without gaps ("sil" between speech).
  virtual Result<Analysis> Analyze(const AnalyzerInput& input) const = 0;
  virtual std::string name() const = 0;
};

Result<std::unique_ptr<Analyzer>> CreateAnalyzer(const AnalyzerConfig& config);

}  // namespace voxface

#endif  // VOXFACE_SRC_ANALYSIS_ANALYZER_H_
