// SPDX-License-Identifier: Apache-2.0
#include "voxface/config.h"

namespace voxface {

Status EngineConfig::Validate() const {
  VF_RETURN_IF_ERROR(audio.Validate());
  VF_RETURN_IF_ERROR(analyzer.Validate());
  return anim.Validate();
}

}  // namespace voxface
