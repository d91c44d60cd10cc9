// SPDX-License-Identifier: Apache-2.0
// What a CUDA kernel sees of a run. Inputs and outputs live in device memory and every launch
// goes to the run's stream, so a run is one ordered queue of work with no host waits between
// nodes. Inputs that parameterise an op (Reshape's shape, Slice's starts, Clip's bounds) are read
// on the host through HostInput: in exported models they are constants or shape arithmetic, which
// the session evaluates on the host once per input-shape signature, so reading them costs
// nothing; only a value computed on the device makes HostInput wait for the stream.
#ifndef VOXFACE_SRC_NN_CUDA_CUDA_KERNEL_H_
#define VOXFACE_SRC_NN_CUDA_CUDA_KERNEL_H_

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <string>
#include <vector>

#include "nn/cuda/cuda_util.h"
#include "nn/kernel.h"

namespace voxface::nn::cuda {

class CudaKernelContext : public KernelContext {
 public:
  Device device() const override { return Device::kCuda; }
  void* stream() const override { return cuda_stream(); }
  virtual cudaStream_t cuda_stream() const = 0;
  // The run's cuBLAS handle, already bound to cuda_stream().
  virtual cublasHandle_t cublas() const = 0;
  // Input `index` in host memory (nullptr when absent). See the file comment for the cost.
  virtual Result<const Tensor*> HostInput(int index) = 0;
};

// Base of every CUDA kernel: keeps the node's description for errors and hands Run a CUDA
// context (a CUDA kernel never runs anywhere else).
class CudaOpKernel : public OpKernel {
 public:
  explicit CudaOpKernel(const NodeInfo& node) : desc_(node.Describe()), opset_(node.opset) {}

  Status Run(KernelContext& ctx) const final {
    auto* cuda = dynamic_cast<CudaKernelContext*>(&ctx);
    if (cuda == nullptr)
      return Status::Internal(desc_ + ": CUDA kernel run without a CUDA context");
    return RunCuda(*cuda);
  }
  virtual Status RunCuda(CudaKernelContext& ctx) const = 0;

 protected:
  Status Fail(const std::string& message) const {
    return Status::InvalidArgument(desc_ + ": " + message);
  }
  Status NotSupported(const std::string& message) const {
    return Status::Unsupported(desc_ + ": " + message + " (not supported by the CUDA backend)");
  }
  // Required input `index`.
  Result<const Tensor*> In(const KernelContext& ctx, int index) const {
    const Tensor* t = ctx.input(index);
    if (t == nullptr) return Fail("input " + std::to_string(index) + " is required");
    return t;
  }
  Result<Tensor*> Out(KernelContext& ctx, int index, DataType type, const Shape& shape) const {
    Tensor* t = ctx.Output(index, type, shape);
    if (t == nullptr) return Fail("output " + std::to_string(index) + " is required");
    return t;
  }
  // Integer values of a host input (shape, axes, starts...), or `fallback` when absent.
  Result<std::vector<int64_t>> HostInts(CudaKernelContext& ctx, int index, const char* what) const;
  // A scalar of a host input as double; `present` false when the input is absent.
  Result<double> HostScalar(CudaKernelContext& ctx, int index, const char* what,
                            bool* present) const;
  // Ok, or the launch error of the last kernel, named after this node.
  Status Launched(const char* what) const {
    Status s = CudaCheck(cudaGetLastError(), what);
    return s.ok() ? s : Status(s.code(), desc_ + ": " + s.message());
  }
  Status Checked(Status s) const {
    return s.ok() ? s : Status(s.code(), desc_ + ": " + s.message());
  }
  int opset() const { return opset_; }
  const std::string& desc() const { return desc_; }

 private:
  std::string desc_;
  int opset_;
};

// Builds K(node), runs K::Init(node) so attribute errors surface at load time.
template <typename K>
KernelFactory CudaFactory() {
  return [](const NodeInfo& node) -> Result<std::unique_ptr<OpKernel>> {
    auto kernel = std::make_unique<K>(node);
    VF_RETURN_IF_ERROR(kernel->Init(node));
    return std::unique_ptr<OpKernel>(std::move(kernel));
  };
}

// Registration, one function per file (ops_*.cc); RegisterCudaOps calls them all.
void RegisterCudaElementwiseOps(OpRegistry& registry);
void RegisterCudaMovementOps(OpRegistry& registry);
void RegisterCudaIndexOps(OpRegistry& registry);
void RegisterCudaComputeOps(OpRegistry& registry);
void RegisterCudaNormOps(OpRegistry& registry);
void RegisterCudaRnnOps(OpRegistry& registry);
void RegisterCudaHostOps(OpRegistry& registry);

}  // namespace voxface::nn::cuda

namespace voxface::nn {
// Registers every CUDA kernel under Device::kCuda (called by OpRegistry::Default()).
void RegisterCudaOps(OpRegistry& registry);
}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_CUDA_CUDA_KERNEL_H_
