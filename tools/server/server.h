// SPDX-License-Identifier: Apache-2.0
// `voxface serve`: the HTTP server. Binds, accepts on I/O threads, animates on a bounded worker
// pool sharing cached Engines, and shuts down gracefully.
//
//   auto server = voxface::server::Server::Start(config);  // Result<unique_ptr<Server>>
//   int port = (*server)->port();                          // the bound port (config.port 0 ok)
//   (*server)->Shutdown();                                 // from any thread
//   (*server)->Wait();
#ifndef VOXFACE_TOOLS_SERVER_SERVER_H_
#define VOXFACE_TOOLS_SERVER_SERVER_H_

#include <memory>

#include "server_config.h"
#include "voxface/status.h"

namespace voxface::server {

class Server {
 public:
  // Validates the config, binds and starts serving; the default engine loads in the background
  // (GET /readyz answers 200 once it has). Fails when the address cannot be bound.
  static Result<std::unique_ptr<Server>> Start(const ServerConfig& config);
  // Shuts down and waits.
  virtual ~Server() = default;

  virtual int port() const = 0;
  // True once the default engine has loaded.
  virtual bool ready() const = 0;
  // Stops accepting, lets in-flight requests finish (up to shutdown_grace_s), then stops the
  // threads. Thread-safe, idempotent, returns at once.
  virtual void Shutdown() = 0;
  // Blocks until Shutdown has completed.
  virtual void Wait() = 0;
};

// Runs until SIGINT or SIGTERM, then shuts down gracefully. Returns the process exit code: 0
// after a clean shutdown, 1 when the server cannot start (reason on stderr).
int RunServer(const ServerConfig& config);

}  // namespace voxface::server

#endif  // VOXFACE_TOOLS_SERVER_SERVER_H_
