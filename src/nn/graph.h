// SPDX-License-Identifier: Apache-2.0
// The runtime's own graph: values by id, nodes in execution order and the constants known at load
// time. The loader builds it from ONNX; the session folds, plans and executes it. Keeping ONNX's
// protobuf types out of here leaves one file (onnx_loader.cc) that depends on them.
#ifndef VOXFACE_SRC_NN_GRAPH_H_
#define VOXFACE_SRC_NN_GRAPH_H_

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "nn/kernel.h"
#include "nn/tensor.h"
#include "voxface/status.h"

namespace voxface::nn {

struct GraphValue {
  std::string name;
  bool has_type = false;  // declared by the model (graph inputs and outputs)
  DataType dtype = DataType::kFloat32;
  bool has_shape = false;
  std::vector<int64_t> dims;  // -1 for dynamic dimensions
  std::vector<std::string> dim_names;
};

struct GraphNode {
  std::string name;
  std::string op_type;
  std::string domain;  // "" for ai.onnx
  Attributes attrs;
  std::vector<int> inputs;   // value ids; -1 for an absent optional input
  std::vector<int> outputs;  // value ids; -1 for an absent optional output
};

class Graph {
 public:
  // The id of the value called `name`, created on first use.
  int AddValue(const std::string& name);
  // -1 when no value has that name.
  int FindValue(const std::string& name) const;
  GraphValue& value(int id) { return values_[id]; }
  const GraphValue& value(int id) const { return values_[id]; }
  int num_values() const { return static_cast<int>(values_.size()); }

  std::vector<GraphNode>& nodes() { return nodes_; }
  const std::vector<GraphNode>& nodes() const { return nodes_; }
  // Constants by value id (initializers, Constant nodes, folded values). A std::map keeps
  // element addresses stable, which kernels rely on for prepacked weights.
  std::map<int, Tensor>& constants() { return constants_; }
  const std::map<int, Tensor>& constants() const { return constants_; }
  const Tensor* FindConstant(int id) const;

  // Graph inputs that are not constants, and graph outputs, in declaration order.
  std::vector<int>& inputs() { return inputs_; }
  const std::vector<int>& inputs() const { return inputs_; }
  std::vector<int>& outputs() { return outputs_; }
  const std::vector<int>& outputs() const { return outputs_; }

  // Opset versions imported by the model, by domain ("" for ai.onnx).
  std::map<std::string, int>& opsets() { return opsets_; }
  // The model's opset for `domain`, 0 when not imported.
  int OpsetFor(const std::string& domain) const;

  // Reorders nodes so each follows the producers of its inputs (stable for graphs already in
  // order). Fails naming the node whose input nothing produces, or the nodes in a cycle.
  Status TopologicalSort();

 private:
  std::vector<GraphValue> values_;
  std::unordered_map<std::string, int> ids_;
  std::vector<GraphNode> nodes_;
  std::map<int, Tensor> constants_;
  std::vector<int> inputs_;
  std::vector<int> outputs_;
  std::map<std::string, int> opsets_;
};

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_GRAPH_H_
