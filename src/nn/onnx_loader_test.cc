// SPDX-License-Identifier: Apache-2.0
#include "nn/onnx_loader.h"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "nn/half.h"
#include "nn/session.h"
#include "nn/test_model_builder.h"

namespace voxface::nn {
namespace {

using testing::ModelBuilder;

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

ModelBuilder AddModel() {
  ModelBuilder b;
  b.Input("x", onnx::TensorProto::FLOAT, {-1, 3}, {"batch"});
  b.FloatInit("w", {3}, {1, 2, 3});
  b.Node("Add", {"x", "w"}, {"y"}, "add");
  b.Output("y");
  return b;
}

TEST(OnnxLoaderTest, LoadsInputsOutputsInitializersAndDims) {
  Result<Graph> g = LoadOnnxModel(AddModel().Serialize(), "");
  ASSERT_TRUE(g.ok()) << g.status().message();
  ASSERT_EQ(g->inputs().size(), 1u);
  const GraphValue& x = g->value(g->inputs()[0]);
  EXPECT_EQ(x.name, "x");
  EXPECT_EQ(x.dims, (std::vector<int64_t>{-1, 3}));
  EXPECT_EQ(x.dim_names[0], "batch");
  EXPECT_EQ(g->constants().size(), 1u);
  EXPECT_EQ(g->nodes().size(), 1u);
  EXPECT_EQ(g->OpsetFor(""), 17);
}

TEST(OnnxLoaderTest, GarbageIsCorruptData) {
  Result<Graph> g = LoadOnnxModel("this is not a protobuf \x01\x02\xff", "");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), StatusCode::kCorruptData);
}

TEST(OnnxLoaderTest, MissingFileIsNotFound) {
  Result<Graph> g = LoadOnnxFile("/nonexistent/model.onnx");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), StatusCode::kNotFound);
}

TEST(OnnxLoaderTest, TooNewOpsetSaysWhatToDo) {
  ModelBuilder b(19);
  b.Input("x", 1, {2});
  b.Node("Relu", {"x"}, {"y"});
  b.Output("y");
  Result<Graph> g = LoadOnnxModel(b.Serialize(), "");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), StatusCode::kUnsupported);
  EXPECT_TRUE(Contains(g.status().message(), "opset 19")) << g.status().message();
  EXPECT_TRUE(Contains(g.status().message(), "opset_version=17"));
}

TEST(OnnxLoaderTest, UnsupportedOpNamesNodeOpsetAndSupportedOps) {
  ModelBuilder b;
  b.Input("x", 1, {2});
  b.Node("If", {"x"}, {"y"}, "branch");
  b.Output("y");
  Result<std::unique_ptr<Session>> s = Session::LoadFromBytes(b.Serialize(), "");
  ASSERT_FALSE(s.ok());
  const std::string& m = s.status().message();
  EXPECT_EQ(s.status().code(), StatusCode::kUnsupported);
  EXPECT_TRUE(Contains(m, "unsupported op 'If' in node 'branch' (opset 17)")) << m;
  EXPECT_TRUE(Contains(m, "voxface nn supports: ")) << m;
  EXPECT_TRUE(Contains(m, "Add")) << m;
}

TEST(OnnxLoaderTest, OpFromANewerOpsetSaysReExport) {
  ModelBuilder b(6);
  b.Input("x", 1, {2});
  b.Node("Range", {"x", "x", "x"}, {"y"}, "r");
  b.Output("y");
  Result<std::unique_ptr<Session>> s = Session::LoadFromBytes(b.Serialize(), "");
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.status().message(), "supported from opset 11")) << s.status().message();
  EXPECT_TRUE(Contains(s.status().message(), "re-export")) << s.status().message();
}

TEST(OnnxLoaderTest, UndefinedInputNamesTheNode) {
  ModelBuilder b;
  b.Input("x", 1, {2});
  b.Node("Add", {"x", "ghost"}, {"y"}, "adder");
  b.Output("y");
  Result<Graph> g = LoadOnnxModel(b.Serialize(), "");
  ASSERT_FALSE(g.ok());
  EXPECT_TRUE(Contains(g.status().message(), "'adder'")) << g.status().message();
  EXPECT_TRUE(Contains(g.status().message(), "'ghost'"));
}

TEST(OnnxLoaderTest, CycleIsReported) {
  ModelBuilder b;
  b.Input("x", 1, {2});
  b.Node("Add", {"x", "b"}, {"a"}, "n1");
  b.Node("Relu", {"a"}, {"b"}, "n2");
  b.Output("b");
  Result<Graph> g = LoadOnnxModel(b.Serialize(), "");
  ASSERT_FALSE(g.ok());
  EXPECT_TRUE(Contains(g.status().message(), "cycle")) << g.status().message();
}

TEST(OnnxLoaderTest, SortsNodesTopologically) {
  ModelBuilder b;
  b.Input("x", 1, {2});
  b.Node("Relu", {"a"}, {"y"}, "second");
  b.Node("Neg", {"x"}, {"a"}, "first");
  b.Output("y");
  Result<Graph> g = LoadOnnxModel(b.Serialize(), "");
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->nodes()[0].name, "first");
  EXPECT_EQ(g->nodes()[1].name, "second");
}

TEST(OnnxLoaderTest, SequenceInputIsUnsupported) {
  ModelBuilder b;
  auto* in = b.model().mutable_graph()->add_input();
  in->set_name("seq");
  in->mutable_type()
      ->mutable_sequence_type()
      ->mutable_elem_type()
      ->mutable_tensor_type()
      ->set_elem_type(1);
  b.Node("Identity", {"seq"}, {"y"});
  b.Output("y");
  Result<Graph> g = LoadOnnxModel(b.Serialize(), "");
  ASSERT_FALSE(g.ok());
  EXPECT_TRUE(Contains(g.status().message(), "sequence")) << g.status().message();
}

TEST(OnnxLoaderTest, RawTypedAndFloat16Initializers) {
  ModelBuilder b;
  b.Input("x", 1, {2});
  auto* raw = b.model().mutable_graph()->add_initializer();
  raw->set_name("raw");
  raw->set_data_type(onnx::TensorProto::FLOAT);
  raw->add_dims(2);
  float values[2] = {1.5f, -2.0f};
  raw->set_raw_data(std::string(reinterpret_cast<char*>(values), sizeof(values)));
  auto* half = b.model().mutable_graph()->add_initializer();
  half->set_name("half");
  half->set_data_type(onnx::TensorProto::FLOAT16);
  half->add_dims(2);
  half->add_int32_data(FloatToHalf(0.5f));
  half->add_int32_data(FloatToHalf(-3.0f));
  auto* ints = b.model().mutable_graph()->add_initializer();
  ints->set_name("ints");
  ints->set_data_type(onnx::TensorProto::INT32);
  ints->add_dims(3);
  for (int v : {4, -5, 6}) ints->add_int32_data(v);
  b.Node("Add", {"raw", "half"}, {"y"});
  b.Output("y");
  Result<Graph> g = LoadOnnxModel(b.Serialize(), "");
  ASSERT_TRUE(g.ok()) << g.status().message();
  const Tensor* r = g->FindConstant(g->FindValue("raw"));
  const Tensor* h = g->FindConstant(g->FindValue("half"));
  const Tensor* i = g->FindConstant(g->FindValue("ints"));
  ASSERT_TRUE(r && h && i);
  EXPECT_EQ(r->ToVector<float>(), (std::vector<float>{1.5f, -2.0f}));
  EXPECT_EQ(h->dtype(), DataType::kFloat32);  // float16 widened on load
  EXPECT_EQ(h->ToVector<float>(), (std::vector<float>{0.5f, -3.0f}));
  EXPECT_EQ(i->ToVector<int32_t>(), (std::vector<int32_t>{4, -5, 6}));
}

TEST(OnnxLoaderTest, WrongRawSizeIsCorrupt) {
  ModelBuilder b;
  auto* t = b.model().mutable_graph()->add_initializer();
  t->set_name("w");
  t->set_data_type(onnx::TensorProto::FLOAT);
  t->add_dims(4);
  t->set_raw_data(std::string(8, '\0'));
  b.Output("w");
  Result<Graph> g = LoadOnnxModel(b.Serialize(), "");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), StatusCode::kCorruptData);
  EXPECT_TRUE(Contains(g.status().message(), "'w'")) << g.status().message();
}

TEST(OnnxLoaderTest, ConstantNodesBecomeConstants) {
  ModelBuilder b;
  b.Input("x", 1, {2});
  auto& c = b.Node("Constant", {}, {"k"});
  auto* attr = c.add_attribute();
  attr->set_name("value_floats");
  attr->set_type(onnx::AttributeProto::FLOATS);
  attr->add_floats(10);
  attr->add_floats(20);
  b.Node("Add", {"x", "k"}, {"y"});
  b.Output("y");
  Result<Graph> g = LoadOnnxModel(b.Serialize(), "");
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->nodes().size(), 1u);
  const Tensor* k = g->FindConstant(g->FindValue("k"));
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->ToVector<float>(), (std::vector<float>{10, 20}));
}

class ExternalDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("voxface_nn_ext_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / "model");
    float values[4] = {0, 1, 2, 3};
    std::ofstream(dir_ / "model" / "weights.bin", std::ios::binary)
        .write(reinterpret_cast<char*>(values), sizeof(values));
    std::ofstream(dir_ / "outside.bin", std::ios::binary)
        .write(reinterpret_cast<char*>(values), sizeof(values));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Model(const std::string& location, int64_t offset) {
    ModelBuilder b;
    auto* t = b.model().mutable_graph()->add_initializer();
    t->set_name("w");
    t->set_data_type(onnx::TensorProto::FLOAT);
    t->add_dims(2);
    t->set_data_location(onnx::TensorProto::EXTERNAL);
    auto* kv = t->add_external_data();
    kv->set_key("location");
    kv->set_value(location);
    kv = t->add_external_data();
    kv->set_key("offset");
    kv->set_value(std::to_string(offset));
    kv = t->add_external_data();
    kv->set_key("length");
    kv->set_value("8");
    b.Output("w");
    return b.Serialize();
  }

  std::filesystem::path dir_;
};

TEST_F(ExternalDataTest, ReadsOffsetAndLengthInsideTheFolder) {
  Result<Graph> g = LoadOnnxModel(Model("weights.bin", 8), (dir_ / "model").string());
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->FindConstant(g->FindValue("w"))->ToVector<float>(), (std::vector<float>{2, 3}));
}

TEST_F(ExternalDataTest, RefusesPathsOutsideTheFolder) {
  for (const std::string& location :
       std::vector<std::string>{"../outside.bin", (dir_ / "outside.bin").string()}) {
    Result<Graph> g = LoadOnnxModel(Model(location, 0), (dir_ / "model").string());
    ASSERT_FALSE(g.ok()) << location;
    EXPECT_TRUE(Contains(g.status().message(), "leaves the model folder")) << g.status().message();
  }
}

TEST_F(ExternalDataTest, ShortFileAndNoFolderAreErrors) {
  EXPECT_FALSE(LoadOnnxModel(Model("weights.bin", 12), (dir_ / "model").string()).ok());
  Result<Graph> g = LoadOnnxModel(Model("weights.bin", 0), "");
  ASSERT_FALSE(g.ok());
  EXPECT_TRUE(Contains(g.status().message(), "external")) << g.status().message();
}

TEST(OnnxLoaderTest, ParseTensorProtoKeepsFloat16) {
  onnx::TensorProto p;
  p.set_data_type(onnx::TensorProto::FLOAT16);
  p.add_dims(1);
  uint16_t h = FloatToHalf(2.0f);
  p.set_raw_data(std::string(reinterpret_cast<char*>(&h), 2));
  Result<Tensor> t = ParseTensorProto(p.SerializeAsString());
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->dtype(), DataType::kFloat16);
  Result<Tensor> f = ParseTensorProto(p.SerializeAsString(), /*keep_float16=*/false);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->ToVector<float>(), (std::vector<float>{2.0f}));
}

}  // namespace
}  // namespace voxface::nn
