// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the CPU compute kernels: a base class that remembers which node a kernel
// belongs to (every error names it), typed input checks, and a threading policy that only pays
// for the pool when a loop is big enough to amortise the hand-off.
#ifndef VOXFACE_SRC_NN_OPS_OP_UTIL_H_
#define VOXFACE_SRC_NN_OPS_OP_UTIL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nn/kernel.h"
#include "nn/tensor.h"
#include "voxface/status.h"

namespace voxface::nn {

// A kernel that knows its node. Subclasses parse attributes in Init() (called by the factory
// that MakeFactory builds), so that bad attributes fail at load time, not on the first run.
class NodeKernel : public OpKernel {
 public:
  explicit NodeKernel(const NodeInfo& node) : desc_(node.Describe()) {}
  const std::string& desc() const { return desc_; }

 protected:
  // InvalidArgument "<node>: <message>".
  Status Error(const std::string& message) const;
  Status Unsupported(const std::string& message) const;

  // Input `index` as a host float32 tensor; error naming `what` when absent or not float32.
  Result<const Tensor*> FloatInput(const KernelContext& ctx, int index, const char* what) const;
  // nullptr when the optional input is absent; error when present with another type.
  Result<const Tensor*> OptionalFloatInput(const KernelContext& ctx, int index,
                                           const char* what) const;
  // Input `index` present and on the host, any type.
  Result<const Tensor*> AnyInput(const KernelContext& ctx, int index, const char* what) const;
  // Output `index`; error when the executor has no tensor for a required output.
  Result<Tensor*> RequiredOutput(KernelContext& ctx, int index, DataType type,
                                 const Shape& shape) const;

 private:
  std::string desc_;
};

// "<node>: <message>" as InvalidArgument, for factories that have no kernel yet.
Status NodeError(const NodeInfo& node, const std::string& message);

// A factory that constructs K(node) and calls its `Status Init(const NodeInfo&)`.
template <typename K>
KernelFactory MakeFactory() {
  return [](const NodeInfo& node) -> Result<std::unique_ptr<OpKernel>> {
    auto kernel = std::make_unique<K>(node);
    VF_RETURN_IF_ERROR(kernel->Init(node));
    return std::unique_ptr<OpKernel>(std::move(kernel));
  };
}

// Runs fn over [0, n). `cost` is a rough count of scalar operations per item. Chunks get at
// least ~64k operations and a loop of fewer than two such chunks stays on the calling thread:
// waking a worker costs a few microseconds.
void ParallelFor(KernelContext& ctx, int64_t n, double cost,
                 const std::function<void(int64_t, int64_t)>& fn);

// "[1, 2, 3]" for error messages.
std::string IntsToString(const std::vector<int64_t>& values);

// Case-insensitive ASCII comparison (activation names, modes).
bool EqualsIgnoreCase(const std::string& a, const std::string& b);

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_OPS_OP_UTIL_H_
