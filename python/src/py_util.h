// SPDX-License-Identifier: Apache-2.0
// Small helpers shared by the bindings: vectors handed to numpy without a copy, read-only views
// of bytes-like objects, and the Bind* entry points called from module.cc.
#ifndef VOXFACE_PYTHON_PY_UTIL_H_
#define VOXFACE_PYTHON_PY_UTIL_H_

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstddef>
#include <utility>
#include <vector>

namespace voxface::python {

namespace py = pybind11;

// A 1-D numpy array that takes ownership of `values` (no copy).
template <typename T>
py::array_t<T> VectorToArray(std::vector<T>&& values) {
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule owner(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(owned->size())}, owned->data(), owner);
}

// A (rows, cols) numpy view of `data` kept alive by `base` (typically the owning Python object).
template <typename T>
py::array_t<T> MatrixView(const std::vector<T>& data, size_t cols, py::handle base) {
  const py::ssize_t rows = cols == 0 ? 0 : static_cast<py::ssize_t>(data.size() / cols);
  const auto item = static_cast<py::ssize_t>(sizeof(T));
  return py::array_t<T>({rows, static_cast<py::ssize_t>(cols)},
                        {static_cast<py::ssize_t>(cols) * item, item}, data.data(), base);
}

// A C-contiguous read-only view of a bytes-like object (bytes, bytearray, memoryview, a numpy
// array). Holding it keeps the memory valid, so it may be read without the GIL; construct and
// destroy it with the GIL held.
class ByteView {
 public:
  explicit ByteView(const py::handle& object) {
    if (PyObject_GetBuffer(object.ptr(), &view_, PyBUF_C_CONTIGUOUS) != 0) {
      throw py::error_already_set();
    }
  }
  ~ByteView() { PyBuffer_Release(&view_); }
  ByteView(const ByteView&) = delete;
  ByteView& operator=(const ByteView&) = delete;

  const void* data() const { return view_.buf; }
  size_t size() const { return static_cast<size_t>(view_.len); }

 private:
  Py_buffer view_{};
};

void BindArkit(py::module_& m);
void BindConfig(py::module_& m);
void BindAudio(py::module_& m);
void BindTrack(py::module_& m);
void BindEngine(py::module_& m);

}  // namespace voxface::python

#endif  // VOXFACE_PYTHON_PY_UTIL_H_
