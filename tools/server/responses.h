// SPDX-License-Identifier: Apache-2.0
// Building HTTP responses, including the one JSON error shape every failure uses:
// {"error": {"code": "bad_audio", "message": "..."}}.
#ifndef VOXFACE_TOOLS_SERVER_RESPONSES_H_
#define VOXFACE_TOOLS_SERVER_RESPONSES_H_

#include <boost/beast/http.hpp>
#include <string>
#include <string_view>

#include "voxface/status.h"

namespace voxface::server {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// `version` and `keep_alive` come from the request being answered.
Response MakeResponse(unsigned version, bool keep_alive, http::status status,
                      std::string_view content_type, std::string body);
Response MakeError(unsigned version, bool keep_alive, http::status status, std::string_view code,
                   std::string_view message);
// The HTTP status and error code for a failed library call: bad input is the client's fault
// (400), too long is 413, anything else is ours (500).
Response MakeStatusError(unsigned version, bool keep_alive, const Status& status);

std::string JsonEscape(std::string_view s);

// Beast in Boost 1.74 uses boost::string_view; the rest of voxface uses std::string_view.
inline std::string_view ToStd(boost::beast::string_view s) { return {s.data(), s.size()}; }

}  // namespace voxface::server

#endif  // VOXFACE_TOOLS_SERVER_RESPONSES_H_
