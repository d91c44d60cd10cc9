// SPDX-License-Identifier: Apache-2.0
#include "nn/ops/op_util.h"

#include <algorithm>
#include <cctype>

namespace voxface::nn {

Status NodeKernel::Error(const std::string& message) const {
  return Status::InvalidArgument(desc_ + ": " + message);
}

Status NodeKernel::Unsupported(const std::string& message) const {
  return Status::Unsupported(desc_ + ": " + message);
}

Result<const Tensor*> NodeKernel::AnyInput(const KernelContext& ctx, int index,
                                           const char* what) const {
  const Tensor* t = ctx.input(index);
  if (t == nullptr) return Error(std::string("input ") + what + " is missing");
  if (t->device() != Device::kHost) {
    return Error(std::string("input ") + what + " is not in host memory");
  }
  return t;
}

Result<const Tensor*> NodeKernel::FloatInput(const KernelContext& ctx, int index,
                                             const char* what) const {
  VF_ASSIGN_OR_RETURN(const Tensor* t, AnyInput(ctx, index, what));
  if (t->dtype() != DataType::kFloat32) {
    return Unsupported(std::string("input ") + what + " is " +
                       std::string(DataTypeName(t->dtype())) + ", only float32 is supported");
  }
  return t;
}

Result<const Tensor*> NodeKernel::OptionalFloatInput(const KernelContext& ctx, int index,
                                                     const char* what) const {
  if (ctx.input(index) == nullptr) return static_cast<const Tensor*>(nullptr);
  return FloatInput(ctx, index, what);
}

Result<Tensor*> NodeKernel::RequiredOutput(KernelContext& ctx, int index, DataType type,
                                           const Shape& shape) const {
  Tensor* t = ctx.Output(index, type, shape);
  if (t == nullptr) return Error("output " + std::to_string(index) + " is required but absent");
  return t;
}

Status NodeError(const NodeInfo& node, const std::string& message) {
  return Status::InvalidArgument(node.Describe() + ": " + message);
}

void ParallelFor(KernelContext& ctx, int64_t n, double cost,
                 const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  constexpr double kMinWorkPerChunk = 65536.0;
  ThreadPool& pool = ctx.pool();
  if (pool.num_threads() <= 1 || n == 1 || static_cast<double>(n) * cost < 2 * kMinWorkPerChunk) {
    fn(0, n);
    return;
  }
  const int64_t grain =
      std::max<int64_t>(1, static_cast<int64_t>(kMinWorkPerChunk / std::max(cost, 1.0)));
  pool.ParallelFor(n, grain, fn);
}

std::string IntsToString(const std::vector<int64_t>& values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(values[i]);
  }
  return s + "]";
}

bool EqualsIgnoreCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace voxface::nn
