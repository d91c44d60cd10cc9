// SPDX-License-Identifier: Apache-2.0
// NonZero (data-dependent output shape), CumSum and TopK.
#include <algorithm>
#include <numeric>

#include "nn/ops/core_util.h"
#include "nn/ops/shape_internal.h"

namespace voxface::nn::core {
namespace {

class NonZeroKernel final : public CoreKernel {
 public:
  using CoreKernel::CoreKernel;

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    std::vector<int64_t> hits;
    VF_RETURN_IF_ERROR(DispatchAll(x->dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      const T* p = x->data<T>();
      for (int64_t i = 0; i < x->size(); ++i) {
        if (p[i] != T(0)) hits.push_back(i);
      }
      return Status::Ok();
    }));
    const int rank = x->rank();
    const int64_t n = static_cast<int64_t>(hits.size());
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, DataType::kInt64, {rank, n}));
    const std::vector<int64_t> strides = StridesOf(x->shape());
    int64_t* out = y->data<int64_t>();
    for (int64_t j = 0; j < n; ++j) {
      int64_t rem = hits[j];
      for (int d = 0; d < rank; ++d) {
        out[d * n + j] = rem / strides[d];
        rem %= strides[d];
      }
    }
    return Status::Ok();
  }
};

class CumSumKernel final : public CoreKernel {
 public:
  explicit CumSumKernel(const NodeInfo& node)
      : CoreKernel(node),
        node_(node),
        exclusive_(node.attrs.GetInt("exclusive", 0) != 0),
        reverse_(node.attrs.GetInt("reverse", 0) != 0) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    VF_ASSIGN_OR_RETURN(const Tensor* a, In(ctx, 1));
    VF_ASSIGN_OR_RETURN(std::vector<int64_t> av, IntValues(*a, "axis"));
    if (av.size() != 1) return Fail("axis must be a scalar");
    VF_ASSIGN_OR_RETURN(int axis, NormalizeAxis(av[0], x->rank(), node_));
    VF_ASSIGN_OR_RETURN(Tensor * y, Out(ctx, 0, x->dtype(), x->shape()));
    int64_t outer = 1;
    for (int d = 0; d < axis; ++d) outer *= x->dim(d);
    int64_t inner = 1;
    for (int d = axis + 1; d < x->rank(); ++d) inner *= x->dim(d);
    const int64_t n = x->dim(axis);
    return DispatchNumeric(x->dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      const T* in = x->data<T>();
      T* out = y->data<T>();
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t i = 0; i < inner; ++i) {
          T sum = T(0);
          for (int64_t s = 0; s < n; ++s) {
            const int64_t j = reverse_ ? n - 1 - s : s;
            const int64_t at = (o * n + j) * inner + i;
            if (exclusive_) {
              out[at] = sum;
              sum = static_cast<T>(sum + in[at]);
            } else {
              sum = static_cast<T>(sum + in[at]);
              out[at] = sum;
            }
          }
        }
      }
      return Status::Ok();
    });
  }

 private:
  NodeInfo node_;
  bool exclusive_, reverse_;
};

// TopK: ties go to the lower index, as the spec requires; results are always sorted.
class TopKKernel final : public CoreKernel {
 public:
  explicit TopKKernel(const NodeInfo& node)
      : CoreKernel(node),
        node_(node),
        axis_(node.attrs.GetInt("axis", -1)),
        largest_(node.attrs.GetInt("largest", 1) != 0),
        attr_k_(node.attrs.GetInt("k", -1)) {}

  Status Run(KernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    int64_t k = attr_k_;
    if (opset() >= 10) {
      VF_ASSIGN_OR_RETURN(const Tensor* kt, In(ctx, 1));
      VF_ASSIGN_OR_RETURN(std::vector<int64_t> kv, IntValues(*kt, "K"));
      if (kv.size() != 1) return Fail("K must hold one value");
      k = kv[0];
    }
    VF_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, x->rank(), node_));
    const int64_t n = x->dim(axis);
    if (k < 0 || k > n) {
      return Fail("K = " + std::to_string(k) + " is outside [0, " + std::to_string(n) + "]");
    }
    Shape out_shape = x->shape();
    out_shape[axis] = k;
    int64_t outer = 1;
    for (int d = 0; d < axis; ++d) outer *= x->dim(d);
    int64_t inner = 1;
    for (int d = axis + 1; d < x->rank(); ++d) inner *= x->dim(d);
    return DispatchNumeric(x->dtype(), [&](auto tag) -> Status {
      using T = typename decltype(tag)::type;
      VF_ASSIGN_OR_RETURN(Tensor * values, Out(ctx, 0, x->dtype(), out_shape));
      VF_ASSIGN_OR_RETURN(Tensor * indices, Out(ctx, 1, DataType::kInt64, out_shape));
      const T* in = x->data<T>();
      T* vo = values->data<T>();
      int64_t* io = indices->data<int64_t>();
      std::vector<int64_t> order(n);
      const bool largest = largest_;
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t i = 0; i < inner; ++i) {
          const T* base = in + o * n * inner + i;
          std::iota(order.begin(), order.end(), int64_t{0});
          std::partial_sort(order.begin(), order.begin() + k, order.end(),
                            [&](int64_t a, int64_t b) {
                              T va = base[a * inner], vb = base[b * inner];
                              if (va != vb) return largest ? va > vb : va < vb;
                              return a < b;
                            });
          for (int64_t j = 0; j < k; ++j) {
            const int64_t at = (o * k + j) * inner + i;
            vo[at] = base[order[j] * inner];
            io[at] = order[j];
          }
        }
      }
      return Status::Ok();
    });
  }

 private:
  NodeInfo node_;
  int64_t axis_;
  bool largest_;
  int64_t attr_k_;
};

}  // namespace

void RegisterIndexOps(OpRegistry& r) {
  r.Register("NonZero", 9, Factory<NonZeroKernel>());
  r.Register("CumSum", 11, Factory<CumSumKernel>());
  r.Register("TopK", 1, Factory<TopKKernel>());
}

}  // namespace voxface::nn::core
