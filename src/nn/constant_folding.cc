// SPDX-License-Identifier: Apache-2.0
#include "nn/constant_folding.h"

#include <cstdlib>
#include <memory>

namespace voxface::nn {
namespace {

class FoldContext final : public KernelContext {
 public:
  FoldContext(const NodeInfo& node, const std::vector<const Tensor*>& inputs, ThreadPool& pool)
      : node_(node), inputs_(inputs), outputs_(node.num_outputs), pool_(pool) {}

  int num_inputs() const override { return static_cast<int>(inputs_.size()); }
  const Tensor* input(int index) const override {
    return index >= 0 && index < num_inputs() ? inputs_[index] : nullptr;
  }
  int num_outputs() const override { return node_.num_outputs; }
  Tensor* Output(int index, DataType type, const Shape& shape) override {
    if (!Present(index)) return nullptr;
    outputs_[index] = Tensor::Zeros(type, shape);
    return &outputs_[index];
  }
  Tensor* OutputView(int index, int input_index, const Shape& shape) override {
    const Tensor* in = input(input_index);
    if (!Present(index) || in == nullptr || NumElements(shape) != in->size()) {
      return KernelContext::OutputView(index, input_index, shape);
    }
    // Constants are never written, so sharing their bytes is always safe.
    outputs_[index] = in->Reshaped(shape);
    return &outputs_[index];
  }
  void* Scratch(size_t bytes) override {
    scratch_.push_back(Tensor::Zeros(DataType::kUint8, {static_cast<int64_t>(bytes)}));
    return scratch_.back().raw();
  }
  ThreadPool& pool() override { return pool_; }

  std::vector<Tensor> TakeOutputs() { return std::move(outputs_); }

 private:
  bool Present(int index) const {
    return index >= 0 && index < node_.num_outputs &&
           (index >= static_cast<int>(node_.output_present.size()) || node_.output_present[index]);
  }

  const NodeInfo& node_;
  const std::vector<const Tensor*>& inputs_;
  std::vector<Tensor> outputs_;
  std::vector<Tensor> scratch_;
  ThreadPool& pool_;
};

}  // namespace

bool IsFoldable(const std::string& domain, const std::string& op_type) {
  if (!domain.empty()) return false;  // custom ops may have side effects we cannot see
  static const char* const kNever[] = {"RandomNormal",      "RandomUniform", "RandomNormalLike",
                                       "RandomUniformLike", "Bernoulli",     "Multinomial"};
  for (const char* op : kNever) {
    if (op_type == op) return false;
  }
  return true;
}

Result<std::vector<Tensor>> EvaluateOnConstants(const OpKernel& kernel, const NodeInfo& node,
                                                const std::vector<const Tensor*>& inputs,
                                                ThreadPool& pool) {
  FoldContext ctx(node, inputs, pool);
  Status status = kernel.Run(ctx);
  if (!status.ok()) return status;
  return ctx.TakeOutputs();
}

}  // namespace voxface::nn
