// SPDX-License-Identifier: Apache-2.0
#include "ws_session.h"

#include <boost/asio/post.hpp>
#include <chrono>

namespace voxface::server {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;

namespace {

// The close code that goes with an error code: retry later, our fault, or the client's.
websocket::close_code CloseCodeFor(std::string_view code) {
  if (code == "busy" || code == "queue_full") return websocket::close_code::try_again_later;
  if (code == "internal") return websocket::close_code::internal_error;
  return websocket::close_code::policy_error;
}

}  // namespace

WsSession::WsSession(beast::tcp_stream&& stream, SessionShared* shared)
    : ws_(std::move(stream)), shared_(shared), streams_(shared->streams) {}

WsSession::~WsSession() { ReleaseSlot(); }

void WsSession::ReleaseSlot() {
  if (counted_) streams_->fetch_sub(1);
  counted_ = false;
}

void WsSession::Run(Request upgrade) {
  upgrade_ = std::move(upgrade);
  // The websocket stream keeps its own timers; the TCP layer's must be off.
  ws_.next_layer().expires_never();
  websocket::stream_base::timeout timeout;
  timeout.handshake_timeout = std::chrono::seconds(30);
  timeout.idle_timeout = shared_->idle_timeout();
  // Pings at half the idle timeout keep a client that is waiting for frames connected.
  timeout.keep_alive_pings = true;
  ws_.set_option(timeout);
  ws_.read_message_max(static_cast<std::uint64_t>(shared_->max_ws_message_bytes));
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
    res.set(http::field::server, std::string("voxface/") + Version());
  }));
  ws_.async_accept(upgrade_, beast::bind_front_handler(&WsSession::OnAccept, shared_from_this()));
}

void WsSession::OnAccept(beast::error_code ec) {
  shared_->routes.metrics->RecordRequest("/v1/stream", ec ? 400 : 101);
  upgrade_ = {};
  if (ec) {
    closed_ = true;
    state_ = State::kDone;
    return;
  }
  DoRead();
}

void WsSession::DoRead() {
  ws_.async_read(buffer_, beast::bind_front_handler(&WsSession::OnRead, shared_from_this()));
}

void WsSession::OnRead(beast::error_code ec, size_t) {
  if (ec) {
    // Peer closed or vanished, idle timeout, oversized message (Beast closes with 1009).
    closed_ = true;
    state_ = State::kDone;
    stream_.reset();
    ReleaseSlot();
    return;
  }
  const bool binary = ws_.got_binary();
  std::string message = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  if (state_ == State::kDone) return DoRead();  // Closing: drain until the close completes.

  if (binary) {
    if (state_ == State::kStreaming) {
      OnAudio(message.data(), message.size());
    } else if (state_ == State::kAwaitStart) {
      Fail("unexpected_message", "the first message must be a text {\"type\":\"start\"} message");
    } else {
      Fail("unexpected_message", "no audio is accepted after {\"type\":\"end\"}");
    }
  } else if (state_ == State::kAwaitStart) {
    OnStart(message);
    if (state_ == State::kStarting) return;  // OnStarted resumes reading.
  } else if (state_ == State::kStreaming && MessageType(message) == "end") {
    OnEnd();
  } else if (state_ == State::kStreaming) {
    Fail("unexpected_message",
         "expected binary PCM or {\"type\":\"end\"}, got text: " + message.substr(0, 200));
  } else {
    Fail("unexpected_message", "no message is expected after {\"type\":\"end\"}");
  }
  DoRead();
}

void WsSession::OnStart(std::string_view message) {
  auto parsed = ParseStartMessage(message, *shared_->routes.engines);
  if (!parsed.ok()) return Fail(StreamErrorCode(parsed.status()), parsed.status().message());
  if (streams_->fetch_add(1) >= shared_->max_streams) {
    streams_->fetch_sub(1);
    return Fail("busy", "the server already serves " + std::to_string(shared_->max_streams) +
                            " streams; retry later");
  }
  counted_ = true;
  start_ = std::move(*parsed);
  const double max_duration_s = shared_->routes.config->max_duration_s;
  max_bytes_ = static_cast<int64_t>(max_duration_s * start_.format.sample_rate_hz) *
               start_.format.bytes_per_frame();
  state_ = State::kStarting;
  // Loading an engine may take ~0.5 s: not on the I/O thread.
  auto job = [self = shared_from_this(), key = start_.key, format = start_.format,
              text = start_.text] {
    Result<std::unique_ptr<Stream>> stream = Status::Internal("unset");
    auto engine = self->shared_->routes.engines->Get(key);
    if (!engine.ok()) {
      stream = engine.status();
    } else {
      AnimateOptions options;
      options.text = text;
      stream = (*engine)->CreateStream(format, options);
    }
    net::post(self->ws_.get_executor(),
              [self, stream = std::move(stream)]() mutable { self->OnStarted(std::move(stream)); });
  };
  if (!shared_->pool->TrySubmit(std::move(job))) {
    state_ = State::kAwaitStart;
    Fail("queue_full", "the server is busy; retry later");
  }
}

void WsSession::OnStarted(Result<std::unique_ptr<Stream>> stream) {
  if (state_ != State::kStarting) return;
  if (!stream.ok()) {
    Fail(StreamErrorCode(stream.status()), stream.status().message());
    return DoRead();
  }
  stream_ = std::move(*stream);
  state_ = State::kStreaming;
  Send(StreamHeaderMessage(start_, shared_->routes.config->max_duration_s), /*binary=*/false);
  DoRead();
}

void WsSession::OnAudio(const void* data, size_t size) {
  if (bytes_pushed_ + static_cast<int64_t>(size) > max_bytes_) {
    return Fail("audio_too_long", "audio exceeds the server's limit of " +
                                      std::to_string(shared_->routes.config->max_duration_s) +
                                      " s");
  }
  // Converting and resampling PCM is cheap; analysis waits for Finish on a worker.
  Status status = stream_->Push(data, size);
  if (!status.ok()) return Fail(StreamErrorCode(status), status.message());
  bytes_pushed_ += static_cast<int64_t>(size);
}

void WsSession::OnEnd() {
  state_ = State::kFinishing;
  end_received_ = std::chrono::steady_clock::now();
  shared_->in_flight++;  // Graceful shutdown waits for the frames.
  auto job = [self = shared_from_this(), stream = std::shared_ptr<Stream>(std::move(stream_))] {
    const auto begin = std::chrono::steady_clock::now();
    Result<Track> track = stream->Finish();
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    net::post(self->ws_.get_executor(), [self, track = std::move(track), elapsed]() mutable {
      self->OnFinished(std::move(track), elapsed);
    });
  };
  if (!shared_->pool->TrySubmit(std::move(job))) {
    shared_->in_flight--;
    Fail("queue_full", "the server is busy; retry later");
  }
}

void WsSession::OnFinished(Result<Track> track, double elapsed_s) {
  shared_->in_flight--;
  if (state_ != State::kFinishing) return;  // The client went away meanwhile.
  if (!track.ok()) return Fail(StreamErrorCode(track.status()), track.status().message());
  shared_->routes.metrics->RecordAnimation(track->duration_s, elapsed_s);
  const int frames = track->num_frames();
  for (int begin = 0; begin < frames; begin += kFramesPerMessage) {
    const int count = std::min(kFramesPerMessage, frames - begin);
    if (start_.binary_frames) {
      Send(FramesBinaryMessage(*track, begin, count), /*binary=*/true);
    } else {
      Send(FramesJsonMessage(*track, begin, count), /*binary=*/false);
    }
  }
  Send(StreamEndMessage(*track), /*binary=*/false);
  shared_->routes.metrics->RecordStreamFinish(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - end_received_).count());
  state_ = State::kDone;
  ReleaseSlot();
  CloseWhenSent(websocket::close_code::normal);
}

void WsSession::Send(std::string data, bool binary) {
  if (closed_ || close_pending_) return;
  outgoing_.push_back(Outgoing{std::move(data), binary});
  if (!writing_) DoWrite();
}

void WsSession::DoWrite() {
  if (closed_) return;
  if (outgoing_.empty()) {
    if (!close_pending_) return;
    closed_ = true;
    ws_.async_close(close_code_, [self = shared_from_this()](beast::error_code) {});
    return;
  }
  writing_ = true;
  ws_.binary(outgoing_.front().binary);
  ws_.async_write(net::buffer(outgoing_.front().data),
                  [self = shared_from_this()](beast::error_code ec, size_t) {
                    self->writing_ = false;
                    self->outgoing_.pop_front();
                    if (ec) {
                      self->closed_ = true;
                      self->outgoing_.clear();
                      self->state_ = State::kDone;
                      self->ReleaseSlot();
                      return;
                    }
                    self->DoWrite();
                  });
}

void WsSession::Fail(std::string_view code, std::string_view message) {
  if (closed_ || close_pending_) return;
  state_ = State::kDone;
  stream_.reset();
  ReleaseSlot();
  Send(StreamErrorMessage(code, message), /*binary=*/false);
  CloseWhenSent(CloseCodeFor(code));
}

void WsSession::CloseWhenSent(websocket::close_code code) {
  if (close_pending_) return;
  close_pending_ = true;
  close_code_ = code;
  if (!writing_) DoWrite();
}

}  // namespace voxface::server
