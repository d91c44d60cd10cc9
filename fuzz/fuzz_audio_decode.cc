// SPDX-License-Identifier: Apache-2.0
// Untrusted audio files (uploads, CLI inputs): decoding must fail cleanly or give finite samples.
#include <cmath>
#include <cstdlib>

#include "voxface/audio.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  voxface::AudioOptions options;
  options.max_duration_s = 20.0;  // bounds memory per input, as the server's limit does
  auto audio = voxface::DecodeAudio(data, size, options);
  if (audio.ok()) {
    for (float s : audio->samples) {
      if (!std::isfinite(s)) std::abort();
    }
  }
  return 0;
}
