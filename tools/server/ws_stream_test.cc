// SPDX-License-Identifier: Apache-2.0
// WS /v1/stream end to end: a real server on 127.0.0.1 (ephemeral port) and a Beast WebSocket
// client on loopback.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "server.h"
#include "server_test_util.h"
#include "voxface/voxface.h"

namespace voxface::server {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using nlohmann::json;

constexpr char kWav[] = VOXFACE_TEST_DATA_DIR "/flite_slt_book.wav";
constexpr int kWavFrames = 178;

struct Message {
  bool binary = false;
  std::string data;
};

// One WebSocket connection. Reads time out after 20 s so a server bug cannot hang the run.
class Client {
 public:
  explicit Client(int port) : ws_(ioc_) {
    ws_.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    timeval tv{20, 0};
    setsockopt(ws_.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ws_.handshake("127.0.0.1", "/v1/stream");
  }
  void SendText(const std::string& text) {
    ws_.text(true);
    ws_.write(net::buffer(text));
  }
  void SendBinary(const void* data, size_t size) {
    ws_.binary(true);
    ws_.write(net::buffer(data, size));
  }
  // The next message, or nothing once the server has closed.
  std::optional<Message> Read() {
    beast::flat_buffer buffer;
    beast::error_code ec;
    ws_.read(buffer, ec);
    if (ec) return std::nullopt;
    return Message{ws_.got_binary(), beast::buffers_to_string(buffer.data())};
  }
  std::vector<Message> ReadAll() {
    std::vector<Message> out;
    while (auto m = Read()) out.push_back(std::move(*m));
    return out;
  }
  // Drops the TCP connection without a close handshake.
  void Abort() {
    beast::error_code ignored;
    ws_.next_layer().close(ignored);
  }

 private:
  net::io_context ioc_;
  websocket::stream<tcp::socket> ws_;
};

json Json(const Message& m) {
  EXPECT_FALSE(m.binary);
  json j = json::parse(m.data, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << m.data;
  return j;
}

std::string S16le(const std::vector<float>& samples) {
  std::string out(samples.size() * 2, '\0');
  for (size_t i = 0; i < samples.size(); ++i) {
    const float x = std::clamp(samples[i], -1.0f, 1.0f);
    const auto v = static_cast<int16_t>(std::lround(x * 32767.0f));
    out[2 * i] = static_cast<char>(v & 0xff);
    out[2 * i + 1] = static_cast<char>((v >> 8) & 0xff);
  }
  return out;
}

// Pushes `pcm` in uneven chunks (odd sizes split samples across messages).
void SendUneven(Client* client, const std::string& pcm) {
  static constexpr size_t kSizes[] = {1, 333, 4097, 77, 12000, 2, 999};
  size_t pos = 0;
  for (int i = 0; pos < pcm.size(); ++i) {
    const size_t n = std::min(kSizes[i % std::size(kSizes)], pcm.size() - pos);
    client->SendBinary(pcm.data() + pos, n);
    pos += n;
  }
}

const std::string kStartS16 = R"({"type":"start","sample_rate":16000,"encoding":"s16le",)"
                              R"("channels":1,"fps":60,"seed":0)";

using test_util::TestConfig;

std::unique_ptr<Server> StartReady(const ServerConfig& config) {
  return test_util::StartServer(config, /*wait_ready=*/true);
}

class WsStreamTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ServerConfig config = TestConfig();
    server_ = StartReady(config).release();
    ASSERT_NE(server_, nullptr);
    auto audio = LoadAudioFile(kWav);
    ASSERT_TRUE(audio.ok()) << audio.status().message();
    pcm_ = new std::string(S16le(audio->samples));
    // The offline reference: the same s16le bytes, decoded and animated in one call.
    auto decoded = DecodeRawPcm(pcm_->data(), pcm_->size(), PcmFormat{});
    ASSERT_TRUE(decoded.ok()) << decoded.status().message();
    auto engine = Engine::Create(config.engine);
    ASSERT_TRUE(engine.ok()) << engine.status().message();
    auto track = (*engine)->Animate(*decoded);
    ASSERT_TRUE(track.ok()) << track.status().message();
    expected_ = new Track(std::move(*track));
    ASSERT_EQ(expected_->num_frames(), kWavFrames);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete pcm_;
    delete expected_;
  }
  static int port() { return server_->port(); }

  // Checks the header that answers a start message.
  static void ExpectHeader(Client* client) {
    auto header = client->Read();
    ASSERT_TRUE(header.has_value());
    json h = Json(*header);
    EXPECT_EQ(h["type"], "header");
    EXPECT_EQ(h["protocol"], 1);
    EXPECT_EQ(h["mode"], "utterance");
    EXPECT_TRUE(h["lookahead_s"].is_null());
    EXPECT_EQ(h["fps"], 60.0);
    ASSERT_EQ(h["names"].size(), static_cast<size_t>(kArkitCount));
    EXPECT_EQ(h["names"][0], std::string(kArkitNames[0]));
  }

  static Server* server_;
  static std::string* pcm_;
  static Track* expected_;
};
Server* WsStreamTest::server_ = nullptr;
std::string* WsStreamTest::pcm_ = nullptr;
Track* WsStreamTest::expected_ = nullptr;

// The frame tests compare against the first utterance of a fresh engine: the library's pooled
// PocketSphinx decoders carry state from one utterance to the next (a second Engine::Animate on
// the same Engine differs by up to ~0.017), so each gets its own server, hence its own engine.
TEST_F(WsStreamTest, JsonFramesEqualOfflineAnimate) {
  auto server = StartReady(TestConfig());
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  client.SendText(kStartS16 + R"(,"frames":"json"})");
  ExpectHeader(&client);
  SendUneven(&client, *pcm_);
  client.SendText(R"({"type":"end"})");
  std::vector<Message> messages = client.ReadAll();
  ASSERT_GE(messages.size(), 2u);
  int next = 0;
  float max_diff = 0.0f;
  for (size_t i = 0; i + 1 < messages.size(); ++i) {
    json m = Json(messages[i]);
    ASSERT_EQ(m["type"], "frames") << messages[i].data.substr(0, 200);
    EXPECT_EQ(m["start_frame"], next);
    const auto& weights = m["weights"];
    ASSERT_LE(weights.size(), 60u);
    ASSERT_EQ(m["timestamps"].size(), weights.size());
    for (size_t f = 0; f < weights.size(); ++f, ++next) {
      ASSERT_LT(next, expected_->num_frames());
      EXPECT_NEAR(m["timestamps"][f].get<double>(), expected_->timestamp_s(next), 1e-6);
      ASSERT_EQ(weights[f].size(), static_cast<size_t>(kArkitCount));
      for (int c = 0; c < kArkitCount; ++c) {
        max_diff =
            std::max(max_diff, std::abs(weights[f][c].get<float>() - expected_->weight(next, c)));
      }
    }
  }
  EXPECT_EQ(next, kWavFrames);
  EXPECT_LE(max_diff, 1e-4f);
  json end = Json(messages.back());
  EXPECT_EQ(end["type"], "end");
  EXPECT_EQ(end["num_frames"], kWavFrames);
  EXPECT_NEAR(end["duration"].get<double>(), expected_->duration_s, 1e-6);
  ASSERT_FALSE(end["phones"].empty());
  EXPECT_TRUE(end["phones"][0]["phone"].is_string());
}

TEST_F(WsStreamTest, BinaryFrames) {
  auto server = StartReady(TestConfig());
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  client.SendText(kStartS16 + R"(,"frames":"binary"})");
  ExpectHeader(&client);
  SendUneven(&client, *pcm_);
  client.SendText(R"({"type":"end"})");
  std::vector<Message> messages = client.ReadAll();
  ASSERT_GE(messages.size(), 2u);
  uint32_t next = 0;
  float max_diff = 0.0f;
  for (size_t i = 0; i + 1 < messages.size(); ++i) {
    const Message& m = messages[i];
    ASSERT_TRUE(m.binary);
    ASSERT_GE(m.data.size(), 8u);
    uint32_t start = 0, count = 0;  // Little-endian on the test hosts, as on the wire.
    std::memcpy(&start, m.data.data(), 4);
    std::memcpy(&count, m.data.data() + 4, 4);
    EXPECT_EQ(start, next);
    ASSERT_LE(count, 60u);
    ASSERT_EQ(m.data.size(), 8u + count * kArkitCount * 4u);
    for (uint32_t f = 0; f < count; ++f, ++next) {
      ASSERT_LT(next, static_cast<uint32_t>(expected_->num_frames()));
      for (int c = 0; c < kArkitCount; ++c) {
        float w = 0.0f;
        std::memcpy(&w, m.data.data() + 8 + (f * kArkitCount + c) * 4, 4);
        max_diff = std::max(max_diff, std::abs(w - expected_->weight(next, c)));
      }
    }
  }
  EXPECT_EQ(next, static_cast<uint32_t>(kWavFrames));
  EXPECT_LE(max_diff, 1e-4f);
  json end = Json(messages.back());
  EXPECT_EQ(end["type"], "end");
  EXPECT_EQ(end["num_frames"], kWavFrames);
}

// Sends `start` and expects one error message with `code`, then the close.
void ExpectStartError(int port, const std::string& start, const std::string& code,
                      const std::string& in_message) {
  Client client(port);
  client.SendText(start);
  std::vector<Message> messages = client.ReadAll();
  ASSERT_EQ(messages.size(), 1u) << start;
  json e = Json(messages[0]);
  EXPECT_EQ(e["type"], "error");
  EXPECT_EQ(e["code"], code) << e.dump();
  EXPECT_NE(e["message"].get<std::string>().find(in_message), std::string::npos) << e.dump();
}

TEST_F(WsStreamTest, BadStartIsAnError) {
  ExpectStartError(port(), "{not json", "invalid_argument", "not valid JSON");
  ExpectStartError(port(), R"({"type":"end"})", "invalid_argument", "start");
  ExpectStartError(port(), R"({"type":"start","encoding":"u8"})", "invalid_argument", "encoding");
  ExpectStartError(port(), R"({"type":"start","sample_rate":"16k"})", "invalid_argument",
                   "sample_rate");
  ExpectStartError(port(), R"({"type":"start","fps":0})", "invalid_argument", "");
  ExpectStartError(port(), R"({"type":"start","frames":"xml"})", "invalid_argument", "frames");
  ExpectStartError(port(), R"({"type":"start","sampel_rate":16000})", "invalid_argument",
                   "sampel_rate");
  // Audio before start.
  Client client(port());
  client.SendBinary("\0\0", 2);
  auto error = client.Read();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(Json(*error)["code"], "unexpected_message");
}

TEST_F(WsStreamTest, ClientDisconnectMidStreamLeavesServerWorking) {
  {
    Client client(port());
    client.SendText(kStartS16 + "}");
    ExpectHeader(&client);
    client.SendBinary(pcm_->data(), pcm_->size() / 3);
    client.Abort();
  }
  {
    // Gone while its frames are being computed.
    Client client(port());
    client.SendText(kStartS16 + "}");
    ExpectHeader(&client);
    client.SendBinary(pcm_->data(), pcm_->size());
    client.SendText(R"({"type":"end"})");
    client.Abort();
  }
  Client client(port());
  client.SendText(kStartS16 + "}");
  ExpectHeader(&client);
  client.SendBinary(pcm_->data(), 16000);  // 0.5 s.
  client.SendText(R"({"type":"end"})");
  std::vector<Message> messages = client.ReadAll();
  ASSERT_FALSE(messages.empty());
  json end = Json(messages.back());
  EXPECT_EQ(end["type"], "end");
  EXPECT_EQ(end["num_frames"], 30);
}

TEST(WsStreamLimitsTest, BusyAndTooLong) {
  ServerConfig config;
  config.port = 0;
  config.workers = 1;
  config.max_streams = 1;
  config.max_duration_s = 1.0;
  auto server = Server::Start(config);
  ASSERT_TRUE(server.ok()) << server.status().message();
  Client first((*server)->port());
  first.SendText(R"({"type":"start"})");
  auto header = first.Read();
  ASSERT_TRUE(header.has_value());
  EXPECT_EQ(Json(*header)["type"], "header");

  ExpectStartError((*server)->port(), R"({"type":"start"})", "busy", "retry");

  std::string pcm(2 * 16000 * 2, '\0');  // 2 s of silence, over the 1 s limit.
  first.SendBinary(pcm.data(), pcm.size() / 4);
  first.SendBinary(pcm.data(), pcm.size() / 4);
  first.SendBinary(pcm.data(), pcm.size() / 4);
  std::vector<Message> messages = first.ReadAll();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(Json(messages[0])["code"], "audio_too_long");
}

}  // namespace
}  // namespace voxface::server
