// SPDX-License-Identifier: Apache-2.0
#include "metrics.h"

#include <sstream>

namespace voxface::server {

void Metrics::RecordRequest(const std::string& route, int code) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, code}];
  if (code >= 400) ++errors_;
}

void Metrics::RecordAnimation(double audio_s, double processing_s) {
  std::lock_guard<std::mutex> lock(mu_);
  audio_s_ += audio_s;
  processing_s_ += processing_s;
}

std::string Metrics::RenderPrometheus() const {
  std::ostringstream out;
  int64_t depth = queue_depth_ ? queue_depth_() : 0;
  std::lock_guard<std::mutex> lock(mu_);
  out << "# HELP voxface_requests_total HTTP requests by route and status code.\n"
      << "# TYPE voxface_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out << "voxface_requests_total{route=\"" << key.first << "\",code=\"" << key.second << "\"} "
        << count << "\n";
  }
  out << "# HELP voxface_request_errors_total HTTP requests answered with a 4xx or 5xx code.\n"
      << "# TYPE voxface_request_errors_total counter\n"
      << "voxface_request_errors_total " << errors_ << "\n"
      << "# HELP voxface_audio_seconds_total Seconds of audio animated.\n"
      << "# TYPE voxface_audio_seconds_total counter\n"
      << "voxface_audio_seconds_total " << audio_s_ << "\n"
      << "# HELP voxface_processing_seconds_total Wall seconds spent decoding and animating.\n"
      << "# TYPE voxface_processing_seconds_total counter\n"
      << "voxface_processing_seconds_total " << processing_s_ << "\n"
      << "# HELP voxface_queue_depth Requests waiting for a worker.\n"
      << "# TYPE voxface_queue_depth gauge\n"
      << "voxface_queue_depth " << depth << "\n";
  return out.str();
}

}  // namespace voxface::server
