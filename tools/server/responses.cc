// SPDX-License-Identifier: Apache-2.0
#include "responses.h"

#include <cstdio>

#include "voxface/engine.h"

namespace voxface::server {

Response MakeResponse(unsigned version, bool keep_alive, http::status status,
                      std::string_view content_type, std::string body) {
  Response res{status, version};
  res.set(http::field::server, std::string("voxface/") + Version());
  res.set(http::field::content_type, std::string(content_type));
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response MakeError(unsigned version, bool keep_alive, http::status status, std::string_view code,
                   std::string_view message) {
  std::string body = "{\"error\":{\"code\":\"" + JsonEscape(code) + "\",\"message\":\"" +
                     JsonEscape(message) + "\"}}\n";
  return MakeResponse(version, keep_alive, status, "application/json", std::move(body));
}

Response MakeStatusError(unsigned version, bool keep_alive, const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return MakeError(version, keep_alive, http::status::bad_request, "invalid_argument",
                       status.message());
    case StatusCode::kCorruptData:
    case StatusCode::kUnsupported:
      return MakeError(version, keep_alive, http::status::bad_request, "bad_audio",
                       status.message());
    case StatusCode::kOutOfRange:
      return MakeError(version, keep_alive, http::status::payload_too_large, "audio_too_long",
                       status.message());
    default:
      return MakeError(version, keep_alive, http::status::internal_server_error, "internal",
                       status.message());
  }
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

}  // namespace voxface::server
