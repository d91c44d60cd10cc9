// SPDX-License-Identifier: Apache-2.0
// Request counters in the Prometheus text format, for `GET /metrics`. Thread-safe: I/O and
// worker threads record into one instance.
#ifndef VOXFACE_TOOLS_SERVER_METRICS_H_
#define VOXFACE_TOOLS_SERVER_METRICS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace voxface::server {

class Metrics {
 public:
  // `queue_depth` is read at render time so the gauge is never stale.
  explicit Metrics(std::function<int64_t()> queue_depth) : queue_depth_(std::move(queue_depth)) {}

  // One finished request. `route` is the matched route pattern (or "other"), never the raw path,
  // so a scanner cannot grow the label set without bound. Codes >= 400 count as errors.
  void RecordRequest(const std::string& route, int code);
  // One animation: seconds of input audio and of wall time spent on it.
  void RecordAnimation(double audio_s, double processing_s);

  std::string RenderPrometheus() const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  uint64_t errors_ = 0;
  double audio_s_ = 0.0;
  double processing_s_ = 0.0;
  std::function<int64_t()> queue_depth_;
};

}  // namespace voxface::server

#endif  // VOXFACE_TOOLS_SERVER_METRICS_H_
