// SPDX-License-Identifier: Apache-2.0
// voxface._voxface: the compiled half of the voxface Python package. The public API is the
// `voxface` package (voxface/__init__.py), which wraps these bindings.
#include <pybind11/pybind11.h>

#include "py_util.h"
#include "status_util.h"
#include "voxface/engine.h"

namespace py = pybind11;

PYBIND11_MODULE(_voxface, m) {
  m.doc() = "voxface bindings (use the `voxface` package, not this module directly)";
  m.attr("__version__") = voxface::Version();
  voxface::python::RegisterExceptions(m);
  voxface::python::BindArkit(m);
  voxface::python::BindConfig(m);
  voxface::python::BindAudio(m);
  voxface::python::BindTrack(m);
  voxface::python::BindEngine(m);
}
