// SPDX-License-Identifier: Apache-2.0
#include "routes.h"

#include <charconv>
#include <chrono>
#include <string_view>

#include "multipart.h"
#include "openapi.h"
#include "query.h"
#include "static_files.h"

namespace voxface::server {
namespace {

// Per-request options of the animation routes, from the query string (and a multipart `text`).
struct AnimateRequest {
  EngineKey key;
  ExportFormat format = ExportFormat::kJson;
  std::string text;
};

template <typename T>
Result<T> ParseNumber(const std::string& name, const std::string& value) {
  T out{};
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc() || end != value.data() + value.size() || value.empty()) {
    return Status::InvalidArgument("query parameter " + name + "=" + value +
                                   " is not a valid number");
  }
  return out;
}

// "joy:0.6", "joy=0.6" or "joy" (strength 1); several may be comma-separated.
Status ParseEmotions(const std::string& value, std::map<std::string, float>* emotion) {
  std::string_view rest = value;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string item(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.empty()) continue;
    size_t sep = item.find_first_of(":=");
    std::string name = item.substr(0, sep);
    float strength = 1.0f;
    if (sep != std::string::npos) {
      auto parsed = ParseNumber<float>("emotion", item.substr(sep + 1));
      if (!parsed.ok()) {
        return Status::InvalidArgument("emotion=" + item +
                                       ": expected NAME:STRENGTH, e.g. joy:0.6");
      }
      strength = *parsed;
    }
    (*emotion)[name] = strength;
  }
  return Status::Ok();
}

Result<AnimateRequest> ParseAnimateRequest(std::string_view query, bool allow_format,
                                           const EngineCache& engines) {
  VF_ASSIGN_OR_RETURN(QueryParams params, ParseQuery(query));
  AnimateRequest req;
  req.key = engines.DefaultKey();
  bool emotion_given = false;
  for (const auto& [name, value] : params) {
    if (name == "fps") {
      VF_ASSIGN_OR_RETURN(req.key.fps_hz, ParseNumber<double>(name, value));
    } else if (name == "seed") {
      VF_ASSIGN_OR_RETURN(req.key.seed, ParseNumber<uint64_t>(name, value));
    } else if (name == "text") {
      req.text = value;
    } else if (name == "emotion") {
      // Request emotions replace the server's default mix rather than adding to it.
      if (!emotion_given) req.key.emotion.clear();
      emotion_given = true;
      VF_RETURN_IF_ERROR(ParseEmotions(value, &req.key.emotion));
    } else if (name == "format" && allow_format) {
      VF_ASSIGN_OR_RETURN(req.format, ParseExportFormat(value));
    } else {
      return Status::InvalidArgument("unknown query parameter '" + name + "'");
    }
  }
  // Catches fps=0, unknown emotions and the like before an engine is built for them.
  VF_RETURN_IF_ERROR(engines.ConfigFor(req.key).Validate());
  return req;
}

// The upload: the raw body, or the `file` part of a multipart form (whose `text` part, if any,
// is the transcript unless the query gave one).
Result<std::string_view> ExtractAudio(const Request& request, bool require_multipart,
                                      std::string* text) {
  std::string_view content_type = ToStd(request[http::field::content_type]);
  std::string_view body = request.body();
  if (IsMultipartFormData(content_type)) {
    VF_ASSIGN_OR_RETURN(std::string boundary, MultipartBoundary(content_type));
    VF_ASSIGN_OR_RETURN(auto parts, ParseMultipart(body, boundary));
    const MultipartPart* file = FindPart(parts, "file");
    if (file == nullptr) return Status::InvalidArgument("multipart body has no 'file' part");
    if (const MultipartPart* t = FindPart(parts, "text"); t != nullptr && text->empty()) {
      *text = std::string(t->data);
    }
    body = file->data;
  } else if (require_multipart) {
    return Status::InvalidArgument(
        "expected multipart/form-data with a 'file' part (curl -F file=@speech.wav)");
  }
  if (body.empty()) return Status::InvalidArgument("no audio: the upload is empty");
  return body;
}

void AppendNumber(std::string* out, double value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value, std::chars_format::general, 6);
  out->append(buf, end);
}

// The design note's response: {"blendshapes", "timestamps", "fps", "duration", "num_frames",
// "names"}, kept exactly so its existing clients work unchanged.
std::string DesignNoteJson(const Track& track) {
  const int frames = track.num_frames();
  std::string out;
  out.reserve(static_cast<size_t>(frames) * kArkitCount * 9 + 4096);
  out += "{\"blendshapes\":[";
  for (int f = 0; f < frames; ++f) {
    out += f ? ",[" : "[";
    for (int c = 0; c < kArkitCount; ++c) {
      if (c) out += ',';
      AppendNumber(&out, track.weight(f, c));
    }
    out += ']';
  }
  out += "],\"timestamps\":[";
  for (int f = 0; f < frames; ++f) {
    if (f) out += ',';
    AppendNumber(&out, track.timestamp_s(f));
  }
  out += "],\"fps\":";
  AppendNumber(&out, track.fps);
  out += ",\"duration\":";
  AppendNumber(&out, track.duration_s);
  out += ",\"num_frames\":" + std::to_string(frames) + ",\"names\":[";
  for (int c = 0; c < kArkitCount; ++c) {
    if (c) out += ',';
    out += '"';
    out += kArkitNames[c];
    out += '"';
  }
  out += "]}\n";
  return out;
}

Response Animate(const Request& request, bool design_note, const RouteContext& ctx) {
  const unsigned v = request.version();
  const bool ka = request.keep_alive();
  auto [path, query] = SplitTarget(ToStd(request.target()));
  auto parsed = ParseAnimateRequest(query, /*allow_format=*/!design_note, *ctx.engines);
  if (!parsed.ok()) return MakeStatusError(v, ka, parsed.status());
  AnimateRequest& req = *parsed;
  auto bytes = ExtractAudio(request, design_note, &req.text);
  if (!bytes.ok()) return MakeStatusError(v, ka, bytes.status());

  const auto start = std::chrono::steady_clock::now();
  AudioOptions audio_options = ctx.config->engine.audio;
  audio_options.max_duration_s = ctx.config->max_duration_s;
  auto audio = DecodeAudio(bytes->data(), bytes->size(), audio_options);
  if (!audio.ok()) return MakeStatusError(v, ka, audio.status());
  auto engine = ctx.engines->Get(req.key);
  if (!engine.ok()) return MakeStatusError(v, ka, engine.status());
  AnimateOptions options;
  options.text = req.text;
  auto track = (*engine)->Animate(*audio, options);
  if (!track.ok()) return MakeStatusError(v, ka, track.status());
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ctx.metrics->RecordAnimation(audio->duration_s(), elapsed);

  if (design_note) {
    return MakeResponse(v, ka, http::status::ok, "application/json", DesignNoteJson(*track));
  }
  switch (req.format) {
    case ExportFormat::kCsv:
      return MakeResponse(v, ka, http::status::ok, "text/csv; charset=utf-8", TrackToCsv(*track));
    case ExportFormat::kTsv:
      return MakeResponse(v, ka, http::status::ok, "text/tab-separated-values; charset=utf-8",
                          TrackToRhubarbTsv(*track));
    default:
      return MakeResponse(v, ka, http::status::ok, "application/json", TrackToJson(*track));
  }
}

}  // namespace

RouteMatch MatchRoute(http::verb method, std::string_view target) {
  struct Entry {
    std::string_view path;
    Route route;
    http::verb method;
  };
  static constexpr Entry kRoutes[] = {
      {"/v1/animate", Route::kAnimate, http::verb::post},
      {"/process-audio", Route::kProcessAudio, http::verb::post},
      {"/v1/stream", Route::kStream, http::verb::get},
      {"/healthz", Route::kHealthz, http::verb::get},
      {"/readyz", Route::kReadyz, http::verb::get},
      {"/metrics", Route::kMetrics, http::verb::get},
      {"/openapi.json", Route::kOpenApi, http::verb::get},
      {"/", Route::kWebPage, http::verb::get},
  };
  std::string_view path = SplitTarget(target).first;
  for (const Entry& e : kRoutes) {
    if (path != e.path) continue;
    RouteMatch m;
    m.route = e.route;
    m.label = std::string(e.path);
    m.allow = std::string(http::to_string(e.method));
    m.method_allowed = method == e.method;
    return m;
  }
  return RouteMatch{};
}

Response HandleRequest(const RouteMatch& match, const Request& request, const RouteContext& ctx) {
  const unsigned v = request.version();
  const bool ka = request.keep_alive();
  const StaticFile* web_file = ctx.web_files != nullptr && request.method() == http::verb::get
                                   ? ctx.web_files->Find(SplitTarget(ToStd(request.target())).first)
                                   : nullptr;
  // The page's other files have no route of their own; they are looked up only here, in memory.
  if (match.route == Route::kNotFound && web_file != nullptr) {
    return MakeStaticResponse(*web_file, request);
  }
  if (match.route == Route::kNotFound) {
    return MakeError(v, ka, http::status::not_found, "not_found",
                     "no route " + std::string(SplitTarget(ToStd(request.target())).first));
  }
  if (!match.method_allowed) {
    Response res = MakeError(v, ka, http::status::method_not_allowed, "method_not_allowed",
                             match.label + " takes " + match.allow);
    res.set(http::field::allow, match.allow);
    return res;
  }
  switch (match.route) {
    case Route::kAnimate:
      return Animate(request, /*design_note=*/false, ctx);
    case Route::kProcessAudio:
      return Animate(request, /*design_note=*/true, ctx);
    case Route::kStream: {
      Response res = MakeError(v, ka, http::status::upgrade_required, "upgrade_required",
                               "/v1/stream is a WebSocket endpoint (see docs/protocol.md)");
      res.set(http::field::upgrade, "websocket");
      return res;
    }
    case Route::kHealthz:
      return MakeResponse(v, ka, http::status::ok, "text/plain", "ok\n");
    case Route::kReadyz:
      if (ctx.ready->load()) return MakeResponse(v, ka, http::status::ok, "text/plain", "ready\n");
      return MakeError(v, ka, http::status::service_unavailable, "not_ready",
                       "the engine is still loading");
    case Route::kMetrics:
      return MakeResponse(v, ka, http::status::ok, "text/plain; version=0.0.4",
                          ctx.metrics->RenderPrometheus());
    case Route::kOpenApi:
      return MakeResponse(v, ka, http::status::ok, "application/json", OpenApiJson());
    case Route::kWebPage:
      if (web_file != nullptr) return MakeStaticResponse(*web_file, request);
      return MakeError(v, ka, http::status::not_found, "not_found",
                       "the web page is disabled (--web-dir is empty)");
    default:
      return MakeError(v, ka, http::status::not_found, "not_found", "no such route");
  }
}

}  // namespace voxface::server
