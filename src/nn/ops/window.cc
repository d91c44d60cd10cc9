// SPDX-License-Identifier: Apache-2.0
#include "nn/ops/window.h"

#include <algorithm>

#include "nn/ops/op_util.h"

namespace voxface::nn {
namespace {

int64_t Product(const std::vector<int64_t>& v) {
  int64_t p = 1;
  for (int64_t x : v) p *= x;
  return p;
}

Status CheckAllAtLeast(const NodeInfo& node, const char* name, const std::vector<int64_t>& v,
                       int64_t min) {
  for (int64_t x : v) {
    if (x < min) {
      return NodeError(node, std::string("attribute ") + name + " " + IntsToString(v) +
                                 " must be >= " + std::to_string(min));
    }
  }
  return Status::Ok();
}

}  // namespace

int64_t WindowGeometry::in_size() const { return Product(in); }
int64_t WindowGeometry::out_size() const { return Product(out); }
int64_t WindowGeometry::kernel_size() const { return Product(kernel); }

Result<WindowAttrs> ParseWindowAttrs(const NodeInfo& node) {
  WindowAttrs a;
  const std::string pad = node.attrs.GetString("auto_pad", "NOTSET");
  if (pad == "NOTSET" || pad.empty()) {
    a.auto_pad = AutoPad::kNotSet;
  } else if (pad == "SAME_UPPER") {
    a.auto_pad = AutoPad::kSameUpper;
  } else if (pad == "SAME_LOWER") {
    a.auto_pad = AutoPad::kSameLower;
  } else if (pad == "VALID") {
    a.auto_pad = AutoPad::kValid;
  } else {
    return NodeError(node,
                     "auto_pad '" + pad + "' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID");
  }
  a.kernel_shape = node.attrs.GetInts("kernel_shape");
  a.strides = node.attrs.GetInts("strides");
  a.dilations = node.attrs.GetInts("dilations");
  a.pads = node.attrs.GetInts("pads");
  a.ceil_mode = node.attrs.GetInt("ceil_mode", 0) != 0;
  VF_RETURN_IF_ERROR(CheckAllAtLeast(node, "kernel_shape", a.kernel_shape, 1));
  VF_RETURN_IF_ERROR(CheckAllAtLeast(node, "strides", a.strides, 1));
  VF_RETURN_IF_ERROR(CheckAllAtLeast(node, "dilations", a.dilations, 1));
  VF_RETURN_IF_ERROR(CheckAllAtLeast(node, "pads", a.pads, 0));
  if (a.pads.size() % 2 != 0) {
    return NodeError(node, "attribute pads " + IntsToString(a.pads) +
                               " should have a begin and an end value per spatial axis");
  }
  return a;
}

Result<WindowGeometry> ComputeWindow(const WindowAttrs& attrs, const std::vector<int64_t>& in,
                                     const std::vector<int64_t>& kernel, const std::string& desc) {
  const size_t rank = in.size();
  auto fail = [&](const std::string& message) {
    return Status::InvalidArgument(desc + ": " + message);
  };
  auto sized = [&](const std::vector<int64_t>& v, const char* name, int64_t fallback, size_t count,
                   std::vector<int64_t>* out) -> Status {
    if (v.empty()) {
      out->assign(count, fallback);
    } else if (v.size() != count) {
      return fail(std::string("attribute ") + name + " " + IntsToString(v) + " should have " +
                  std::to_string(count) + " values for " + std::to_string(rank) + " spatial axes");
    } else {
      *out = v;
    }
    return Status::Ok();
  };
  WindowGeometry g;
  g.in = in;
  g.kernel = kernel;
  if (kernel.size() != rank) {
    return fail("kernel " + IntsToString(kernel) + " does not match " + std::to_string(rank) +
                " spatial axes");
  }
  std::vector<int64_t> pads;
  VF_RETURN_IF_ERROR(sized(attrs.strides, "strides", 1, rank, &g.stride));
  VF_RETURN_IF_ERROR(sized(attrs.dilations, "dilations", 1, rank, &g.dilation));
  VF_RETURN_IF_ERROR(sized(attrs.pads, "pads", 0, 2 * rank, &pads));
  g.pad_begin.assign(rank, 0);
  g.pad_end.assign(rank, 0);
  g.out.assign(rank, 0);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t s = g.stride[i];
    const int64_t span = (kernel[i] - 1) * g.dilation[i] + 1;
    switch (attrs.auto_pad) {
      case AutoPad::kNotSet: {
        g.pad_begin[i] = pads[i];
        g.pad_end[i] = pads[i + rank];
        const int64_t room = in[i] + g.pad_begin[i] + g.pad_end[i] - span;
        if (room < 0) {
          return fail("input " + IntsToString(in) + " (padded by " + IntsToString(pads) +
                      ") is smaller than the dilated kernel " + IntsToString(kernel));
        }
        int64_t out = (attrs.ceil_mode ? (room + s - 1) / s : room / s) + 1;
        // A last window that would start in the end padding is dropped, as PyTorch (the
        // exporter of the models we run) does and later revisions of the ONNX spec state.
        if (attrs.ceil_mode && (out - 1) * s >= in[i] + g.pad_begin[i]) --out;
        g.out[i] = out;
        break;
      }
      case AutoPad::kValid:
        if (in[i] < span) {
          return fail("input " + IntsToString(in) + " is smaller than the dilated kernel " +
                      IntsToString(kernel) + " (auto_pad VALID)");
        }
        g.out[i] = (in[i] - span) / s + 1;
        break;
      case AutoPad::kSameUpper:
      case AutoPad::kSameLower: {
        g.out[i] = (in[i] + s - 1) / s;
        const int64_t total = std::max<int64_t>(0, (g.out[i] - 1) * s + span - in[i]);
        const int64_t small_half = total / 2;
        g.pad_begin[i] = attrs.auto_pad == AutoPad::kSameUpper ? small_half : total - small_half;
        g.pad_end[i] = total - g.pad_begin[i];
        break;
      }
    }
  }
  return g;
}

}  // namespace voxface::nn
