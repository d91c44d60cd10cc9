// SPDX-License-Identifier: Apache-2.0
// Evaluates one node on constant inputs at load time (shape arithmetic of exported models:
// Shape -> Gather -> Concat -> Reshape chains on weights, Constant-fed casts). The results become
// constants of the graph, so every later run skips them and kernels downstream see them as
// constant inputs they can prepack.
#ifndef VOXFACE_SRC_NN_CONSTANT_FOLDING_H_
#define VOXFACE_SRC_NN_CONSTANT_FOLDING_H_

#include <string>
#include <vector>

#include "nn/kernel.h"
#include "nn/thread_pool.h"
#include "voxface/status.h"

namespace voxface::nn {

// Whether a node may be evaluated once at load: deterministic and not producing random values.
bool IsFoldable(const std::string& domain, const std::string& op_type);

// Runs `kernel` on `inputs` (nullptr for absent ones); returns one tensor per output (an empty
// Tensor for outputs the node leaves out).
Result<std::vector<Tensor>> EvaluateOnConstants(const OpKernel& kernel, const NodeInfo& node,
                                                const std::vector<const Tensor*>& inputs,
                                                ThreadPool& pool);

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_CONSTANT_FOLDING_H_
