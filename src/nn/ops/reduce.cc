// SPDX-License-Identifier: Apache-2.0
// Reduce* and ArgMax/ArgMin. The input is viewed with neighbouring axes merged when they are
// both reduced or both kept, so every reduction becomes a walk over rows of the last merged axis:
// either folded into one output (last axis reduced) or accumulated element-wise into a
// contiguous output row (last axis kept). Float sums accumulate in double. RegisterReduceOps
// lives here and also registers the softmax family (softmax.cc).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "nn/kernel.h"
#include "nn/ops/op_util.h"
#include "nn/ops/ops.h"
#include "nn/ops/softmax.h"

namespace voxface::nn {
namespace {

enum class ReduceKind { kSum, kMean, kMax, kMin, kProd, kL1, kL2, kSumSquare, kLogSum, kLogSumExp };

template <typename T>
using Acc = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;

template <typename A>
A InitialValue(ReduceKind kind) {
  switch (kind) {
    case ReduceKind::kMax:
    case ReduceKind::kLogSumExp:  // first pass: the maximum
      return std::numeric_limits<A>::has_infinity ? -std::numeric_limits<A>::infinity()
                                                  : std::numeric_limits<A>::lowest();
    case ReduceKind::kMin:
      return std::numeric_limits<A>::has_infinity ? std::numeric_limits<A>::infinity()
                                                  : std::numeric_limits<A>::max();
    case ReduceKind::kProd:
      return A(1);
    default:
      return A(0);
  }
}

template <typename A>
inline A Combine(ReduceKind kind, A acc, A v) {
  switch (kind) {
    case ReduceKind::kMax:
    case ReduceKind::kLogSumExp:
      return v > acc || v != v ? v : acc;  // NaN wins, as in numpy
    case ReduceKind::kMin:
      return v < acc || v != v ? v : acc;
    case ReduceKind::kProd:
      return acc * v;
    case ReduceKind::kL1:
      return acc + (v < 0 ? -v : v);
    case ReduceKind::kL2:
    case ReduceKind::kSumSquare:
      return acc + v * v;
    default:
      return acc + v;
  }
}

// acc combined with a row of an additive reduction. Eight running sums instead of one: a single
// chain of dependent double additions runs at one element per add latency (4 cycles), which
// made ReduceSum over a 16000-sample row the slowest op of the regression network.
template <typename A, typename T>
A FoldAdditive(ReduceKind kind, A acc, const T* x, int64_t len) {
  auto term = [kind](A v) -> A {
    if (kind == ReduceKind::kL1) return v < 0 ? -v : v;
    if (kind == ReduceKind::kL2 || kind == ReduceKind::kSumSquare) return v * v;
    return v;
  };
  A part[8] = {};
  int64_t j = 0;
  for (; j + 8 <= len; j += 8) {
    for (int k = 0; k < 8; ++k) part[k] += term(static_cast<A>(x[j + k]));
  }
  for (; j < len; ++j) part[0] += term(static_cast<A>(x[j]));
  return acc + (((part[0] + part[1]) + (part[2] + part[3])) +
                ((part[4] + part[5]) + (part[6] + part[7])));
}

// Merged view of X: dims and whether each is reduced; output strides (0 on reduced dims).
struct ReduceView {
  std::vector<int64_t> dims;
  std::vector<bool> reduced;
  std::vector<int64_t> out_strides;
};

ReduceView MakeView(const Shape& shape, const std::vector<bool>& reduce_axis) {
  ReduceView v;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1) continue;  // unit axes change nothing either way
    if (!v.dims.empty() && v.reduced.back() == reduce_axis[i]) {
      v.dims.back() *= shape[i];
    } else {
      v.dims.push_back(shape[i]);
      v.reduced.push_back(reduce_axis[i]);
    }
  }
  if (v.dims.empty()) {
    v.dims.push_back(1);
    v.reduced.push_back(true);
  }
  v.out_strides.assign(v.dims.size(), 0);
  int64_t stride = 1;
  for (int i = static_cast<int>(v.dims.size()) - 1; i >= 0; --i) {
    if (!v.reduced[i]) {
      v.out_strides[i] = stride;
      stride *= v.dims[i];
    }
  }
  return v;
}

// Calls row(x offset, output offset) for each row of the last merged axis.
template <typename Fn>
void ForEachRow(const ReduceView& v, Fn row) {
  const int last = static_cast<int>(v.dims.size()) - 1;
  int64_t rows = 1;
  for (int i = 0; i < last; ++i) rows *= v.dims[i];
  std::vector<int64_t> idx(last, 0);
  int64_t out = 0;
  for (int64_t r = 0; r < rows; ++r) {
    row(r * v.dims[last], out);
    for (int i = last - 1; i >= 0; --i) {
      out += v.out_strides[i];
      if (++idx[i] < v.dims[i]) break;
      out -= v.out_strides[i] * v.dims[i];
      idx[i] = 0;
    }
  }
}

template <typename T>
void ReduceTyped(ReduceKind kind, const T* x, const ReduceView& v, int64_t out_size, int64_t count,
                 T* y) {
  using A = Acc<T>;
  std::vector<A> acc(static_cast<size_t>(out_size), InitialValue<A>(kind));
  const int last = static_cast<int>(v.dims.size()) - 1;
  const int64_t len = v.dims[last];
  const bool fold = v.reduced[last];
  const bool additive = kind == ReduceKind::kSum || kind == ReduceKind::kMean ||
                        kind == ReduceKind::kL1 || kind == ReduceKind::kL2 ||
                        kind == ReduceKind::kSumSquare;
  ForEachRow(v, [&](int64_t xo, int64_t yo) {
    const T* xr = x + xo;
    if (fold && additive) {
      acc[yo] = FoldAdditive<A>(kind, acc[yo], xr, len);
    } else if (fold) {
      A a = acc[yo];
      for (int64_t j = 0; j < len; ++j) a = Combine<A>(kind, a, static_cast<A>(xr[j]));
      acc[yo] = a;
    } else {
      A* ar = acc.data() + yo;
      for (int64_t j = 0; j < len; ++j) ar[j] = Combine<A>(kind, ar[j], static_cast<A>(xr[j]));
    }
  });
  if (kind == ReduceKind::kLogSumExp) {
    // Second pass: sum of exp(x - max), so large inputs do not overflow.
    std::vector<A> sums(static_cast<size_t>(out_size), A(0));
    ForEachRow(v, [&](int64_t xo, int64_t yo) {
      const T* xr = x + xo;
      for (int64_t j = 0; j < len; ++j) {
        const int64_t o = fold ? yo : yo + j;
        const double m = static_cast<double>(acc[o]);
        if (std::isfinite(m)) sums[o] += static_cast<A>(std::exp(static_cast<double>(xr[j]) - m));
      }
    });
    for (int64_t o = 0; o < out_size; ++o) {
      const double m = static_cast<double>(acc[o]);
      y[o] = static_cast<T>(std::isfinite(m) ? m + std::log(static_cast<double>(sums[o])) : m);
    }
    return;
  }
  for (int64_t o = 0; o < out_size; ++o) {
    double r = static_cast<double>(acc[o]);
    switch (kind) {
      case ReduceKind::kMean:
        if constexpr (std::is_floating_point_v<T>) {
          r = r / static_cast<double>(count);
        } else {
          r = count > 0 ? static_cast<double>(acc[o] / count) : 0.0;
        }
        break;
      case ReduceKind::kL2:
        r = std::sqrt(r);
        break;
      case ReduceKind::kLogSum:
        r = std::log(r);
        break;
      default:
        if constexpr (!std::is_floating_point_v<T>) {
          y[o] = static_cast<T>(acc[o]);  // no round trip through double for large integers
          continue;
        }
        break;
    }
    y[o] = static_cast<T>(r);
  }
}

class ReduceKernel : public NodeKernel {
 public:
  ReduceKernel(const NodeInfo& node, ReduceKind kind, bool axes_input)
      : NodeKernel(node), kind_(kind), axes_input_(axes_input) {}

  Status Init(const NodeInfo& node) {
    keepdims_ = node.attrs.GetInt("keepdims", 1) != 0;
    noop_with_empty_axes_ = node.attrs.GetInt("noop_with_empty_axes", 0) != 0;
    axes_ = node.attrs.GetInts("axes");
    if (axes_input_ && node.attrs.Has("axes")) {
      return Error("axes is an input from this opset on, not an attribute");
    }
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, AnyInput(ctx, 0, "data"));
    std::vector<int64_t> axes = axes_;
    if (axes_input_ && ctx.input(1) != nullptr) {
      const Tensor* a = ctx.input(1);
      if (a->dtype() != DataType::kInt64 && a->dtype() != DataType::kInt32) {
        return Error("axes must be int64");
      }
      axes = a->ToInt64Vector();
    }
    const int rank = x->rank();
    if (axes.empty() && axes_input_ && noop_with_empty_axes_) {
      VF_ASSIGN_OR_RETURN(Tensor * y, RequiredOutput(ctx, 0, x->dtype(), x->shape()));
      if (x->bytes() > 0) std::memcpy(y->raw(), x->raw(), x->bytes());
      return Status::Ok();
    }
    std::vector<bool> reduce(rank, axes.empty());
    for (int64_t a : axes) {
      if (a < -rank || a >= std::max(rank, 1)) {
        return Error("axis " + std::to_string(a) + " is out of range for data " +
                     ShapeToString(x->shape()));
      }
      if (rank == 0) continue;
      const int axis = static_cast<int>(a < 0 ? a + rank : a);
      if (reduce[axis] && !axes.empty()) {
        return Error("axes " + IntsToString(axes) + " repeat axis " + std::to_string(axis));
      }
      reduce[axis] = true;
    }
    Shape out_shape;
    int64_t count = 1;
    for (int i = 0; i < rank; ++i) {
      if (reduce[i]) {
        count *= x->dim(i);
        if (keepdims_) out_shape.push_back(1);
      } else {
        out_shape.push_back(x->dim(i));
      }
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, RequiredOutput(ctx, 0, x->dtype(), out_shape));
    const ReduceView view = MakeView(x->shape(), reduce);
    const int64_t out_size = y->size();
    switch (x->dtype()) {
      case DataType::kFloat32:
        ReduceTyped<float>(kind_, x->data<float>(), view, out_size, count, y->data<float>());
        break;
      case DataType::kDouble:
        ReduceTyped<double>(kind_, x->data<double>(), view, out_size, count, y->data<double>());
        break;
      case DataType::kInt64:
        ReduceTyped<int64_t>(kind_, x->data<int64_t>(), view, out_size, count, y->data<int64_t>());
        break;
      case DataType::kInt32:
        ReduceTyped<int32_t>(kind_, x->data<int32_t>(), view, out_size, count, y->data<int32_t>());
        break;
      default:
        return Unsupported("data of type " + std::string(DataTypeName(x->dtype())));
    }
    return Status::Ok();
  }

 private:
  ReduceKind kind_;
  bool axes_input_;
  bool keepdims_ = true;
  bool noop_with_empty_axes_ = false;
  std::vector<int64_t> axes_;
};

class ArgKernel : public NodeKernel {
 public:
  ArgKernel(const NodeInfo& node, bool is_max) : NodeKernel(node), is_max_(is_max) {}

  Status Init(const NodeInfo& node) {
    axis_ = node.attrs.GetInt("axis", 0);
    keepdims_ = node.attrs.GetInt("keepdims", 1) != 0;
    select_last_ = node.attrs.GetInt("select_last_index", 0) != 0;
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, AnyInput(ctx, 0, "data"));
    const int rank = x->rank();
    if (axis_ < -rank || axis_ >= rank) {
      return Error("axis " + std::to_string(axis_) + " is out of range for data " +
                   ShapeToString(x->shape()));
    }
    const int axis = static_cast<int>(axis_ < 0 ? axis_ + rank : axis_);
    const int64_t len = x->dim(axis);
    if (len == 0) return Error("cannot take the arg-extremum of an empty axis");
    Shape out_shape = x->shape();
    if (keepdims_) {
      out_shape[axis] = 1;
    } else {
      out_shape.erase(out_shape.begin() + axis);
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, RequiredOutput(ctx, 0, DataType::kInt64, out_shape));
    int64_t inner = 1;
    for (int i = axis + 1; i < rank; ++i) inner *= x->dim(i);
    const int64_t outer = len * inner == 0 ? 0 : x->size() / (len * inner);
    switch (x->dtype()) {
      case DataType::kFloat32:
        return Scan(x->data<float>(), outer, len, inner, y->data<int64_t>());
      case DataType::kDouble:
        return Scan(x->data<double>(), outer, len, inner, y->data<int64_t>());
      case DataType::kInt64:
        return Scan(x->data<int64_t>(), outer, len, inner, y->data<int64_t>());
      case DataType::kInt32:
        return Scan(x->data<int32_t>(), outer, len, inner, y->data<int64_t>());
      case DataType::kUint8:
        return Scan(x->data<uint8_t>(), outer, len, inner, y->data<int64_t>());
      case DataType::kInt8:
        return Scan(x->data<int8_t>(), outer, len, inner, y->data<int64_t>());
      default:
        return Unsupported("data of type " + std::string(DataTypeName(x->dtype())));
    }
  }

 private:
  template <typename T>
  Status Scan(const T* x, int64_t outer, int64_t len, int64_t inner, int64_t* y) const {
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i = 0; i < inner; ++i) {
        const T* p = x + o * len * inner + i;
        T best = p[0];
        int64_t best_index = 0;
        for (int64_t j = 1; j < len; ++j) {
          const T v = p[j * inner];
          const bool better = is_max_ ? v > best : v < best;
          if (better || (select_last_ && v == best)) {
            best = v;
            best_index = j;
          }
        }
        y[o * inner + i] = best_index;
      }
    }
    return Status::Ok();
  }

  bool is_max_;
  int64_t axis_ = 0;
  bool keepdims_ = true;
  bool select_last_ = false;
};

KernelFactory ReduceFactory(ReduceKind kind, bool axes_input) {
  return [kind, axes_input](const NodeInfo& node) -> Result<std::unique_ptr<OpKernel>> {
    auto kernel = std::make_unique<ReduceKernel>(node, kind, axes_input);
    VF_RETURN_IF_ERROR(kernel->Init(node));
    return std::unique_ptr<OpKernel>(std::move(kernel));
  };
}

KernelFactory ArgFactory(bool is_max) {
  return [is_max](const NodeInfo& node) -> Result<std::unique_ptr<OpKernel>> {
    auto kernel = std::make_unique<ArgKernel>(node, is_max);
    VF_RETURN_IF_ERROR(kernel->Init(node));
    return std::unique_ptr<OpKernel>(std::move(kernel));
  };
}

}  // namespace

void RegisterReduceOps(OpRegistry& registry) {
  struct Entry {
    const char* name;
    ReduceKind kind;
    int axes_input_since;  // the opset that moved axes from attribute to input
  };
  const Entry kEntries[] = {
      {"ReduceSum", ReduceKind::kSum, 13},       {"ReduceMean", ReduceKind::kMean, 18},
      {"ReduceMax", ReduceKind::kMax, 18},       {"ReduceMin", ReduceKind::kMin, 18},
      {"ReduceProd", ReduceKind::kProd, 18},     {"ReduceL1", ReduceKind::kL1, 18},
      {"ReduceL2", ReduceKind::kL2, 18},         {"ReduceSumSquare", ReduceKind::kSumSquare, 18},
      {"ReduceLogSum", ReduceKind::kLogSum, 18}, {"ReduceLogSumExp", ReduceKind::kLogSumExp, 18},
  };
  for (const Entry& e : kEntries) {
    registry.Register(e.name, 1, ReduceFactory(e.kind, false));
    registry.Register(e.name, e.axes_input_since, ReduceFactory(e.kind, true));
  }
  registry.Register("ArgMax", 1, ArgFactory(true));
  registry.Register("ArgMin", 1, ArgFactory(false));
  RegisterSoftmaxOps(registry);
}

}  // namespace voxface::nn
