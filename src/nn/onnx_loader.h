// SPDX-License-Identifier: Apache-2.0
// Reads ONNX models (ModelProto) and tensors (TensorProto) into the runtime's own types. The only
// code that sees protobuf; everything after it works on nn::Graph.
#ifndef VOXFACE_SRC_NN_ONNX_LOADER_H_
#define VOXFACE_SRC_NN_ONNX_LOADER_H_

#include <string>
#include <string_view>

#include "nn/graph.h"
#include "nn/tensor.h"
#include "voxface/status.h"

namespace voxface::nn {

// ai.onnx opsets the runtime accepts. Kernels are registered with the opset their semantics
// start at, so older models load where their ops did not change since; 13-17 is what the
// conformance suite covers.
inline constexpr int kMinTestedOpset = 13;
inline constexpr int kMaxOpset = 18;

// Parses a serialized ModelProto. `base_dir` resolves external data files ("" when the model has
// none); their paths must stay inside it. Float16 initializers become float32.
Result<Graph> LoadOnnxModel(std::string_view bytes, const std::string& base_dir);
// Reads `path` and parses it; external data is resolved relative to its folder.
Result<Graph> LoadOnnxFile(const std::string& path);

// Parses a serialized TensorProto (the test_data_set_*/input_N.pb files). With keep_float16 a
// float16 tensor stays float16 (as the test data holds it) instead of widening to float32.
Result<Tensor> ParseTensorProto(std::string_view bytes, bool keep_float16 = true);

// Reads a whole file into memory.
Result<std::string> ReadFileBytes(const std::string& path);

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_ONNX_LOADER_H_
