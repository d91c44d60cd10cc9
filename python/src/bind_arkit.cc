// SPDX-License-Identifier: Apache-2.0
// voxface/arkit.h: the 52 ARKit blendshape names and name lookup.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>

#include "py_util.h"
#include "voxface/arkit.h"

namespace voxface::python {

void BindArkit(py::module_& m) {
  py::tuple names(kArkitCount);
  for (int i = 0; i < kArkitCount; ++i) names[i] = py::str(std::string(kArkitNames[i]));
  m.attr("ARKIT_NAMES") = names;
  m.attr("ARKIT_COUNT") = kArkitCount;

  m.def(
      "arkit_index",
      [](const std::string& name) -> py::object {
        std::optional<int> index = ArkitIndex(name);
        if (!index) return py::none();
        return py::int_(*index);
      },
      py::arg("name"),
      "Index of a blendshape in ARKit order, or None. Accepts camelCase, PascalCase and _L/_R "
      "suffixes, ignoring case.");
  m.def("arkit_pascal_name", &ArkitPascalName, py::arg("index"),
        "The Live Link Face / Unreal spelling of a channel ('JawOpen' for 17).");
}

}  // namespace voxface::python
