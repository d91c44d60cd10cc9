// SPDX-License-Identifier: Apache-2.0
// voxface/engine.h: Engine (thread-safe; every call releases the GIL) and Stream.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "py_util.h"
#include "status_util.h"
#include "voxface/audio.h"
#include "voxface/engine.h"

namespace voxface::python {
namespace {

AnimateOptions MakeAnimateOptions(const std::string& text) {
  AnimateOptions options;
  options.text = text;
  return options;
}

PcmFormat MakePcmFormat(int sample_rate, const std::string& encoding, int channels) {
  PcmFormat format;
  format.format = Unwrap(ParseSampleFormat(encoding));
  format.sample_rate_hz = sample_rate;
  format.channels = channels;
  return format;
}

// voxface::Stream is not thread-safe; the mutex makes concurrent Python callers take turns.
// The mutex is only taken with the GIL released, so a waiting thread never blocks the GIL.
class PyStream {
 public:
  explicit PyStream(std::unique_ptr<Stream> stream) : stream_(std::move(stream)) {}

  void Push(const py::object& data) {
    ByteView bytes(data);
    Status status;
    {
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mu_);
      status = stream_->Push(bytes.data(), bytes.size());
    }
    ThrowIfError(status);
  }

  Track Finish() {
    Result<Track> track = [&] {
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mu_);
      finished_ = true;
      return stream_->Finish();
    }();
    return Unwrap(std::move(track));
  }

  bool finished() const { return finished_; }

 private:
  std::mutex mu_;
  std::unique_ptr<Stream> stream_;
  bool finished_ = false;
};

}  // namespace

void BindEngine(py::module_& m) {
  py::class_<PyStream>(m, "Stream",
                       "A live stream from Engine.create_stream: push raw PCM chunks of any "
                       "size, then finish() for the Track.")
      .def("push", &PyStream::Push, py::arg("data"),
           "Appends raw PCM bytes (any bytes-like object; chunks may split samples).")
      .def("finish", &PyStream::Finish,
           "Flushes the resampler and animates the whole utterance; no push may follow.")
      .def_property_readonly("finished", &PyStream::finished);

  py::class_<Engine>(m, "Engine",
                     "Audio in, ARKit-52 animation out. Immutable and thread-safe; every call "
                     "releases the GIL.")
      .def(py::init([](const EngineConfig& config) {
             Result<std::unique_ptr<Engine>> engine = [&] {
               py::gil_scoped_release release;
               return Engine::Create(config);
             }();
             return Unwrap(std::move(engine));
           }),
           py::arg("config"))
      .def_property_readonly("config", &Engine::config, py::return_value_policy::copy)
      .def(
          "animate_pcm",
          [](const Engine& engine, const py::object& data, int sample_rate,
             const std::string& encoding, int channels, const std::string& text) {
            const PcmFormat format = MakePcmFormat(sample_rate, encoding, channels);
            ByteView bytes(data);
            Result<Track> track = [&]() -> Result<Track> {
              py::gil_scoped_release release;
              VF_ASSIGN_OR_RETURN(Audio audio, DecodeRawPcm(bytes.data(), bytes.size(), format,
                                                            engine.config().audio));
              return engine.Animate(audio, MakeAnimateOptions(text));
            }();
            return Unwrap(std::move(track));
          },
          py::arg("data"), py::arg("sample_rate"), py::arg("encoding") = "f32le",
          py::arg("channels") = 1, py::arg("text") = "",
          "Resamples raw interleaved PCM to 16 kHz mono and animates it.")
      .def(
          "animate_file",
          [](const Engine& engine, const std::string& path, const std::string& text) {
            Result<Track> track = [&] {
              py::gil_scoped_release release;
              return engine.AnimateFile(path, MakeAnimateOptions(text));
            }();
            return Unwrap(std::move(track));
          },
          py::arg("path"), py::arg("text") = "", "Loads and animates an audio file.")
      .def(
          "animate_phones",
          [](const Engine& engine,
             const std::vector<std::tuple<std::string, double, double>>& phones,
             double duration_s) {
            Analysis analysis;
            analysis.analyzer = "given";
            for (const auto& [phone, start, end] : phones) {
              PhoneSegment segment;
              segment.phone = phone;
              segment.start_s = start;
              segment.end_s = end;
              analysis.phones.push_back(std::move(segment));
            }
            Result<Track> track = [&] {
              py::gil_scoped_release release;
              return engine.AnimateAnalysis(analysis, duration_s);
            }();
            return Unwrap(std::move(track));
          },
          py::arg("phones"), py::arg("duration"),
          "Animates given phone timings [(phone, start_s, end_s), ...] (e.g. from a TTS engine).")
      .def(
          "create_stream",
          [](const Engine& engine, int sample_rate, const std::string& encoding, int channels,
             const std::string& text) {
            const PcmFormat format = MakePcmFormat(sample_rate, encoding, channels);
            return std::make_unique<PyStream>(
                Unwrap(engine.CreateStream(format, MakeAnimateOptions(text))));
          },
          py::arg("sample_rate") = 16000, py::arg("encoding") = "s16le", py::arg("channels") = 1,
          py::arg("text") = "", py::keep_alive<0, 1>(),
          "A live stream of raw PCM in the given format.");
}

}  // namespace voxface::python
