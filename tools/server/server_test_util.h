// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the server's HTTP and WebSocket tests.
#ifndef VOXFACE_TOOLS_SERVER_SERVER_TEST_UTIL_H_
#define VOXFACE_TOOLS_SERVER_SERVER_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "server.h"
#include "server_config.h"

namespace voxface::server::test_util {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct Reply {
  int status = 0;  // 0: the exchange failed (see error).
  std::string content_type;
  std::string body;
  std::string error;
  std::map<std::string, std::string> headers;  // as sent (names case-preserved)
};

// One request on a fresh connection. Reads time out after 20 s so a server bug cannot hang
// the test run.
inline Reply Fetch(int port, http::verb method, const std::string& target, std::string body = "",
                   const std::string& content_type = "",
                   const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  Reply reply;
  try {
    net::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    timeval tv{20, 0};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = std::move(body);
    req.prepare_payload();
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    http::read(socket, buffer, parser);
    reply.status = parser.get().result_int();
    reply.content_type = std::string(parser.get()[http::field::content_type]);
    reply.body = parser.get().body();
    for (const auto& field : parser.get()) {
      reply.headers[std::string(field.name_string())] = std::string(field.value());
    }
  } catch (const std::exception& e) {
    reply.error = e.what();
  }
  return reply;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::string ErrorCode(const Reply& reply) {
  auto json = nlohmann::json::parse(reply.body, nullptr, false);
  if (json.is_discarded() || !json.contains("error"))
    return "(not a JSON error: " + reply.body + ")";
  EXPECT_TRUE(json["error"]["message"].is_string());
  return json["error"]["code"].get<std::string>();
}

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
