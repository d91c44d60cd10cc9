// SPDX-License-Identifier: Apache-2.0
#include "voxface/config.h"

namespace voxface {

Status EngineConfig::Validate() const {
  VF_RETURN_IF_ERROR(audio.Validate());
  if (model_threads < 1 || model_threads > 256) {
    return Status::InvalidArgument("model_threads must be in 1..256");
  }
  VF_RETURN_IF_ERROR(analyzer.Validate());
  return anim.Validate();
}

}  // namespace voxface
