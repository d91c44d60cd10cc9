// SPDX-License-Identifier: Apache-2.0
#include "status_util.h"

#include <Python.h>

#include <array>
#include <string>

namespace voxface::python {
namespace {

struct ErrorClass {
  StatusCode code;
  const char* name;      // Python class name.
  PyObject* extra_base;  // A built-in exception it also derives from, or nullptr.
  const char* doc;
};

// Filled by RegisterExceptions; the classes live as long as the interpreter.
PyObject* g_base_error = nullptr;
std::array<PyObject*, 8> g_errors = {};  // Indexed by StatusCode.

// A new exception class with a `code` class attribute (the status code name), so that instances
// raised from Python (voxface/__init__.py) carry it too.
PyObject* NewClass(const char* name, const char* doc, PyObject* bases, const char* code) {
  std::string qualified = std::string("voxface.") + name;
  PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
  if (cls == nullptr) throw py::error_already_set();
  if (PyObject_SetAttrString(cls, "code", py::str(code).ptr()) != 0) {
    throw py::error_already_set();
  }
  return cls;
}

}  // namespace

void RegisterExceptions(py::module_& m) {
  g_base_error = NewClass("Error",
                          "Base class of every voxface error. `code` is the library's status "
                          "code name (e.g. 'invalid argument'); str(e) is its message.",
                          PyExc_Exception, "error");
  m.add_object("Error", py::handle(g_base_error).inc_ref());
  g_errors[static_cast<int>(StatusCode::kOk)] = g_base_error;

  const ErrorClass kClasses[] = {
      {StatusCode::kInvalidArgument, "InvalidArgumentError", PyExc_ValueError,
       "The caller passed something unusable (bad option, bad audio, bad text)."},
      {StatusCode::kNotFound, "NotFoundError", PyExc_FileNotFoundError,
       "A file or model is missing."},
      {StatusCode::kUnsupported, "UnsupportedError", PyExc_ValueError,
       "A format or feature this build cannot handle (e.g. a GPU device)."},
      {StatusCode::kCorruptData, "CorruptDataError", PyExc_ValueError,
       "Input exists but cannot be decoded (truncated, garbage, NaN/Inf samples)."},
      {StatusCode::kOutOfRange, "OutOfRangeError", PyExc_ValueError,
       "Input exceeds a configured limit (duration, size)."},
      {StatusCode::kIoError, "IoError", PyExc_OSError, "Reading or writing failed."},
      {StatusCode::kInternal, "InternalError", nullptr,
       "A dependency failed in a way the caller cannot fix."},
  };
  for (const ErrorClass& c : kClasses) {
    py::tuple bases = c.extra_base != nullptr
                          ? py::make_tuple(py::handle(g_base_error), py::handle(c.extra_base))
                          : py::make_tuple(py::handle(g_base_error));
    PyObject* cls = NewClass(c.name, c.doc, bases.ptr(), StatusCodeName(c.code));
    g_errors[static_cast<int>(c.code)] = cls;
    m.add_object(c.name, py::handle(cls).inc_ref());
  }
}

void ThrowIfError(const Status& status) {
  if (status.ok()) return;
  const int index = static_cast<int>(status.code());
  PyObject* cls = (index > 0 && index < static_cast<int>(g_errors.size()) && g_errors[index])
                      ? g_errors[index]
                      : g_base_error;
  PyErr_SetString(cls, status.message().c_str());
  throw py::error_already_set();
}

}  // namespace voxface::python
