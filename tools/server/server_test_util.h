// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the server's HTTP and WebSocket tests.
#ifndef VOXFACE_TOOLS_SERVER_SERVER_TEST_UTIL_H_
#define VOXFACE_TOOLS_SERVER_SERVER_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "server.h"
#include "server_config.h"

namespace voxface::server::test_util {

// Loopback, an ephemeral port, two workers.
inline ServerConfig TestConfig() {
  ServerConfig config;
  config.port = 0;
  config.workers = 2;
  return config;
}

// A started server (nullptr on failure); with wait_ready, once its default engine has loaded.
inline std::unique_ptr<Server> StartServer(const ServerConfig& config, bool wait_ready) {
  auto server = Server::Start(config);
  EXPECT_TRUE(server.ok()) << server.status().message();
  if (!server.ok()) return nullptr;
  if (wait_ready) {
    for (int i = 0; i < 300 && !(*server)->ready(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE((*server)->ready());
  }
  return std::move(*server);
}

}  // namespace voxface::server::test_util

#endif  // VOXFACE_TOOLS_SERVER_SERVER_TEST_UTIL_H_
