// SPDX-License-Identifier: Apache-2.0
// Sliding-window geometry shared by Conv, ConvTranspose and the pooling ops: parsing of
// auto_pad/pads/strides/dilations and the ONNX output-size rules, so that the three families
// cannot disagree on where a window starts.
#ifndef VOXFACE_SRC_NN_OPS_WINDOW_H_
#define VOXFACE_SRC_NN_OPS_WINDOW_H_

#include <cstdint>
#include <string>
#include <vector>

#include "nn/kernel.h"
#include "voxface/status.h"

namespace voxface::nn {

enum class AutoPad { kNotSet, kSameUpper, kSameLower, kValid };

// The window attributes as written on the node. Lists may be empty (defaults apply once the
// spatial rank is known, at run time when the kernel size comes from a non-constant W).
struct WindowAttrs {
  AutoPad auto_pad = AutoPad::kNotSet;
  std::vector<int64_t> kernel_shape;
  std::vector<int64_t> strides;
  std::vector<int64_t> dilations;
  std::vector<int64_t> pads;  // [x1_begin, x2_begin, ..., x1_end, x2_end, ...]
  bool ceil_mode = false;
};

// Resolved geometry for one input shape: per spatial axis.
struct WindowGeometry {
  std::vector<int64_t> in, kernel, stride, dilation, pad_begin, pad_end, out;
  int rank() const { return static_cast<int>(in.size()); }
  int64_t in_size() const;
  int64_t out_size() const;
  int64_t kernel_size() const;
};

// Reads auto_pad, kernel_shape, strides, dilations, pads and ceil_mode; checks values are
// positive (pads non-negative) and list lengths agree with each other.
Result<WindowAttrs> ParseWindowAttrs(const NodeInfo& node);

// Output size and effective pads of a Conv or pooling window over `in` with `kernel`
// (attrs.kernel_shape is ignored here; callers reconcile it with W first). `desc` names the node
// in errors (e.g. an input smaller than the dilated kernel).
Result<WindowGeometry> ComputeWindow(const WindowAttrs& attrs, const std::vector<int64_t>& in,
                                     const std::vector<int64_t>& kernel, const std::string& desc);

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_OPS_WINDOW_H_
