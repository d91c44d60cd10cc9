// SPDX-License-Identifier: Apache-2.0
// A small multipart/form-data parser (RFC 7578) for uploads: the design note's clients send
// `file` this way. Parts are views into the body, so an upload is never copied.
#ifndef VOXFACE_TOOLS_SERVER_MULTIPART_H_
#define VOXFACE_TOOLS_SERVER_MULTIPART_H_

#include <string>
#include <string_view>
#include <vector>

#include "voxface/status.h"

namespace voxface::server {

struct MultipartPart {
  std::string name;          // Content-Disposition name="..."
  std::string filename;      // Content-Disposition filename="..." ("" when absent)
  std::string content_type;  // The part's Content-Type ("" when absent)
  std::string_view data;     // The part's bytes; points into the parsed body.
};

// True for "multipart/form-data; ..." (case-insensitive type).
bool IsMultipartFormData(std::string_view content_type);

// The boundary parameter of a multipart Content-Type (quoted or not).
Result<std::string> MultipartBoundary(std::string_view content_type);

// Splits a body into its parts. Fails on a missing opening or closing delimiter, a part without
// a header block, or more than max_parts parts (a bound on work per request).
Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary,
                                                  int max_parts = 64);

// The first part named `name`, or nullptr.
const MultipartPart* FindPart(const std::vector<MultipartPart>& parts, std::string_view name);

}  // namespace voxface::server

#endif  // VOXFACE_TOOLS_SERVER_MULTIPART_H_
