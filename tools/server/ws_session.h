// SPDX-License-Identifier: Apache-2.0
// One WebSocket connection on WS /v1/stream (docs/protocol.md): a "start" message, PCM chunks,
// "end", then the track's frames. HttpSession hands the upgrade request over. Engine loading
// and Stream::Finish run on the worker pool; the I/O thread only converts PCM (Stream::Push) and
// moves bytes.
#ifndef VOXFACE_TOOLS_SERVER_WS_SESSION_H_
#define VOXFACE_TOOLS_SERVER_WS_SESSION_H_

#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <string>

#include "http_session.h"
#include "ws_protocol.h"

namespace voxface::server {

class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(boost::beast::tcp_stream&& stream, SessionShared* shared);
  ~WsSession();
  // Completes the handshake for `upgrade` (already read), then serves the stream.
  void Run(Request upgrade);

 private:
  enum class State { kAwaitStart, kStarting, kStreaming, kFinishing, kDone };
  struct Outgoing {
    std::string data;
    bool binary = false;
  };

  void OnAccept(boost::beast::error_code ec);
  // Gives back this session's max_streams slot (once).
  void ReleaseSlot();
  void DoRead();
  void OnRead(boost::beast::error_code ec, size_t bytes);
  void OnStart(std::string_view message);
  // On the strand, once the worker has built the Stream (or failed to).
  void OnStarted(Result<std::unique_ptr<Stream>> stream);
  void OnAudio(const void* data, size_t size);
  void OnEnd();
  void OnFinished(Result<Track> track, double elapsed_s);

  // Queues a message; writes go out one at a time, in order.
  void Send(std::string data, bool binary);
  void DoWrite();
  // Sends {"type":"error"} and closes (policy violation).
  void Fail(std::string_view code, std::string_view message);
  // Closes normally once every queued message has been written.
  void CloseWhenSent(boost::beast::websocket::close_code code);

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  Request upgrade_;  // Alive until the handshake completes.
  SessionShared* shared_;
  std::shared_ptr<std::atomic<int>> streams_;
  bool counted_ = false;  // Whether this session holds one of the max_streams slots.
  State state_ = State::kAwaitStart;
  StreamStart start_;
  std::unique_ptr<Stream> stream_;
  int64_t bytes_pushed_ = 0;
  std::chrono::steady_clock::time_point end_received_;  // when {"type":"end"} arrived
  int64_t max_bytes_ = 0;
  std::deque<Outgoing> outgoing_;
  bool writing_ = false;
  bool close_pending_ = false;
  boost::beast::websocket::close_code close_code_ = boost::beast::websocket::close_code::normal;
  bool closed_ = false;  // Close sent or the connection failed: nothing more is written.
};

}  // namespace voxface::server

#endif  // VOXFACE_TOOLS_SERVER_WS_SESSION_H_
