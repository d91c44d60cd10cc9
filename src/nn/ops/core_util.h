// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the core CPU kernels (element-wise and shape ops): a kernel base that knows
// its node, type dispatch over the runtime's element types, numpy broadcasting with collapsed
// dimensions, and a parallel loop that stays on the calling thread for small tensors. Lives in
// nn::core so it never collides with the compute kernels' helpers (op_util.h).
#ifndef VOXFACE_SRC_NN_OPS_CORE_UTIL_H_
#define VOXFACE_SRC_NN_OPS_CORE_UTIL_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nn/kernel.h"
#include "nn/tensor.h"
#include "voxface/status.h"

namespace voxface::nn::core {

// A kernel that remembers its node, so errors name it, and the opset it was created for.
class CoreKernel : public OpKernel {
 public:
  explicit CoreKernel(const NodeInfo& node) : desc_(node.Describe()), opset_(node.opset) {}
  Status Init(const NodeInfo&) { return Status::Ok(); }

 protected:
  Status Fail(const std::string& message) const {
    return Status::InvalidArgument(desc_ + ": " + message);
  }
  Status NotSupported(const std::string& message) const {
    return Status::Unsupported(desc_ + ": " + message);
  }
  // Input `index`, required.
  Result<const Tensor*> In(const KernelContext& ctx, int index) const;
  // Output `index`, required by the node.
  Result<Tensor*> Out(KernelContext& ctx, int index, DataType type, const Shape& shape) const;
  int opset() const { return opset_; }

 private:
  std::string desc_;
  int opset_;
};

// Builds K(node) and runs K::Init(node), so attribute errors surface at load time.
template <typename K>
KernelFactory Factory() {
  return [](const NodeInfo& node) -> Result<std::unique_ptr<OpKernel>> {
    auto kernel = std::make_unique<K>(node);
    VF_RETURN_IF_ERROR(kernel->Init(node));
    return std::unique_ptr<OpKernel>(std::move(kernel));
  };
}

// A "<node>: message" InvalidArgument for factories.
Status NodeFail(const NodeInfo& node, const std::string& message);

// ---- type dispatch ----

template <typename T>
struct Tag {
  using type = T;
};

Status UnsupportedType(DataType type, const char* what);

// Calls f(Tag<T>{}) with the C++ type of `type` when it is one of Types.
template <typename... Types, typename F>
Status DispatchTypes(DataType type, const char* what, F&& f) {
  Status result = UnsupportedType(type, what);
  ((DataTypeOf<Types>() == type ? (result = f(Tag<Types>{}), 0) : 0), ...);
  return result;
}
template <typename F>
Status DispatchFloat(DataType type, F&& f) {
  return DispatchTypes<float, double>(type, "floating-point", f);
}
template <typename F>
Status DispatchNumeric(DataType type, F&& f) {
  return DispatchTypes<float, double, int64_t, int32_t, int8_t, uint8_t>(type, "numeric", f);
}
template <typename F>
Status DispatchAll(DataType type, F&& f) {
  return DispatchTypes<float, double, int64_t, int32_t, int8_t, uint8_t, bool>(type, "any", f);
}
// By element size only, for kernels that move bytes (shape ops).
template <typename F>
Status DispatchBySize(DataType type, F&& f) {
  switch (ElementSize(type)) {
    case 1:
      return f(Tag<uint8_t>{});
    case 2:
      return f(Tag<uint16_t>{});
    case 4:
      return f(Tag<uint32_t>{});
    default:
      return f(Tag<uint64_t>{});
  }
}

// ---- parallel loops ----

// Elements below which a loop stays on the calling thread (waking workers costs more).
inline constexpr int64_t kParallelThreshold = 1 << 15;
void ParallelRange(KernelContext& ctx, int64_t n, const std::function<void(int64_t, int64_t)>& fn);

// ---- broadcasting ----

inline constexpr int kMaxBroadcastInputs = 3;

// Numpy broadcasting of up to three inputs, with adjacent dimensions merged where every input
// treats them alike, so loops run over long contiguous rows.
struct Broadcast {
  Shape out_shape;
  int64_t out_size = 0;
  int num_inputs = 0;
  std::vector<int64_t> dims;  // collapsed, at least one
  std::array<std::vector<int64_t>, kMaxBroadcastInputs> strides;

  // Calls f(out_offset, in_offsets, count, inner_strides) over the contiguous runs of output
  // elements in [begin, end); in_offsets and inner_strides hold one entry per input.
  template <typename F>
  void ForRange(int64_t begin, int64_t end, F&& f) const;
};

Result<Broadcast> MakeBroadcast(const std::vector<const Shape*>& shapes);

template <typename F>
void Broadcast::ForRange(int64_t begin, int64_t end, F&& f) const {
  const int nd = static_cast<int>(dims.size());
  const int64_t inner = dims[nd - 1];
  std::array<int64_t, kMaxBroadcastInputs> offsets{};
  std::array<int64_t, kMaxBroadcastInputs> inner_strides{};
  for (int k = 0; k < num_inputs; ++k) inner_strides[k] = strides[k][nd - 1];
  int64_t pos = begin;
  while (pos < end) {
    int64_t row = pos / inner;
    int64_t col = pos - row * inner;
    for (int k = 0; k < num_inputs; ++k) offsets[k] = col * inner_strides[k];
    for (int d = nd - 2; d >= 0 && row > 0; --d) {
      int64_t idx = row % dims[d];
      row /= dims[d];
      for (int k = 0; k < num_inputs; ++k) offsets[k] += idx * strides[k][d];
    }
    int64_t count = std::min(inner - col, end - pos);
    f(pos, offsets.data(), count, inner_strides.data());
    pos += count;
  }
}

// out[i] = op(a[.], b[.]) over a broadcast of two inputs. `out` may alias `a` when a has the
// output's shape (accumulating variadic ops).
template <typename A, typename B, typename O, typename Op>
void BinaryLoop(KernelContext& ctx, const Broadcast& bc, const A* a, const B* b, O* out, Op op) {
  ParallelRange(ctx, bc.out_size, [&](int64_t begin, int64_t end) {
    bc.ForRange(begin, end, [&](int64_t o, const int64_t* in, int64_t n, const int64_t* st) {
      const A* pa = a + in[0];
      const B* pb = b + in[1];
      O* po = out + o;
      if (st[0] == 1 && st[1] == 1) {
        for (int64_t i = 0; i < n; ++i) po[i] = op(pa[i], pb[i]);
      } else if (st[0] == 0 && st[1] == 1) {
        const A x = *pa;
        for (int64_t i = 0; i < n; ++i) po[i] = op(x, pb[i]);
      } else if (st[0] == 1 && st[1] == 0) {
        const B y = *pb;
        for (int64_t i = 0; i < n; ++i) po[i] = op(pa[i], y);
      } else {
        const O v = op(*pa, *pb);
        for (int64_t i = 0; i < n; ++i) po[i] = v;
      }
    });
  });
}

// out[i] = op(in[i]).
template <typename I, typename O, typename Op>
void UnaryLoop(KernelContext& ctx, const I* in, O* out, int64_t n, Op op) {
  ParallelRange(ctx, n, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) out[i] = op(in[i]);
  });
}

// ---- shape helpers ----

// The values of an int64/int32 input (shape, axes, pads...); error when it is another type.
Result<std::vector<int64_t>> IntValues(const Tensor& t, const char* what);
// A scalar (or one-element) input as double, for Range, Clip bounds, Pad values...
Result<double> ScalarValue(const Tensor& t, const char* what);
// Row-major strides of `shape` in elements.
std::vector<int64_t> StridesOf(const Shape& shape);

}  // namespace voxface::nn::core

#endif  // VOXFACE_SRC_NN_OPS_CORE_UTIL_H_
