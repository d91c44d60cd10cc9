// SPDX-License-Identifier: Apache-2.0
// Validation of the stage configs that do not depend on other stages.
#include "voxface/config.h"

#include <cmath>

namespace voxface {

Status AnalyzerConfig::Validate() const {
  if (name != "phonetic") {
    return Status::InvalidArgument("unknown analyser '" + name + "'; available: phonetic");
  }
  if (max_parallel < 1 || max_parallel > 256) {
    return Status::InvalidArgument("analyzer.max_parallel must be in 1..256");
  }
  return Status::Ok();
}

Status AnimConfig::Validate() const {
  if (!(fps_hz > 0.0 && fps_hz <= 1000.0)) {
    return Status::InvalidArgument("fps must be in (0, 1000], got " + std::to_string(fps_hz));
  }
  // Names are checked against the loaded presets when the animator is created.
  for (const auto& [name, strength] : emotion) {
    if (!(strength >= 0.0f && strength <= 1.0f)) {
      return Status::InvalidArgument("emotion strength for '" + name + "' must be in 0..1");
    }
  }
  if (!(anticipation_ms >= 0.0 && anticipation_ms <= 500.0)) {
    return Status::InvalidArgument("anticipation_ms must be in 0..500");
  }
  if (!(articulation >= 0.0f && articulation <= 2.0f)) {
    return Status::InvalidArgument("articulation must be in 0..2");
  }
  return Status::Ok();
}

}  // namespace voxface
