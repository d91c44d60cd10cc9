// SPDX-License-Identifier: Apache-2.0
// The WebSocket stream's JSON start message (docs/protocol.md), from untrusted clients.
#include "engine_cache.h"
#include "ws_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Engines are only built on Get(); parsing never loads one.
  static voxface::server::EngineCache* engines =
      new voxface::server::EngineCache(voxface::EngineConfig{}, 1);
  (void)voxface::server::ParseStartMessage(
      std::string_view(reinterpret_cast<const char*>(data), size), *engines);
  return 0;
}
