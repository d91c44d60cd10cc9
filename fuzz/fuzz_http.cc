// SPDX-License-Identifier: Apache-2.0
// What a hostile HTTP client controls: the request head and body as the server parses them
// (Beast's parser with the server's limits), the query string and multipart bodies.
#include <boost/beast/http.hpp>

#include "multipart.h"
#include "query.h"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  http::request_parser<http::string_body> parser;
  parser.body_limit(1 << 20);
  parser.header_limit(8 * 1024);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_header_done()) return 0;
  const auto& request = parser.get();
  std::string_view target(request.target().data(), request.target().size());
  (void)voxface::server::ParseQuery(voxface::server::SplitTarget(target).second);
  auto content_type = request[http::field::content_type];
  auto boundary = voxface::server::MultipartBoundary({content_type.data(), content_type.size()});
  if (boundary.ok() && parser.is_done()) {
    (void)voxface::server::ParseMultipart(request.body(), *boundary);
  }
  return 0;
}
