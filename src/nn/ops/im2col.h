// SPDX-License-Identifier: Apache-2.0
// im2col and its adjoint col2im over N-D windows, the data movement that turns Conv and
// ConvTranspose into GEMMs. Rows are (channel, k1, ..., kn) in row-major order, which matches the
// memory layout of ONNX Conv weights [M, C/group, k1, ..., kn], so weights need no repacking.
#ifndef VOXFACE_SRC_NN_OPS_IM2COL_H_
#define VOXFACE_SRC_NN_OPS_IM2COL_H_

#include <cstdint>

#include "nn/ops/window.h"

namespace voxface::nn {

// The largest spatial rank the window kernels accept.
inline constexpr int kMaxSpatialRank = 6;

// Columns [o0, o0 + len) of the im2col matrix of one image (or group) `x` with `channels`
// channels of g.in spatial size: cols[r * len + j] is the input element under kernel offset r
// for output position o0 + j, or 0 where the window reads padding.
void Im2ColTile(const float* x, int64_t channels, const WindowGeometry& g, int64_t o0, int64_t len,
                float* cols);

// The adjoint: y[channel, position] += cols[r, o] for every output position o in
// [0, g.out_size()) and kernel offset r whose window element lands inside y (g.in sized).
// ConvTranspose uses it with its input as the "output" positions and its output as g.in.
void Col2ImAdd(const float* cols, int64_t channels, const WindowGeometry& g, float* y);

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_OPS_IM2COL_H_
