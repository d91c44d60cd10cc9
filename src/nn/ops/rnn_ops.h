// SPDX-License-Identifier: Apache-2.0
// Factories of the recurrent kernels (gru.cc, lstm.cc), registered with RNN by RegisterRnnOps
// (rnn.cc).
#ifndef VOXFACE_SRC_NN_OPS_RNN_OPS_H_
#define VOXFACE_SRC_NN_OPS_RNN_OPS_H_

#include "nn/kernel.h"

namespace voxface::nn {

KernelFactory MakeGruFactory();
KernelFactory MakeLstmFactory();

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_OPS_RNN_OPS_H_
