// SPDX-License-Identifier: Apache-2.0
// A loaded ONNX model ready to run. Loading parses the file, checks every op against the
// registry, folds constant subgraphs and creates one kernel per node. The first Run for a given
// set of input shapes records every intermediate shape and builds a plan (buffer offsets in one
// arena, reused by liveness); later runs with the same shapes reuse that plan.
#ifndef VOXFACE_SRC_NN_SESSION_H_
#define VOXFACE_SRC_NN_SESSION_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nn/tensor.h"
#include "voxface/status.h"

namespace voxface::nn {

struct SessionOptions {
  // Threads for data-parallel loops inside kernels (1: the calling thread only).
  int num_threads = 1;
  // kCuda needs a build with VOXFACE_CUDA=ON and a GPU at run time.
  Device device = Device::kHost;
  // Evaluate nodes whose inputs are all constant once, at load time.
  bool fold_constants = true;

  Status Validate() const;
};

// A graph input or output as the model declares it. Dynamic dimensions are -1 with their
// symbolic name (e.g. "batch") in dim_names.
struct ValueInfo {
  std::string name;
  DataType dtype = DataType::kFloat32;
  std::vector<int64_t> dims;
  std::vector<std::string> dim_names;
};

class Session {
 public:
  virtual ~Session() = default;

  // `path`: an .onnx file; external data files are resolved relative to its folder.
  static Result<std::unique_ptr<Session>> Load(const std::string& path,
                                               const SessionOptions& options = {});
  // A serialized ModelProto in memory; `base_dir` resolves external data ("" if none).
  static Result<std::unique_ptr<Session>> LoadFromBytes(std::string_view bytes,
                                                        const std::string& base_dir,
                                                        const SessionOptions& options = {});

  virtual const std::vector<ValueInfo>& inputs() const = 0;
  virtual const std::vector<ValueInfo>& outputs() const = 0;

  // Runs the graph on named inputs (every graph input without an initializer must be given)
  // and returns the graph outputs in declaration order, as host tensors owned by the caller.
  // Thread-safe: concurrent calls use separate arenas.
  virtual Result<std::vector<Tensor>> Run(
      const std::vector<std::pair<std::string, Tensor>>& inputs) const = 0;
};

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_SESSION_H_
