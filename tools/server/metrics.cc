// SPDX-License-Identifier: Apache-2.0
#include "metrics.h"

#include <sstream>

namespace voxface::server {
namespace {

void Header(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
}

}  // namespace

void LatencyHistogram::Observe(double seconds) {
  ++count_;
  sum_s_ += seconds;
  for (size_t i = 0; i < kBucketsS.size(); ++i) {
    if (seconds <= kBucketsS[i]) {
      ++counts_[i];
      return;
    }
  }
}

void LatencyHistogram::Render(const std::string& name, const std::string& labels,
                              std::string* out) const {
  std::ostringstream s;
  const std::string sep = labels.empty() ? "" : labels + ",";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kBucketsS.size(); ++i) {
    cumulative += counts_[i];
    s << name << "_bucket{" << sep << "le=\"" << kBucketsS[i] << "\"} " << cumulative << "\n";
  }
  s << name << "_bucket{" << sep << "le=\"+Inf\"} " << count_ << "\n";
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  s << name << "_sum" << braces << " " << sum_s_ << "\n";
  s << name << "_count" << braces << " " << count_ << "\n";
  *out += s.str();
}

void Metrics::RecordRequest(const std::string& route, int code, double latency_s) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, code}];
  if (code >= 400) ++errors_;
  if (latency_s >= 0) latency_[route].Observe(latency_s);
}

void Metrics::RecordAnimation(double audio_s, double processing_s) {
  std::lock_guard<std::mutex> lock(mu_);
  audio_s_ += audio_s;
  processing_s_ += processing_s;
  animation_latency_.Observe(processing_s);
}

void Metrics::RecordStreamFinish(double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  stream_finish_latency_.Observe(seconds);
}

std::string Metrics::RenderPrometheus() const {
  const int64_t depth = gauges_.queue_depth ? gauges_.queue_depth() : 0;
  const int64_t streams = gauges_.active_streams ? gauges_.active_streams() : 0;
  std::ostringstream out;
  std::lock_guard<std::mutex> lock(mu_);
  Header(out, "voxface_requests_total", "counter", "HTTP requests by route and status code.");
  for (const auto& [key, count] : requests_) {
    out << "voxface_requests_total{route=\"" << key.first << "\",code=\"" << key.second << "\"} "
        << count << "\n";
  }
  Header(out, "voxface_request_errors_total", "counter",
         "HTTP requests answered with a 4xx or 5xx code.");
  out << "voxface_request_errors_total " << errors_ << "\n";
  Header(out, "voxface_audio_seconds_total", "counter", "Seconds of audio animated.");
  out << "voxface_audio_seconds_total " << audio_s_ << "\n";
  Header(out, "voxface_processing_seconds_total", "counter",
         "Wall seconds spent decoding and animating.");
  out << "voxface_processing_seconds_total " << processing_s_ << "\n";
  Header(out, "voxface_real_time_factor", "gauge",
         "Processing seconds per audio second since start (lower is faster; 0 before any audio).");
  out << "voxface_real_time_factor " << (audio_s_ > 0 ? processing_s_ / audio_s_ : 0.0) << "\n";
  Header(out, "voxface_queue_depth", "gauge", "Requests waiting for a worker.");
  out << "voxface_queue_depth " << depth << "\n";
  Header(out, "voxface_active_streams", "gauge", "WebSocket streams open on /v1/stream.");
  out << "voxface_active_streams " << streams << "\n";

  std::string hist;
  Header(out, "voxface_request_duration_seconds", "histogram",
         "Time from a request being read to its answer being queued for writing, by route.");
  for (const auto& [route, h] : latency_) {
    h.Render("voxface_request_duration_seconds", "route=\"" + route + "\"", &hist);
  }
  out << hist;
  hist.clear();
  Header(out, "voxface_animation_duration_seconds", "histogram",
         "Wall time to decode and animate one upload or finish one stream.");
  animation_latency_.Render("voxface_animation_duration_seconds", "", &hist);
  out << hist;
  hist.clear();
  Header(out, "voxface_stream_finish_seconds", "histogram",
         "WebSocket streams: time from the client's end message to the final status.");
  stream_finish_latency_.Render("voxface_stream_finish_seconds", "", &hist);
  out << hist;
  return out.str();
}

}  // namespace voxface::server
