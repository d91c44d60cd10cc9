// SPDX-License-Identifier: Apache-2.0
#include "admission.h"

#include <algorithm>
#include <cmath>

#include "api_keys.h"
#include "query.h"

namespace voxface::server {

RateLimiter::RateLimiter(double rate_per_s, int burst, size_t max_clients)
    : rate_per_s_(rate_per_s), burst_(std::max(1, burst)), max_clients_(max_clients) {}

bool RateLimiter::Allow(const std::string& client, double* retry_after_s) {
  return AllowAt(client, std::chrono::steady_clock::now(), retry_after_s);
}

bool RateLimiter::AllowAt(const std::string& client, std::chrono::steady_clock::time_point now,
                          double* retry_after_s) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = buckets_.find(client);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_clients_) Prune(now);
    it = buckets_.emplace(client, Bucket{burst_, now}).first;
  }
  Bucket& b = it->second;
  const double elapsed_s = std::chrono::duration<double>(now - b.updated).count();
  b.tokens = std::min(burst_, b.tokens + std::max(0.0, elapsed_s) * rate_per_s_);
  b.updated = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  *retry_after_s = (1.0 - b.tokens) / rate_per_s_;
  return false;
}

void RateLimiter::Prune(std::chrono::steady_clock::time_point now) {
  // A bucket that has refilled carries no state worth keeping.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double elapsed_s = std::chrono::duration<double>(now - it->second.updated).count();
    if (it->second.tokens + elapsed_s * rate_per_s_ >= burst_) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
  // Still full (a flood of distinct addresses): start over rather than grow.
  if (buckets_.size() >= max_clients_) buckets_.clear();
}

bool RequiresKey(Route route) {
  return route == Route::kAnimate || route == Route::kProcessAudio || route == Route::kStream ||
         route == Route::kMetrics;
}

bool IsRateLimited(Route route) {
  return route == Route::kAnimate || route == Route::kProcessAudio || route == Route::kStream;
}

namespace {

// Browsers cannot set headers on a WebSocket, so /v1/stream also takes ?access_token=KEY
// (the RFC 6750 name).
std::string QueryToken(const Request& request) {
  auto query = ParseQuery(SplitTarget(ToStd(request.target())).second);
  if (!query.ok()) return {};
  for (const auto& [name, value] : *query) {
    if (name == "access_token") return value;
  }
  return {};
}

}  // namespace

std::optional<Response> Admit(const RouteMatch& match, const Request& request,
                              const std::string& client, const RouteContext& ctx) {
  const unsigned v = request.version();
  const bool ka = request.keep_alive();
  if (!match.method_allowed) return std::nullopt;  // 405 needs no key
  if (ctx.api_keys != nullptr && ctx.api_keys->enabled() && RequiresKey(match.route)) {
    std::string token(ApiKeys::BearerToken(ToStd(request[http::field::authorization])));
    if (token.empty() && match.route == Route::kStream) token = QueryToken(request);
    if (!ctx.api_keys->Accepts(token)) {
      Response res =
          MakeError(v, ka, http::status::unauthorized, "unauthorized",
                    token.empty() ? "this server needs an API key: send 'Authorization: Bearer KEY'"
                                  : "the API key is not valid for this server");
      res.set(http::field::www_authenticate, "Bearer realm=\"voxface\"");
      return res;
    }
  }
  if (ctx.rate_limiter != nullptr && IsRateLimited(match.route)) {
    double retry_after_s = 0.0;
    if (!ctx.rate_limiter->Allow(client, &retry_after_s)) {
      const int retry = std::max(1, static_cast<int>(std::ceil(retry_after_s)));
      Response res = MakeError(
          v, ka, http::status::too_many_requests, "rate_limited",
          "too many requests from this address; retry in " + std::to_string(retry) + " s");
      res.set(http::field::retry_after, std::to_string(retry));
      return res;
    }
  }
  return std::nullopt;
}

}  // namespace voxface::server
