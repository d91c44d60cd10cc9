// SPDX-License-Identifier: Apache-2.0
// voxface/types.h Track and voxface/export.h: the animation result, its numpy views and exports.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <utility>

#include "py_util.h"
#include "status_util.h"
#include "voxface/arkit.h"
#include "voxface/export.h"
#include "voxface/types.h"

namespace voxface::python {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) {
      return false;
    }
  }
  return true;
}

// Writes `track` to `path` in the format its extension names (.json, .csv, .tsv, .svg).
Status SaveTrack(const Track& track, const std::string& path) {
  if (EndsWith(path, ".svg")) return WriteTextFile(path, RenderTrackSvg(track));
  VF_ASSIGN_OR_RETURN(ExportFormat format, ExportFormatFromPath(path));
  return WriteTextFile(path, ExportTrack(track, format));
}

// Runs `fn(track)` on a text export without the GIL.
template <typename Fn>
std::string ExportWithoutGil(const Track& track, Fn fn) {
  py::gil_scoped_release release;
  return fn(track);
}

template <typename Segment, typename Label>
py::list Segments(const std::vector<Segment>& segments, Label label) {
  py::list out;
  for (const Segment& s : segments) out.append(py::make_tuple(label(s), s.start_s, s.end_s));
  return out;
}

}  // namespace

void BindTrack(py::module_& m) {
  py::class_<Track>(m, "Track",
                    "ARKit-52 animation at a fixed frame rate; frame i is at i / fps. The weights "
                    "and visemes arrays are views of the track (edits show in its exports).")
      .def_readonly("fps", &Track::fps)
      .def_readonly("duration", &Track::duration_s)
      .def_property_readonly("num_frames", &Track::num_frames)
      .def_property_readonly(
          "names",
          [](const Track&) {
            py::list names;
            for (auto n : kArkitNames) names.append(py::str(std::string(n)));
            return names;
          },
          "The 52 ARKit names, in the order of the weights columns.")
      .def_property_readonly(
          "timestamps",
          [](const Track& t) {
            std::vector<double> times(static_cast<size_t>(t.num_frames()));
            for (int i = 0; i < t.num_frames(); ++i) times[i] = t.timestamp_s(i);
            return VectorToArray(std::move(times));
          },
          "Frame times in seconds (float64, i / fps).")
      .def_property_readonly(
          "weights",
          [](py::object self) {
            const Track& t = self.cast<const Track&>();
            return MatrixView(t.weights, kArkitCount, self);
          },
          "Blendshape weights 0..1, float32 (num_frames, 52), columns in ARKit order.")
      .def_property_readonly(
          "visemes",
          [](py::object self) {
            const Track& t = self.cast<const Track&>();
            return MatrixView(t.visemes, t.viseme_names.size(), self);
          },
          "Viseme weights, float32 (num_frames, len(viseme_names)).")
      .def_readonly("viseme_names", &Track::viseme_names)
      .def_property_readonly(
          "phones",
          [](const Track& t) {
            return Segments(t.phones, [](const PhoneSegment& p) { return p.phone; });
          },
          "[(phone, start_s, end_s), ...]: the phones the animation was made from.")
      .def_property_readonly(
          "words",
          [](const Track& t) {
            return Segments(t.words, [](const WordSegment& w) { return w.word; });
          },
          "[(word, start_s, end_s), ...]: recognised or aligned words.")
      .def_readonly("analyzer", &Track::analyzer)
      .def_readonly("seed", &Track::seed)
      .def_readonly("warnings", &Track::warnings)
      .def(
          "channel",
          [](py::object self, const std::string& name) -> py::object {
            const Track& t = self.cast<const Track&>();
            std::optional<int> index = ArkitIndex(name);
            if (!index) throw py::key_error("unknown ARKit blendshape '" + name + "'");
            py::object all = MatrixView(t.weights, kArkitCount, self);
            return all.attr("__getitem__")(py::make_tuple(py::slice(0, t.num_frames(), 1), *index));
          },
          py::arg("name"),
          "One blendshape's curve (a float32 view), by name ('jawOpen', 'JawOpen', 'jawOpen_L').")
      .def(
          "to_json", [](const Track& t) { return ExportWithoutGil(t, TrackToJson); },
          "JSON: fps, duration, num_frames, names, timestamps, blendshapes, visemes, phones, meta.")
      .def(
          "to_csv", [](const Track& t) { return ExportWithoutGil(t, TrackToCsv); },
          "Live Link Face CSV (Timecode,BlendShapeCount,EyeBlinkLeft,...).")
      .def(
          "to_tsv", [](const Track& t) { return ExportWithoutGil(t, TrackToRhubarbTsv); },
          "Rhubarb-style mouth cues: 'start_s<TAB>shape' lines (A-H, X).")
      .def(
          "to_svg", [](const Track& t) { return ExportWithoutGil(t, RenderTrackSvg); },
          "A standalone SVG plot of the main curves over the phones and visemes.")
      .def(
          "save",
          [](const Track& t, const std::string& path) {
            Status status;
            {
              py::gil_scoped_release release;
              status = SaveTrack(t, path);
            }
            ThrowIfError(status);
          },
          py::arg("path"),
          "Writes the track; the extension picks the format (.json .csv .tsv .svg).")
      .def_static(
          "load",
          [](const std::string& path, double csv_fps) {
            Result<Track> track = [&] {
              py::gil_scoped_release release;
              return LoadTrackFile(path, csv_fps);
            }();
            return Unwrap(std::move(track));
          },
          py::arg("path"), py::arg("csv_fps") = 60.0,
          "Reads a track saved as .json or Live Link Face .csv (columns matched by name).")
      .def_static(
          "from_json", [](const std::string& json) { return Unwrap(TrackFromJson(json)); },
          py::arg("text"), "Parses what to_json() writes.")
      .def_static(
          "from_csv",
          [](const std::string& csv, double fps) { return Unwrap(TrackFromCsv(csv, fps)); },
          py::arg("text"), py::arg("fps") = 60.0, "Parses Live Link Face CSV.")
      .def("__len__", &Track::num_frames)
      .def("__repr__", [](const Track& t) {
        char duration[32];
        std::snprintf(duration, sizeof(duration), "%.3f", t.duration_s);
        char fps[32];
        std::snprintf(fps, sizeof(fps), "%g", t.fps);
        return "<voxface.Track " + std::to_string(t.num_frames()) + " frames at " + fps + " fps, " +
               duration + " s, " + std::to_string(t.phones.size()) + " phones, " +
               std::to_string(t.words.size()) + " words>";
      });
}

}  // namespace voxface::python
