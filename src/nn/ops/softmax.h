// SPDX-License-Identifier: Apache-2.0
// Softmax, LogSoftmax and Hardmax, with both axis semantics: opset 13 normalises along one axis;
// earlier opsets flatten the input to 2-D at `axis` and normalise each row.
#ifndef VOXFACE_SRC_NN_OPS_SOFTMAX_H_
#define VOXFACE_SRC_NN_OPS_SOFTMAX_H_

#include "nn/kernel.h"

namespace voxface::nn {

// Registers the softmax family; called by RegisterReduceOps (reduce.cc).
void RegisterSoftmaxOps(OpRegistry& registry);

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_OPS_SOFTMAX_H_
