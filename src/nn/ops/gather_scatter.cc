// SPDX-License-Identifier: Apache-2.0
// Index-driven copies: Gather, GatherElements, GatherND and their scatter counterparts
// (ScatterND, ScatterElements and its deprecated alias Scatter), with optional reductions.
#include <algorithm>
#include <cstring>

#include "nn/ops/core_util.h"
#include "nn/ops/shape_internal.h"

namespace voxface::nn::core {
namespace {

// Index values widened to int64, negative ones wrapped; error when outside [-dim, dim).
Result<std::vector<int64_t>> Indices(const Tensor& t) {
  if (t.dtype() != DataType::kInt64 && t.dtype() != DataType::kInt32) {
    return Status::InvalidArgument("indices must be int64 or int32, got " +
                                   std::string(DataTypeName(t.dtype())));
  }
  return t.ToInt64Vector();
}

Status WrapIndex(int64_t& i, int64_t dim) {
  if (i < -dim || i >= dim) {
    return Status::InvalidArgument("index " + std::to_string(i) + " is out of range for a " +
                                   "dimension of size " + std::to_string(dim));
  }
  if (i < 0) i += dim;
  return Status::Ok();
}

class GatherKernel final : public CoreKernel {
 public:
  explicit GatherKernel(const NodeInfo& node)
      : CoreKernel(node), node_(node), axis_(node.attrs.GetInt("axis", 0)) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* idx_t, In(ctx, 1));
    VF_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, x->rank(), node_));
    if (idx_t->dtype() != DataType::kInt64 && idx_t->dtype() != DataType::kInt32) {
      return Status::InvalidArgument("indices must be int64 or int32, got " +
                                     std::string(DataTypeName(idx_t->dtype())));
    }
    const int64_t dim = x->dim(axis);
    Shape out_shape(x->shape().begin(), x->shape().begin() + axis);
    out_shape.insert(out_shape.end(), idx_t->shape().begin(), idx_t->shape().end());
    out_shape.insert(out_shape.end(), x->shape().begin() + axis + 1, x->shape().end());
    int64_t outer = 1;
    for (int d = 0; d < axis; ++d) outer *= x->dim(d);
    int64_t inner = 1;
    for (int d = axis + 1; d < x->rank(); ++d) inner *= x->dim(d);
    const int64_t n = idx_t->size();
    // Indices are checked here and read in place below (no widened copy per run).
    for (int64_t j = 0; j < n; ++j) {
      int64_t i = IndexAt(*idx_t, j);
      if (i < -dim || i >= dim) return WrapIndex(i, dim);  // the error
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), out_shape));
    if (y->size() == 0) return Status::Ok();
    return DispatchBySize(x->dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      const T* src = static_cast<const T*>(x->raw());
      T* dst = static_cast<T*>(y->raw());
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t j = 0; j < n; ++j) {
          int64_t i = IndexAt(*idx_t, j);
          if (i < 0) i += dim;
          const T* from = src + (o * dim + i) * inner;
          T* to = dst + (o * n + j) * inner;
          // Single elements (index tables, shape arithmetic) are assigned: a memcpy call per
          // element costs several times the copy.
          if (inner == 1) {
            *to = *from;
          } else {
            std::memcpy(to, from, static_cast<size_t>(inner) * sizeof(T));
          }
        }
      }
      return Status::Ok();
    });
  }

 private:
  static int64_t IndexAt(const Tensor& t, int64_t j) {
    return t.dtype() == DataType::kInt64 ? t.data<int64_t>()[j]
                                         : static_cast<int64_t>(t.data<int32_t>()[j]);
  }

  NodeInfo node_;
  int64_t axis_;
};

// Visits every coordinate of `shape` in row-major order: f(linear, coords).
template <typename F>
void ForEachIndex(const Shape& shape, F&& f) {
  const int64_t n = NumElements(shape);
  std::vector<int64_t> coord(shape.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    f(i, coord);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++coord[d] < shape[d]) break;
      coord[d] = 0;
    }
  }
}

class GatherElementsKernel final : public CoreKernel {
 public:
  explicit GatherElementsKernel(const NodeInfo& node)
      : CoreKernel(node), node_(node), axis_(node.attrs.GetInt("axis", 0)) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* idx_t, In(ctx, 1));
    VF_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, x->rank(), node_));
    if (idx_t->rank() != x->rank()) return Fail("indices must have the data's rank");
    VF_ASSIGN_OR_RETURN(std::vector<int64_t> idx, Indices(*idx_t));
    for (int64_t& i : idx) VF_RETURN_IF_ERROR(WrapIndex(i, x->dim(axis)));
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), idx_t->shape()));
    const std::vector<int64_t> strides = StridesOf(x->shape());
    return DispatchBySize(x->dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      const T* src = static_cast<const T*>(x->raw());
      T* dst = static_cast<T*>(y->raw());
      ForEachIndex(idx_t->shape(), [&](int64_t i, const std::vector<int64_t>& c) {
        int64_t off = 0;
        for (size_t d = 0; d < c.size(); ++d) {
          off += (static_cast<int>(d) == axis ? idx[i] : c[d]) * strides[d];
        }
        dst[i] = src[off];
      });
      return Status::Ok();
    });
  }

 private:
  NodeInfo node_;
  int64_t axis_;
};

class GatherNDKernel final : public CoreKernel {
 public:
  explicit GatherNDKernel(const NodeInfo& node)
      : CoreKernel(node), batch_dims_(node.attrs.GetInt("batch_dims", 0)) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* idx_t, In(ctx, 1));
    VF_ASSIGN_OR_RETURN(std::vector<int64_t> idx, Indices(*idx_t));
    const int b = static_cast<int>(batch_dims_);
    if (idx_t->rank() < 1 || b < 0 || b >= std::min(x->rank(), idx_t->rank())) {
      return Fail("invalid batch_dims or index rank");
    }
    const int64_t k = idx_t->dim(-1);
    if (k < 1 || b + k > x->rank()) return Fail("the last indices dimension is too large");
    Shape out_shape(idx_t->shape().begin(), idx_t->shape().end() - 1);
    out_shape.insert(out_shape.end(), x->shape().begin() + b + k, x->shape().end());
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), out_shape));
    int64_t batch = 1;
    for (int d = 0; d < b; ++d) batch *= x->dim(d);
    int64_t slice = 1;
    for (int d = b + static_cast<int>(k); d < x->rank(); ++d) slice *= x->dim(d);
    const int64_t per_batch = NumElements(Shape(x->shape().begin() + b, x->shape().end()));
    const int64_t tuples = static_cast<int64_t>(idx.size()) / k;
    const int64_t tuples_per_batch = tuples / std::max<int64_t>(batch, 1);
    const std::vector<int64_t> strides = StridesOf(x->shape());
    const size_t esize = ElementSize(x->dtype());
    const auto* src = static_cast<const uint8_t*>(x->raw());
    auto* dst = static_cast<uint8_t*>(y->raw());
    for (int64_t t = 0; t < tuples; ++t) {
      int64_t off = (t / std::max<int64_t>(tuples_per_batch, 1)) * per_batch;
      for (int64_t j = 0; j < k; ++j) {
        int64_t i = idx[t * k + j];
        VF_RETURN_IF_ERROR(WrapIndex(i, x->dim(b + static_cast<int>(j))));
        off += i * strides[b + j];
      }
      std::memcpy(dst + t * slice * esize, src + off * esize, static_cast<size_t>(slice) * esize);
    }
    return Status::Ok();
  }

 private:
  int64_t batch_dims_;
};

enum class Reduction { kNone, kAdd, kMul, kMax, kMin };

Result<Reduction> ParseReduction(const NodeInfo& node) {
  std::string r = node.attrs.GetString("reduction", "none");
  if (r == "none") return Reduction::kNone;
  if (r == "add") return Reduction::kAdd;
  if (r == "mul") return Reduction::kMul;
  if (r == "max") return Reduction::kMax;
  if (r == "min") return Reduction::kMin;
  return Status::Unsupported(node.Describe() + ": unknown reduction '" + r + "'");
}

template <typename T>
void Combine(T& dst, T v, Reduction r) {
  switch (r) {
    case Reduction::kNone:
      dst = v;
      break;
    case Reduction::kAdd:
      dst = static_cast<T>(dst + v);
      break;
    case Reduction::kMul:
      dst = static_cast<T>(dst * v);
      break;
    case Reduction::kMax:
      dst = std::max(dst, v);
      break;
    case Reduction::kMin:
      dst = std::min(dst, v);
      break;
  }
}

class ScatterNDKernel final : public CoreKernel {
 public:
  using CoreKernel::CoreKernel;

  Status Init(const NodeInfo& node) {
    VF_ASSIGN_OR_RETURN(reduction_, ParseReduction(node));
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* idx_t, In(ctx, 1));
    VF_ASSIGN_OR_RETURN(const Tensor* upd, In(ctx, 2));
    if (idx_t->dtype() != DataType::kInt64 && idx_t->dtype() != DataType::kInt32) {
      return Fail("indices must be int64 or int32, got " +
                  std::string(DataTypeName(idx_t->dtype())));
    }
    if (idx_t->rank() < 1) return Fail("indices must have rank >= 1");
    const int64_t k = idx_t->dim(-1);
    if (k < 1 || k > x->rank() || upd->dtype() != x->dtype()) {
      return Fail("indices or updates do not match the data");
    }
    int64_t slice = 1;
    for (int d = static_cast<int>(k); d < x->rank(); ++d) slice *= x->dim(d);
    const int64_t tuples = idx_t->size() / k;
    if (upd->size() != tuples * slice) return Fail("updates have the wrong number of elements");
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), x->shape()));
    std::memcpy(y->raw(), x->raw(), x->bytes());
    // Indices are read in place: exported slice assignments (x[:, a:b] = u) carry one index
    // tuple per element, hundreds of MB that a widened copy would double.
    return DispatchAll(x->dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      if (idx_t->dtype() == DataType::kInt64) {
        return Scatter(idx_t->data<int64_t>(), tuples, k, slice, *x, upd->data<T>(), y->data<T>());
      }
      return Scatter(idx_t->data<int32_t>(), tuples, k, slice, *x, upd->data<T>(), y->data<T>());
    });
  }

 private:
  template <typename I, typename T>
  Status Scatter(const I* idx, int64_t tuples, int64_t k, int64_t slice, const Tensor& x,
                 const T* src, T* dst) const {
    const std::vector<int64_t> strides = StridesOf(x.shape());
    const Shape& dims = x.shape();
    // The reduction is picked once, outside the per-element loop.
    auto scatter = [&](auto combine) -> Status {
      for (int64_t t = 0; t < tuples; ++t) {
        int64_t off = 0;
        for (int64_t j = 0; j < k; ++j) {
          int64_t i = static_cast<int64_t>(idx[t * k + j]);
          if (i < 0) i += dims[j];
          if (i < 0 || i >= dims[j]) {
            return Fail("index " + std::to_string(idx[t * k + j]) +
                        " is out of range for a dimension of size " + std::to_string(dims[j]));
          }
          off += i * strides[j];
        }
        const T* from = src + t * slice;
        T* to = dst + off;
        for (int64_t e = 0; e < slice; ++e) combine(to[e], from[e]);
      }
      return Status::Ok();
    };
    switch (reduction_) {
      case Reduction::kNone:
        return scatter([](T& d, T v) { d = v; });
      case Reduction::kAdd:
        return scatter([](T& d, T v) { d = static_cast<T>(d + v); });
      case Reduction::kMul:
        return scatter([](T& d, T v) { d = static_cast<T>(d * v); });
      case Reduction::kMax:
        return scatter([](T& d, T v) { d = std::max(d, v); });
      case Reduction::kMin:
        return scatter([](T& d, T v) { d = std::min(d, v); });
    }
    return Status::Ok();
  }

  Reduction reduction_ = Reduction::kNone;
};

class ScatterElementsKernel final : public CoreKernel {
 public:
  explicit ScatterElementsKernel(const NodeInfo& node)
      : CoreKernel(node), node_(node), axis_(node.attrs.GetInt("axis", 0)) {}

  Status Init(const NodeInfo& node) {
    VF_ASSIGN_OR_RETURN(reduction_, ParseReduction(node));
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* idx_t, In(ctx, 1));
    VF_ASSIGN_OR_RETURN(const Tensor* upd, In(ctx, 2));
    VF_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, x->rank(), node_));
    if (idx_t->shape() != upd->shape() || idx_t->rank() != x->rank() ||
        upd->dtype() != x->dtype()) {
      return Fail("indices and updates must have one shape and the data's rank and type");
    }
    VF_ASSIGN_OR_RETURN(std::vector<int64_t> idx, Indices(*idx_t));
    for (int64_t& i : idx) VF_RETURN_IF_ERROR(WrapIndex(i, x->dim(axis)));
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), x->shape()));
    std::memcpy(y->raw(), x->raw(), x->bytes());
    const std::vector<int64_t> strides = StridesOf(x->shape());
    return DispatchAll(x->dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      T* dst = y->data<T>();
      const T* src = upd->data<T>();
      ForEachIndex(idx_t->shape(), [&](int64_t i, const std::vector<int64_t>& c) {
        int64_t off = 0;
        for (size_t d = 0; d < c.size(); ++d) {
          off += (static_cast<int>(d) == axis ? idx[i] : c[d]) * strides[d];
        }
        Combine(dst[off], src[i], reduction_);
      });
      return Status::Ok();
    });
  }

 private:
  NodeInfo node_;
  int64_t axis_;
  Reduction reduction_ = Reduction::kNone;
};

}  // namespace

void RegisterGatherScatterOps(OpRegistry& r) {
  r.Register("Gather", 1, Factory<GatherKernel>());
  r.Register("GatherElements", 11, Factory<GatherElementsKernel>());
  r.Register("GatherND", 11, Factory<GatherNDKernel>());
  r.Register("ScatterND", 11, Factory<ScatterNDKernel>());
  r.Register("ScatterElements", 11, Factory<ScatterElementsKernel>());
  r.Register("Scatter", 9, Factory<ScatterElementsKernel>());
}

}  // namespace voxface::nn::core
