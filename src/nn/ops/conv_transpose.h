// SPDX-License-Identifier: Apache-2.0
// ConvTranspose (the adjoint of Conv): GEMM with the transposed weights, then col2im.
#ifndef VOXFACE_SRC_NN_OPS_CONV_TRANSPOSE_H_
#define VOXFACE_SRC_NN_OPS_CONV_TRANSPOSE_H_

#include "nn/kernel.h"

namespace voxface::nn {

// The ConvTranspose factory, registered by RegisterConvOps (conv.cc).
KernelFactory MakeConvTransposeFactory();

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_OPS_CONV_TRANSPOSE_H_
