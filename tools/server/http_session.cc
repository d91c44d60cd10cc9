// SPDX-License-Identifier: Apache-2.0
#include "http_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>

#include "admission.h"
#include "ws_session.h"

namespace voxface::server {

namespace beast = boost::beast;
namespace net = boost::asio;

namespace {

// Oversized uploads are drained at most this far (and for at most 5 s) before closing.
constexpr size_t kDrainBudget = 256u << 20;

}  // namespace

HttpSession::HttpSession(net::ip::tcp::socket&& socket, SessionShared* shared)
    : stream_(std::move(socket)), shared_(shared) {}

void HttpSession::Start() {
  boost::system::error_code ec;
  auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) client_ = endpoint.address().to_string();
  // Run on the session's strand, as every later handler does.
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->DoRead(); });
}

void HttpSession::DoRead() {
  parser_.emplace();
  parser_->body_limit(static_cast<std::uint64_t>(shared_->max_body_bytes));
  stream_.expires_after(shared_->idle_timeout());
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::OnRead, shared_from_this()));
}

void HttpSession::OnRead(beast::error_code ec, size_t) {
  request_start_ = std::chrono::steady_clock::now();
  if (ec == http::error::body_limit) {
    // Beast stops at the header when Content-Length is too big, so nothing large was buffered.
    const auto& header = parser_->get();
    shared_->in_flight++;
    Send(MakeError(header.version(), false, http::status::payload_too_large, "body_too_large",
                   "request body exceeds the server's limit of " +
                       std::to_string(shared_->max_body_bytes) + " bytes"),
         MatchRoute(header.method(), ToStd(header.target())).label, /*drain=*/true);
    return;
  }
  if (ec && ec.category() == beast::http::make_error_code(http::error::bad_target).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    shared_->in_flight++;
    Send(MakeError(11, false, http::status::bad_request, "bad_request",
                   "malformed HTTP request: " + ec.message()),
         "other", /*drain=*/false);
    return;
  }
  if (ec) return Close();  // Peer closed, idle timeout, reset: nothing to answer.

  // A request may wait for a worker far longer than the idle timeout.
  stream_.expires_never();
  RouteMatch match = MatchRoute(parser_->get().method(), ToStd(parser_->get().target()));
  if (auto refusal = Admit(match, parser_->get(), client_, shared_->routes)) {
    shared_->in_flight++;
    Send(std::move(*refusal), match.label, false);
    return;
  }
  if (beast::websocket::is_upgrade(parser_->get()) && match.route == Route::kStream) {
    // The connection becomes a WebSocket stream; this session ends here.
    std::make_shared<WsSession>(std::move(stream_), shared_)->Run(parser_->release());
    return;
  }
  auto request = std::make_shared<Request>(parser_->release());
  shared_->in_flight++;
  if (!RunsOnWorker(match.route) || !match.method_allowed) {
    Send(HandleRequest(match, *request, shared_->routes), match.label, false);
    return;
  }
  auto job = [self = shared_from_this(), request, match] {
    Response response = HandleRequest(match, *request, self->shared_->routes);
    net::post(self->stream_.get_executor(),
              [self, response = std::move(response), label = match.label]() mutable {
                self->Send(std::move(response), label, false);
              });
  };
  if (!shared_->pool->TrySubmit(std::move(job))) {
    Response busy =
        MakeError(request->version(), request->keep_alive(), http::status::service_unavailable,
                  "queue_full", "the server is busy; retry later");
    busy.set(http::field::retry_after, "1");
    Send(std::move(busy), match.label, false);
  }
}

void HttpSession::Send(Response response, const std::string& label, bool drain) {
  shared_->routes.metrics->RecordRequest(
      label, response.result_int(),
      std::chrono::duration<double>(std::chrono::steady_clock::now() - request_start_).count());
  if (shared_->stopping.load()) response.keep_alive(false);
  const bool close = drain || response.need_eof();
  response_ = std::make_shared<Response>(std::move(response));
  stream_.expires_after(shared_->idle_timeout());
  http::async_write(stream_, *response_,
                    [self = shared_from_this(), close, drain](beast::error_code ec, size_t n) {
                      self->OnWrite(close, drain, ec, n);
                    });
}

void HttpSession::OnWrite(bool close, bool drain, beast::error_code ec, size_t) {
  response_.reset();
  shared_->in_flight--;
  if (ec) return Close();
  if (drain) {
    beast::error_code ignored;
    stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    drain_buffer_.resize(64 * 1024);
    stream_.expires_after(std::chrono::seconds(5));
    return DrainAndClose(kDrainBudget);
  }
  if (close) return Close();
  DoRead();
}

void HttpSession::DrainAndClose(size_t budget) {
  stream_.async_read_some(net::buffer(drain_buffer_),
                          [self = shared_from_this(), budget](beast::error_code ec, size_t n) {
                            if (ec || n >= budget) return self->Close();
                            self->DrainAndClose(budget - n);
                          });
}

void HttpSession::Close() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

}  // namespace voxface::server
