// SPDX-License-Identifier: Apache-2.0
// API keys, rate limits, the OpenAPI document and latency metrics, on a real server on loopback.
#include <gtest/gtest.h>

#include <boost/beast/websocket.hpp>
#include <set>

#include "routes.h"
#include "server.h"
#include "server_test_util.h"

namespace voxface::server {
namespace {

namespace websocket = boost::beast::websocket;
using test_util::ErrorCode;
using test_util::Fetch;
namespace http = boost::beast::http;
using test_util::Reply;

constexpr char kKey[] = "test-key-0123456789abcdef";
const std::string kBearer = std::string("Bearer ") + kKey;

// Whether a WebSocket handshake on `target` succeeds.
bool WsHandshakeOk(int port, const std::string& target) {
  test_util::net::io_context ioc;
  websocket::stream<test_util::tcp::socket> ws(ioc);
  ws.next_layer().connect(
      test_util::tcp::endpoint(test_util::net::ip::make_address("127.0.0.1"), port));
  boost::system::error_code ec;
  ws.handshake("127.0.0.1", target, ec);
  return !ec;
}

// The HTTP answer to a WebSocket upgrade request that the server refuses.
Reply RefusedUpgrade(int port, const std::string& target) {
  return Fetch(port, http::verb::get, target, "", "",
               {{"Connection", "Upgrade"},
                {"Upgrade", "websocket"},
                {"Sec-WebSocket-Version", "13"},
                {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
}

TEST(ServerSecurityTest, ApiKeysGuardTheWorkRoutesOnly) {
  ServerConfig config = test_util::TestConfig();
  config.api_keys = kKey;
  auto server = test_util::StartServer(config, /*wait_ready=*/false);
  ASSERT_NE(server, nullptr);
  const int port = server->port();

  Reply missing = Fetch(port, http::verb::post, "/v1/animate", "x");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(ErrorCode(missing), "unauthorized");
  EXPECT_EQ(missing.headers["WWW-Authenticate"], "Bearer realm=\"voxface\"");
  Reply wrong = Fetch(port, http::verb::post, "/process-audio", "x", "",
                      {{"Authorization", "Bearer not-the-key-0123456789"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_NE(wrong.body.find("not valid"), std::string::npos);
  EXPECT_EQ(Fetch(port, http::verb::get, "/metrics").status, 401);

  // With the key the request reaches the handler (which rejects the non-audio body).
  Reply keyed = Fetch(port, http::verb::post, "/v1/animate", "x", "", {{"Authorization", kBearer}});
  EXPECT_EQ(keyed.status, 400) << keyed.body;
  EXPECT_EQ(Fetch(port, http::verb::get, "/metrics", "", "", {{"Authorization", kBearer}}).status,
            200);
  // Probes and the API description need no key.
  EXPECT_EQ(Fetch(port, http::verb::get, "/healthz").status, 200);
  EXPECT_EQ(Fetch(port, http::verb::get, "/openapi.json").status, 200);

  // WebSocket: browsers cannot set headers, so the key may come as ?access_token=.
  EXPECT_EQ(RefusedUpgrade(port, "/v1/stream").status, 401);
  EXPECT_EQ(RefusedUpgrade(port, "/v1/stream?access_token=wrong-key-0123456789").status, 401);
  EXPECT_FALSE(WsHandshakeOk(port, "/v1/stream"));
  EXPECT_TRUE(WsHandshakeOk(port, std::string("/v1/stream?access_token=") + kKey));
}

TEST(ServerSecurityTest, BadKeyFileStopsStartup) {
  ServerConfig config = test_util::TestConfig();
  config.api_keys_file = "/nonexistent/voxface-keys.txt";
  auto server = Server::Start(config);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("/nonexistent/voxface-keys.txt"), std::string::npos);
}

TEST(ServerSecurityTest, RateLimitAnswers429WithRetryAfter) {
  ServerConfig config = test_util::TestConfig();
  config.rate_limit_per_s = 0.5;
  config.rate_limit_burst = 2;
  auto server = test_util::StartServer(config, /*wait_ready=*/false);
  ASSERT_NE(server, nullptr);
  const int port = server->port();
  // Two requests fit the burst (both rejected by the handler for their body), the third is
  // over the rate; health checks are never limited.
  EXPECT_EQ(Fetch(port, http::verb::post, "/v1/animate", "x").status, 400);
  EXPECT_EQ(Fetch(port, http::verb::post, "/v1/animate", "x").status, 400);
  Reply limited = Fetch(port, http::verb::post, "/v1/animate", "x");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(ErrorCode(limited), "rate_limited");
  EXPECT_EQ(limited.headers["Retry-After"], "2");
  EXPECT_EQ(Fetch(port, http::verb::get, "/healthz").status, 200);
}

TEST(ServerSecurityTest, OpenApiDescribesEveryRoute) {
  auto server = test_util::StartServer(test_util::TestConfig(), /*wait_ready=*/false);
  ASSERT_NE(server, nullptr);
  Reply doc = Fetch(server->port(), http::verb::get, "/openapi.json");
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(doc.content_type, "application/json");
  auto json = nlohmann::json::parse(doc.body, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << "openapi.json is not valid JSON";
  EXPECT_EQ(json["openapi"], "3.0.3");
  EXPECT_EQ(json["info"]["version"], Version());
  std::set<std::string> described;
  for (const auto& [path, item] : json["paths"].items()) {
    described.insert(path);
    for (const auto& [method, op] : item.items()) {
      const http::verb verb = http::string_to_verb(method == "get" ? "GET" : "POST");
      RouteMatch match = MatchRoute(verb, path);
      EXPECT_NE(match.route, Route::kNotFound) << path;
      EXPECT_TRUE(match.method_allowed) << method << " " << path;
    }
  }
  for (const char* path : {"/v1/animate", "/process-audio", "/v1/stream", "/healthz", "/readyz",
                           "/metrics", "/openapi.json"}) {
    EXPECT_TRUE(described.count(path)) << path << " is not in openapi.json";
  }
}

TEST(ServerSecurityTest, MetricsHaveLatencyHistograms) {
  auto server = test_util::StartServer(test_util::TestConfig(), /*wait_ready=*/false);
  ASSERT_NE(server, nullptr);
  const int port = server->port();
  for (int i = 0; i < 3; ++i) Fetch(port, http::verb::get, "/healthz");
  Reply metrics = Fetch(port, http::verb::get, "/metrics");
  ASSERT_EQ(metrics.status, 200);
  const std::string& m = metrics.body;
  EXPECT_NE(m.find("# TYPE voxface_request_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(m.find("voxface_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 3"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("voxface_request_duration_seconds_count{route=\"/healthz\"} 3"),
            std::string::npos);
  EXPECT_NE(m.find("voxface_active_streams 0"), std::string::npos);
  EXPECT_NE(m.find("voxface_real_time_factor"), std::string::npos);
  EXPECT_NE(m.find("# TYPE voxface_stream_finish_seconds histogram"), std::string::npos);
}

}  // namespace
}  // namespace voxface::server
