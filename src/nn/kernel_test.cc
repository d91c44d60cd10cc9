// SPDX-License-Identifier: Apache-2.0
#include "nn/kernel.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace voxface::nn {
namespace {

class DummyKernel : public OpKernel {
 public:
  explicit DummyKernel(int version) : version_(version) {}
  Status Run(KernelContext&) const override { return Status::Ok(); }
  int version_;
};

KernelFactory DummyFactory(int version) {
  return [version](const NodeInfo&) -> Result<std::unique_ptr<OpKernel>> {
    return std::unique_ptr<OpKernel>(new DummyKernel(version));
  };
}

int VersionOf(const KernelFactory* factory) {
  NodeInfo node;
  auto kernel = (*factory)(node);
  return static_cast<DummyKernel*>(kernel->get())->version_;
}

TEST(AttributesTest, TypedGettersFallBack) {
  Attributes attrs;
  Attribute a;
  a.type = Attribute::Type::kInt;
  a.i = 3;
  attrs.Set("axis", a);
  Attribute f;
  f.type = Attribute::Type::kFloat;
  f.f = 0.5f;
  attrs.Set("alpha", f);
  Attribute s;
  s.type = Attribute::Type::kString;
  s.s = "linear";
  attrs.Set("mode", s);
  Attribute ints;
  ints.type = Attribute::Type::kInts;
  ints.ints = {1, 2};
  attrs.Set("perm", ints);
  Attribute t;
  t.type = Attribute::Type::kTensor;
  t.t = Tensor::Scalar<float>(7.0f);
  attrs.Set("value", t);

  EXPECT_TRUE(attrs.Has("axis"));
  EXPECT_EQ(attrs.GetInt("axis", 0), 3);
  EXPECT_EQ(attrs.GetInt("missing", -1), -1);
  EXPECT_FLOAT_EQ(attrs.GetFloat("alpha", 1.0f), 0.5f);
  EXPECT_FLOAT_EQ(attrs.GetFloat("axis", 0.0f), 3.0f);  // ints read as floats
  EXPECT_EQ(attrs.GetString("mode", "nearest"), "linear");
  EXPECT_EQ(attrs.GetString("axis", "x"), "x");  // wrong type: fallback
  EXPECT_EQ(attrs.GetInts("perm"), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(attrs.GetInts("none", {4}), (std::vector<int64_t>{4}));
  EXPECT_TRUE(attrs.GetFloats("none").empty());
  ASSERT_NE(attrs.GetTensor("value"), nullptr);
  EXPECT_EQ(attrs.GetTensor("value")->data<float>()[0], 7.0f);
  EXPECT_EQ(attrs.GetTensor("axis"), nullptr);
  EXPECT_EQ(attrs.Find("nothing"), nullptr);
}

TEST(NodeInfoTest, DescribeNamesOpAndNode) {
  NodeInfo node;
  node.name = "conv1";
  node.op_type = "Conv";
  EXPECT_EQ(node.Describe(), "Conv node 'conv1'");
  node.domain = "com.microsoft";
  EXPECT_EQ(node.Describe(), "com.microsoft.Conv node 'conv1'");
}

TEST(OpRegistryTest, FindsNewestVersionNotAfterOpset) {
  OpRegistry registry;
  registry.Register("Squeeze", 1, DummyFactory(1));
  registry.Register("Squeeze", 13, DummyFactory(13));
  EXPECT_EQ(registry.Find("Squeeze", 0), nullptr);
  EXPECT_EQ(VersionOf(registry.Find("Squeeze", 11)), 1);
  EXPECT_EQ(VersionOf(registry.Find("Squeeze", 13)), 13);
  EXPECT_EQ(VersionOf(registry.Find("Squeeze", 17)), 13);
  EXPECT_EQ(registry.Find("Squeeze", 17, Device::kCuda), nullptr);
  EXPECT_EQ(registry.Find("Squeeze", 17, Device::kHost, "com.microsoft"), nullptr);
  EXPECT_EQ(registry.Find("Unsqueeze", 17), nullptr);
  registry.Register("Squeeze", 13, DummyFactory(99));  // same version replaces
  EXPECT_EQ(VersionOf(registry.Find("Squeeze", 17)), 99);
}

TEST(OpRegistryTest, OpTypesPerDevice) {
  OpRegistry registry;
  registry.Register("Relu", 6, DummyFactory(6));
  registry.Register("Add", 7, DummyFactory(7));
  registry.Register("Gelu", 1, DummyFactory(1), Device::kHost, "com.microsoft");
  registry.Register("MatMul", 13, DummyFactory(13), Device::kCuda);
  EXPECT_EQ(registry.OpTypes(), (std::vector<std::string>{"Add", "Relu", "com.microsoft.Gelu"}));
  EXPECT_EQ(registry.OpTypes(Device::kCuda), (std::vector<std::string>{"MatMul"}));
}

TEST(OpRegistryTest, DefaultHasTheCoreOps) {
  const OpRegistry& r = OpRegistry::Default();
  EXPECT_EQ(&r, &OpRegistry::Default());
  for (const char* op : {"Add", "Mul", "Where", "Cast", "Reshape", "Transpose", "Concat", "Split",
                         "Slice", "Gather", "Resize", "NonZero", "Pad", "Identity", "Range"}) {
    EXPECT_NE(r.Find(op, 17), nullptr) << op;
  }
  std::vector<std::string> ops = r.OpTypes();
  EXPECT_TRUE(std::is_sorted(ops.begin(), ops.end()));
  EXPECT_GT(ops.size(), 80u);
}

TEST(KernelHelpersTest, NormalizeAxis) {
  NodeInfo node;
  node.name = "n";
  node.op_type = "Concat";
  EXPECT_EQ(*NormalizeAxis(-1, 3, node), 2);
  EXPECT_EQ(*NormalizeAxis(0, 3, node), 0);
  Result<int> bad = NormalizeAxis(3, 3, node);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("Concat node 'n'"), std::string::npos);
  EXPECT_FALSE(NormalizeAxis(-4, 3, node).ok());
}

TEST(KernelHelpersTest, BroadcastShapes) {
  EXPECT_EQ(*BroadcastShapes({2, 3}, {3}), (Shape{2, 3}));
  EXPECT_EQ(*BroadcastShapes({2, 1, 4}, {3, 1}), (Shape{2, 3, 4}));
  EXPECT_EQ(*BroadcastShapes({}, {5}), (Shape{5}));
  EXPECT_EQ(*BroadcastShapes({0, 1}, {1, 3}), (Shape{0, 3}));
  EXPECT_FALSE(BroadcastShapes({2, 3}, {4}).ok());
}

}  // namespace
}  // namespace voxface::nn
