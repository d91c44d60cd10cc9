// SPDX-License-Identifier: Apache-2.0
#include "server_config.h"

namespace voxface::server {

Status ServerConfig::Validate() const {
  if (host.empty()) return Status::InvalidArgument("--host must not be empty");
  if (port < 0 || port > 65535) {
    return Status::InvalidArgument("--port must be in [0, 65535], got " + std::to_string(port));
  }
  if (workers < 1 || workers > 256) {
    return Status::InvalidArgument("--workers must be in [1, 256], got " + std::to_string(workers));
  }
  if (max_queue < 0 || max_queue > 100000) {
    return Status::InvalidArgument("--max-queue must be in [0, 100000], got " +
                                   std::to_string(max_queue));
  }
  if (io_threads < 1 || io_threads > 64) {
    return Status::InvalidArgument("--io-threads must be in [1, 64], got " +
                                   std::to_string(io_threads));
  }
  // 4 GiB bounds what one request may make us hold in memory.
  if (!(max_body_mb > 0 && max_body_mb <= 4096)) {
    return Status::InvalidArgument("--max-body-mb must be in (0, 4096], got " +
                                   std::to_string(max_body_mb));
  }
  if (!(max_duration_s > 0 && max_duration_s <= 7200)) {
    return Status::InvalidArgument("--max-duration must be in (0, 7200] s, got " +
                                   std::to_string(max_duration_s));
  }
  if (!(idle_timeout_s > 0)) return Status::InvalidArgument("idle timeout must be > 0");
  if (!(shutdown_grace_s >= 0)) return Status::InvalidArgument("shutdown grace must be >= 0");
  if (max_streams < 0 || max_streams > 100000) {
    return Status::InvalidArgument("--max-streams must be in [0, 100000], got " +
                                   std::to_string(max_streams));
  }
  if (max_ws_message_bytes < 1024 || max_ws_message_bytes > (int64_t{1} << 30)) {
    return Status::InvalidArgument("max WebSocket message size must be in [1 KiB, 1 GiB], got " +
                                   std::to_string(max_ws_message_bytes));
  }
  if (engine_cache_size < 1 || engine_cache_size > 64) {
    return Status::InvalidArgument("engine cache size must be in [1, 64], got " +
                                   std::to_string(engine_cache_size));
  }
  if (!(rate_limit_per_s >= 0 && rate_limit_per_s <= 1e6)) {
    return Status::InvalidArgument("--rate-limit must be in [0, 1e6] requests/s, got " +
                                   std::to_string(rate_limit_per_s));
  }
  if (rate_limit_burst < 1 || rate_limit_burst > 100000) {
    return Status::InvalidArgument("--rate-burst must be in [1, 100000], got " +
                                   std::to_string(rate_limit_burst));
  }
  return engine.Validate();
}

}  // namespace voxface::server
