// SPDX-License-Identifier: Apache-2.0
// Request counters and latency histograms in the Prometheus text format, for `GET /metrics`.
// Thread-safe: I/O and worker threads record into one instance.
#ifndef VOXFACE_TOOLS_SERVER_METRICS_H_
#define VOXFACE_TOOLS_SERVER_METRICS_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace voxface::server {

// A Prometheus histogram with fixed buckets (seconds), wide enough for a health check (ms) and
// a long upload (minutes).
class LatencyHistogram {
 public:
  static constexpr std::array<double, 14> kBucketsS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                       1,     2.5,  5,     10,   30,  60,   300};
  void Observe(double seconds);
  // Appends the _bucket, _sum and _count lines; `labels` is "" or `route="/x"`.
  void Render(const std::string& name, const std::string& labels, std::string* out) const;

 private:
  std::array<uint64_t, kBucketsS.size()> counts_{};  // per bucket, not cumulative
  uint64_t count_ = 0;
  double sum_s_ = 0.0;
};

class Metrics {
 public:
  // Gauges read at render time so they are never stale.
  struct Gauges {
    std::function<int64_t()> queue_depth;
    std::function<int64_t()> active_streams;
  };
  explicit Metrics(Gauges gauges) : gauges_(std::move(gauges)) {}

  // One finished request and how long it took from being read to being answered. `route` is the
  // matched route pattern (or "other"), never the raw path, so a scanner cannot grow the label
  // set without bound. Codes >= 400 count as errors.
  void RecordRequest(const std::string& route, int code, double latency_s = -1.0);
  // One animation: seconds of input audio and of wall time spent on it.
  void RecordAnimation(double audio_s, double processing_s);
  // One WebSocket stream's final answer: seconds from its "end" message to the last frame sent.
  void RecordStreamFinish(double seconds);

  std::string RenderPrometheus() const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, LatencyHistogram> latency_;
  LatencyHistogram animation_latency_;
  LatencyHistogram stream_finish_latency_;
  uint64_t errors_ = 0;
  double audio_s_ = 0.0;
  double processing_s_ = 0.0;
  Gauges gauges_;
};

}  // namespace voxface::server

#endif  // VOXFACE_TOOLS_SERVER_METRICS_H_
