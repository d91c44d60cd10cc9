// SPDX-License-Identifier: Apache-2.0
// Test harness for the compute kernels: builds a NodeInfo, creates the kernel through a registry
// holding the compute ops, and runs it on a fake context that owns the inputs, allocates the
// outputs and scratch, and lends a thread pool. Lets each kernel be checked against a naive
// reference without a loaded model or a session.
#ifndef VOXFACE_SRC_NN_OPS_KERNEL_TEST_UTIL_H_
#define VOXFACE_SRC_NN_OPS_KERNEL_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "nn/kernel.h"
#include "nn/tensor.h"
#include "nn/thread_pool.h"
#include "voxface/status.h"

namespace voxface::nn::kernel_test {

// Builds a NodeInfo: attributes, which inputs are present or constant, how many outputs.
class NodeBuilder {
 public:
  explicit NodeBuilder(std::string op_type, int opset = 17);

  NodeBuilder& Int(const std::string& name, int64_t value);
  NodeBuilder& Float(const std::string& name, float value);
  NodeBuilder& Str(const std::string& name, const std::string& value);
  NodeBuilder& Ints(const std::string& name, std::vector<int64_t> values);
  NodeBuilder& Floats(const std::string& name, std::vector<float> values);
  NodeBuilder& Strs(const std::string& name, std::vector<std::string> values);
  // Inputs: present[i] false for an optional input left out.
  NodeBuilder& Inputs(std::vector<bool> present);
  NodeBuilder& Outputs(std::vector<bool> present);
  // Marks input `index` as known at load time (the kernel may prepack it).
  NodeBuilder& Constant(int index, const Tensor* value);

  NodeInfo Build() const;

 private:
  NodeInfo node_;
};

// A KernelContext over owned inputs. Outputs are allocated on first request and kept.
class FakeKernelContext : public KernelContext {
 public:
  // `inputs[i]` nullopt: absent optional input. `outputs_present` sizes the outputs.
  FakeKernelContext(std::vector<std::optional<Tensor>> inputs, std::vector<bool> outputs_present,
                    int num_threads = 1);

  int num_inputs() const override { return static_cast<int>(inputs_.size()); }
  const Tensor* input(int index) const override;
  int num_outputs() const override { return static_cast<int>(outputs_present_.size()); }
  Tensor* Output(int index, DataType type, const Shape& shape) override;
  void* Scratch(size_t bytes) override;
  ThreadPool& pool() override { return pool_; }

  // The output as the kernel left it (nullopt if it was never requested).
  const std::optional<Tensor>& output(int index) const { return outputs_[index]; }

 private:
  std::vector<std::optional<Tensor>> inputs_;
  std::vector<bool> outputs_present_;
  std::vector<std::optional<Tensor>> outputs_;
  std::vector<std::shared_ptr<void>> scratch_;
  ThreadPool pool_;
};

// Creates the kernel for `node` from a registry holding every compute op family.
Result<std::unique_ptr<OpKernel>> MakeKernel(const NodeInfo& node);

// Creates and runs the kernel; returns the outputs (nullopt for absent ones). Outputs are
// pre-filled with NaN, as a reused arena buffer may hold anything.
Result<std::vector<std::optional<Tensor>>> RunKernel(const NodeInfo& node,
                                                     std::vector<std::optional<Tensor>> inputs,
                                                     int num_threads = 1);

// Uniform random float tensor in [lo, hi).
Tensor RandomTensor(const Shape& shape, std::mt19937& rng, float lo = -1.0f, float hi = 1.0f);

// Row-major strides of a shape.
std::vector<int64_t> Strides(const Shape& shape);

// Max |got - want| / (atol + rtol |want|) over elements; <= 1 means within tolerance.
// Shapes must match; NaN in `got` where `want` is not NaN fails.
::testing::AssertionResult TensorNear(const Tensor& got, const Shape& want_shape,
                                      const std::vector<double>& want, double atol = 1e-5,
                                      double rtol = 1e-4);

}  // namespace voxface::nn::kernel_test

#endif  // VOXFACE_SRC_NN_OPS_KERNEL_TEST_UTIL_H_
