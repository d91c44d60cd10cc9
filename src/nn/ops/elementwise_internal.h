// SPDX-License-Identifier: Apache-2.0
// The element-wise family is split over several files; RegisterElementwiseOps (elementwise.cc)
// calls each part.
#ifndef VOXFACE_SRC_NN_OPS_ELEMENTWISE_INTERNAL_H_
#define VOXFACE_SRC_NN_OPS_ELEMENTWISE_INTERNAL_H_

#include "nn/kernel.h"

namespace voxface::nn::core {

// Add, Sub, Mul, Div, Pow, Mod, comparisons, logic, Min/Max/Sum/Mean, Where, PRelu
// (elementwise_binary.cc).
void RegisterBinaryOps(OpRegistry& registry);
// Cast, CastLike, Identity, Dropout (cast.cc).
void RegisterCastOps(OpRegistry& registry);
// QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear (quantize.cc).
void RegisterQuantizeOps(OpRegistry& registry);

}  // namespace voxface::nn::core

#endif  // VOXFACE_SRC_NN_OPS_ELEMENTWISE_INTERNAL_H_
