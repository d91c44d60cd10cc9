// SPDX-License-Identifier: Apache-2.0
// Whether a request may be served at all, decided on the I/O thread before any work: the API key
// (401) and the client's request rate (429). Health, readiness, the OpenAPI document and the web
// page stay open so that probes and first-time users need no key.
#ifndef VOXFACE_TOOLS_SERVER_ADMISSION_H_
#define VOXFACE_TOOLS_SERVER_ADMISSION_H_

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "responses.h"
#include "routes.h"

namespace voxface::server {

// A token bucket per client address: `rate_per_s` requests a second on average, bursts of up to
// `burst`. The table is bounded; when full, clients whose buckets have refilled are forgotten
// first, so a flood of addresses cannot grow memory without bound.
class RateLimiter {
 public:
  RateLimiter(double rate_per_s, int burst, size_t max_clients = 10000);

  // True if `client` may make a request now (and takes a token). Otherwise sets *retry_after_s
  // to the wait until the next token.
  bool Allow(const std::string& client, double* retry_after_s);
  // The same, at a given time (tests).
  bool AllowAt(const std::string& client, std::chrono::steady_clock::time_point now,
               double* retry_after_s);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point updated;
  };
  void Prune(std::chrono::steady_clock::time_point now);

  const double rate_per_s_;
  const double burst_;
  const size_t max_clients_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// Routes that need a key when keys are configured.
bool RequiresKey(Route route);
// Routes counted against a client's rate.
bool IsRateLimited(Route route);

// An error response when `request` (from `client`, its IP address) may not proceed, else nullopt.
std::optional<Response> Admit(const RouteMatch& match, const Request& request,
                              const std::string& client, const RouteContext& ctx);

}  // namespace voxface::server

#endif  // VOXFACE_TOOLS_SERVER_ADMISSION_H_
