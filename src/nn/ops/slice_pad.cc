// SPDX-License-Identifier: Apache-2.0
// Slice, Pad, Tile (per-dimension index maps) and DepthToSpace/SpaceToDepth (permutations).
#include <algorithm>
#include <cstring>

#include "nn/ops/core_util.h"
#include "nn/ops/shape_internal.h"
#include "nn/ops/shape_util.h"

namespace voxface::nn::core {
namespace {

std::vector<std::vector<int64_t>> IdentityMaps(const Shape& shape) {
  std::vector<std::vector<int64_t>> maps(shape.size());
  for (size_t d = 0; d < shape.size(); ++d) {
    maps[d].resize(shape[d]);
    for (int64_t o = 0; o < shape[d]; ++o) maps[d][o] = o;
  }
  return maps;
}

// Slice: starts/ends/axes/steps from inputs (opset 10+) or attributes (opset 1).
class SliceKernel final : public CoreKernel {
 public:
  explicit SliceKernel(const NodeInfo& node) : CoreKernel(node), node_(node) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    std::vector<int64_t> starts, ends, axes, steps;
    if (opset() < 10) {
      starts = node_.attrs.GetInts("starts");
      ends = node_.attrs.GetInts("ends");
      axes = node_.attrs.GetInts("axes");
    } else {
      VF_ASSIGN_OR_RETURN(const Tensor* s, In(ctx, 1));
      VF_ASSIGN_OR_RETURN(const Tensor* e, In(ctx, 2));
      VF_ASSIGN_OR_RETURN(starts, IntValues(*s, "starts"));
      VF_ASSIGN_OR_RETURN(ends, IntValues(*e, "ends"));
      if (const Tensor* a = ctx.input(3)) {
        VF_ASSIGN_OR_RETURN(axes, IntValues(*a, "axes"));
      }
      if (const Tensor* st = ctx.input(4)) {
        VF_ASSIGN_OR_RETURN(steps, IntValues(*st, "steps"));
      }
    }
    if (axes.empty()) {
      for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
    }
    if (steps.empty()) steps.assign(starts.size(), 1);
    if (ends.size() != starts.size() || axes.size() != starts.size() ||
        steps.size() != starts.size()) {
      return Fail("starts, ends, axes and steps must have the same length");
    }
    VF_ASSIGN_OR_RETURN(std::vector<int> norm, NormalizeAxes(axes, x->rank(), node_));
    std::vector<std::vector<int64_t>> maps = IdentityMaps(x->shape());
    Shape out_shape = x->shape();
    for (size_t i = 0; i < norm.size(); ++i) {
      const int d = norm[i];
      const int64_t dim = x->dim(d), step = steps[i];
      if (step == 0) return Fail("steps must not be 0");
      int64_t start = starts[i] < 0 ? starts[i] + dim : starts[i];
      int64_t end = ends[i] < 0 ? ends[i] + dim : ends[i];
      int64_t count;
      if (step > 0) {
        start = std::clamp<int64_t>(start, 0, dim);
        end = std::clamp<int64_t>(end, 0, dim);
        count = end > start ? (end - start + step - 1) / step : 0;
      } else {
        start = std::clamp<int64_t>(start, 0, dim - 1);
        end = std::clamp<int64_t>(end, -1, dim - 1);
        count = start > end ? (start - end - step - 1) / -step : 0;
      }
      out_shape[d] = count;
      maps[d].resize(count);
      for (int64_t o = 0; o < count; ++o) maps[d][o] = start + o * step;
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), out_shape));
    CopyByDimMaps(ctx, *x, x->shape(), maps, nullptr, y);
    return Status::Ok();
  }

 private:
  NodeInfo node_;
};

// Pad: constant, reflect, edge and wrap; negative pads crop.
class PadKernel final : public CoreKernel {
 public:
  explicit PadKernel(const NodeInfo& node)
      : CoreKernel(node), node_(node), mode_(node.attrs.GetString("mode", "constant")) {}

  Status Init(const NodeInfo& node) {
    if (mode_ != "constant" && mode_ != "reflect" && mode_ != "edge" && mode_ != "wrap") {
      return Status::Unsupported(node.Describe() + ": unknown mode '" + mode_ + "'");
    }
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    const int rank = x->rank();
    std::vector<int64_t> pads;
    double value = 0.0;
    std::vector<int64_t> axes;
    if (opset() < 11) {
      pads = node_.attrs.GetInts("pads");
      value = node_.attrs.GetFloat("value", 0.0f);
    } else {
      VF_ASSIGN_OR_RETURN(const Tensor* p, In(ctx, 1));
      VF_ASSIGN_OR_RETURN(pads, IntValues(*p, "pads"));
      if (const Tensor* v = ctx.input(2)) {
        VF_ASSIGN_OR_RETURN(value, ScalarValue(*v, "value"));
      }
      if (const Tensor* a = ctx.input(3)) {
        VF_ASSIGN_OR_RETURN(axes, IntValues(*a, "axes"));
      }
    }
    if (axes.empty()) {
      for (int d = 0; d < rank; ++d) axes.push_back(d);
    }
    if (pads.size() != 2 * axes.size()) {
      return Fail("pads has " + std::to_string(pads.size()) + " entries, expected " +
                  std::to_string(2 * axes.size()));
    }
    VF_ASSIGN_OR_RETURN(std::vector<int> norm, NormalizeAxes(axes, rank, node_));
    std::vector<int64_t> before(rank, 0), after(rank, 0);
    for (size_t i = 0; i < norm.size(); ++i) {
      before[norm[i]] = pads[i];
      after[norm[i]] = pads[i + norm.size()];
    }
    Shape out_shape(rank);
    std::vector<std::vector<int64_t>> maps(rank);
    for (int d = 0; d < rank; ++d) {
      const int64_t n = x->dim(d);
      out_shape[d] = n + before[d] + after[d];
      if (out_shape[d] < 0) return Fail("pads crop more than axis " + std::to_string(d) + " has");
      if (n == 0 && out_shape[d] > 0 && mode_ != "constant") {
        return Fail("cannot " + mode_ + "-pad an empty axis");
      }
      maps[d].resize(out_shape[d]);
      for (int64_t o = 0; o < out_shape[d]; ++o) {
        int64_t i = o - before[d];
        if (i < 0 || i >= n) {
          if (mode_ == "constant") {
            i = -1;
          } else if (mode_ == "edge") {
            i = std::clamp<int64_t>(i, 0, n - 1);
          } else if (mode_ == "wrap") {
            i = ((i % n) + n) % n;
          } else if (n == 1) {
            i = 0;
          } else {  // reflect, without repeating the edge
            const int64_t period = 2 * (n - 1);
            i = ((i % period) + period) % period;
            if (i >= n) i = period - i;
          }
        }
        maps[d][o] = i;
      }
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), out_shape));
    return DispatchAll(x->dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      T fill = static_cast<T>(value);
      CopyByDimMaps(ctx, *x, x->shape(), maps, &fill, y);
      return Status::Ok();
    });
  }

 private:
  NodeInfo node_;
  std::string mode_;
};

class TileKernel final : public CoreKernel {
 public:
  using CoreKernel::CoreKernel;

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* r, In(ctx, 1));
    VF_ASSIGN_OR_RETURN(std::vector<int64_t> repeats, IntValues(*r, "repeats"));
    if (static_cast<int>(repeats.size()) != x->rank()) {
      return Fail("repeats has " + std::to_string(repeats.size()) + " entries for rank " +
                  std::to_string(x->rank()));
    }
    Shape out_shape(x->rank());
    std::vector<std::vector<int64_t>> maps(x->rank());
    for (int d = 0; d < x->rank(); ++d) {
      if (repeats[d] < 0) return Fail("repeats must not be negative");
      out_shape[d] = x->dim(d) * repeats[d];
      maps[d].resize(out_shape[d]);
      for (int64_t o = 0; o < out_shape[d]; ++o) maps[d][o] = o % x->dim(d);
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), out_shape));
    CopyByDimMaps(ctx, *x, x->shape(), maps, nullptr, y);
    return Status::Ok();
  }
};

// DepthToSpace / SpaceToDepth as a reshape to 6-D, a permutation and a reshape back.
class SpaceDepthKernel final : public CoreKernel {
 public:
  explicit SpaceDepthKernel(const NodeInfo& node)
      : CoreKernel(node),
        to_space_(node.op_type == "DepthToSpace"),
        crd_(node.attrs.GetString("mode", "DCR") == "CRD"),
        block_(node.attrs.GetInt("blocksize", 0)) {}

  Status Init(const NodeInfo& node) {
    if (block_ <= 0) return NodeFail(node, "blocksize must be positive");
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    auto plan = PlanBlockRearrange(x->shape(), block_, to_space_, crd_);
    if (!plan.ok()) return Fail(plan.status().message());
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), plan->out));
    TransposeBytes(ctx, *x, plan->view, plan->perm, y);
    return Status::Ok();
  }

 private:
  bool to_space_, crd_;
  int64_t block_;
};

}  // namespace

void RegisterSlicePadOps(OpRegistry& r) {
  r.Register("Slice", 1, Factory<SliceKernel>());
  r.Register("Pad", 2, Factory<PadKernel>());
  r.Register("Tile", 6, Factory<TileKernel>());
  r.Register("DepthToSpace", 1, Factory<SpaceDepthKernel>());
  r.Register("SpaceToDepth", 1, Factory<SpaceDepthKernel>());
}

}  // namespace voxface::nn::core
