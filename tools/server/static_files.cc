// SPDX-License-Identifier: Apache-2.0
#include "static_files.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include "server_config.h"

namespace voxface::server {
namespace {

namespace fs = std::filesystem;

// The bundle loads only its own script and styles, and talks only to this server (fetch and
// the WebSocket; CSP 3 'self' covers ws: on the same host). Decoded audio plays from blob: URLs.
constexpr char kPageCsp[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; worker-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
// The placeholder page is self-contained: one inline style sheet and nothing else.
constexpr char kPlaceholderCsp[] =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string PlaceholderPage(const std::string& dir) {
  return R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>voxface: web UI not built</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;
color:#1d2433}code,pre{background:#f1f3f8;border-radius:4px;padding:.1em .3em}
pre{padding:.8em 1em;overflow-x:auto}</style></head><body>
<h1>The voxface web UI was not built</h1>
<p>This server looks for the page in <code>)" +
         HtmlEscape(dir) + R"(</code> and found no <code>index.html</code> there.
The page is bundled with Node.js and npm when the project is built:</p>
<pre>scripts/install-deps.sh            # installs nodejs and npm when missing
cmake -S . -B build &amp;&amp; make -C build voxface_web</pre>
<p>or start the server with <code>--web-dir</code> pointing at a built copy
(<code>build/web/dist</code>).</p>
<p>The HTTP API works without it: <code>POST /v1/animate</code>, <code>WS /v1/stream</code>,
<code>GET /healthz</code> (see <code>docs/server.md</code>).</p>
</body></html>
)";
}

// FNV-1a, 64 bits: ETags only need to change when the bytes do.
std::string MakeEtag(std::string_view body) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[24];
  std::snprintf(buf, sizeof(buf), "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

StaticFile MakeFile(std::string_view path, std::string body) {
  StaticFile file;
  file.content_type = std::string(ContentTypeFor(path));
  // Bundle names carry no content hash, so browsers revalidate every time; the ETag makes that
  // a 304 without a body.
  file.cache_control = "no-cache";
  file.etag = MakeEtag(body);
  if (file.content_type.starts_with("text/html")) file.content_security_policy = kPageCsp;
  file.body = std::move(body);
  return file;
}

Result<std::string> ReadWholeFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot open " + path.string());
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Status::IoError("cannot read " + path.string());
  return data;
}

// If-None-Match holds "*" or a list of (possibly weak) quoted ETags.
bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  return if_none_match == "*" || if_none_match.find(etag) != std::string_view::npos;
}

}  // namespace

const char* DefaultWebDir() {
#ifdef VOXFACE_WEB_DIR
  return VOXFACE_WEB_DIR;
#else
  return "";
#endif
}

std::string_view ContentTypeFor(std::string_view path) {
  struct Entry {
    std::string_view extension;
    std::string_view type;
  };
  static constexpr Entry kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".wav", "audio/wav"},
      {".wasm", "application/wasm"},
  };
  for (const Entry& e : kTypes) {
    if (path.ends_with(e.extension)) return e.type;
  }
  return "application/octet-stream";
}

Result<StaticFiles> StaticFiles::Load(const std::string& dir, const StaticFilesLimits& limits) {
  StaticFiles out;
  if (dir.empty()) return out;
  const fs::path root(dir);
  std::error_code ec;
  int64_t total_bytes = 0;
  if (fs::is_directory(root, ec)) {
    // Directory symlinks are not followed, so the set cannot grow beyond the folder.
    fs::recursive_directory_iterator it(root, ec);
    for (const fs::recursive_directory_iterator end; !ec && it != end; it.increment(ec)) {
      const fs::path& path = it->path();
      if (path.filename().string().starts_with('.')) {
        it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file(ec) || ec) continue;
      if (out.size() >= limits.max_files) {
        return Status::InvalidArgument("--web-dir " + dir + " holds more than " +
                                       std::to_string(limits.max_files) +
                                       " files; is it the page's dist folder?");
      }
      VF_ASSIGN_OR_RETURN(std::string body, ReadWholeFile(path));
      total_bytes += static_cast<int64_t>(body.size());
      if (total_bytes > limits.max_total_bytes) {
        return Status::InvalidArgument("--web-dir " + dir + " holds more than " +
                                       std::to_string(limits.max_total_bytes >> 20) +
                                       " MiB; is it the page's dist folder?");
      }
      std::string key = "/" + path.lexically_relative(root).generic_string();
      StaticFile file = MakeFile(key, std::move(body));
      out.files_.emplace(std::move(key), std::move(file));
    }
    if (ec) return Status::IoError("cannot list --web-dir " + dir + ": " + ec.message());
  }
  if (!out.files_.contains("/index.html")) {
    StaticFile page = MakeFile("/index.html", PlaceholderPage(dir));
    page.cache_control = "no-store";  // Shows the real page as soon as it is built.
    page.content_security_policy = kPlaceholderCsp;
    out.files_["/index.html"] = std::move(page);
    out.placeholder_ = true;
  }
  return out;
}

const StaticFile* StaticFiles::Find(std::string_view target) const {
  std::string_view path = target.substr(0, target.find('?'));
  if (path.empty() || path.front() != '/') return nullptr;
  std::string key(path);
  if (key.back() == '/') key += "index.html";
  auto it = files_.find(key);
  return it == files_.end() ? nullptr : &it->second;
}

Response MakeStaticResponse(const StaticFile& file, const Request& request) {
  const unsigned v = request.version();
  const bool ka = request.keep_alive();
  const std::string_view if_none_match = ToStd(request[http::field::if_none_match]);
  const bool not_modified = !if_none_match.empty() && EtagMatches(if_none_match, file.etag);
  Response res = not_modified
                     ? MakeResponse(v, ka, http::status::not_modified, file.content_type, "")
                     : MakeResponse(v, ka, http::status::ok, file.content_type, file.body);
  res.set(http::field::etag, file.etag);
  res.set(http::field::cache_control, file.cache_control);
  res.set("X-Content-Type-Options", "nosniff");
  if (!file.content_security_policy.empty()) {
    res.set("Content-Security-Policy", file.content_security_policy);
    res.set("Referrer-Policy", "no-referrer");
  }
  return res;
}

}  // namespace voxface::server
