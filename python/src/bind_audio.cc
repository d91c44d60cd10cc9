// SPDX-License-Identifier: Apache-2.0
// voxface/audio.h: decoding files, in-memory files and raw PCM to 16 kHz mono float32; and the
// log-mel front end of the learned speech model (src/features/log_mel.h).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "features/log_mel.h"
#include "py_util.h"
#include "status_util.h"
#include "voxface/audio.h"

namespace voxface::python {
namespace {

AudioOptions MakeOptions(double max_duration_s) {
  AudioOptions options;
  options.max_duration_s = max_duration_s;
  return options;
}

py::tuple AudioToTuple(Audio&& audio) {
  const int rate = audio.sample_rate_hz;
  return py::make_tuple(VectorToArray(std::move(audio.samples)), rate);
}

// (frames, 80) float32 log-mel features of 16 kHz mono float samples.
py::array_t<float> LogMelOf(
    const py::array_t<float, py::array::c_style | py::array::forcecast>& x) {
  if (x.ndim() != 1) {
    ThrowIfError(Status::InvalidArgument("log_mel needs 1-D (mono) samples, got " +
                                         std::to_string(x.ndim()) + " dimensions"));
  }
  static const std::shared_ptr<const LogMel> kLogMel = Unwrap(LogMel::Create());
  const float* data = x.data();
  const auto n = static_cast<size_t>(x.shape(0));
  std::vector<float> frames;
  bool finite = true;
  {
    py::gil_scoped_release release;
    for (size_t i = 0; i < n && finite; ++i) finite = std::isfinite(data[i]);
    if (finite) frames = kLogMel->Compute(data, n);
  }
  if (!finite) ThrowIfError(Status::CorruptData("log_mel: samples contain NaN or Inf"));
  const auto mels = static_cast<py::ssize_t>(kLogMel->num_mels());
  py::array_t<float> flat = VectorToArray(std::move(frames));
  return flat.reshape({flat.shape(0) / mels, mels});
}

}  // namespace

void BindAudio(py::module_& m) {
  py::class_<AudioInfo>(m, "AudioInfo", "What an audio file holds, before any conversion.")
      .def_readonly("container", &AudioInfo::container)
      .def_readonly("encoding", &AudioInfo::encoding)
      .def_readonly("sample_rate", &AudioInfo::sample_rate_hz)
      .def_readonly("channels", &AudioInfo::channels)
      .def_readonly("frames", &AudioInfo::frames)
      .def_property_readonly("duration", &AudioInfo::duration_s)
      .def("__repr__", [](const AudioInfo& i) {
        return "AudioInfo(container='" + i.container + "', encoding='" + i.encoding +
               "', sample_rate=" + std::to_string(i.sample_rate_hz) +
               ", channels=" + std::to_string(i.channels) + ", frames=" + std::to_string(i.frames) +
               ")";
      });

  m.def(
      "probe_audio",
      [](const std::string& path) {
        Result<AudioInfo> info = [&] {
          py::gil_scoped_release release;
          return ProbeAudioFile(path);
        }();
        return Unwrap(std::move(info));
      },
      py::arg("path"), "Format, rate, channels and length of an audio file, without decoding it.");

  m.def(
      "load_audio",
      [](const std::string& path, double max_duration_s) {
        Result<Audio> audio = [&] {
          py::gil_scoped_release release;
          return LoadAudioFile(path, MakeOptions(max_duration_s));
        }();
        return AudioToTuple(Unwrap(std::move(audio)));
      },
      py::arg("path"), py::arg("max_duration_s") = AudioOptions{}.max_duration_s,
      "Decodes an audio file (WAV, FLAC, Ogg, Opus, MP3, ...) to (float32 16 kHz mono, 16000).");

  m.def(
      "decode_audio",
      [](const py::object& data, double max_duration_s) {
        ByteView bytes(data);
        Result<Audio> audio = [&] {
          py::gil_scoped_release release;
          return DecodeAudio(bytes.data(), bytes.size(), MakeOptions(max_duration_s));
        }();
        return AudioToTuple(Unwrap(std::move(audio)));
      },
      py::arg("data"), py::arg("max_duration_s") = AudioOptions{}.max_duration_s,
      "Decodes an encoded audio file held in memory (bytes-like) to (float32 16 kHz mono, 16000).");

  m.def(
      "decode_pcm",
      [](const py::object& data, int sample_rate, const std::string& encoding, int channels,
         double max_duration_s) {
        PcmFormat format;
        format.format = Unwrap(ParseSampleFormat(encoding));
        format.sample_rate_hz = sample_rate;
        format.channels = channels;
        ByteView bytes(data);
        Result<Audio> audio = [&] {
          py::gil_scoped_release release;
          return DecodeRawPcm(bytes.data(), bytes.size(), format, MakeOptions(max_duration_s));
        }();
        return AudioToTuple(Unwrap(std::move(audio)));
      },
      py::arg("data"), py::arg("sample_rate"), py::arg("encoding") = "s16le",
      py::arg("channels") = 1, py::arg("max_duration_s") = AudioOptions{}.max_duration_s,
      "Converts raw interleaved little-endian PCM (bytes-like) to (float32 16 kHz mono, 16000).");

  m.def("log_mel", &LogMelOf, py::arg("samples"),
        "(frames, 80) float32 log-mel features of 16 kHz mono float samples: 25 ms Hann windows "
        "every 10 ms, 80 HTK-mel bands 20-7600 Hz, ln with a 1e-6 floor.");
  m.attr("LOG_MEL_BANDS") = LogMelConfig{}.num_mels;
}

}  // namespace voxface::python
