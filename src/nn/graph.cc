// SPDX-License-Identifier: Apache-2.0
#include "nn/graph.h"

#include <functional>
#include <queue>

namespace voxface::nn {

int Graph::AddValue(const std::string& name) {
  auto it = ids_.find(name);
  if (it != ids_.end()) return it->second;
  int id = static_cast<int>(values_.size());
  values_.push_back(GraphValue{});
  values_.back().name = name;
  ids_.emplace(name, id);
  return id;
}

int Graph::FindValue(const std::string& name) const {
  auto it = ids_.find(name);
  return it == ids_.end() ? -1 : it->second;
}

const Tensor* Graph::FindConstant(int id) const {
  auto it = constants_.find(id);
  return it == constants_.end() ? nullptr : &it->second;
}

int Graph::OpsetFor(const std::string& domain) const {
  auto it = opsets_.find(domain);
  return it == opsets_.end() ? 0 : it->second;
}

Status Graph::TopologicalSort() {
  const int num_nodes = static_cast<int>(nodes_.size());
  std::vector<int> producer(values_.size(), -1);
  for (int n = 0; n < num_nodes; ++n) {
    for (int v : nodes_[n].outputs) {
      if (v < 0) continue;
      if (producer[v] >= 0) {
        return Status::InvalidArgument("value '" + values_[v].name +
                                       "' is produced by two nodes, '" + nodes_[producer[v]].name +
                                       "' and '" + nodes_[n].name +
                                       "'; an ONNX graph assigns each value once");
      }
      if (constants_.count(v) != 0) {
        return Status::InvalidArgument("node '" + nodes_[n].name + "' writes '" + values_[v].name +
                                       "', which is also an initializer");
      }
      producer[v] = n;
    }
  }
  std::vector<bool> is_input(values_.size(), false);
  for (int v : inputs_) is_input[v] = true;

  std::vector<int> pending(num_nodes, 0);
  std::vector<std::vector<int>> consumers(num_nodes);
  for (int n = 0; n < num_nodes; ++n) {
    for (int v : nodes_[n].inputs) {
      if (v < 0) continue;
      if (producer[v] >= 0) {
        ++pending[n];
        consumers[producer[v]].push_back(n);
      } else if (!is_input[v] && constants_.count(v) == 0) {
        return Status::InvalidArgument(nodes_[n].op_type + " node '" + nodes_[n].name +
                                       "' reads '" + values_[v].name +
                                       "', which no node, graph input or initializer provides");
      }
    }
  }
  // Kahn's algorithm with a min-heap on the original index keeps the model's order when it is
  // already valid, so execution order (and error messages) match what the exporter wrote.
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int n = 0; n < num_nodes; ++n) {
    if (pending[n] == 0) ready.push(n);
  }
  std::vector<int> order;
  order.reserve(num_nodes);
  while (!ready.empty()) {
    int n = ready.top();
    ready.pop();
    order.push_back(n);
    for (int c : consumers[n]) {
      if (--pending[c] == 0) ready.push(c);
    }
  }
  if (static_cast<int>(order.size()) != num_nodes) {
    std::string names;
    int listed = 0;
    for (int n = 0; n < num_nodes && listed < 5; ++n) {
      if (pending[n] > 0) {
        names += (listed++ ? ", '" : "'") + nodes_[n].name + "'";
      }
    }
    return Status::InvalidArgument("the graph has a cycle through nodes " + names +
                                   "; ONNX graphs must be acyclic");
  }
  std::vector<GraphNode> sorted;
  sorted.reserve(num_nodes);
  for (int n : order) sorted.push_back(std::move(nodes_[n]));
  nodes_ = std::move(sorted);
  return Status::Ok();
}

}  // namespace voxface::nn
