// SPDX-License-Identifier: Apache-2.0
// Viseme pose files (--poses FILE).
#include <string>

#include "anim/pose_library.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)voxface::PoseLibrary::Parse(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
