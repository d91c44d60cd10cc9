// SPDX-License-Identifier: Apache-2.0
// voxface/config.h: EngineConfig and its parts, as plain attribute bags with validate().
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <sstream>
#include <string>

#include "py_util.h"
#include "status_util.h"
#include "voxface/config.h"

namespace voxface::python {

void BindConfig(py::module_& m) {
  py::class_<AudioOptions>(m, "AudioOptions", "Decoding and resampling limits.")
      .def(py::init<>())
      .def_readwrite("target_rate_hz", &AudioOptions::target_rate_hz)
      .def_readwrite("max_duration_s", &AudioOptions::max_duration_s)
      .def("validate", [](const AudioOptions& o) { ThrowIfError(o.Validate()); });

  py::class_<AnalyzerConfig>(m, "AnalyzerConfig", "Speech analysis: audio -> phones.")
      .def(py::init<>())
      .def_readwrite("name", &AnalyzerConfig::name)
      .def_readwrite("model_dir", &AnalyzerConfig::model_dir)
      .def_readwrite("max_parallel", &AnalyzerConfig::max_parallel)
      .def("validate", [](const AnalyzerConfig& c) { ThrowIfError(c.Validate()); });

  py::class_<AnimConfig>(m, "AnimConfig", "Phones -> ARKit curves.")
      .def(py::init<>())
      .def_readwrite("fps_hz", &AnimConfig::fps_hz)
      .def_readwrite("seed", &AnimConfig::seed)
      .def_readwrite("emotion", &AnimConfig::emotion)
      .def_readwrite("poses_path", &AnimConfig::poses_path)
      .def_readwrite("anticipation_ms", &AnimConfig::anticipation_ms)
      .def_readwrite("articulation", &AnimConfig::articulation)
      .def_readwrite("upper_face", &AnimConfig::upper_face)
      .def("validate", [](const AnimConfig& c) { ThrowIfError(c.Validate()); });

  py::class_<EngineConfig>(m, "EngineConfig", "Everything Engine needs; every field has a default.")
      .def(py::init<>())
      .def_readwrite("audio", &EngineConfig::audio)
      .def_readwrite("analyzer", &EngineConfig::analyzer)
      .def_readwrite("anim", &EngineConfig::anim)
      .def("validate", [](const EngineConfig& c) { ThrowIfError(c.Validate()); })
      .def("__repr__", [](const EngineConfig& c) {
        std::ostringstream out;
        out << "EngineConfig(fps_hz=" << c.anim.fps_hz << ", seed=" << c.anim.seed << ", analyzer='"
            << c.analyzer.name << "', upper_face=" << (c.anim.upper_face ? "True" : "False")
            << ", articulation=" << c.anim.articulation << ", emotion={";
        const char* sep = "";
        for (const auto& [name, strength] : c.anim.emotion) {
          out << sep << "'" << name << "': " << strength;
          sep = ", ";
        }
        out << "}, max_duration_s=" << c.audio.max_duration_s << ")";
        return out.str();
      });
}

}  // namespace voxface::python
