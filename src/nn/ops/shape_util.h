// SPDX-License-Identifier: Apache-2.0
// Byte-moving building blocks for the shape ops: a gather where each output dimension picks its
// input index independently (Slice, Pad, Tile, Expand, nearest Resize), and an axis permutation
// (Transpose, DepthToSpace, SpaceToDepth). Both work on element size only, so one instantiation
// serves every data type of that width.
#ifndef VOXFACE_SRC_NN_OPS_SHAPE_UTIL_H_
#define VOXFACE_SRC_NN_OPS_SHAPE_UTIL_H_

#include <cstdint>
#include <vector>

#include "nn/kernel.h"
#include "nn/tensor.h"
#include "voxface/status.h"

namespace voxface::nn::core {

// out[o_0, ..., o_n] = in[maps[0][o_0], ..., maps[n][o_n]], or *fill (one element of the
// tensor's type) when any map entry is -1. maps[d].size() is output dimension d; `in_shape` has
// the same rank (it may differ from in.shape(), e.g. Expand's rank-padded view).
void CopyByDimMaps(KernelContext& ctx, const Tensor& in, const Shape& in_shape,
                   const std::vector<std::vector<int64_t>>& maps, const void* fill, Tensor* out);

// out = transpose(in viewed as `in_shape`, perm): output dimension d is input dimension
// perm[d].
void TransposeBytes(KernelContext& ctx, const Tensor& in, const Shape& in_shape,
                    const std::vector<int>& perm, Tensor* out);

// Axes from an attribute or input, normalised to [0, rank) and checked for repeats.
Result<std::vector<int>> NormalizeAxes(const std::vector<int64_t>& axes, int rank,
                                       const NodeInfo& node);

// DepthToSpace / SpaceToDepth are a transpose of a 6-D view of the 4-D input; CPU and CUDA
// kernels share this plan. Errors describe the input only (callers prefix the node).
struct BlockRearrange {
  Shape view;
  std::vector<int> perm;
  Shape out;
};
Result<BlockRearrange> PlanBlockRearrange(const Shape& x, int64_t block, bool to_space, bool crd);

}  // namespace voxface::nn::core

#endif  // VOXFACE_SRC_NN_OPS_SHAPE_UTIL_H_
