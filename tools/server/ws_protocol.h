// SPDX-License-Identifier: Apache-2.0
// The messages of WS /v1/stream (docs/protocol.md): parsing the client's "start" and building
// the server's replies. Pure functions, so they are tested and reused without a socket.
#ifndef VOXFACE_TOOLS_SERVER_WS_PROTOCOL_H_
#define VOXFACE_TOOLS_SERVER_WS_PROTOCOL_H_

#include <string>
#include <string_view>

#include "engine_cache.h"
#include "voxface/voxface.h"

namespace voxface::server {

inline constexpr int kStreamProtocolVersion = 1;
// Frames per "frames" message (JSON or binary).
inline constexpr int kFramesPerMessage = 60;

// What a "start" message asks for.
struct StreamStart {
  PcmFormat format;
  EngineKey key;
  std::string text;
  bool binary_frames = false;
};

// Parses and validates {"type":"start", ...}. Fields other than "type" are optional (defaults:
// 16000 Hz, s16le, 1 channel, the server's fps/seed/emotion, no text, JSON frames); unknown
// fields are an error so that typos do not pass silently.
Result<StreamStart> ParseStartMessage(std::string_view message, const EngineCache& engines);

// The "type" of a client text message ("" when it is not a JSON object with a string "type").
std::string MessageType(std::string_view message);

std::string StreamHeaderMessage(const StreamStart& start, double max_duration_s);
// Frames [begin, begin + count) as one JSON "frames" message.
std::string FramesJsonMessage(const Track& track, int begin, int count);
// The same as a binary message: uint32 start_frame, uint32 count, count * 52 float32 (LE).
std::string FramesBinaryMessage(const Track& track, int begin, int count);
std::string StreamEndMessage(const Track& track);
std::string StreamErrorMessage(std::string_view code, std::string_view message);
// The error code for a failed library call ("invalid_argument", "audio_too_long", ...).
std::string StreamErrorCode(const Status& status);

}  // namespace voxface::server

#endif  // VOXFACE_TOOLS_SERVER_WS_PROTOCOL_H_
