// SPDX-License-Identifier: Apache-2.0
#include "server.h"

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include "admission.h"
#include "api_keys.h"
#include "engine_cache.h"
#include "http_session.h"
#include "metrics.h"
#include "static_files.h"
#include "worker_pool.h"

namespace voxface::server {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

class ServerImpl : public Server {
 public:
  explicit ServerImpl(const ServerConfig& config)
      : config_(config),
        work_(net::make_work_guard(ioc_)),
        acceptor_(net::make_strand(ioc_)),
        shutdown_timer_(ioc_),
        engines_(config.engine, config.engine_cache_size),
        pool_(config.workers, config.max_queue),
        metrics_(Metrics::Gauges{[this] { return int64_t{pool_.queued()}; },
                                 [this] { return int64_t{shared_.streams->load()}; }}) {
    shared_.routes = RouteContext{&config_, &engines_, &metrics_, &ready_};
    shared_.routes.api_keys = &api_keys_;
    shared_.routes.web_files = &web_files_;
    if (config.rate_limit_per_s > 0) {
      rate_limiter_ =
          std::make_unique<RateLimiter>(config.rate_limit_per_s, config.rate_limit_burst);
      shared_.routes.rate_limiter = rate_limiter_.get();
    }
    shared_.pool = &pool_;
    shared_.max_body_bytes = config.max_body_bytes();
    shared_.idle_timeout_s = config.idle_timeout_s;
    shared_.max_streams = config.max_streams;
    shared_.max_ws_message_bytes = config.max_ws_message_bytes;
  }

  ~ServerImpl() override {
    Shutdown();
    Wait();
  }

  // Reads the page once, here, so that requests never touch the file system.
  Status LoadWebFiles() {
    VF_ASSIGN_OR_RETURN(web_files_, StaticFiles::Load(config_.web_dir));
    if (web_files_.placeholder()) {
      std::cerr << "voxface serve: no web page in " << config_.web_dir
                << " (not built?); / explains how to build it\n";
    }
    return Status::Ok();
  }

  Status LoadKeys() {
    if (!config_.api_keys_file.empty()) {
      VF_ASSIGN_OR_RETURN(ApiKeys from_file, ApiKeys::FromFile(config_.api_keys_file));
      api_keys_.Merge(from_file);
    }
    if (!config_.api_keys.empty()) {
      VF_ASSIGN_OR_RETURN(ApiKeys listed, ApiKeys::FromList(config_.api_keys));
      api_keys_.Merge(listed);
    }
    return Status::Ok();
  }

  bool keys_enabled() const { return api_keys_.enabled(); }

  Status Bind() {
    boost::system::error_code ec;
    auto address = net::ip::make_address(config_.host, ec);
    if (ec) return Status::InvalidArgument("--host must be an IP address, got " + config_.host);
    tcp::endpoint endpoint(address, static_cast<unsigned short>(config_.port));
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::IoError("cannot listen on " + config_.host + ":" +
                             std::to_string(config_.port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    return Status::Ok();
  }

  void Run() {
    DoAccept();
    for (int i = 0; i < config_.io_threads; ++i) io_threads_.emplace_back([this] { ioc_.run(); });
    // Load the default engine off the I/O threads; until then /readyz says 503, and requests
    // simply wait for the same load inside the cache.
    loader_ = std::thread([this] {
      auto engine = engines_.Get(engines_.DefaultKey());
      if (engine.ok()) {
        ready_ = true;
      } else {
        std::cerr << "voxface serve: loading the engine failed: " << engine.status().message()
                  << "\n";
      }
    });
  }

  int port() const override { return port_; }
  bool ready() const override { return ready_.load(); }

  void Shutdown() override {
    if (shutdown_requested_.exchange(true)) return;
    net::post(acceptor_.get_executor(), [this] {
      shared_.stopping = true;
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      deadline_ = std::chrono::steady_clock::now() +
                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                      std::chrono::duration<double>(config_.shutdown_grace_s));
      PollShutdown();
    });
  }

  void Wait() override {
    std::lock_guard<std::mutex> lock(wait_mu_);
    for (auto& t : io_threads_) {
      if (t.joinable()) t.join();
    }
    // Jobs still running past the grace period finish here; their answers go nowhere.
    pool_.Stop();
    if (loader_.joinable()) loader_.join();
  }

 private:
  void DoAccept() {
    acceptor_.async_accept(
        net::make_strand(ioc_), [this](boost::system::error_code ec, tcp::socket socket) {
          if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
          if (!ec) {
            std::make_shared<HttpSession>(std::move(socket), &shared_)->Start();
            return DoAccept();
          }
          // E.g. out of file descriptors: back off instead of spinning.
          auto timer = std::make_shared<net::steady_timer>(ioc_, std::chrono::milliseconds(100));
          timer->async_wait([this, timer](boost::system::error_code) {
            if (acceptor_.is_open()) DoAccept();
          });
        });
  }

  // Checks every 20 ms whether in-flight requests are done (or the grace period is over).
  void PollShutdown() {
    if (shared_.in_flight.load() <= 0 || std::chrono::steady_clock::now() >= deadline_) {
      work_.reset();
      ioc_.stop();  // Idle keep-alive connections are dropped with the io_context.
      return;
    }
    shutdown_timer_.expires_after(std::chrono::milliseconds(20));
    shutdown_timer_.async_wait([this](boost::system::error_code) { PollShutdown(); });
  }

  const ServerConfig config_;
  net::io_context ioc_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  tcp::acceptor acceptor_;
  net::steady_timer shutdown_timer_;
  std::chrono::steady_clock::time_point deadline_;
  EngineCache engines_;
  WorkerPool pool_;
  Metrics metrics_;
  ApiKeys api_keys_;
  StaticFiles web_files_;
  std::unique_ptr<RateLimiter> rate_limiter_;
  SessionShared shared_;
  std::atomic<bool> ready_{false};
  std::atomic<bool> shutdown_requested_{false};
  int port_ = 0;
  std::vector<std::thread> io_threads_;
  std::thread loader_;
  std::mutex wait_mu_;
};

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(const ServerConfig& config) {
  VF_RETURN_IF_ERROR(config.Validate());
  auto server = std::make_unique<ServerImpl>(config);
  VF_RETURN_IF_ERROR(server->LoadKeys());
  VF_RETURN_IF_ERROR(server->LoadWebFiles());
  VF_RETURN_IF_ERROR(server->Bind());
  server->Run();
  return std::unique_ptr<Server>(std::move(server));
}

int RunServer(const ServerConfig& config) {
  // Installed before any server thread exists, so a signal never meets the default handler.
  net::io_context signal_ioc;
  net::signal_set signals(signal_ioc, SIGINT, SIGTERM);
  auto server = Server::Start(config);
  if (!server.ok()) {
    std::cerr << "voxface: " << server.status().message() << "\n";
    return 1;
  }
  std::cerr << "voxface serve: listening on http://" << config.host << ":" << (*server)->port()
            << " (" << config.workers << " workers); Ctrl-C stops\n";
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    std::cerr << "voxface serve: signal " << signal << ", finishing in-flight requests\n";
    (*server)->Shutdown();
  });
  signal_ioc.run();
  (*server)->Wait();
  std::cerr << "voxface serve: stopped\n";
  return 0;
}

}  // namespace voxface::server
