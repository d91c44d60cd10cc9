// SPDX-License-Identifier: Apache-2.0
#include "nn/ops/kernel_test_util.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <sstream>

#include "nn/ops/ops.h"

namespace voxface::nn::kernel_test {

NodeBuilder::NodeBuilder(std::string op_type, int opset) {
  node_.name = "test_" + op_type;
  node_.op_type = std::move(op_type);
  node_.opset = opset;
}

NodeBuilder& NodeBuilder::Int(const std::string& name, int64_t value) {
  Attribute a;
  a.type = Attribute::Type::kInt;
  a.i = value;
  node_.attrs.Set(name, std::move(a));
  return *this;
}

NodeBuilder& NodeBuilder::Float(const std::string& name, float value) {
  Attribute a;
  a.type = Attribute::Type::kFloat;
  a.f = value;
  node_.attrs.Set(name, std::move(a));
  return *this;
}

NodeBuilder& NodeBuilder::Str(const std::string& name, const std::string& value) {
  Attribute a;
  a.type = Attribute::Type::kString;
  a.s = value;
  node_.attrs.Set(name, std::move(a));
  return *this;
}

NodeBuilder& NodeBuilder::Ints(const std::string& name, std::vector<int64_t> values) {
  Attribute a;
  a.type = Attribute::Type::kInts;
  a.ints = std::move(values);
  node_.attrs.Set(name, std::move(a));
  return *this;
}

NodeBuilder& NodeBuilder::Floats(const std::string& name, std::vector<float> values) {
  Attribute a;
  a.type = Attribute::Type::kFloats;
  a.floats = std::move(values);
  node_.attrs.Set(name, std::move(a));
  return *this;
}

NodeBuilder& NodeBuilder::Strs(const std::string& name, std::vector<std::string> values) {
  Attribute a;
  a.type = Attribute::Type::kStrings;
  a.strings = std::move(values);
  node_.attrs.Set(name, std::move(a));
  return *this;
}

NodeBuilder& NodeBuilder::Inputs(std::vector<bool> present) {
  node_.num_inputs = static_cast<int>(present.size());
  node_.input_present = std::move(present);
  node_.constant_inputs.resize(node_.input_present.size(), nullptr);
  return *this;
}

NodeBuilder& NodeBuilder::Outputs(std::vector<bool> present) {
  node_.num_outputs = static_cast<int>(present.size());
  node_.output_present = std::move(present);
  return *this;
}

NodeBuilder& NodeBuilder::Constant(int index, const Tensor* value) {
  if (static_cast<int>(node_.constant_inputs.size()) <= index) {
    node_.constant_inputs.resize(index + 1, nullptr);
  }
  node_.constant_inputs[index] = value;
  return *this;
}

NodeInfo NodeBuilder::Build() const { return node_; }

FakeKernelContext::FakeKernelContext(std::vector<std::optional<Tensor>> inputs,
                                     std::vector<bool> outputs_present, int num_threads)
    : inputs_(std::move(inputs)),
      outputs_present_(std::move(outputs_present)),
      outputs_(outputs_present_.size()),
      pool_(num_threads) {}

const Tensor* FakeKernelContext::input(int index) const {
  if (index < 0 || index >= num_inputs() || !inputs_[index].has_value()) return nullptr;
  return &*inputs_[index];
}

Tensor* FakeKernelContext::Output(int index, DataType type, const Shape& shape) {
  if (index < 0 || index >= num_outputs() || !outputs_present_[index]) return nullptr;
  Tensor t = Tensor::Zeros(type, shape);
  // Poison float outputs: a kernel that forgets to write an element must fail the comparison.
  if (type == DataType::kFloat32) {
    float* p = t.data<float>();
    for (int64_t i = 0; i < t.size(); ++i) p[i] = std::numeric_limits<float>::quiet_NaN();
  } else if (type == DataType::kInt64) {
    int64_t* p = t.data<int64_t>();
    for (int64_t i = 0; i < t.size(); ++i) p[i] = -12345;
  }
  outputs_[index] = std::move(t);
  return &*outputs_[index];
}

void* FakeKernelContext::Scratch(size_t bytes) {
  size_t rounded = (std::max<size_t>(bytes, 1) + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, rounded);
  // Garbage, not zeros, so kernels that rely on zeroed scratch are caught.
  std::memset(p, 0xff, rounded);
  scratch_.emplace_back(p, [](void* q) { std::free(q); });
  return p;
}

Result<std::unique_ptr<OpKernel>> MakeKernel(const NodeInfo& node) {
  const OpRegistry* registry = &OpRegistry::Default();
  const KernelFactory* factory = registry->Find(node.op_type, node.opset);
  if (factory == nullptr) {
    return Status::NotFound("no kernel for " + node.op_type + " at opset " +
                            std::to_string(node.opset));
  }
  return (*factory)(node);
}

Result<std::vector<std::optional<Tensor>>> RunKernel(const NodeInfo& node,
                                                     std::vector<std::optional<Tensor>> inputs,
                                                     int num_threads) {
  VF_ASSIGN_OR_RETURN(std::unique_ptr<OpKernel> kernel, MakeKernel(node));
  std::vector<bool> outputs = node.output_present;
  if (outputs.empty()) outputs.assign(std::max(1, node.num_outputs), true);
  FakeKernelContext ctx(std::move(inputs), outputs, num_threads);
  VF_RETURN_IF_ERROR(kernel->Run(ctx));
  std::vector<std::optional<Tensor>> result;
  for (int i = 0; i < ctx.num_outputs(); ++i) result.push_back(ctx.output(i));
  return result;
}

Tensor RandomTensor(const Shape& shape, std::mt19937& rng, float lo, float hi) {
  Tensor t = Tensor::Zeros(DataType::kFloat32, shape);
  std::uniform_real_distribution<float> dist(lo, hi);
  float* p = t.data<float>();
  for (int64_t i = 0; i < t.size(); ++i) p[i] = dist(rng);
  return t;
}

std::vector<int64_t> Strides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i) {
    strides[i] = strides[i + 1] * shape[i + 1];
  }
  return strides;
}

::testing::AssertionResult TensorNear(const Tensor& got, const Shape& want_shape,
                                      const std::vector<double>& want, double atol, double rtol) {
  if (got.shape() != want_shape) {
    return ::testing::AssertionFailure()
           << "shape " << ShapeToString(got.shape()) << ", expected " << ShapeToString(want_shape);
  }
  if (static_cast<size_t>(got.size()) != want.size()) {
    return ::testing::AssertionFailure()
           << "reference has " << want.size() << " values for " << ShapeToString(want_shape);
  }
  std::vector<double> values(want.size());
  if (got.dtype() == DataType::kFloat32) {
    for (size_t i = 0; i < want.size(); ++i) values[i] = got.data<float>()[i];
  } else if (got.dtype() == DataType::kInt64) {
    for (size_t i = 0; i < want.size(); ++i)
      values[i] = static_cast<double>(got.data<int64_t>()[i]);
  } else {
    return ::testing::AssertionFailure() << "unexpected type " << DataTypeName(got.dtype());
  }
  double worst = 0.0;
  size_t worst_index = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    const double w = want[i], g = values[i];
    double err;
    if (std::isnan(w)) {
      err = std::isnan(g) ? 0.0 : 1e30;
    } else if (std::isinf(w)) {
      err = g == w ? 0.0 : 1e30;
    } else {
      err = std::isnan(g) ? 1e30 : std::fabs(g - w) / (atol + rtol * std::fabs(w));
    }
    if (err > worst) {
      worst = err;
      worst_index = i;
    }
  }
  if (worst > 1.0) {
    return ::testing::AssertionFailure()
           << "element " << worst_index << " is " << values[worst_index] << ", expected "
           << want[worst_index] << " (error " << worst << "x tolerance; shape "
           << ShapeToString(want_shape) << ")";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace voxface::nn::kernel_test
