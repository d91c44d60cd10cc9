// SPDX-License-Identifier: Apache-2.0
// ONNX model files: the loader must reject anything malformed with a Status, never crash.
#include <string_view>

#include "nn/session.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)voxface::nn::Session::LoadFromBytes(
      std::string_view(reinterpret_cast<const char*>(data), size), "");
  return 0;
}
