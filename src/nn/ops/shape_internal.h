// SPDX-License-Identifier: Apache-2.0
// The shape-op family is split over several files; RegisterShapeOps (shape_ops.cc) calls each.
#ifndef VOXFACE_SRC_NN_OPS_SHAPE_INTERNAL_H_
#define VOXFACE_SRC_NN_OPS_SHAPE_INTERNAL_H_

#include "nn/kernel.h"

namespace voxface::nn::core {

// Concat, Split (concat_split.cc).
void RegisterConcatSplitOps(OpRegistry& registry);
// Slice, Pad, Tile, DepthToSpace, SpaceToDepth (slice_pad.cc).
void RegisterSlicePadOps(OpRegistry& registry);
// Gather, GatherElements, GatherND, ScatterND, ScatterElements, Scatter (gather_scatter.cc).
void RegisterGatherScatterOps(OpRegistry& registry);
// ConstantOfShape, Range, EyeLike, OneHot, Trilu, Hann/Hamming/BlackmanWindow (generators.cc).
void RegisterGeneratorOps(OpRegistry& registry);
// NonZero, CumSum, TopK (index_ops.cc).
void RegisterIndexOps(OpRegistry& registry);
// Compress, ReverseSequence, Unique (select_ops.cc).
void RegisterSelectOps(OpRegistry& registry);
// Resize, Upsample (resize.cc).
void RegisterResizeOps(OpRegistry& registry);

}  // namespace voxface::nn::core

#endif  // VOXFACE_SRC_NN_OPS_SHAPE_INTERNAL_H_
