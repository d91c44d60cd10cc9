// SPDX-License-Identifier: Apache-2.0
// Track <-> JSON. The numeric arrays are written by hand: nlohmann's DOM would allocate a node
// per weight and print 17 significant digits, making a 60 s track slow to write and ~4x larger.
// Reading goes through nlohmann, whose exceptions are turned into Status here.
#include <algorithm>
#include <cmath>
#include <exception>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "export/number_format.h"
#include "voxface/export.h"

#ifndef VOXFACE_VERSION
#define VOXFACE_VERSION "unknown"
#endif

namespace voxface {
namespace {

using export_internal::AppendInt;
using export_internal::AppendRounded;
using export_internal::AppendShortest;
using export_internal::AppendUint;
using Json = nlohmann::json;

// 1e-4 is far below what a rig can show and keeps each weight at most 6 characters.
constexpr int kWeightDecimals = 4;
// Microseconds: timestamps at 29.97 fps and aligner times survive a round trip unchanged.
constexpr int kTimeDecimals = 6;

void AppendString(std::string* out, std::string_view text) {
  // nlohmann escapes control characters and, with `replace`, turns invalid UTF-8 (a phone label
  // from a broken aligner) into U+FFFD rather than throwing or writing a file no parser reads.
  *out += Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

void AppendStringArray(std::string* out, const std::vector<std::string>& items) {
  out->push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendString(out, items[i]);
  }
  out->push_back(']');
}

// Rows of `width` values, one row per line so that diffs and `head` stay readable.
void AppendMatrix(std::string* out, const float* data, int rows, int width) {
  out->push_back('[');
  for (int r = 0; r < rows; ++r) {
    out->append(r == 0 ? "\n[" : ",\n[");
    const float* row = data + static_cast<size_t>(r) * width;
    for (int c = 0; c < width; ++c) {
      if (c > 0) out->push_back(',');
      AppendRounded(out, row[c], kWeightDecimals);
    }
    out->push_back(']');
  }
  out->append(rows > 0 ? "\n]" : "]");
}

template <typename Segment>
void AppendSegments(std::string* out, const std::vector<Segment>& segments, const char* label_key,
                    std::string Segment::*label) {
  out->push_back('[');
  for (size_t i = 0; i < segments.size(); ++i) {
    out->append(i == 0 ? "\n{\"" : ",\n{\"");
    out->append(label_key);
    out->append("\":");
    AppendString(out, segments[i].*label);
    out->append(",\"start\":");
    AppendRounded(out, segments[i].start_s, kTimeDecimals);
    out->append(",\"end\":");
    AppendRounded(out, segments[i].end_s, kTimeDecimals);
    out->push_back('}');
  }
  out->append(segments.empty() ? "]" : "\n]");
}

// ---- Reading ----

Status TypeError(const std::string& where, const char* expected, const Json& value) {
  return Status::CorruptData(where + " must be " + expected + ", got " + value.type_name());
}

Result<const Json*> Member(const Json& object, const char* key, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end()) {
    return Status::CorruptData(where + " has no \"" + key + "\"");
  }
  return &*it;
}

// Optional members: absent and null both mean "not given".
const Json* OptionalMember(const Json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

Result<double> Number(const Json& value, const std::string& where) {
  if (!value.is_number()) return TypeError(where, "a number", value);
  return value.get<double>();
}

Result<std::string> String(const Json& value, const std::string& where) {
  if (!value.is_string()) return TypeError(where, "a string", value);
  return value.get<std::string>();
}

Result<std::vector<std::string>> StringArray(const Json& value, const std::string& where) {
  if (!value.is_array()) return TypeError(where, "an array of strings", value);
  std::vector<std::string> items;
  items.reserve(value.size());
  for (const Json& item : value) {
    VF_ASSIGN_OR_RETURN(std::string text,
                        String(item, where + "[" + std::to_string(items.size()) + "]"));
    items.push_back(std::move(text));
  }
  return items;
}

// Reads a [rows][width] matrix into `out` (rows x slots), sending column c to column_to_slot[c]
// and dropping columns mapped to -1.
Status ReadMatrix(const Json& value, const std::string& where,
                  const std::vector<int>& column_to_slot, int slots, std::vector<float>* out) {
  if (!value.is_array()) return TypeError(where, "an array of rows", value);
  const size_t width = column_to_slot.size();
  out->assign(value.size() * slots, 0.0f);
  for (size_t r = 0; r < value.size(); ++r) {
    const Json& row = value[r];
    const auto row_where = [&] { return where + "[" + std::to_string(r) + "]"; };
    if (!row.is_array()) return TypeError(row_where(), "an array", row);
    if (row.size() != width) {
      return Status::CorruptData(row_where() + " has " + std::to_string(row.size()) +
                                 " values but there are " + std::to_string(width) + " names");
    }
    for (size_t c = 0; c < width; ++c) {
      const Json& cell = row[c];
      if (!cell.is_number()) {
        return TypeError(row_where() + "[" + std::to_string(c) + "]", "a number", cell);
      }
      if (column_to_slot[c] >= 0) {
        (*out)[r * slots + column_to_slot[c]] = static_cast<float>(cell.get<double>());
      }
    }
  }
  return Status::Ok();
}

template <typename Segment>
Result<std::vector<Segment>> ReadSegments(const Json& value, const std::string& where,
                                          const char* label_key, std::string Segment::*label) {
  if (!value.is_array()) return TypeError(where, "an array", value);
  std::vector<Segment> segments;
  for (const Json& item : value) {
    const std::string item_where = where + "[" + std::to_string(segments.size()) + "]";
    if (!item.is_object()) return TypeError(item_where, "an object", item);
    Segment segment;
    VF_ASSIGN_OR_RETURN(const Json* text, Member(item, label_key, item_where));
    VF_ASSIGN_OR_RETURN(segment.*label, String(*text, item_where + "." + label_key));
    VF_ASSIGN_OR_RETURN(const Json* start, Member(item, "start", item_where));
    VF_ASSIGN_OR_RETURN(segment.start_s, Number(*start, item_where + ".start"));
    VF_ASSIGN_OR_RETURN(const Json* end, Member(item, "end", item_where));
    VF_ASSIGN_OR_RETURN(segment.end_s, Number(*end, item_where + ".end"));
    if (segment.end_s < segment.start_s) {
      return Status::CorruptData(item_where + " ends before it starts");
    }
    segments.push_back(std::move(segment));
  }
  return segments;
}

Status ReadVisemes(const Json& visemes, int frames, Track* track) {
  if (!visemes.is_object()) return TypeError("visemes", "an object with names and frames", visemes);
  VF_ASSIGN_OR_RETURN(const Json* names, Member(visemes, "names", "visemes"));
  VF_ASSIGN_OR_RETURN(track->viseme_names, StringArray(*names, "visemes.names"));
  const int width = static_cast<int>(track->viseme_names.size());
  std::vector<int> identity(width);
  for (int i = 0; i < width; ++i) identity[i] = i;
  VF_ASSIGN_OR_RETURN(const Json* rows, Member(visemes, "frames", "visemes"));
  VF_RETURN_IF_ERROR(ReadMatrix(*rows, "visemes.frames", identity, width, &track->visemes));
  // No rows is allowed (visemes not computed); otherwise they must line up with the frames.
  if (!rows->empty() && rows->size() != static_cast<size_t>(frames)) {
    return Status::CorruptData("visemes.frames has " + std::to_string(rows->size()) +
                               " rows but blendshapes has " + std::to_string(frames));
  }
  return Status::Ok();
}

Status ReadMeta(const Json& meta, Track* track) {
  if (!meta.is_object()) return TypeError("meta", "an object", meta);
  if (const Json* analyzer = OptionalMember(meta, "analyzer")) {
    VF_ASSIGN_OR_RETURN(track->analyzer, String(*analyzer, "meta.analyzer"));
  }
  if (const Json* seed = OptionalMember(meta, "seed")) {
    // Seeds use all 64 bits; a double would silently round them.
    if (!seed->is_number_unsigned()) return TypeError("meta.seed", "a non-negative integer", *seed);
    track->seed = seed->get<uint64_t>();
  }
  return Status::Ok();
}

Result<Track> ReadTrack(const Json& root) {
  if (!root.is_object()) return TypeError("the top level", "an object", root);
  Track track;
  VF_ASSIGN_OR_RETURN(const Json* fps, Member(root, "fps", "the track"));
  VF_ASSIGN_OR_RETURN(track.fps, Number(*fps, "fps"));
  if (!(track.fps > 0.0 && track.fps <= 1000.0)) {
    return Status::CorruptData("fps must be in (0, 1000], got " + fps->dump());
  }

  VF_ASSIGN_OR_RETURN(const Json* names_json, Member(root, "names", "the track"));
  VF_ASSIGN_OR_RETURN(const std::vector<std::string> names, StringArray(*names_json, "names"));
  std::vector<int> column_to_channel(names.size(), -1);
  bool any_known = false;
  for (size_t c = 0; c < names.size(); ++c) {
    if (std::optional<int> index = ArkitIndex(names[c])) {
      column_to_channel[c] = *index;
      any_known = true;
    }
  }
  // Unknown names are skipped one by one, but a file with none known is surely another schema.
  if (!any_known && !names.empty()) {
    return Status::CorruptData("none of the " + std::to_string(names.size()) +
                               " names is an ARKit blendshape (the first is \"" + names[0] + "\")");
  }
  VF_ASSIGN_OR_RETURN(const Json* blendshapes, Member(root, "blendshapes", "the track"));
  VF_RETURN_IF_ERROR(
      ReadMatrix(*blendshapes, "blendshapes", column_to_channel, kArkitCount, &track.weights));
  const int frames = static_cast<int>(blendshapes->size());

  if (const Json* num_frames = OptionalMember(root, "num_frames")) {
    VF_ASSIGN_OR_RETURN(const double declared, Number(*num_frames, "num_frames"));
    if (declared != frames) {
      return Status::CorruptData("num_frames says " + num_frames->dump() + " but blendshapes has " +
                                 std::to_string(frames) + " rows (is the file truncated?)");
    }
  }
  track.duration_s = frames / track.fps;
  if (const Json* duration = OptionalMember(root, "duration")) {
    VF_ASSIGN_OR_RETURN(track.duration_s, Number(*duration, "duration"));
    if (track.duration_s < 0.0) return Status::CorruptData("duration must not be negative");
  }
  if (const Json* visemes = OptionalMember(root, "visemes")) {
    VF_RETURN_IF_ERROR(ReadVisemes(*visemes, frames, &track));
  }
  if (const Json* phones = OptionalMember(root, "phones")) {
    VF_ASSIGN_OR_RETURN(
        track.phones, ReadSegments<PhoneSegment>(*phones, "phones", "phone", &PhoneSegment::phone));
  }
  if (const Json* words = OptionalMember(root, "words")) {
    VF_ASSIGN_OR_RETURN(track.words,
                        ReadSegments<WordSegment>(*words, "words", "word", &WordSegment::word));
  }
  if (const Json* meta = OptionalMember(root, "meta")) VF_RETURN_IF_ERROR(ReadMeta(*meta, &track));
  if (const Json* warnings = OptionalMember(root, "warnings")) {
    VF_ASSIGN_OR_RETURN(track.warnings, StringArray(*warnings, "warnings"));
  }
  return track;
}

// nlohmann prefixes messages with "[json.exception.parse_error.101] "; users need only the rest.
std::string WithoutExceptionTag(const char* what) {
  std::string message(what);
  if (!message.empty() && message.front() == '[') {
    if (size_t end = message.find("] "); end != std::string::npos) message.erase(0, end + 2);
  }
  return message;
}

}  // namespace

std::string TrackToJson(const Track& track) {
  const int frames = track.num_frames();
  const int viseme_width = static_cast<int>(track.viseme_names.size());
  // A track whose viseme matrix is short (or absent) still exports the rows it has.
  const int viseme_rows =
      viseme_width > 0
          ? std::min<int>(frames, static_cast<int>(track.visemes.size() / viseme_width))
          : 0;

  std::string out;
  out.reserve(static_cast<size_t>(frames) * (kArkitCount * 6 + 16) +
              static_cast<size_t>(viseme_rows) * viseme_width * 6 + track.phones.size() * 48 +
              4096);
  out.append("{\n\"fps\":");
  AppendShortest(&out, track.fps);
  out.append(",\n\"duration\":");
  AppendRounded(&out, track.duration_s, kTimeDecimals);
  out.append(",\n\"num_frames\":");
  AppendInt(&out, frames);
  out.append(",\n\"names\":[");
  for (int c = 0; c < kArkitCount; ++c) {
    if (c > 0) out.push_back(',');
    out.push_back('"');
    out.append(kArkitNames[c]);
    out.push_back('"');
  }
  out.append("],\n\"timestamps\":[");
  for (int i = 0; i < frames; ++i) {
    if (i > 0) out.push_back(',');
    AppendRounded(&out, track.timestamp_s(i), kTimeDecimals);
  }
  out.append("],\n\"blendshapes\":");
  AppendMatrix(&out, track.weights.data(), frames, kArkitCount);
  out.append(",\n\"visemes\":{\"names\":");
  AppendStringArray(&out, track.viseme_names);
  out.append(",\"frames\":");
  AppendMatrix(&out, track.visemes.data(), viseme_rows, viseme_width);
  out.append("},\n\"phones\":");
  AppendSegments(&out, track.phones, "phone", &PhoneSegment::phone);
  out.append(",\n\"words\":");
  AppendSegments(&out, track.words, "word", &WordSegment::word);
  out.append(",\n\"meta\":{\"version\":");
  AppendString(&out, VOXFACE_VERSION);
  out.append(",\"analyzer\":");
  AppendString(&out, track.analyzer);
  out.append(",\"seed\":");
  AppendUint(&out, track.seed);
  out.push_back('}');
  if (!track.warnings.empty()) {
    out.append(",\n\"warnings\":");
    AppendStringArray(&out, track.warnings);
  }
  out.append("\n}\n");
  return out;
}

Result<Track> TrackFromJson(const std::string& json) {
  // The boundary with nlohmann: nothing it throws may reach the caller.
  try {
    Json root;
    try {
      root = Json::parse(json);
    } catch (const Json::parse_error& e) {
      return Status::CorruptData("track JSON is malformed: " + WithoutExceptionTag(e.what()));
    }
    Result<Track> track = ReadTrack(root);
    if (!track.ok()) return track.status().WithContext("not a voxface track");
    return track;
  } catch (const Json::exception& e) {
    return Status::CorruptData("not a voxface track: " + WithoutExceptionTag(e.what()));
  } catch (const std::exception& e) {
    return Status::Internal(std::string("reading track JSON failed: ") + e.what());
  }
}

}  // namespace voxface
