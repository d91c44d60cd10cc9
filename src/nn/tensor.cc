// SPDX-License-Identifier: Apache-2.0
#include "nn/tensor.h"

#include <cstdlib>
#include <cstring>
#include <sstream>

namespace voxface::nn {
namespace {

constexpr size_t kAlignment = 64;

std::shared_ptr<void> AllocateAligned(size_t bytes) {
  // Zero-sized tensors still get a real pointer so "no data" always means "absent".
  size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  if (rounded == 0) rounded = kAlignment;
  void* p = std::aligned_alloc(kAlignment, rounded);
  if (p == nullptr) return nullptr;
  std::memset(p, 0, rounded);
  return std::shared_ptr<void>(p, [](void* q) { std::free(q); });
}

}  // namespace

size_t ElementSize(DataType type) {
  switch (type) {
    case DataType::kFloat32:
    case DataType::kInt32:
      return 4;
    case DataType::kFloat16:
      return 2;
    case DataType::kDouble:
    case DataType::kInt64:
      return 8;
    case DataType::kInt8:
    case DataType::kUint8:
    case DataType::kBool:
      return 1;
  }
  return 1;
}

std::string_view DataTypeName(DataType type) {
  switch (type) {
    case DataType::kFloat32:
      return "float32";
    case DataType::kFloat16:
      return "float16";
    case DataType::kDouble:
      return "float64";
    case DataType::kInt64:
      return "int64";
    case DataType::kInt32:
      return "int32";
    case DataType::kInt8:
      return "int8";
    case DataType::kUint8:
      return "uint8";
    case DataType::kBool:
      return "bool";
  }
  return "unknown";
}

Result<DataType> DataTypeFromOnnx(int onnx_type) {
  switch (onnx_type) {
    case 1:
      return DataType::kFloat32;
    case 2:
      return DataType::kUint8;
    case 3:
      return DataType::kInt8;
    case 6:
      return DataType::kInt32;
    case 7:
      return DataType::kInt64;
    case 9:
      return DataType::kBool;
    case 10:
      return DataType::kFloat16;
    case 11:
      return DataType::kDouble;
    default:
      break;
  }
  static const char* const kNames[] = {"undefined",  "float",   "uint8",  "int8",   "uint16",
                                       "int16",      "int32",   "int64",  "string", "bool",
                                       "float16",    "double",  "uint32", "uint64", "complex64",
                                       "complex128", "bfloat16"};
  std::string name = onnx_type >= 0 && onnx_type < static_cast<int>(std::size(kNames))
                         ? kNames[onnx_type]
                         : "code " + std::to_string(onnx_type);
  return Status::Unsupported("ONNX data type " + name +
                             " is not supported by voxface nn (float32, float16, float64, int64, "
                             "int32, int8, uint8 and bool are)");
}

int DataTypeToOnnx(DataType type) {
  switch (type) {
    case DataType::kFloat32:
      return 1;
    case DataType::kUint8:
      return 2;
    case DataType::kInt8:
      return 3;
    case DataType::kInt32:
      return 6;
    case DataType::kInt64:
      return 7;
    case DataType::kBool:
      return 9;
    case DataType::kFloat16:
      return 10;
    case DataType::kDouble:
      return 11;
  }
  return 0;
}

int64_t NumElements(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::string ShapeToString(const Shape& shape) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  out << ']';
  return out.str();
}

Tensor Tensor::Zeros(DataType type, Shape shape) {
  Tensor t;
  t.dtype_ = type;
  t.shape_ = std::move(shape);
  t.owner_ = AllocateAligned(t.bytes());
  t.data_ = t.owner_.get();
  return t;
}

Tensor Tensor::Borrow(DataType type, Shape shape, void* data, Device device) {
  Tensor t;
  t.dtype_ = type;
  t.shape_ = std::move(shape);
  t.device_ = device;
  t.data_ = data;
  return t;
}

Tensor Tensor::Adopt(DataType type, Shape shape, std::shared_ptr<void> owner, void* data,
                     Device device) {
  Tensor t = Borrow(type, std::move(shape), data, device);
  t.owner_ = std::move(owner);
  return t;
}

Tensor Tensor::Reshaped(Shape shape) const {
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::Clone() const {
  Tensor t = Zeros(dtype_, shape_);
  if (data_ != nullptr && device_ == Device::kHost) std::memcpy(t.data_, data_, bytes());
  return t;
}

std::vector<int64_t> Tensor::ToInt64Vector() const {
  std::vector<int64_t> out(static_cast<size_t>(size()));
  switch (dtype_) {
    case DataType::kInt64:
      for (size_t i = 0; i < out.size(); ++i) out[i] = data<int64_t>()[i];
      break;
    case DataType::kInt32:
      for (size_t i = 0; i < out.size(); ++i) out[i] = data<int32_t>()[i];
      break;
    case DataType::kInt8:
      for (size_t i = 0; i < out.size(); ++i) out[i] = data<int8_t>()[i];
      break;
    case DataType::kUint8:
    case DataType::kBool:
      for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<const uint8_t*>(data_)[i];
      break;
    default:
      out.clear();  // not an integer tensor
      break;
  }
  return out;
}

}  // namespace voxface::nn
