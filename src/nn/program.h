// SPDX-License-Identifier: Apache-2.0
// What a session executes: the nodes left after constant folding and dead-code removal, in order,
// each with its kernel, plus the per-value facts the executor and planner need.
#ifndef VOXFACE_SRC_NN_PROGRAM_H_
#define VOXFACE_SRC_NN_PROGRAM_H_

#include <climits>
#include <memory>
#include <string>
#include <vector>

#include "nn/kernel.h"
#include "nn/tensor.h"

namespace voxface::nn {

struct Step {
  std::unique_ptr<NodeInfo> info;  // kernels may keep pointers into it: its address is stable
  std::unique_ptr<OpKernel> kernel;
  std::vector<int> inputs;   // value ids; -1 for absent optional inputs
  std::vector<int> outputs;  // value ids; -1 for absent optional outputs
};

// Value ids index every per-value vector.
struct Program {
  // A value read after the last step (a graph output) never dies.
  static constexpr int kForever = INT_MAX;

  int num_values = 0;
  std::vector<Step> steps;
  std::vector<const Tensor*> constants;  // nullptr unless the value is known at load time
  std::vector<int> last_use;             // last step reading the value; its producer if none
  std::vector<int> producer;             // the step writing the value, -1 for inputs/constants
  std::vector<bool> is_graph_output;
  std::vector<std::vector<int>> release_after;  // per step: values whose last reader it is
  std::vector<int> graph_inputs;                // value ids, in declaration order
  std::vector<int> graph_outputs;               // value ids, in declaration order
  std::vector<std::string> value_names;
};

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_PROGRAM_H_
