// SPDX-License-Identifier: Apache-2.0
// The web page's files (web/, bundled into the build's web/dist), held in memory.
//
// The whole folder is read once when the server starts; requests are answered from that map
// alone, so no part of a request path ever reaches the file system (no traversal, no symlink
// surprises, no files added later).
//
//   VF_ASSIGN_OR_RETURN(StaticFiles files, StaticFiles::Load(config.web_dir));
//   if (const StaticFile* f = files.Find("/")) response = MakeStaticResponse(*f, request);
#ifndef VOXFACE_TOOLS_SERVER_STATIC_FILES_H_
#define VOXFACE_TOOLS_SERVER_STATIC_FILES_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "responses.h"
#include "voxface/status.h"

namespace voxface::server {

struct StaticFile {
  std::string body;
  std::string content_type;
  std::string cache_control;
  std::string etag;                     // Quoted, from a hash of the body.
  std::string content_security_policy;  // HTML only; empty for other files.
};

// Bounds what Load accepts, so that a --web-dir pointing at a huge folder fails at start
// instead of filling memory.
struct StaticFilesLimits {
  int max_files = 1000;
  int64_t max_total_bytes = int64_t{64} << 20;
};

class StaticFiles {
 public:
  // Reads every regular file under `dir` (recursively; names starting with '.' are skipped).
  // An empty `dir` gives no files at all: the page is disabled and `/` is a 404. A `dir` that
  // does not exist, or has no index.html, gives a built-in page at `/` saying that the web UI
  // was not built and how to build it. Fails when a file cannot be read or a limit is exceeded.
  static Result<StaticFiles> Load(const std::string& dir, const StaticFilesLimits& limits = {});

  // The file for a request path ("/app.js"; "/" is "/index.html"); nullptr when there is none.
  // The query string, if any, is ignored.
  const StaticFile* Find(std::string_view target) const;

  int size() const { return static_cast<int>(files_.size()); }
  // True when `/` is the built-in "not built" page.
  bool placeholder() const { return placeholder_; }

 private:
  std::map<std::string, StaticFile, std::less<>> files_;
  bool placeholder_ = false;
};

// 200 with the file, or 304 when the request's If-None-Match has its ETag.
Response MakeStaticResponse(const StaticFile& file, const Request& request);

// "text/html; charset=utf-8" for "index.html", ...; application/octet-stream when unknown.
std::string_view ContentTypeFor(std::string_view path);

}  // namespace voxface::server

#endif  // VOXFACE_TOOLS_SERVER_STATIC_FILES_H_
