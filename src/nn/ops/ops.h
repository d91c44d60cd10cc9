// SPDX-License-Identifier: Apache-2.0
// Registration of the built-in CPU kernels, one function per family (ops/*.cc). OpRegistry::
// Default() calls each of them once.
#ifndef VOXFACE_SRC_NN_OPS_OPS_H_
#define VOXFACE_SRC_NN_OPS_OPS_H_

#include "nn/kernel.h"

namespace voxface::nn {

// Element-wise math, comparisons, logic, activations, Clip, Where, Cast (elementwise.cc).
void RegisterElementwiseOps(OpRegistry& registry);
// Reshape, Transpose, Concat, Split, Slice, Gather, Unsqueeze, Squeeze, Expand, Shape,
// ConstantOfShape, Range, Pad, Tile, Resize, ScatterND, NonZero, Identity, Flatten, Constant...
void RegisterShapeOps(OpRegistry& registry);
// MatMul, Gemm (matmul.cc, through blas.h).
void RegisterMatMulOps(OpRegistry& registry);
// Conv, ConvTranspose (conv.cc).
void RegisterConvOps(OpRegistry& registry);
// GRU, LSTM (rnn.cc).
void RegisterRnnOps(OpRegistry& registry);
// LayerNormalization, InstanceNormalization, BatchNormalization, GroupNormalization (norm.cc).
void RegisterNormOps(OpRegistry& registry);
// Reduce*, ArgMax, ArgMin, Softmax, LogSoftmax (reduce.cc, softmax.cc).
void RegisterReduceOps(OpRegistry& registry);
// MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool (pool.cc).
void RegisterPoolOps(OpRegistry& registry);

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_OPS_OPS_H_
