// SPDX-License-Identifier: Apache-2.0
// The Audio2Face-3D path of the pipeline: audio -> A2F regression network -> post-processing ->
// blendshape solve -> Track. engine.cc chooses it when EngineConfig::model_path is set.
#ifndef VOXFACE_SRC_PIPELINE_A2F_PATH_H_
#define VOXFACE_SRC_PIPELINE_A2F_PATH_H_

#include <memory>

#include "a2f/regression.h"
#include "voxface/config.h"
#include "voxface/types.h"

namespace voxface {

Result<std::unique_ptr<a2f::RegressionPipeline>> LoadA2fPipeline(const EngineConfig& config);

// 16 kHz audio -> ARKit track at anim.fps_hz; anim.emotion maps onto the model's emotions.
Result<Track> AnimateWithA2f(const a2f::RegressionPipeline& pipeline, const Audio& audio,
                             const AnimConfig& anim);

}  // namespace voxface

#endif  // VOXFACE_SRC_PIPELINE_A2F_PATH_H_
