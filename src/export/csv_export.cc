// SPDX-License-Identifier: Apache-2.0
// Live Link Face CSV. Columns are read by header name: NeuroSync and other writers swap the
// jaw and mouth left/right pairs, and the head and eye rotation columns may be missing.
//
// Timecode: "HH:MM:SS:FF.fff" where HH:MM:SS is the whole second, FF the frame within that second
// at the track's fps and .fff the fraction of a frame in thousandths (".000" on every frame of an
// integer fps; at 29.97 fps frames drift off the second boundaries and the fraction shows it).
// Frame i is written at time i / fps, so the first row is 00:00:00:00.000.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "export/number_format.h"
#include "voxface/export.h"

namespace voxface {
namespace {

using export_internal::AppendRounded;
using export_internal::ParseDouble;
using export_internal::ShortestString;
using export_internal::Trim;

// The Live Link pose has 61 curves: the 52 blendshapes and 9 head and eye rotations.
constexpr std::string_view kRotationNames[] = {"HeadYaw",     "HeadPitch",     "HeadRoll",
                                               "LeftEyeYaw",  "LeftEyePitch",  "LeftEyeRoll",
                                               "RightEyeYaw", "RightEyePitch", "RightEyeRoll"};
constexpr int kLiveLinkCurveCount = kArkitCount + static_cast<int>(std::size(kRotationNames));
static_assert(kLiveLinkCurveCount == 61);
constexpr int kWeightDecimals = 4;

void AppendTwoDigits(std::string* out, int64_t value) {
  out->push_back(static_cast<char>('0' + value / 10 % 10));
  out->push_back(static_cast<char>('0' + value % 10));
}

void AppendTimecode(std::string* out, int frame, double fps) {
  // A track without a usable rate cannot be timed; 60 fps, the engine's default, keeps the
  // arithmetic below defined.
  if (!(fps > 0.001 && fps <= 1e6)) fps = 60.0;
  // Integer frame rates are computed exactly so that no frame lands on "FF.999" of the frame
  // before it through rounding.
  int64_t second;
  int64_t frame_in_second;
  int millis = 0;
  const double rounded_fps = std::round(fps);
  if (std::fabs(fps - rounded_fps) < 1e-9 && rounded_fps >= 1.0) {
    const int64_t per_second = static_cast<int64_t>(rounded_fps);
    second = frame / per_second;
    frame_in_second = frame % per_second;
  } else {
    second = static_cast<int64_t>(std::floor((frame + 1e-6) / fps));
    const double within = std::max(0.0, frame - second * fps);  // In frames.
    frame_in_second = static_cast<int64_t>(std::floor(within + 1e-6));
    millis = std::clamp(static_cast<int>(std::lround((within - frame_in_second) * 1000.0)), 0, 999);
  }
  AppendTwoDigits(out, second / 3600);
  out->push_back(':');
  AppendTwoDigits(out, second / 60 % 60);
  out->push_back(':');
  AppendTwoDigits(out, second % 60);
  out->push_back(':');
  // Two digits cover rates up to 100 fps; faster tracks need a wider frame field.
  if (fps > 100.0) {
    const int width =
        static_cast<int>(std::to_string(static_cast<int64_t>(std::ceil(fps)) - 1).size());
    char frame_buf[24];
    std::snprintf(frame_buf, sizeof(frame_buf), "%0*lld", width,
                  static_cast<long long>(frame_in_second));
    out->append(frame_buf);
  } else {
    AppendTwoDigits(out, frame_in_second);
  }
  char buf[8];
  std::snprintf(buf, sizeof(buf), ".%03d", millis);
  out->append(buf);
}

std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t begin = 0;
  while (true) {
    const size_t comma = line.find(',', begin);
    std::string_view field = Trim(line.substr(begin, comma - begin));
    // Some spreadsheets quote every field.
    if (field.size() >= 2 && field.front() == '"' && field.back() == '"') {
      field = field.substr(1, field.size() - 2);
    }
    fields.push_back(field);
    if (comma == std::string_view::npos) break;
    begin = comma + 1;
  }
  // A trailing comma is common and carries nothing.
  if (fields.size() > 1 && fields.back().empty()) fields.pop_back();
  return fields;
}

bool IsTimecodeHeader(std::string_view name) {
  constexpr std::string_view kTimecode = "timecode";
  if (name.size() != kTimecode.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(name[i])) != kTimecode[i]) return false;
  }
  return true;
}

// "HH:MM:SS:FF.fff" (also "HH:MM:SS:FF" and ';' before the frames, as drop-frame timecode writes)
// to a frame number counted from midnight. nullopt when the text is not a timecode.
std::optional<int64_t> TimecodeToFrame(std::string_view text, double fps) {
  double parts[4];
  int count = 0;
  size_t begin = 0;
  while (true) {
    const size_t sep = text.find_first_of(":;", begin);
    std::optional<double> value = ParseDouble(text.substr(begin, sep - begin));
    if (count == 4 || !value || *value < 0.0) return std::nullopt;
    parts[count++] = *value;
    if (sep == std::string_view::npos) break;
    begin = sep + 1;
  }
  if (count != 4) return std::nullopt;
  const double seconds = parts[0] * 3600.0 + parts[1] * 60.0 + parts[2];
  if (seconds > 1e7 || parts[3] > 1e6) return std::nullopt;  // Not a time of day.
  return std::llround(seconds * fps + parts[3]);
}

}  // namespace

std::string TrackToCsv(const Track& track) {
  const int frames = track.num_frames();
  std::string out;
  out.reserve(static_cast<size_t>(frames + 1) * (kArkitCount * 7 + 64));
  out.append("Timecode,BlendShapeCount");
  for (int c = 0; c < kArkitCount; ++c) {
    out.push_back(',');
    out.append(ArkitPascalName(c));
  }
  for (std::string_view name : kRotationNames) {
    out.push_back(',');
    out.append(name);
  }
  out.push_back('\n');
  std::string count_field = ",";
  count_field += std::to_string(kLiveLinkCurveCount);
  for (int i = 0; i < frames; ++i) {
    AppendTimecode(&out, i, track.fps);
    out.append(count_field);
    for (int c = 0; c < kArkitCount; ++c) {
      out.push_back(',');
      AppendRounded(&out, track.weight(i, c), kWeightDecimals);
    }
    for (size_t r = 0; r < std::size(kRotationNames); ++r) out.append(",0");
    out.push_back('\n');
  }
  return out;
}

Result<Track> TrackFromCsv(const std::string& csv, double fps) {
  if (!(fps > 0.0 && fps <= 1000.0)) {
    return Status::InvalidArgument("CSV fps must be in (0, 1000], got " + ShortestString(fps));
  }
  std::string_view text(csv);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte order mark.

  std::vector<int> column_to_channel;
  int timecode_column = -1;
  size_t columns = 0;
  bool have_header = false;
  // Rows as (frame number, weights); frame numbers are made relative once all are known.
  std::vector<std::pair<int64_t, std::vector<float>>> rows;
  int line_number = 0;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = Trim(text.substr(begin, end - begin));
    begin = end + 1;
    ++line_number;
    if (line.empty()) continue;
    const std::vector<std::string_view> fields = SplitFields(line);
    const std::string where = "CSV line " + std::to_string(line_number);
    if (!have_header) {
      have_header = true;
      columns = fields.size();
      column_to_channel.assign(columns, -1);
      bool any_known = false;
      for (size_t c = 0; c < columns; ++c) {
        if (IsTimecodeHeader(fields[c])) {
          timecode_column = static_cast<int>(c);
        } else if (std::optional<int> index = ArkitIndex(fields[c])) {
          column_to_channel[c] = *index;
          any_known = true;
        }
      }
      if (!any_known) {
        return Status::CorruptData(
            "CSV header names no ARKit blendshape; expected Live Link Face columns such as "
            "\"Timecode,BlendShapeCount,EyeBlinkLeft,...\"");
      }
      continue;
    }
    if (fields.size() != columns) {
      return Status::CorruptData(where + " has " + std::to_string(fields.size()) +
                                 " fields but the header has " + std::to_string(columns));
    }
    // Without a Timecode column the rows are taken as consecutive frames.
    int64_t frame = static_cast<int64_t>(rows.size());
    if (timecode_column >= 0) {
      std::optional<int64_t> parsed = TimecodeToFrame(fields[timecode_column], fps);
      if (!parsed) {
        return Status::CorruptData(where + ": \"" + std::string(fields[timecode_column]) +
                                   "\" is not a timecode like 00:00:01:05.000");
      }
      frame = *parsed;
    }
    std::vector<float> weights(kArkitCount, 0.0f);
    for (size_t c = 0; c < columns; ++c) {
      if (column_to_channel[c] < 0) continue;
      std::optional<double> value = ParseDouble(fields[c]);
      if (!value) {
        return Status::CorruptData(where + ", column " +
                                   std::string(kArkitNames[column_to_channel[c]]) + ": \"" +
                                   std::string(fields[c]) + "\" is not a number");
      }
      weights[column_to_channel[c]] = static_cast<float>(*value);
    }
    rows.emplace_back(frame, std::move(weights));
  }
  if (!have_header) return Status::CorruptData("CSV is empty: no header line");

  Track track;
  track.fps = fps;
  if (rows.empty()) return track;
  // Live Link Face stamps rows with the time of day; the track starts at the first frame.
  int64_t first = rows[0].first;
  int64_t last = rows[0].first;
  for (const auto& row : rows) {
    first = std::min(first, row.first);
    last = std::max(last, row.first);
  }
  // Dropped frames are filled in, but a jump far beyond what drops explain (a file spliced from
  // two takes, a timecode past midnight) would fill gigabytes with a held pose.
  const double max_frames = 4.0 * static_cast<double>(rows.size()) + 10.0 * fps;
  if (static_cast<double>(last - first) >= max_frames) {
    return Status::CorruptData("CSV timecodes span " + std::to_string(last - first + 1) +
                               " frames at " + ShortestString(fps) + " fps but there are only " +
                               std::to_string(rows.size()) + " rows; are they from one take?");
  }
  const int frames = static_cast<int>(last - first + 1);
  track.weights.assign(static_cast<size_t>(frames) * kArkitCount, 0.0f);
  std::vector<bool> filled(frames, false);
  for (const auto& [frame, weights] : rows) {
    const int index = static_cast<int>(frame - first);
    std::copy(weights.begin(), weights.end(), track.weights.begin() + index * kArkitCount);
    filled[index] = true;
  }
  // The capture app drops frames under load; holding the previous pose is what Live Link does.
  for (int i = 1; i < frames; ++i) {
    if (filled[i]) continue;
    std::copy_n(track.weights.begin() + (i - 1) * kArkitCount, kArkitCount,
                track.weights.begin() + i * kArkitCount);
  }
  track.duration_s = frames / fps;
  return track;
}

}  // namespace voxface
