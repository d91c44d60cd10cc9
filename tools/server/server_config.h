// SPDX-License-Identifier: Apache-2.0
// Settings of `voxface serve`. Every field has a documented default; Validate() says what is
// wrong. The CLI maps its flags onto this struct in one place (tools/cli/main.cc).
#ifndef VOXFACE_TOOLS_SERVER_SERVER_CONFIG_H_
#define VOXFACE_TOOLS_SERVER_SERVER_CONFIG_H_

#include <cstdint>
#include <string>

#include "voxface/voxface.h"

namespace voxface::server {

// The page bundle of this build, <build>/web/dist (CMake's VOXFACE_WEB_DIR; defined in
// static_files.cc), or "" for a binary compiled without one.
const char* DefaultWebDir();

struct ServerConfig {
  // Address to bind. Loopback by default: exposing the server is an explicit choice.
  std::string host = "127.0.0.1";
  // TCP port; 0 picks a free one (tests), see Server::port().
  int port = 8080;
  // Threads running Engine calls. I/O threads never run inference.
  int workers = 2;
  // Requests waiting for a worker beyond those running; more are answered 503.
  int max_queue = 16;
  // Threads doing socket I/O only (parsing, writing responses).
  int io_threads = 1;
  // Request bodies above this are answered 413 before they are read.
  double max_body_mb = 50.0;
  // Decoded audio longer than this (seconds) is answered 413.
  double max_duration_s = 600.0;
  // A connection that sends nothing for this long is closed.
  double idle_timeout_s = 30.0;
  // On SIGINT/SIGTERM, in-flight requests get at most this long to finish.
  double shutdown_grace_s = 30.0;
  // WebSocket streams (WS /v1/stream) open at once; a further "start" is answered "busy".
  int max_streams = 16;
  // Largest WebSocket message (bytes); a bigger one closes the stream with code 1009.
  int64_t max_ws_message_bytes = 1 << 20;
  // API keys (Authorization: Bearer KEY): a file with one key (or "sha256:<hex>") per line, and
  // keys given directly, comma-separated (the CLI fills this from VOXFACE_API_KEYS, never from a
  // flag, so keys do not show in `ps`). Both empty: no keys needed.
  std::string api_keys_file;
  std::string api_keys;
  // Requests a second per client address on the animation and stream routes (0: no limit);
  // beyond it, 429 with Retry-After. Bursts of up to rate_limit_burst are allowed.
  double rate_limit_per_s = 0.0;
  int rate_limit_burst = 10;
  // Engines kept for distinct (fps, seed, emotion) requests; least recently used goes first.
  int engine_cache_size = 8;
  // Defaults for requests that do not override them, and the analyser settings.
  EngineConfig engine;
  // The web page served at / (read into memory at start). Default: this build's bundle,
  // DefaultWebDir(); a folder without index.html gives a page saying how to build it; "" serves
  // no page at all.
  std::string web_dir = DefaultWebDir();

  Status Validate() const;
  int64_t max_body_bytes() const { return static_cast<int64_t>(max_body_mb * 1024 * 1024); }
};

}  // namespace voxface::server

#endif  // VOXFACE_TOOLS_SERVER_SERVER_CONFIG_H_
