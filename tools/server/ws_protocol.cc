// SPDX-License-Identifier: Apache-2.0
#include "ws_protocol.h"

#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>

namespace voxface::server {
namespace {

using nlohmann::json;

void AppendFloat(std::string* out, double value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, end);
}

// Shortest text that reads back as exactly this float.
void AppendFloat(std::string* out, float value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, end);
}

void AppendU32(std::string* out, uint32_t v) {
  char bytes[4] = {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff),
                   static_cast<char>((v >> 16) & 0xff), static_cast<char>((v >> 24) & 0xff)};
  out->append(bytes, 4);
}

Status Invalid(const std::string& message) {
  return Status::InvalidArgument("start message: " + message);
}

// An integer-valued JSON number in [lo, hi].
Result<int64_t> IntField(const json& value, const std::string& name, int64_t lo, int64_t hi) {
  if (!value.is_number_integer() && !value.is_number_unsigned()) {
    return Invalid("\"" + name + "\" must be an integer");
  }
  if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(hi)) {
    return Invalid("\"" + name + "\" must be in [" + std::to_string(lo) + ", " +
                   std::to_string(hi) + "]");
  }
  int64_t v = value.get<int64_t>();
  if (v < lo || v > hi) {
    return Invalid("\"" + name + "\" must be in [" + std::to_string(lo) + ", " +
                   std::to_string(hi) + "], got " + std::to_string(v));
  }
  return v;
}

Result<std::string> StringField(const json& value, const std::string& name) {
  if (!value.is_string()) return Invalid("\"" + name + "\" must be a string");
  return value.get<std::string>();
}

}  // namespace

std::string MessageType(std::string_view message) {
  json j = json::parse(message, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return "";
  auto it = j.find("type");
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

Result<StreamStart> ParseStartMessage(std::string_view message, const EngineCache& engines) {
  json j = json::parse(message, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Invalid("not valid JSON");
  if (!j.is_object()) return Invalid("expected a JSON object");
  auto type = j.find("type");
  if (type == j.end() || !type->is_string() || type->get<std::string>() != "start") {
    return Invalid("the first message must have \"type\":\"start\"");
  }
  StreamStart start;
  start.key = engines.DefaultKey();
  for (const auto& [name, value] : j.items()) {
    if (name == "type") continue;
    if (name == "sample_rate") {
      VF_ASSIGN_OR_RETURN(int64_t rate, IntField(value, name, 1000, 384000));
      start.format.sample_rate_hz = static_cast<int>(rate);
    } else if (name == "encoding") {
      VF_ASSIGN_OR_RETURN(std::string encoding, StringField(value, name));
      if (encoding == "s16le") {
        start.format.format = SampleFormat::kS16LE;
      } else if (encoding == "f32le") {
        start.format.format = SampleFormat::kF32LE;
      } else {
        return Invalid("\"encoding\" must be \"s16le\" or \"f32le\", got \"" + encoding + "\"");
      }
    } else if (name == "channels") {
      VF_ASSIGN_OR_RETURN(int64_t channels, IntField(value, name, 1, 32));
      start.format.channels = static_cast<int>(channels);
    } else if (name == "fps") {
      if (!value.is_number()) return Invalid("\"fps\" must be a number");
      start.key.fps_hz = value.get<double>();
    } else if (name == "text") {
      VF_ASSIGN_OR_RETURN(start.text, StringField(value, name));
    } else if (name == "seed") {
      if (!value.is_number_unsigned() &&
          !(value.is_number_integer() && value.get<int64_t>() >= 0)) {
        return Invalid("\"seed\" must be a non-negative integer");
      }
      start.key.seed = value.get<uint64_t>();
    } else if (name == "emotion") {
      if (!value.is_object()) return Invalid("\"emotion\" must be an object like {\"joy\":0.5}");
      start.key.emotion.clear();  // Replaces the server's default mix, as in HTTP.
      for (const auto& [emotion, strength] : value.items()) {
        if (!strength.is_number()) {
          return Invalid("emotion \"" + emotion + "\" must have a numeric strength");
        }
        start.key.emotion[emotion] = strength.get<float>();
      }
    } else if (name == "frames") {
      VF_ASSIGN_OR_RETURN(std::string frames, StringField(value, name));
      if (frames != "json" && frames != "binary") {
        return Invalid("\"frames\" must be \"json\" or \"binary\", got \"" + frames + "\"");
      }
      start.binary_frames = frames == "binary";
    } else {
      return Invalid("unknown field \"" + name + "\"");
    }
  }
  VF_RETURN_IF_ERROR(start.format.Validate());
  // Catches fps=0, unknown emotions and the like before an engine is built for them.
  VF_RETURN_IF_ERROR(engines.ConfigFor(start.key).Validate());
  return start;
}

std::string StreamHeaderMessage(const StreamStart& start, double max_duration_s) {
  json j;
  j["type"] = "header";
  j["protocol"] = kStreamProtocolVersion;
  // The phonetic analyser needs the whole utterance: frames come after "end".
  j["mode"] = "utterance";
  j["lookahead_s"] = nullptr;
  j["fps"] = start.key.fps_hz;
  j["sample_rate"] = start.format.sample_rate_hz;
  j["encoding"] = start.format.format == SampleFormat::kS16LE ? "s16le" : "f32le";
  j["channels"] = start.format.channels;
  j["frames"] = start.binary_frames ? "binary" : "json";
  j["max_duration_s"] = max_duration_s;
  json names = json::array();
  for (std::string_view name : kArkitNames) names.push_back(std::string(name));
  j["names"] = std::move(names);
  return j.dump();
}

std::string FramesJsonMessage(const Track& track, int begin, int count) {
  std::string out;
  out.reserve(static_cast<size_t>(count) * kArkitCount * 12 + 64);
  out += "{\"type\":\"frames\",\"start_frame\":" + std::to_string(begin) + ",\"timestamps\":[";
  for (int f = begin; f < begin + count; ++f) {
    if (f != begin) out += ',';
    AppendFloat(&out, track.timestamp_s(f));
  }
  out += "],\"weights\":[";
  for (int f = begin; f < begin + count; ++f) {
    out += f != begin ? ",[" : "[";
    for (int c = 0; c < kArkitCount; ++c) {
      if (c) out += ',';
      AppendFloat(&out, track.weight(f, c));
    }
    out += ']';
  }
  out += "]}";
  return out;
}

std::string FramesBinaryMessage(const Track& track, int begin, int count) {
  std::string out;
  out.reserve(8 + static_cast<size_t>(count) * kArkitCount * 4);
  AppendU32(&out, static_cast<uint32_t>(begin));
  AppendU32(&out, static_cast<uint32_t>(count));
  for (int f = begin; f < begin + count; ++f) {
    for (int c = 0; c < kArkitCount; ++c) {
      AppendU32(&out, std::bit_cast<uint32_t>(track.weight(f, c)));
    }
  }
  return out;
}

std::string StreamEndMessage(const Track& track) {
  json j;
  j["type"] = "end";
  j["num_frames"] = track.num_frames();
  j["duration"] = track.duration_s;
  json phones = json::array();
  for (const PhoneSegment& p : track.phones) {
    phones.push_back({{"phone", p.phone}, {"start", p.start_s}, {"end", p.end_s}});
  }
  j["phones"] = std::move(phones);
  return j.dump();
}

std::string StreamErrorMessage(std::string_view code, std::string_view message) {
  json j;
  j["type"] = "error";
  j["code"] = std::string(code);
  // Library messages may quote the client's bytes; replace invalid UTF-8 rather than throw.
  j["message"] = std::string(message);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string StreamErrorCode(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return "invalid_argument";
    case StatusCode::kCorruptData:
    case StatusCode::kUnsupported:
      return "bad_audio";
    case StatusCode::kOutOfRange:
      return "audio_too_long";
    default:
      return "internal";
  }
}

}  // namespace voxface::server
