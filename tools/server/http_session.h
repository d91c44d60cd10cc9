// SPDX-License-Identifier: Apache-2.0
// One HTTP/1.1 connection: reads a request, answers it, repeats while keep-alive holds. Requests
// that animate go to the worker pool; the connection waits for the answer without blocking its
// I/O thread.
#ifndef VOXFACE_TOOLS_SERVER_HTTP_SESSION_H_
#define VOXFACE_TOOLS_SERVER_HTTP_SESSION_H_

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "routes.h"
#include "worker_pool.h"

namespace voxface::server {

// What every session of one server shares; owned by the Server and outliving its sessions'
// handlers.
struct SessionShared {
  RouteContext routes;
  WorkerPool* pool = nullptr;
  int64_t max_body_bytes = 0;
  double idle_timeout_s = 30.0;
  std::chrono::steady_clock::duration idle_timeout() const {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(idle_timeout_s));
  }
  // Set once shutdown begins: responses then close their connection.
  std::atomic<bool> stopping{false};
  // Requests read but not yet answered; shutdown waits for this to reach 0.
  std::atomic<int> in_flight{0};
  // WebSocket streams: the limit, and those open (shared so that a session destroyed with the
  // io_context after the server's other members never touches freed memory).
  int max_streams = 16;
  int64_t max_ws_message_bytes = 1 << 20;
  std::shared_ptr<std::atomic<int>> streams = std::make_shared<std::atomic<int>>(0);
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, SessionShared* shared);
  void Start();

 private:
  void DoRead();
  void OnRead(boost::beast::error_code ec, size_t bytes);
  // Answers on this session's strand; `drain` reads and drops the unread rest of an oversized
  // request before closing, so the client sees the 413 instead of a connection reset.
  void Send(Response response, const std::string& label, bool drain);
  void OnWrite(bool close, bool drain, boost::beast::error_code ec, size_t bytes);
  void DrainAndClose(size_t budget);
  void Close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<Response> response_;  // Alive until its write completes.
  std::vector<char> drain_buffer_;
  SessionShared* shared_;
  std::string client_;                                   // the peer's IP address, for rate limiting
  std::chrono::steady_clock::time_point request_start_;  // when the current request was read
};

}  // namespace voxface::server

#endif  // VOXFACE_TOOLS_SERVER_HTTP_SESSION_H_
