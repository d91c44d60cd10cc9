// SPDX-License-Identifier: Apache-2.0
#include "nn/tensor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "nn/half.h"

namespace voxface::nn {
namespace {

TEST(TensorTest, ZerosIsAlignedAndZeroed) {
  Tensor t = Tensor::Zeros(DataType::kFloat32, {3, 5});
  EXPECT_EQ(t.size(), 15);
  EXPECT_EQ(t.bytes(), 60u);
  EXPECT_EQ(t.rank(), 2);
  EXPECT_EQ(t.dim(-1), 5);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.raw()) % 64, 0u);
  for (float v : t.ToVector<float>()) EXPECT_EQ(v, 0.0f);
  EXPECT_FALSE(t.empty());
}

TEST(TensorTest, DefaultIsEmptyAndZeroSizedIsNot) {
  EXPECT_TRUE(Tensor().empty());
  Tensor z = Tensor::Zeros(DataType::kInt64, {0, 4});
  EXPECT_EQ(z.size(), 0);
  EXPECT_FALSE(z.empty());
  EXPECT_NE(z.raw(), nullptr);
}

TEST(TensorTest, FromVectorScalarAndToVector) {
  Tensor t = Tensor::FromVector<int64_t>({2, 2}, {1, 2, 3, 4});
  EXPECT_EQ(t.dtype(), DataType::kInt64);
  EXPECT_EQ(t.ToVector<int64_t>(), (std::vector<int64_t>{1, 2, 3, 4}));
  Tensor s = Tensor::Scalar<float>(2.5f);
  EXPECT_EQ(s.rank(), 0);
  EXPECT_EQ(s.size(), 1);
  EXPECT_EQ(s.data<float>()[0], 2.5f);
  Tensor b = Tensor::FromVector<bool>({3}, {true, false, true});
  EXPECT_EQ(b.bytes(), 3u);
  EXPECT_EQ(b.ToInt64Vector(), (std::vector<int64_t>{1, 0, 1}));
}

TEST(TensorTest, ReshapedSharesCloneCopies) {
  Tensor t = Tensor::FromVector<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor r = t.Reshaped({3, 2});
  EXPECT_EQ(r.raw(), t.raw());
  EXPECT_EQ(r.shape(), (Shape{3, 2}));
  Tensor c = t.Clone();
  EXPECT_NE(c.raw(), t.raw());
  t.data<float>()[0] = 42.0f;
  EXPECT_EQ(r.data<float>()[0], 42.0f);
  EXPECT_EQ(c.data<float>()[0], 1.0f);
}

TEST(TensorTest, ViewKeepsStorageAlive) {
  Tensor view;
  {
    Tensor t = Tensor::FromVector<float>({4}, {1, 2, 3, 4});
    view = t.Reshaped({2, 2});
  }
  EXPECT_EQ(view.data<float>()[3], 4.0f);
}

TEST(TensorTest, BorrowDoesNotOwn) {
  float buffer[4] = {1, 2, 3, 4};
  Tensor t = Tensor::Borrow(DataType::kFloat32, {4}, buffer);
  EXPECT_EQ(t.raw(), buffer);
  EXPECT_EQ(t.device(), Device::kHost);
  EXPECT_EQ(t.ToVector<float>()[2], 3.0f);
}

TEST(TensorTest, ToInt64VectorWidensInt32AndRejectsFloat) {
  Tensor t = Tensor::FromVector<int32_t>({3}, {-1, 0, 7});
  EXPECT_EQ(t.ToInt64Vector(), (std::vector<int64_t>{-1, 0, 7}));
  EXPECT_TRUE(Tensor::FromVector<float>({1}, {1.0f}).ToInt64Vector().empty());
}

TEST(TensorTest, ShapeHelpers) {
  EXPECT_EQ(NumElements({}), 1);
  EXPECT_EQ(NumElements({2, 0, 3}), 0);
  EXPECT_EQ(NumElements({2, 3, 4}), 24);
  EXPECT_EQ(ShapeToString({2, 3, 4}), "[2, 3, 4]");
  EXPECT_EQ(ShapeToString({}), "[]");
}

TEST(TensorTest, DataTypesRoundTripThroughOnnxCodes) {
  for (DataType t : {DataType::kFloat32, DataType::kFloat16, DataType::kDouble, DataType::kInt64,
                     DataType::kInt32, DataType::kInt8, DataType::kUint8, DataType::kBool}) {
    Result<DataType> back = DataTypeFromOnnx(DataTypeToOnnx(t));
    ASSERT_TRUE(back.ok()) << DataTypeName(t);
    EXPECT_EQ(*back, t);
  }
  EXPECT_EQ(ElementSize(DataType::kFloat16), 2u);
  EXPECT_EQ(ElementSize(DataType::kBool), 1u);
  EXPECT_EQ(DataTypeName(DataType::kDouble), "float64");
  Result<DataType> s = DataTypeFromOnnx(8);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(s.status().message().find("string"), std::string::npos);
}

TEST(HalfTest, KnownValues) {
  EXPECT_EQ(FloatToHalf(1.0f), 0x3c00);
  EXPECT_EQ(FloatToHalf(-2.0f), 0xc000);
  EXPECT_EQ(FloatToHalf(65504.0f), 0x7bff);
  EXPECT_EQ(FloatToHalf(65520.0f), 0x7c00);  // rounds to infinity
  EXPECT_EQ(FloatToHalf(std::numeric_limits<float>::infinity()), 0x7c00);
  EXPECT_TRUE(std::isnan(HalfToFloat(FloatToHalf(std::nanf("")))));
  EXPECT_EQ(FloatToHalf(5.960464477539063e-08f), 0x0001);  // smallest subnormal
  EXPECT_EQ(HalfToFloat(0x0001), 5.960464477539063e-08f);
  EXPECT_EQ(HalfToFloat(0x3555), 0.333251953125f);
  EXPECT_EQ(FloatToHalf(1.0f + 1.0f / 2048), 0x3c00);  // tie rounds to even
  EXPECT_EQ(FloatToHalf(1.0f + 3.0f / 2048), 0x3c02);
}

TEST(HalfTest, EveryHalfRoundTrips) {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    float f = HalfToFloat(static_cast<uint16_t>(h));
    if (std::isnan(f)) continue;
    EXPECT_EQ(FloatToHalf(f), h) << std::hex << h;
  }
}

}  // namespace
}  // namespace voxface::nn
