// SPDX-License-Identifier: Apache-2.0
// CUDA ops that reuse the CPU kernels' logic on the host:
//  - view ops (Reshape, Flatten, Squeeze, Unsqueeze, Identity): the CPU kernel works out the new
//    shape from the input's shape and its host parameters and asks for a view, which the CUDA
//    executor makes of the device tensor; no byte is touched;
//  - Shape and Size of a value whose shape depends on data: computed from the shape, uploaded;
//  - ops whose output shape depends on the data (NonZero, Compress, Unique): the inputs are read
//    back (the run waits for the stream here, the one documented sync), the CPU kernel runs and
//    its outputs are uploaded. In exported models these ops usually act on shape arithmetic,
//    which the session evaluates on the host once per signature and never reaches this path.
// Also Dropout (inference) and RegisterCudaOps.
#include "nn/cuda/cuda_kernel.h"
#include "nn/cuda/launch.h"

namespace voxface::nn::cuda {
namespace {

// What the CPU kernel sees: input 0 as the device tensor (shape only) or a host copy, other
// inputs as host tensors; outputs in host memory (`host_outputs`) or device views.
class HostAdapterContext final : public KernelContext {
 public:
  HostAdapterContext(CudaKernelContext& cuda, std::vector<const Tensor*> inputs, bool views_only,
                     const std::vector<bool>& present)
      : cuda_(cuda),
        inputs_(std::move(inputs)),
        views_only_(views_only),
        present_(present),
        outputs_(cuda.num_outputs()) {}

  int num_inputs() const override { return static_cast<int>(inputs_.size()); }
  const Tensor* input(int index) const override {
    return index >= 0 && index < num_inputs() ? inputs_[index] : nullptr;
  }
  int num_outputs() const override { return cuda_.num_outputs(); }
  Tensor* Output(int index, DataType type, const Shape& shape) override {
    if (views_only_ || index < 0 || index >= num_outputs()) return nullptr;
    if (index < static_cast<int>(present_.size()) && !present_[index]) return nullptr;
    outputs_[index] = Tensor::Zeros(type, shape);
    return &outputs_[index];
  }
  Tensor* OutputView(int index, int input_index, const Shape& shape) override {
    if (views_only_) return cuda_.OutputView(index, input_index, shape);
    return KernelContext::OutputView(index, input_index, shape);
  }
  void* Scratch(size_t bytes) override {
    scratch_.push_back(Tensor::Zeros(DataType::kUint8, {static_cast<int64_t>(bytes)}));
    return scratch_.back().raw();
  }
  ThreadPool& pool() override { return cuda_.pool(); }

  std::vector<Tensor>& outputs() { return outputs_; }

 private:
  CudaKernelContext& cuda_;
  std::vector<const Tensor*> inputs_;
  bool views_only_;
  const std::vector<bool>& present_;
  std::vector<Tensor> outputs_;
  std::vector<Tensor> scratch_;
};

enum class HostMode {
  kView,       // input 0 stays on the device; the kernel only makes views of it
  kShapeOnly,  // inputs are read for their shape only; outputs are uploaded
  kReadBack,   // inputs are copied to the host (waits for the stream); outputs are uploaded
};

class HostKernel final : public CudaOpKernel {
 public:
  HostKernel(const NodeInfo& node, std::unique_ptr<OpKernel> host, HostMode mode)
      : CudaOpKernel(node),
        host_(std::move(host)),
        mode_(mode),
        output_present_(node.output_present) {}

  Status RunCuda(CudaKernelContext& ctx) const override {
    static uint8_t sentinel;
    std::vector<Tensor> meta(ctx.num_inputs());
    std::vector<const Tensor*> inputs(ctx.num_inputs(), nullptr);
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      const Tensor* d = ctx.input(i);
      if (d == nullptr) continue;
      if ((mode_ == HostMode::kView && i == 0) || mode_ == HostMode::kShapeOnly) {
        // Shape and type only: the bytes stay on the device and are never read here.
        meta[i] = mode_ == HostMode::kView
                      ? *d
                      : Tensor::Borrow(d->dtype(), d->shape(), &sentinel, Device::kCuda);
        inputs[i] = &meta[i];
      } else {
        VF_ASSIGN_OR_RETURN(inputs[i], ctx.HostInput(i));
      }
    }
    HostAdapterContext host_ctx(ctx, inputs, mode_ == HostMode::kView, output_present_);
    VF_RETURN_IF_ERROR(host_->Run(host_ctx));
    if (mode_ == HostMode::kView) return Status::Ok();
    for (int i = 0; i < ctx.num_outputs(); ++i) {
      const Tensor& h = host_ctx.outputs()[i];
      if (h.raw() == nullptr && h.size() != 0) continue;  // not produced (absent output)
      Tensor* d = ctx.Output(i, h.dtype(), h.shape());
      if (d == nullptr) continue;
      if (h.bytes() > 0) {
        // Pageable host memory: the copy is staged before this call returns.
        VF_RETURN_IF_ERROR(
            Checked(CudaCheck(cudaMemcpyAsync(d->raw(), h.raw(), h.bytes(), cudaMemcpyHostToDevice,
                                              ctx.cuda_stream()),
                              "cudaMemcpyAsync uploading a host result")));
      }
    }
    return Status::Ok();
  }

 private:
  std::unique_ptr<OpKernel> host_;
  HostMode mode_;
  std::vector<bool> output_present_;
};

KernelFactory HostFactory(HostMode mode) {
  return [mode](const NodeInfo& node) -> Result<std::unique_ptr<OpKernel>> {
    const KernelFactory* host =
        OpRegistry::Default().Find(node.op_type, node.opset, Device::kHost, node.domain);
    if (host == nullptr) {
      return Status::Unsupported(node.Describe() + ": no CPU kernel at opset " +
                                 std::to_string(node.opset));
    }
    VF_ASSIGN_OR_RETURN(std::unique_ptr<OpKernel> kernel, (*host)(node));
    return std::unique_ptr<OpKernel>(std::make_unique<HostKernel>(node, std::move(kernel), mode));
  };
}

class DropoutKernel final : public CudaOpKernel {
 public:
  explicit DropoutKernel(const NodeInfo& node)
      : CudaOpKernel(node), ratio_(node.attrs.GetFloat("ratio", 0.5f)) {}
  Status Init(const NodeInfo&) { return Status::Ok(); }

  Status RunCuda(CudaKernelContext& ctx) const override {
    VF_ASSIGN_OR_RETURN(const Tensor* x, In(ctx, 0));
    if (opset() >= 12 && ctx.input(2) != nullptr) {
      bool present = false;
      VF_ASSIGN_OR_RETURN(double training, HostScalar(ctx, 2, "training_mode", &present));
      double ratio = ratio_;
      if (ctx.input(1) != nullptr) {
        VF_ASSIGN_OR_RETURN(ratio, HostScalar(ctx, 1, "ratio", &present));
      }
      if (training != 0.0 && ratio != 0.0) {
        return NotSupported("training mode (random dropout); export the model in eval mode");
      }
    }
    if (ctx.OutputView(0, 0, x->shape()) == nullptr) return Fail("output 0 is required");
    if (Tensor* mask = ctx.Output(1, DataType::kBool, x->shape())) {
      return Checked(
          CudaCheck(LaunchFill(mask->raw(), mask->size(), 1, 1, ctx.cuda_stream()), "fill kernel"));
    }
    return Status::Ok();
  }

 private:
  float ratio_;
};

}  // namespace

void RegisterCudaHostOps(OpRegistry& r) {
  constexpr Device kCuda = Device::kCuda;
  for (const char* op : {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity"}) {
    r.Register(op, 1, HostFactory(HostMode::kView), kCuda);
  }
  // Constant nodes become constants at load; registered so the op check accepts them.
  r.Register("Constant", 1, HostFactory(HostMode::kShapeOnly), kCuda);
  r.Register("Shape", 1, HostFactory(HostMode::kShapeOnly), kCuda);
  r.Register("Size", 1, HostFactory(HostMode::kShapeOnly), kCuda);
  r.Register("NonZero", 9, HostFactory(HostMode::kReadBack), kCuda);
  r.Register("Compress", 9, HostFactory(HostMode::kReadBack), kCuda);
  r.Register("Unique", 11, HostFactory(HostMode::kReadBack), kCuda);
  r.Register("Dropout", 7, CudaFactory<DropoutKernel>(), kCuda);
}

}  // namespace voxface::nn::cuda

namespace voxface::nn {

void RegisterCudaOps(OpRegistry& registry) {
  cuda::RegisterCudaElementwiseOps(registry);
  cuda::RegisterCudaMovementOps(registry);
  cuda::RegisterCudaIndexOps(registry);
  cuda::RegisterCudaComputeOps(registry);
  cuda::RegisterCudaNormOps(registry);
  cuda::RegisterCudaRnnOps(registry);
  cuda::RegisterCudaHostOps(registry);
}

}  // namespace voxface::nn
