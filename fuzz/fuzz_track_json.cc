// SPDX-License-Identifier: Apache-2.0
// Track files read back by `voxface plot`/`eval` and the Python module.
#include <cmath>
#include <cstdlib>
#include <string>

#include "voxface/export.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto track = voxface::TrackFromJson(std::string(reinterpret_cast<const char*>(data), size));
  if (track.ok()) {
    // A track that loads must export again.
    (void)voxface::TrackToJson(*track);
  }
  return 0;
}
