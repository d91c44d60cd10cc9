// SPDX-License-Identifier: Apache-2.0
// Tensors of the nn runtime: a data type, a shape and a pointer to contiguous row-major storage.
// Storage is either owned (shared, so copies are cheap views of the same bytes) or borrowed from
// the execution plan's arena, which outlives every tensor it lends.
#ifndef VOXFACE_SRC_NN_TENSOR_H_
#define VOXFACE_SRC_NN_TENSOR_H_

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "voxface/status.h"

namespace voxface::nn {

// The element types the runtime computes with. Float32 carries the arithmetic; int64, int32 and
// bool carry shape arithmetic, indices and masks; float16 is storage only (cast on load/use).
enum class DataType : uint8_t {
  kFloat32,
  kFloat16,
  kDouble,
  kInt64,
  kInt32,
  kInt8,
  kUint8,
  kBool,
};

size_t ElementSize(DataType type);
std::string_view DataTypeName(DataType type);

// ONNX TensorProto.DataType codes, so loaders and tests can map both ways.
Result<DataType> DataTypeFromOnnx(int onnx_type);
int DataTypeToOnnx(DataType type);

template <typename T>
constexpr DataType DataTypeOf();
template <>
constexpr DataType DataTypeOf<float>() { return DataType::kFloat32; }
template <>
constexpr DataType DataTypeOf<double>() { return DataType::kDouble; }
template <>
constexpr DataType DataTypeOf<int64_t>() { return DataType::kInt64; }
template <>
constexpr DataType DataTypeOf<int32_t>() { return DataType::kInt32; }
template <>
constexpr DataType DataTypeOf<int8_t>() { return DataType::kInt8; }
template <>
constexpr DataType DataTypeOf<uint8_t>() { return DataType::kUint8; }
template <>
constexpr DataType DataTypeOf<bool>() { return DataType::kBool; }

using Shape = std::vector<int64_t>;

// Product of the dimensions (1 for a scalar, 0 when any dimension is 0).
int64_t NumElements(const Shape& shape);
// "[2, 3, 4]", for error messages.
std::string ShapeToString(const Shape& shape);

// Where a tensor's bytes live. Host memory is plain RAM; device memory belongs to the CUDA
// backend and must not be dereferenced on the host.
enum class Device : uint8_t { kHost, kCuda };

class Tensor {
 public:
  // An empty tensor: no type, no data. Optional inputs that are absent are passed as nullptr,
  // never as an empty Tensor.
  Tensor() = default;

  // Allocates zero-initialised host storage (64-byte aligned, for SIMD and BLAS).
  static Tensor Zeros(DataType type, Shape shape);
  // Borrows `data` (host or device); the caller keeps it alive while the tensor is used.
  static Tensor Borrow(DataType type, Shape shape, void* data, Device device = Device::kHost);
  // Storage owned through `owner` (released when the last tensor sharing it goes), e.g. a pooled
  // page-locked buffer the CUDA backend copies outputs into.
  static Tensor Adopt(DataType type, Shape shape, std::shared_ptr<void> owner, void* data,
                      Device device = Device::kHost);
  // Copies `values` into a new host tensor. REQUIRES: values.size() == NumElements(shape).
  template <typename T>
  static Tensor FromVector(Shape shape, const std::vector<T>& values);
  // A rank-0 tensor holding `value`.
  template <typename T>
  static Tensor Scalar(T value) {
    return FromVector<T>({}, {value});
  }

  bool empty() const { return data_ == nullptr && NumElements(shape_) != 0; }
  DataType dtype() const { return dtype_; }
  Device device() const { return device_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  // Dimension `axis`; a negative axis counts from the end.
  int64_t dim(int axis) const { return shape_[axis < 0 ? axis + rank() : axis]; }
  int64_t size() const { return NumElements(shape_); }
  size_t bytes() const { return static_cast<size_t>(size()) * ElementSize(dtype_); }

  void* raw() { return data_; }
  const void* raw() const { return data_; }
  // Typed access. REQUIRES: DataTypeOf<T>() == dtype() (checked by assert in debug builds).
  template <typename T>
  T* data();
  template <typename T>
  const T* data() const;

  // The same bytes under another shape with the same element count (Reshape, Flatten...).
  Tensor Reshaped(Shape shape) const;
  // A deep host copy (storage owned by the result).
  Tensor Clone() const;
  // The values as a vector (host tensors of type T only), for shape arithmetic and tests.
  template <typename T>
  std::vector<T> ToVector() const;
  // Integer values of an int64/int32 tensor widened to int64 (shape inputs of Reshape etc.).
  std::vector<int64_t> ToInt64Vector() const;

 private:
  DataType dtype_ = DataType::kFloat32;
  Device device_ = Device::kHost;
  Shape shape_;
  std::shared_ptr<void> owner_;  // null when borrowed
  void* data_ = nullptr;
};

// ---- implementation of the templates ----

template <typename T>
Tensor Tensor::FromVector(Shape shape, const std::vector<T>& values) {
  Tensor t = Zeros(DataTypeOf<T>(), std::move(shape));
  T* out = t.data<T>();
  for (size_t i = 0; i < values.size() && i < static_cast<size_t>(t.size()); ++i) out[i] = values[i];
  return t;
}

template <typename T>
T* Tensor::data() {
  assert(DataTypeOf<T>() == dtype_ && "Tensor::data<T>() with the wrong T");
  return static_cast<T*>(data_);
}

template <typename T>
const T* Tensor::data() const {
  assert(DataTypeOf<T>() == dtype_ && "Tensor::data<T>() with the wrong T");
  return static_cast<const T*>(data_);
}

template <typename T>
std::vector<T> Tensor::ToVector() const {
  const T* p = data<T>();
  return std::vector<T>(p, p + size());
}

}  // namespace voxface::nn

#endif  // VOXFACE_SRC_NN_TENSOR_H_
