// SPDX-License-Identifier: Apache-2.0
#include "nn/ops/core_util.h"

#include "nn/thread_pool.h"

namespace voxface::nn::core {

Result<const Tensor*> CoreKernel::In(const KernelContext& ctx, int index) const {
  const Tensor* t = ctx.input(index);
  if (t == nullptr) return Fail("input " + std::to_string(index) + " is required");
  return t;
}

Result<Tensor*> CoreKernel::Out(KernelContext& ctx, int index, DataType type,
                                const Shape& shape) const {
  Tensor* t = ctx.Output(index, type, shape);
  if (t == nullptr) return Fail("output " + std::to_string(index) + " is required");
  return t;
}

Status NodeFail(const NodeInfo& node, const std::string& message) {
  return Status::InvalidArgument(node.Describe() + ": " + message);
}

Status UnsupportedType(DataType type, const char* what) {
  return Status::Unsupported("element type " + std::string(DataTypeName(type)) +
                             " is not supported here (needs " + what + ")");
}

void ParallelRange(KernelContext& ctx, int64_t n, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  ThreadPool& pool = ctx.pool();
  if (n < kParallelThreshold || pool.num_threads() <= 1) {
    fn(0, n);
    return;
  }
  pool.ParallelFor(n, kParallelThreshold / 2, fn);
}

Result<Broadcast> MakeBroadcast(const std::vector<const Shape*>& shapes) {
  Broadcast bc;
  bc.num_inputs = static_cast<int>(shapes.size());
  if (bc.num_inputs < 1 || bc.num_inputs > kMaxBroadcastInputs) {
    return Status::Internal("MakeBroadcast takes 1 to 3 shapes");
  }
  Shape out = *shapes[0];
  for (int k = 1; k < bc.num_inputs; ++k) {
    VF_ASSIGN_OR_RETURN(out, BroadcastShapes(out, *shapes[k]));
  }
  bc.out_shape = out;
  bc.out_size = NumElements(out);
  const size_t rank = out.size();
  // Per output dimension (size > 1 only): which inputs broadcast along it.
  std::vector<int64_t> sizes;
  std::vector<std::array<bool, kMaxBroadcastInputs>> flags;
  for (size_t d = 0; d < rank; ++d) {
    if (out[d] == 1) continue;
    std::array<bool, kMaxBroadcastInputs> f{};
    for (int k = 0; k < bc.num_inputs; ++k) {
      const Shape& s = *shapes[k];
      size_t offset = rank - s.size();
      f[k] = d < offset || s[d - offset] == 1;
    }
    if (!sizes.empty() && flags.back() == f) {
      sizes.back() *= out[d];  // same pattern as the previous dimension: merge
    } else {
      sizes.push_back(out[d]);
      flags.push_back(f);
    }
  }
  if (sizes.empty()) {
    sizes.push_back(1);
    flags.push_back({});
  }
  bc.dims = sizes;
  for (int k = 0; k < bc.num_inputs; ++k) {
    std::vector<int64_t>& st = bc.strides[k];
    st.assign(sizes.size(), 0);
    int64_t running = 1;
    for (size_t d = sizes.size(); d-- > 0;) {
      if (flags[d][k]) continue;
      st[d] = running;
      running *= sizes[d];
    }
  }
  return bc;
}

Result<std::vector<int64_t>> IntValues(const Tensor& t, const char* what) {
  if (t.dtype() != DataType::kInt64 && t.dtype() != DataType::kInt32) {
    return Status::InvalidArgument(std::string(what) + " must be int64 or int32, got " +
                                   std::string(DataTypeName(t.dtype())));
  }
  return t.ToInt64Vector();
}

Result<double> ScalarValue(const Tensor& t, const char* what) {
  if (t.size() != 1) {
    return Status::InvalidArgument(std::string(what) + " must hold one value, got shape " +
                                   ShapeToString(t.shape()));
  }
  switch (t.dtype()) {
    case DataType::kFloat32:
      return static_cast<double>(t.data<float>()[0]);
    case DataType::kDouble:
      return t.data<double>()[0];
    case DataType::kInt64:
      return static_cast<double>(t.data<int64_t>()[0]);
    case DataType::kInt32:
      return static_cast<double>(t.data<int32_t>()[0]);
    case DataType::kInt8:
      return static_cast<double>(t.data<int8_t>()[0]);
    case DataType::kUint8:
      return static_cast<double>(t.data<uint8_t>()[0]);
    case DataType::kBool:
      return t.data<bool>()[0] ? 1.0 : 0.0;
    default:
      return Status::Unsupported(std::string(what) + " has unsupported type " +
                                 std::string(DataTypeName(t.dtype())));
  }
}

std::vector<int64_t> StridesOf(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;) strides[d - 1] = strides[d] * shape[d];
  return strides;
}

}  // namespace voxface::nn::core
