// SPDX-License-Identifier: Apache-2.0
#include "multipart.h"

#include <cctype>
#include <utility>

namespace voxface::server {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits `type; a=1; b="x;y"` into the type and lowercase-keyed parameters. Quoted values may
// hold ';' and backslash escapes, which browsers use for odd file names.
std::pair<std::string, std::vector<std::pair<std::string, std::string>>> ParseHeaderValue(
    std::string_view value) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t i = value.find(';');
  std::string type = Lower(Trim(value.substr(0, i)));
  while (i != std::string_view::npos && i < value.size()) {
    ++i;  // Past ';'.
    size_t eq = value.find('=', i);
    size_t semi = value.find(';', i);
    if (eq == std::string_view::npos || (semi != std::string_view::npos && semi < eq)) {
      i = semi;  // A parameter without a value: skip it.
      continue;
    }
    std::string key = Lower(Trim(value.substr(i, eq - i)));
    size_t j = eq + 1;
    while (j < value.size() && (value[j] == ' ' || value[j] == '\t')) ++j;
    std::string val;
    if (j < value.size() && value[j] == '"') {
      for (++j; j < value.size() && value[j] != '"'; ++j) {
        if (value[j] == '\\' && j + 1 < value.size()) ++j;
        val.push_back(value[j]);
      }
      i = value.find(';', j);
    } else {
      size_t end = value.find(';', j);
      val = std::string(Trim(value.substr(j, end == std::string_view::npos ? end : end - j)));
      i = end;
    }
    params.emplace_back(std::move(key), std::move(val));
  }
  return {type, params};
}

std::string Param(const std::vector<std::pair<std::string, std::string>>& params,
                  std::string_view key) {
  for (const auto& [k, v] : params) {
    if (k == key) return v;
  }
  return "";
}

// Reads the part's header block (up to the blank line) into `part`.
Status ParseHeaders(std::string_view block, MultipartPart* part) {
  bool has_disposition = false;
  while (!block.empty()) {
    size_t eol = block.find("\r\n");
    std::string_view line = block.substr(0, eol);
    block = eol == std::string_view::npos ? std::string_view() : block.substr(eol + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return Status::InvalidArgument("multipart part header without ':'");
    }
    std::string name = Lower(Trim(line.substr(0, colon)));
    std::string_view value = Trim(line.substr(colon + 1));
    if (name == "content-disposition") {
      auto [type, params] = ParseHeaderValue(value);
      if (type != "form-data") {
        return Status::InvalidArgument("multipart part is not form-data: " + type);
      }
      part->name = Param(params, "name");
      part->filename = Param(params, "filename");
      has_disposition = true;
    } else if (name == "content-type") {
      part->content_type = std::string(value);
    }
  }
  if (!has_disposition) {
    return Status::InvalidArgument("multipart part without Content-Disposition");
  }
  return Status::Ok();
}

}  // namespace

bool IsMultipartFormData(std::string_view content_type) {
  return ParseHeaderValue(content_type).first == "multipart/form-data";
}

Result<std::string> MultipartBoundary(std::string_view content_type) {
  auto [type, params] = ParseHeaderValue(content_type);
  if (type.rfind("multipart/", 0) != 0) {
    return Status::InvalidArgument("Content-Type is not multipart: " + std::string(content_type));
  }
  std::string boundary = Param(params, "boundary");
  // RFC 2046 limits boundaries to 1..70 characters.
  if (boundary.empty() || boundary.size() > 70) {
    return Status::InvalidArgument("multipart Content-Type without a valid boundary");
  }
  return boundary;
}

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary,
                                                  int max_parts) {
  if (boundary.empty()) return Status::InvalidArgument("empty multipart boundary");
  const std::string delimiter = "--" + std::string(boundary);
  const std::string next_delimiter = "\r\n" + delimiter;

  // The first delimiter opens the body or follows a preamble line.
  size_t pos;
  if (body.substr(0, delimiter.size()) == delimiter) {
    pos = delimiter.size();
  } else {
    size_t at = body.find(next_delimiter);
    if (at == std::string_view::npos) {
      return Status::InvalidArgument("multipart body has no opening boundary");
    }
    pos = at + next_delimiter.size();
  }

  std::vector<MultipartPart> parts;
  while (true) {
    if (body.substr(pos, 2) == "--") return parts;  // The closing delimiter.
    // Transport padding may follow a delimiter before its CRLF.
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n") {
      return Status::InvalidArgument("multipart boundary not followed by CRLF");
    }
    pos += 2;
    if (static_cast<int>(parts.size()) >= max_parts) {
      return Status::InvalidArgument("multipart body has more than " + std::to_string(max_parts) +
                                     " parts");
    }
    MultipartPart part;
    size_t data_begin;
    if (body.substr(pos, 2) == "\r\n") {
      VF_RETURN_IF_ERROR(ParseHeaders({}, &part));  // No headers: rejected as such.
      data_begin = pos + 2;
    } else {
      size_t headers_end = body.find("\r\n\r\n", pos);
      if (headers_end == std::string_view::npos) {
        return Status::InvalidArgument("multipart part headers are truncated");
      }
      VF_RETURN_IF_ERROR(ParseHeaders(body.substr(pos, headers_end - pos), &part));
      data_begin = headers_end + 4;
    }
    size_t data_end = body.find(next_delimiter, data_begin);
    if (data_end == std::string_view::npos) {
      return Status::InvalidArgument("multipart body is truncated (no closing boundary)");
    }
    part.data = body.substr(data_begin, data_end - data_begin);
    parts.push_back(std::move(part));
    pos = data_end + next_delimiter.size();
  }
}

const MultipartPart* FindPart(const std::vector<MultipartPart>& parts, std::string_view name) {
  for (const auto& part : parts) {
    if (part.name == name) return &part;
  }
  return nullptr;
}

}  // namespace voxface::server
