// SPDX-License-Identifier: Apache-2.0
// The HTTP API: which route a request is for, and the handlers. Handlers are plain functions of
// the request, so they run unchanged on a worker thread (animation) or an I/O thread (health).
#ifndef VOXFACE_TOOLS_SERVER_ROUTES_H_
#define VOXFACE_TOOLS_SERVER_ROUTES_H_

#include <atomic>
#include <string>

#include "engine_cache.h"
#include "metrics.h"
#include "responses.h"
#include "server_config.h"

namespace voxface::server {

enum class Route {
  kAnimate,
  kProcessAudio,
  kStream,  // WS /v1/stream: upgraded by HttpSession; a plain GET is answered 426.
  kHealthz,
  kReadyz,
  kMetrics,
  kOpenApi,
  kWebPage,  // GET /: the web page; its other files are looked up when no route matches.
  kNotFound
};

struct RouteMatch {
  Route route = Route::kNotFound;
  // Metrics label: the route's path, or "other" for unknown paths.
  std::string label = "other";
  // False when the path exists but not for this method (405).
  bool method_allowed = true;
  std::string allow;  // The method the route takes, for the Allow header.
};

RouteMatch MatchRoute(http::verb method, std::string_view target);

// Routes that decode and animate audio; these go to the worker pool.
inline bool RunsOnWorker(Route route) {
  return route == Route::kAnimate || route == Route::kProcessAudio;
}

class ApiKeys;
class RateLimiter;
class StaticFiles;

// What handlers share. Everything here is thread-safe.
struct RouteContext {
  const ServerConfig* config = nullptr;
  EngineCache* engines = nullptr;
  Metrics* metrics = nullptr;
  const std::atomic<bool>* ready = nullptr;
  // Null when the server runs without keys / without a rate limit.
  const ApiKeys* api_keys = nullptr;
  RateLimiter* rate_limiter = nullptr;
  // The web page's files (ServerConfig::web_dir); null serves none.
  const StaticFiles* web_files = nullptr;
};

// Answers one request (any route, including 404/405).
Response HandleRequest(const RouteMatch& match, const Request& request, const RouteContext& ctx);

}  // namespace voxface::server

#endif  // VOXFACE_TOOLS_SERVER_ROUTES_H_
