// SPDX-License-Identifier: Apache-2.0
// Test helper: builds small ONNX models with the protobuf API, so loader and session tests need no
// files or Python.
#ifndef VOXFACE_SRC_NN_TEST_MODEL_BUILDER_H_
#define VOXFACE_SRC_NN_TEST_MODEL_BUILDER_H_

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

namespace voxface::nn::testing {

class ModelBuilder {
 public:
  explicit ModelBuilder(int opset = 17);

  // dims: -1 for a dynamic dimension (named by dim_names[i] when given).
  ModelBuilder& Input(const std::string& name, int elem_type, const std::vector<int64_t>& dims,
                      const std::vector<std::string>& dim_names = {});
  ModelBuilder& Output(const std::string& name, int elem_type = 1,
                       const std::vector<int64_t>& dims = {}, bool has_shape = false);
  ModelBuilder& FloatInit(const std::string& name, const std::vector<int64_t>& dims,
                          const std::vector<float>& values);
  ModelBuilder& IntInit(const std::string& name, const std::vector<int64_t>& dims,
                        const std::vector<int64_t>& values);
  // Returns the node for adding attributes.
  onnx::NodeProto& Node(const std::string& op_type, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs, const std::string& name = "");

  onnx::ModelProto& model() { return model_; }
  std::string Serialize() const;

 private:
  onnx::ModelProto model_;
};

void SetIntAttr(onnx::NodeProto& node, const std::string& name, int64_t value);
void SetIntsAttr(onnx::NodeProto& node, const std::string& name,
                 const std::vector<int64_t>& values);
void SetFloatAttr(onnx::NodeProto& node, const std::string& name, float value);
void SetStringAttr(onnx::NodeProto& node, const std::string& name, const std::string& value);

}  // namespace voxface::nn::testing

#endif  // VOXFACE_SRC_NN_TEST_MODEL_BUILDER_H_
