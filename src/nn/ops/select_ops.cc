// SPDX-License-Identifier: Apache-2.0
// Ops that pick or reorder slices by data: Compress, ReverseSequence, Unique.
#include <algorithm>
#include <cstring>
#include <numeric>
#include <optional>

#include "nn/ops/core_util.h"
#include "nn/ops/shape_internal.h"

namespace voxface::nn::core {
namespace {

// x viewed as [outer, dim, inner] around `axis` (flattened to [1, size, 1] without an axis).
struct AxisView {
  int64_t outer = 1, dim = 1, inner = 1;
};

AxisView ViewAround(const Tensor& x, std::optional<int> axis) {
  AxisView v;
  if (!axis.has_value()) {
    v.dim = x.size();
    return v;
  }
  for (int d = 0; d < *axis; ++d) v.outer *= x.dim(d);
  v.dim = x.dim(*axis);
  for (int d = *axis + 1; d < x.rank(); ++d) v.inner *= x.dim(d);
  return v;
}

// Copies slices `picks` (indices along the view's axis) of x into out, in order.
void GatherSlices(const Tensor& x, const AxisView& v, const std::vector<int64_t>& picks,
                  Tensor* out) {
  const size_t block = static_cast<size_t>(v.inner) * ElementSize(x.dtype());
  const auto* src = static_cast<const uint8_t*>(x.raw());
  auto* dst = static_cast<uint8_t*>(out->raw());
  const int64_t n = static_cast<int64_t>(picks.size());
  if (block == 0) return;
  for (int64_t o = 0; o < v.outer; ++o) {
    for (int64_t j = 0; j < n; ++j) {
      std::memcpy(dst + (o * n + j) * block, src + (o * v.dim + picks[j]) * block, block);
    }
  }
}

class CompressKernel final : public CoreKernel {
 public:
  explicit CompressKernel(const NodeInfo& node)
      : CoreKernel(node),
        node_(node),
        has_axis_(node.attrs.Has("axis")),
        axis_(node.attrs.GetInt("axis", 0)) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* cond, In(ctx, 1));
    if (cond->dtype() != DataType::kBool || cond->rank() != 1) {
      return Fail("condition must be a 1-D bool tensor");
    }
    std::optional<int> axis;
    if (has_axis_) {
      VF_ASSIGN_OR_RETURN(int a, NormalizeAxis(axis_, x->rank(), node_));
      axis = a;
    }
    AxisView v = ViewAround(*x, axis);
    if (cond->size() > v.dim) return Fail("condition is longer than the compressed axis");
    std::vector<int64_t> picks;
    for (int64_t i = 0; i < cond->size(); ++i) {
      if (cond->data<bool>()[i]) picks.push_back(i);
    }
    Shape out_shape = {static_cast<int64_t>(picks.size())};
    if (axis.has_value()) {
      out_shape = x->shape();
      out_shape[*axis] = static_cast<int64_t>(picks.size());
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), out_shape));
    GatherSlices(*x, v, picks, y);
    return Status::Ok();
  }

 private:
  NodeInfo node_;
  bool has_axis_;
  int64_t axis_;
};

class ReverseSequenceKernel final : public CoreKernel {
 public:
  explicit ReverseSequenceKernel(const NodeInfo& node)
      : CoreKernel(node),
        batch_axis_(node.attrs.GetInt("batch_axis", 1)),
        time_axis_(node.attrs.GetInt("time_axis", 0)) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* lens_t, In(ctx, 1));
    VF_ASSIGN_OR_RETURN(std::vector<int64_t> lens, IntValues(*lens_t, "sequence_lens"));
    const bool time_first = time_axis_ == 0 && batch_axis_ == 1;
    if (x->rank() < 2 || !(time_first || (time_axis_ == 1 && batch_axis_ == 0))) {
      return Fail("time_axis and batch_axis must be 0 and 1 of a tensor with rank >= 2");
    }
    const int64_t time = x->dim(static_cast<int>(time_axis_));
    const int64_t batch = x->dim(static_cast<int>(batch_axis_));
    if (static_cast<int64_t>(lens.size()) != batch)
      return Fail("sequence_lens needs one per batch");
    int64_t inner = 1;
    for (int d = 2; d < x->rank(); ++d) inner *= x->dim(d);
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), x->shape()));
    const size_t block = static_cast<size_t>(inner) * ElementSize(x->dtype());
    const auto* src = static_cast<const uint8_t*>(x->raw());
    auto* dst = static_cast<uint8_t*>(y->raw());
    for (int64_t b = 0; b < batch; ++b) {
      const int64_t len = std::clamp<int64_t>(lens[b], 0, time);
      for (int64_t t = 0; t < time; ++t) {
        const int64_t from = t < len ? len - 1 - t : t;
        auto at = [&](int64_t tt) { return time_first ? tt * batch + b : b * time + tt; };
        if (block > 0) std::memcpy(dst + at(t) * block, src + at(from) * block, block);
      }
    }
    return Status::Ok();
  }

 private:
  int64_t batch_axis_, time_axis_;
};

// Unique elements (or slices along `axis`), sorted or in order of first appearance, with the
// first index, inverse indices and counts.
class UniqueKernel final : public CoreKernel {
 public:
  explicit UniqueKernel(const NodeInfo& node)
      : CoreKernel(node),
        node_(node),
        has_axis_(node.attrs.Has("axis")),
        axis_(node.attrs.GetInt("axis", 0)),
        sorted_(node.attrs.GetInt("sorted", 1) != 0) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    std::optional<int> axis;
    if (has_axis_) {
      VF_ASSIGN_OR_RETURN(int a, NormalizeAxis(axis_, x->rank(), node_));
      axis = a;
    }
    const AxisView v = ViewAround(*x, axis);
    return DispatchNumeric(x->dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      const T* p = x->data<T>();
      // Item i is the slice x[outer, i, inner] for all outer and inner, compared in that order.
      auto less = [&](int64_t a, int64_t b) {
        for (int64_t o = 0; o < v.outer; ++o) {
          for (int64_t k = 0; k < v.inner; ++k) {
            T va = p[(o * v.dim + a) * v.inner + k], vb = p[(o * v.dim + b) * v.inner + k];
            if (va != vb) return va < vb;
          }
        }
        return false;
      };
      std::vector<int64_t> order(v.dim);
      std::iota(order.begin(), order.end(), int64_t{0});
      std::stable_sort(order.begin(), order.end(), less);
      // Groups of equal items in sorted order; the stable sort puts each group's first index first.
      std::vector<int64_t> first, count, group_of(v.dim);
      for (size_t i = 0; i < order.size(); ++i) {
        if (i == 0 || less(order[i - 1], order[i])) {
          first.push_back(order[i]);
          count.push_back(0);
        }
        ++count.back();
        group_of[order[i]] = static_cast<int64_t>(first.size()) - 1;
      }
      std::vector<int64_t> rank(first.size());
      std::iota(rank.begin(), rank.end(), int64_t{0});
      if (!sorted_) {
        std::sort(rank.begin(), rank.end(),
                  [&](int64_t a, int64_t b) { return first[a] < first[b]; });
      }
      std::vector<int64_t> position(first.size());
      for (size_t r = 0; r < rank.size(); ++r) position[rank[r]] = static_cast<int64_t>(r);
      const int64_t n = static_cast<int64_t>(first.size());
      std::vector<int64_t> picks(n), counts(n);
      for (int64_t r = 0; r < n; ++r) {
        picks[r] = first[rank[r]];
        counts[r] = count[rank[r]];
      }
      Shape y_shape = {n};
      if (axis.has_value()) {
        y_shape = x->shape();
        y_shape[*axis] = n;
      }
      VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), y_shape));
      GatherSlices(*x, v, picks, y);
      auto write = [&](int index, const std::vector<int64_t>& values) {
        if (Tensor* t =
                ctx.Output(index, DataType::kInt64, {static_cast<int64_t>(values.size())})) {
          std::copy(values.begin(), values.end(), t->data<int64_t>());
        }
      };
      std::vector<int64_t> inverse(v.dim);
      for (int64_t i = 0; i < v.dim; ++i) inverse[i] = position[group_of[i]];
      write(1, picks);
      write(2, inverse);
      write(3, counts);
      return Status::Ok();
    });
  }

 private:
  NodeInfo node_;
  bool has_axis_;
  int64_t axis_;
  bool sorted_;
};

}  // namespace

void RegisterSelectOps(OpRegistry& r) {
  r.Register("Compress", 9, Factory<CompressKernel>());
  r.Register("ReverseSequence", 10, Factory<ReverseSequenceKernel>());
  r.Register("Unique", 11, Factory<UniqueKernel>());
}

}  // namespace voxface::nn::core
