// SPDX-License-Identifier: Apache-2.0
// End-to-end tests: a real server on 127.0.0.1 (ephemeral port) and a Beast client on loopback.
#include "server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

#include "server_test_util.h"
#include "voxface/voxface.h"

namespace voxface::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr char kWav[] = VOXFACE_TEST_DATA_DIR "/flite_slt_book.wav";
constexpr int kWavFrames = 178;

std::string Multipart(const std::string& audio, const std::string& boundary) {
  return "--" + boundary +
         "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
         "Content-Type: audio/wav\r\n\r\n" +
         audio + "\r\n--" + boundary + "--\r\n";
}

using test_util::ErrorCode;
using test_util::Fetch;
using test_util::ReadFile;
using test_util::Reply;
using test_util::TestConfig;

std::unique_ptr<Server> StartOrDie(const ServerConfig& config) {
  return test_util::StartServer(config, /*wait_ready=*/false);
}

// Polls /readyz for at most 30 s.
bool WaitReady(int port) {
  for (int i = 0; i < 300; ++i) {
    if (Fetch(port, http::verb::get, "/readyz").status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = StartOrDie(TestConfig()).release();
    ASSERT_NE(server_, nullptr);
    ASSERT_TRUE(WaitReady(server_->port()));
    wav_ = new std::string(ReadFile(kWav));
    ASSERT_GT(wav_->size(), 1000u);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete wav_;
  }
  static int port() { return server_->port(); }
  static Server* server_;
  static std::string* wav_;
};
Server* ServerTest::server_ = nullptr;
std::string* ServerTest::wav_ = nullptr;

TEST_F(ServerTest, HealthAndReadiness) {
  EXPECT_GT(port(), 0);
  Reply health = Fetch(port(), http::verb::get, "/healthz");
  EXPECT_EQ(health.status, 200) << health.error;
  EXPECT_EQ(health.body, "ok\n");
  EXPECT_EQ(Fetch(port(), http::verb::get, "/readyz").status, 200);
  EXPECT_TRUE(server_->ready());
}

TEST_F(ServerTest, AnimatesRawBody) {
  Reply r = Fetch(port(), http::verb::post, "/v1/animate", *wav_, "audio/wav");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  auto track = TrackFromJson(r.body);
  ASSERT_TRUE(track.ok()) << track.status().message();
  EXPECT_EQ(track->num_frames(), kWavFrames);
  EXPECT_DOUBLE_EQ(track->fps, 60.0);
}

TEST_F(ServerTest, AnimatesMultipartWithOptions) {
  Reply r =
      Fetch(port(), http::verb::post,
            "/v1/animate?text=Book+a+flight&seed=7&emotion=joy:0.6,surprise:0.2",
            Multipart(*wav_, "----vfBoundary42"), "multipart/form-data; boundary=----vfBoundary42");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  auto track = TrackFromJson(r.body);
  ASSERT_TRUE(track.ok()) << track.status().message();
  EXPECT_EQ(track->num_frames(), kWavFrames);
  EXPECT_EQ(track->seed, 7u);
}

TEST_F(ServerTest, WritesCsvAndTsv) {
  Reply csv = Fetch(port(), http::verb::post, "/v1/animate?format=csv&fps=30", *wav_);
  ASSERT_EQ(csv.status, 200) << csv.error << csv.body;
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  auto track = TrackFromCsv(csv.body, 30.0);
  ASSERT_TRUE(track.ok()) << track.status().message();
  EXPECT_NEAR(track->num_frames(), kWavFrames / 2, 1);
  Reply tsv = Fetch(port(), http::verb::post, "/v1/animate?format=tsv", *wav_);
  ASSERT_EQ(tsv.status, 200) << tsv.error << tsv.body;
  EXPECT_NE(tsv.body.find("\tX"), std::string::npos);
}

TEST_F(ServerTest, ProcessAudioKeepsTheDesignNoteShape) {
  Reply r = Fetch(port(), http::verb::post, "/process-audio", Multipart(*wav_, "b0undary"),
                  "multipart/form-data; boundary=b0undary");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  auto json = nlohmann::json::parse(r.body);
  EXPECT_EQ(json["fps"].get<double>(), 60.0);
  EXPECT_EQ(json["num_frames"].get<int>(), kWavFrames);
  EXPECT_NEAR(json["duration"].get<double>(), kWavFrames / 60.0, 0.05);
  ASSERT_EQ(json["blendshapes"].size(), static_cast<size_t>(kWavFrames));
  EXPECT_EQ(json["blendshapes"][0].size(), 52u);
  ASSERT_EQ(json["timestamps"].size(), static_cast<size_t>(kWavFrames));
  EXPECT_NEAR(json["timestamps"][60].get<double>(), 1.0, 1e-4);
  ASSERT_EQ(json["names"].size(), 52u);
  EXPECT_EQ(json["names"][0], "eyeBlinkLeft");
  // The design note's endpoint takes a form upload only.
  Reply raw = Fetch(port(), http::verb::post, "/process-audio", *wav_, "audio/wav");
  EXPECT_EQ(raw.status, 400);
}

TEST_F(ServerTest, RejectsBadInputWithJsonErrors) {
  Reply bad = Fetch(port(), http::verb::post, "/v1/animate", "this is not audio at all");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.content_type, "application/json");
  EXPECT_EQ(ErrorCode(bad), "bad_audio");
  EXPECT_EQ(ErrorCode(Fetch(port(), http::verb::post, "/v1/animate", "")), "invalid_argument");
  for (const char* target :
       {"/v1/animate?fps=abc", "/v1/animate?fps=0", "/v1/animate?seed=-1", "/v1/animate?format=xml",
        "/v1/animate?emotion=joy:lots", "/v1/animate?fsp=30", "/v1/animate?text=%zz"}) {
    Reply r = Fetch(port(), http::verb::post, target, *wav_);
    EXPECT_EQ(r.status, 400) << target << ": " << r.body;
    EXPECT_EQ(ErrorCode(r), "invalid_argument") << target;
  }
  Reply no_file = Fetch(port(), http::verb::post, "/v1/animate", "--b\r\n\r\n--b--",
                        "multipart/form-data; boundary=b");
  EXPECT_EQ(no_file.status, 400);
  Reply missing = Fetch(port(), http::verb::get, "/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(ErrorCode(missing), "not_found");
  Reply method = Fetch(port(), http::verb::get, "/v1/animate");
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(ErrorCode(method), "method_not_allowed");
  EXPECT_EQ(Fetch(port(), http::verb::post, "/healthz").status, 405);
}

TEST_F(ServerTest, ConcurrentClientsAllSucceed) {
  std::vector<Reply> replies(4);
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&, i] {
      // Two seeds: both cached engines are then shared by two requests each.
      replies[i] =
          Fetch(port(), http::verb::post, "/v1/animate?seed=" + std::to_string(i % 2), *wav_);
    });
  }
  for (auto& t : clients) t.join();
  for (const Reply& r : replies) {
    ASSERT_EQ(r.status, 200) << r.error << r.body;
    EXPECT_EQ(TrackFromJson(r.body)->num_frames(), kWavFrames);
  }
}

TEST_F(ServerTest, ExportsMetrics) {
  Fetch(port(), http::verb::post, "/v1/animate", *wav_);
  Fetch(port(), http::verb::get, "/nope");
  Reply m = Fetch(port(), http::verb::get, "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("voxface_requests_total{route=\"/v1/animate\",code=\"200\"}"),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("voxface_requests_total{route=\"other\",code=\"404\"}"), std::string::npos);
  for (const char* name : {"voxface_request_errors_total ", "voxface_audio_seconds_total ",
                           "voxface_processing_seconds_total ", "voxface_queue_depth 0"}) {
    EXPECT_NE(m.body.find(name), std::string::npos) << name;
  }
}

TEST(ServerLimitsTest, OversizeBodyAndLongAudioAre413) {
  ServerConfig config = TestConfig();
  config.max_body_mb = 0.2;
  config.max_duration_s = 1.0;
  auto server = StartOrDie(config);
  ASSERT_NE(server, nullptr);
  Reply big = Fetch(server->port(), http::verb::post, "/v1/animate", std::string(300000, 'x'));
  EXPECT_EQ(big.status, 413) << big.error;
  EXPECT_EQ(ErrorCode(big), "body_too_large");
  Reply longer = Fetch(server->port(), http::verb::post, "/v1/animate", ReadFile(kWav));
  EXPECT_EQ(longer.status, 413) << longer.error;
  EXPECT_EQ(ErrorCode(longer), "audio_too_long");
}

TEST(ServerLimitsTest, FullQueueIs503) {
  ServerConfig config = TestConfig();
  config.workers = 1;
  config.max_queue = 0;
  auto server = StartOrDie(config);
  ASSERT_NE(server, nullptr);
  const std::string wav = ReadFile(kWav);
  // The single worker is busy for at least the engine load, so some of these find it taken.
  std::vector<Reply> replies(4);
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back(
        [&, i] { replies[i] = Fetch(server->port(), http::verb::post, "/v1/animate", wav); });
  }
  for (auto& t : clients) t.join();
  int ok = 0, busy = 0;
  for (const Reply& r : replies) {
    if (r.status == 200) ++ok;
    if (r.status == 503 && ErrorCode(r) == "queue_full") ++busy;
  }
  EXPECT_GE(ok, 1);
  EXPECT_GE(busy, 1);
  EXPECT_EQ(ok + busy, 4);
}

TEST(ServerShutdownTest, FinishesInFlightRequests) {
  auto server = StartOrDie(TestConfig());
  ASSERT_NE(server, nullptr);
  const int port = server->port();
  Reply in_flight;
  std::thread client(
      [&] { in_flight = Fetch(port, http::verb::post, "/v1/animate", ReadFile(kWav)); });
  // The request is then waiting for the engine to load or being animated.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto start = std::chrono::steady_clock::now();
  server->Shutdown();
  server->Wait();
  client.join();
  EXPECT_EQ(in_flight.status, 200) << in_flight.error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));
  // No longer accepting.
  EXPECT_EQ(Fetch(port, http::verb::get, "/healthz").status, 0);
}

TEST(ServerConfigTest, ValidatesAndReportsBindErrors) {
  ServerConfig config = TestConfig();
  config.workers = 0;
  EXPECT_FALSE(config.Validate().ok());
  config = TestConfig();
  config.max_body_mb = 0;
  EXPECT_FALSE(Server::Start(config).ok());
  config = TestConfig();
  config.host = "not-an-ip";
  EXPECT_FALSE(Server::Start(config).ok());
}

}  // namespace
}  // namespace voxface::server
