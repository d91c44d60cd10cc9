// SPDX-License-Identifier: Apache-2.0
// Ops that make new tensors from small descriptions: ConstantOfShape, Range, EyeLike, OneHot,
// Trilu and the spectral windows (Hann, Hamming, Blackman).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "nn/ops/core_util.h"
#include "nn/ops/shape_internal.h"

namespace voxface::nn::core {
namespace {

// Float16 values compute as float32 (see cast.cc).
DataType Computed(DataType t) { return t == DataType::kFloat16 ? DataType::kFloat32 : t; }

class ConstantOfShapeKernel final : public CoreKernel {
 public:
  using CoreKernel::CoreKernel;

  Status Init(const NodeInfo& node) {
    if (const Tensor* v = node.attrs.GetTensor("value")) {
      if (v->size() != 1) return NodeFail(node, "value must hold one element");
      value_ = *v;
    } else {
      value_ = Tensor::FromVector<float>({1}, {0.0f});
    }
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* s, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(std::vector<int64_t> dims, IntValues(*s, "shape"));
    for (int64_t d : dims) {
      if (d < 0) return Fail("shape " + ShapeToString(dims) + " has a negative dimension");
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, value_.dtype(), dims));
    return DispatchBySize(value_.dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      T v;
      std::memcpy(&v, value_.raw(), sizeof(T));
      std::fill_n(static_cast<T*>(y->raw()), y->size(), v);
      return Status::Ok();
    });
  }

 private:
  Tensor value_;
};

class RangeKernel final : public CoreKernel {
 public:
  using CoreKernel::CoreKernel;

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* start, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* limit, In(ctx, 1));
    VF_ASSIGN_OR_RETURN(const Tensor* delta, In(ctx, 2));
    if (start->dtype() != limit->dtype() || start->dtype() != delta->dtype()) {
      return Fail("start, limit and delta must have one type");
    }
    return DispatchTypes<float, double, int64_t, int32_t>(
        start->dtype(), "float, double, int64 or int32", [&](auto tag) -> Status {
          using T = typename decltype(tag)::type;
          if (start->size() != 1 || limit->size() != 1 || delta->size() != 1) {
            return Fail("start, limit and delta must be scalars");
          }
          const T s = start->data<T>()[0], l = limit->data<T>()[0], d = delta->data<T>()[0];
          if (d == T(0)) return Fail("delta must not be 0");
          const double count =
              std::ceil((static_cast<double>(l) - static_cast<double>(s)) / static_cast<double>(d));
          const int64_t n = std::max<int64_t>(0, static_cast<int64_t>(count));
          VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, start->dtype(), {n}));
          T* out = y->data<T>();
          for (int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(s + static_cast<T>(i) * d);
          return Status::Ok();
        });
  }
};

class EyeLikeKernel final : public CoreKernel {
 public:
  explicit EyeLikeKernel(const NodeInfo& node)
      : CoreKernel(node), k_(node.attrs.GetInt("k", 0)), has_dtype_(node.attrs.Has("dtype")) {}

  Status Init(const NodeInfo& node) {
    if (has_dtype_) {
      Result<DataType> t = DataTypeFromOnnx(static_cast<int>(node.attrs.GetInt("dtype", 1)));
      if (!t.ok()) return Status::Unsupported(node.Describe() + ": " + t.status().message());
      dtype_ = Computed(*t);
    }
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    if (x->rank() != 2) return Fail("input must be 2-D");
    const DataType type = has_dtype_ ? dtype_ : x->dtype();
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, type, x->shape()));
    return DispatchAll(type, [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      T* out = y->data<T>();
      const int64_t rows = x->dim(0), cols = x->dim(1);
      for (int64_t r = 0; r < rows; ++r) {
        for (int64_t c = 0; c < cols; ++c) out[r * cols + c] = static_cast<T>(c - r == k_);
      }
      return Status::Ok();
    });
  }

 private:
  int64_t k_;
  bool has_dtype_;
  DataType dtype_ = DataType::kFloat32;
};

class OneHotKernel final : public CoreKernel {
 public:
  explicit OneHotKernel(const NodeInfo& node)
      : CoreKernel(node), axis_(node.attrs.GetInt("axis", -1)) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* indices, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* depth_t, In(ctx, 1));
    VF_ASSIGN_OR_RETURN(const Tensor* values, In(ctx, 2));
    VF_ASSIGN_OR_RETURN(double depth_value, ScalarValue(*depth_t, "depth"));
    const int64_t depth = static_cast<int64_t>(depth_value);
    if (depth < 1) return Fail("depth must be positive");
    if (values->size() != 2) return Fail("values must be [off_value, on_value]");
    const int rank = indices->rank() + 1;
    int64_t axis = axis_ < 0 ? axis_ + rank : axis_;
    if (axis < 0 || axis >= rank) return Fail("axis is out of range");
    Shape out_shape = indices->shape();
    out_shape.insert(out_shape.begin() + axis, depth);
    // Indices of any numeric type, as doubles (float indices are truncated).
    std::vector<int64_t> idx(indices->size());
    VF_RETURN_IF_ERROR(DispatchNumeric(indices->dtype(), [&](auto tag) -> Status {
      using I = typename decltype(tag)::type;
      for (int64_t i = 0; i < indices->size(); ++i) {
        idx[i] = static_cast<int64_t>(indices->data<I>()[i]);
      }
      return Status::Ok();
    }));
    int64_t outer = 1;
    for (int d = 0; d < axis; ++d) outer *= out_shape[d];
    const int64_t inner = indices->size() / std::max<int64_t>(outer, 1);
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, values->dtype(), out_shape));
    return DispatchAll(values->dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      const T off = values->data<T>()[0], on = values->data<T>()[1];
      T* out = y->data<T>();
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t d = 0; d < depth; ++d) {
          for (int64_t i = 0; i < inner; ++i) {
            int64_t v = idx[o * inner + i];
            if (v < 0) v += depth;
            out[(o * depth + d) * inner + i] = v == d ? on : off;
          }
        }
      }
      return Status::Ok();
    });
  }

 private:
  int64_t axis_;
};

class TriluKernel final : public CoreKernel {
 public:
  explicit TriluKernel(const NodeInfo& node)
      : CoreKernel(node), upper_(node.attrs.GetInt("upper", 1) != 0) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    if (x->rank() < 2) return Fail("input must have rank >= 2");
    int64_t k = 0;
    if (const Tensor* kt = ctx.input(1)) {
      VF_ASSIGN_OR_RETURN(std::vector<int64_t> kv, IntValues(*kt, "k"));
      if (kv.size() != 1) return Fail("k must be a scalar");
      k = kv[0];
    }
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), x->shape()));
    const int64_t rows = x->dim(-2), cols = x->dim(-1);
    const int64_t mats = x->size() / std::max<int64_t>(rows * cols, 1);
    return DispatchBySize(x->dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      const T* in = static_cast<const T*>(x->raw());
      T* out = static_cast<T*>(y->raw());
      for (int64_t m = 0; m < mats; ++m) {
        for (int64_t r = 0; r < rows; ++r) {
          for (int64_t c = 0; c < cols; ++c) {
            const int64_t i = (m * rows + r) * cols + c;
            const bool keep = upper_ ? c - r >= k : c - r <= k;
            out[i] = keep ? in[i] : T{};
          }
        }
      }
      return Status::Ok();
    });
  }

 private:
  bool upper_;
};

// HannWindow, HammingWindow, BlackmanWindow: cosine-sum windows of `size` samples, periodic (for
// spectral analysis, the default) or symmetric.
class WindowKernel final : public CoreKernel {
 public:
  explicit WindowKernel(const NodeInfo& node)
      : CoreKernel(node), periodic_(node.attrs.GetInt("periodic", 1) != 0) {
    if (node.op_type == "HannWindow") {
      a_ = {0.5, -0.5, 0.0};
    } else if (node.op_type == "HammingWindow") {
      a_ = {25.0 / 46.0, -21.0 / 46.0, 0.0};
    } else {
      a_ = {0.42, -0.5, 0.08};
    }
  }

  Status Init(const NodeInfo& node) {
    Result<DataType> t =
        DataTypeFromOnnx(static_cast<int>(node.attrs.GetInt("output_datatype", 1)));
    if (!t.ok()) return Status::Unsupported(node.Describe() + ": " + t.status().message());
    dtype_ = Computed(*t);
    return Status::Ok();
  }

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* size_in, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(std::vector<int64_t> sv, IntValues(*size_in, "size"));
    if (sv.size() != 1 || sv[0] < 0) return Fail("size must be a non-negative scalar");
    const int64_t n = sv[0];
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, dtype_, {n}));
    const double denom = static_cast<double>(periodic_ ? n : n - 1);
    return DispatchNumeric(dtype_, [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      T* out = y->data<T>();
      for (int64_t i = 0; i < n; ++i) {
        const double phase = denom > 0 ? 2.0 * M_PI * static_cast<double>(i) / denom : 0.0;
        out[i] = static_cast<T>(a_[0] + a_[1] * std::cos(phase) + a_[2] * std::cos(2 * phase));
      }
      return Status::Ok();
    });
  }

 private:
  bool periodic_;
  std::array<double, 3> a_{};
  DataType dtype_ = DataType::kFloat32;
};

}  // namespace

void RegisterGeneratorOps(OpRegistry& r) {
  r.Register("ConstantOfShape", 9, Factory<ConstantOfShapeKernel>());
  r.Register("Range", 11, Factory<RangeKernel>());
  r.Register("EyeLike", 9, Factory<EyeLikeKernel>());
  r.Register("OneHot", 9, Factory<OneHotKernel>());
  r.Register("Trilu", 14, Factory<TriluKernel>());
  r.Register("HannWindow", 17, Factory<WindowKernel>());
  r.Register("HammingWindow", 17, Factory<WindowKernel>());
  r.Register("BlackmanWindow", 17, Factory<WindowKernel>());
}

}  // namespace voxface::nn::core
