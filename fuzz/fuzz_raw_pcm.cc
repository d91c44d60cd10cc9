// SPDX-License-Identifier: Apache-2.0
// Raw PCM from WebSocket clients: any format/rate/channel header with any payload.
#include <cmath>
#include <cstdlib>

#include "fuzz_util.h"
#include "voxface/audio.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  voxface::fuzz::Input in(data, size);
  static constexpr int kRates[] = {0, 1, 8000, 11025, 16000, 22050, 44100, 48000, 192000, -5};
  voxface::PcmFormat format;
  format.sample_rate_hz = kRates[in.Byte() % 10];
  format.channels = in.Byte() % 5;
  format.format = in.Byte() % 2 ? voxface::SampleFormat::kF32LE : voxface::SampleFormat::kS16LE;
  std::string_view pcm = in.Rest();
  voxface::AudioOptions options;
  options.max_duration_s = 20.0;
  auto audio = voxface::DecodeRawPcm(pcm.data(), pcm.size(), format, options);
  if (audio.ok()) {
    for (float s : audio->samples) {
      if (!std::isfinite(s)) std::abort();
    }
  }
  return 0;
}
