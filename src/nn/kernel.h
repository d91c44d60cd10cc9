// SPDX-License-Identifier: Apache-2.0
// The contract between the executor and an operator implementation. A kernel is created once per
// graph node (so it can check attributes and prepack constant weights) and run many times; it
// reads its inputs, asks the context for each output with the shape it computed, and fills it.
// Asking for outputs this way is what lets one mechanism serve static shapes (the plan hands back
// a slice of its arena) and data-dependent ones (NonZero: the context allocates).
#ifndef VOXFACE_SRC_NN_KERNEL_H_
#define VOXFACE_SRC_NN_KERNEL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nn/tensor.h"
#include "nn/thread_pool.h"
#include "voxface/status.h"

namespace voxface::nn {

// One ONNX attribute value. Only the member matching `type` is meaningful.
struct Attribute {
  enum class Type { kFloat, kInt, kString, kTensor, kFloats, kInts, kStrings, kGraph };
  Type type = Type::kInt;
  float f = 0.0f;
  int64_t i = 0;
  std::string s;
  Tensor t;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
};

// A node's attributes by name, with typed getters that fall back to the ONNX default.
class Attributes {
 public:
  void Set(std::string name, Attribute value) { values_[std::move(name)] = std::move(value); }
  bool Has(const std::string& name) const { return values_.count(name) != 0; }
  const Attribute* Find(const std::string& name) const;

  int64_t GetInt(const std::string& name, int64_t fallback) const;
  float GetFloat(const std::string& name, float fallback) const;
  std::string GetString(const std::string& name, const std::string& fallback) const;
  std::vector<int64_t> GetInts(const std::string& name,
                               const std::vector<int64_t>& fallback = {}) const;
  std::vector<float> GetFloats(const std::string& name,
                               const std::vector<float>& fallback = {}) const;
  std::vector<std::string> GetStrings(const std::string& name) const;
  // nullptr when absent.
  const Tensor* GetTensor(const std::string& name) const;

  const std::map<std::string, Attribute>& all() const { return values_; }

 private:
  std::map<std::string, Attribute> values_;
};

// What a kernel factory knows about its node when the model is loaded.
struct NodeInfo {
  std::string name;     // node name, or "<op_type> #<index>" when the model leaves it empty
  std::string op_type;  // "Conv", "GRU", ...
  std::string domain;   // "" for ai.onnx
  int opset = 17;       // the model's opset for `domain`
  Attributes attrs;
  int num_inputs = 0;   // including absent optional inputs (empty names) in the middle
  int num_outputs = 0;
  std::vector<bool> input_present;   // false for optional inputs the node leaves out
  std::vector<bool> output_present;
  // Inputs whose values are known at load time (initializers, folded constants); nullptr for the
  // rest. Kernels may prepack these (transposed GEMM weights, fused RNN gates).
  std::vector<const Tensor*> constant_inputs;

  // "Conv node 'conv1'": the prefix every kernel error starts with.
  std::string Describe() const;
};

// The executor's side of a kernel run.
class KernelContext {
 public:
  virtual ~KernelContext() = default;

  virtual int num_inputs() const = 0;
  // nullptr for an absent optional input or an index past the node's inputs.
  virtual const Tensor* input(int index) const = 0;
  virtual int num_outputs() const = 0;
  // Output `index` with the given type and shape, ready to be written. Storage comes from the
  // plan when it matches what was planned, otherwise it is allocated. Never null for an output
  // the node declares; nullptr for an optional output the node leaves out. The contents are
  // unspecified (arena memory is reused, not zeroed): write every element.
  virtual Tensor* Output(int index, DataType type, const Shape& shape) = 0;
  // Output `index` holding exactly the bytes of input `input_index` under `shape` (same element
  // count): Reshape, Squeeze, Flatten, Identity. The executor returns a view of the input without
  // copying when that is safe (the planner keeps the input's buffer alive as long as the view),
  // and a copy otherwise. The result must not be written.
  virtual Tensor* OutputView(int index, int input_index, const Shape& shape);
  // Temporary memory for this run of the kernel only (64-byte aligned).
  virtual void* Scratch(size_t bytes) = 0;
  virtual ThreadPool& pool() = 0;
  virtual Device device() const { return Device::kHost; }
  // The CUDA stream (cudaStream_t) for device kernels; nullptr on the host.
  virtual void* stream() const { return nullptr; }
};

class OpKernel {
 public:
  virtual ~OpKernel() = default;
  // Const: one kernel serves concurrent runs of its session; per-run state lives in ctx.
  virtual Status Run(KernelContext& ctx) const = 0;
};

using KernelFactory = std::function<Result<std::unique_ptr<OpKernel>>(const NodeInfo& node)>;

// Kernels by (domain, op type, device), each valid from an opset version on. Registration is
// explicit (Register*Ops functions called from one place), not by static initialisers, which a
// static library would drop.
class OpRegistry {
 public:
  // `since_opset`: the first opset whose semantics this factory implements; a later registration
  // of the same op with a higher since_opset takes over from that version.
  void Register(const std::string& op_type, int since_opset, KernelFactory factory,
                Device device = Device::kHost, const std::string& domain = "");
  // The factory for `op_type` at `opset`, or nullptr.
  const KernelFactory* Find(const std::string& op_type, int opset, Device device = Device::kHost,
                            const std::string& domain = "") const;
  // Op types registered for a device (sorted), for `voxface nn-ops` and error messages.
  std::vector<std::string> OpTypes(Device device = Device::kHost) const;

  // The registry with every built-in kernel.
  static const OpRegistry& Default();

 private:
  struct Entry {
    int since_opset;
    KernelFactory factory;
  };
  // key: domain + "::" + op_type + "@" + device
  std::map<std::string, std::vector<Entry>> entries_;
};

// Helpers for kernels.

// Normalises an axis in [-rank, rank) to [0, rank); error names the node.
Result<int> NormalizeAxis(int64_t axis, int rank, const NodeInfo& node);
// Numpy-style broadcast of two shapes; error when incompatible.
Result<Shape> BroadcastShapes(const Shape& a, const Shape& b);

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_KERNEL_H_
