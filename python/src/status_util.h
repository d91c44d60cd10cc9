// SPDX-License-Identifier: Apache-2.0
// The one place where a voxface Status becomes a Python exception: voxface.Error and one subclass
// per StatusCode, each carrying the library's message and a `code` attribute.
#ifndef VOXFACE_PYTHON_STATUS_UTIL_H_
#define VOXFACE_PYTHON_STATUS_UTIL_H_

#include <pybind11/pybind11.h>

#include <utility>

#include "voxface/status.h"

namespace voxface::python {

namespace py = pybind11;

// Creates voxface.Error and its subclasses and adds them to `m`.
void RegisterExceptions(py::module_& m);

// Raises the Python exception for a failed status; does nothing for OK. Needs the GIL.
void ThrowIfError(const Status& status);

// Moves the value out of `result`, or raises its status as a Python exception. Needs the GIL.
template <typename T>
T Unwrap(Result<T>&& result) {
  if (!result.ok()) ThrowIfError(result.status());
  return std::move(result).value();
}

}  // namespace voxface::python

#endif  // VOXFACE_PYTHON_STATUS_UTIL_H_
