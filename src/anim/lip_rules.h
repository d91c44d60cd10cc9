// SPDX-License-Identifier: Apache-2.0
// Hard articulation rules applied after blending, where viewers notice any miss: the lips close
// fully on every p/b/m, and the lower lip tucks under the upper teeth on f/v.
#ifndef VOXFACE_SRC_ANIM_LIP_RULES_H_
#define VOXFACE_SRC_ANIM_LIP_RULES_H_

#include <vector>

#include "voxface/types.h"

namespace voxface {

struct LipRuleParams {
  // Closure eases in before and out after the bilabial over this long.
  double closure_ramp_ms = 15.0;
  double tuck_ramp_ms = 30.0;
};

// Per-frame closure strength 0..1: 1 during every p/b/m (at least one frame per phone, however
// short), easing to 0 around it.
std::vector<float> BilabialClosure(const std::vector<PhoneSegment>& phones, double fps, int frames,
                                   double ramp_ms);

// Seals the lips where closure > 0: mouthClose follows jawOpen so the lips meet whatever the
// jaw does, and the lip-parting channels are released. weights: frames x kArkitCount.
void ApplyClosure(const std::vector<float>& closure, std::vector<float>* weights);

void ApplyLipRules(const std::vector<PhoneSegment>& phones, double fps, const LipRuleParams& params,
                   std::vector<float>* weights);

}  // namespace voxface

#endif  // VOXFACE_SRC_ANIM_LIP_RULES_H_
