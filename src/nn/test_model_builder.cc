// SPDX-License-Identifier: Apache-2.0
#include "nn/test_model_builder.h"

namespace voxface::nn::testing {
namespace {

void SetType(onnx::ValueInfoProto* v, int elem_type, const std::vector<int64_t>& dims,
             const std::vector<std::string>& dim_names, bool has_shape) {
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elem_type);
  if (!has_shape) return;
  auto* shape = tt->mutable_shape();
  for (size_t i = 0; i < dims.size(); ++i) {
    auto* d = shape->add_dim();
    if (dims[i] >= 0) {
      d->set_dim_value(dims[i]);
    } else if (i < dim_names.size() && !dim_names[i].empty()) {
      d->set_dim_param(dim_names[i]);
    }
  }
}

}  // namespace

ModelBuilder::ModelBuilder(int opset) {
  model_.set_ir_version(8);
  auto* op = model_.add_opset_import();
  op->set_domain("");
  op->set_version(opset);
  model_.mutable_graph()->set_name("test");
}

ModelBuilder& ModelBuilder::Input(const std::string& name, int elem_type,
                                  const std::vector<int64_t>& dims,
                                  const std::vector<std::string>& dim_names) {
  auto* v = model_.mutable_graph()->add_input();
  v->set_name(name);
  SetType(v, elem_type, dims, dim_names, true);
  return *this;
}

ModelBuilder& ModelBuilder::Output(const std::string& name, int elem_type,
                                   const std::vector<int64_t>& dims, bool has_shape) {
  auto* v = model_.mutable_graph()->add_output();
  v->set_name(name);
  SetType(v, elem_type, dims, {}, has_shape);
  return *this;
}

ModelBuilder& ModelBuilder::FloatInit(const std::string& name, const std::vector<int64_t>& dims,
                                      const std::vector<float>& values) {
  auto* t = model_.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  for (float v : values) t->add_float_data(v);
  return *this;
}

ModelBuilder& ModelBuilder::IntInit(const std::string& name, const std::vector<int64_t>& dims,
                                    const std::vector<int64_t>& values) {
  auto* t = model_.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  for (int64_t d : dims) t->add_dims(d);
  for (int64_t v : values) t->add_int64_data(v);
  return *this;
}

onnx::NodeProto& ModelBuilder::Node(const std::string& op_type,
                                    const std::vector<std::string>& inputs,
                                    const std::vector<std::string>& outputs,
                                    const std::string& name) {
  auto* n = model_.mutable_graph()->add_node();
  n->set_op_type(op_type);
  n->set_name(name);
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  return *n;
}

std::string ModelBuilder::Serialize() const { return model_.SerializeAsString(); }

void SetIntAttr(onnx::NodeProto& node, const std::string& name, int64_t value) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(value);
}

void SetIntsAttr(onnx::NodeProto& node, const std::string& name,
                 const std::vector<int64_t>& values) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t v : values) a->add_ints(v);
}

void SetFloatAttr(onnx::NodeProto& node, const std::string& name, float value) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(value);
}

void SetStringAttr(onnx::NodeProto& node, const std::string& name, const std::string& value) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(value);
}

}  // namespace voxface::nn::testing
