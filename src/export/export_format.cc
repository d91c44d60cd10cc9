// SPDX-License-Identifier: Apache-2.0
// Choosing an export format by name or by a file's extension.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>

#include "voxface/export.h"

namespace voxface {
namespace {

constexpr char kAcceptedFormats[] = "json, csv, tsv";

std::string Lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::optional<ExportFormat> FormatByName(const std::string& name) {
  const std::string lower = Lowercase(name);
  if (lower == "json") return ExportFormat::kJson;
  if (lower == "csv") return ExportFormat::kCsv;
  if (lower == "tsv") return ExportFormat::kTsv;
  return std::nullopt;
}

}  // namespace

Result<ExportFormat> ParseExportFormat(const std::string& name) {
  // ".json" is accepted too: users pass what they see at the end of a file name.
  const std::string bare = !name.empty() && name.front() == '.' ? name.substr(1) : name;
  if (std::optional<ExportFormat> format = FormatByName(bare)) return *format;
  return Status::InvalidArgument("unknown export format \"" + name +
                                 "\"; accepted formats: " + kAcceptedFormats);
}

Result<ExportFormat> ExportFormatFromPath(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  if (!extension.empty()) extension.erase(0, 1);  // The dot.
  if (std::optional<ExportFormat> format = FormatByName(extension)) return *format;
  return Status::InvalidArgument(
      "cannot tell the export format of \"" + path + "\" from its extension" +
      (extension.empty() ? std::string() : " \"." + extension + "\"") +
      "; accepted formats: " + kAcceptedFormats + " (.json, .csv, .tsv)");
}

std::string ExportTrack(const Track& track, ExportFormat format) {
  switch (format) {
    case ExportFormat::kJson:
      return TrackToJson(track);
    case ExportFormat::kCsv:
      return TrackToCsv(track);
    case ExportFormat::kTsv:
      return TrackToRhubarbTsv(track);
  }
  return TrackToJson(track);  // Unreachable for valid enumerators; JSON loses nothing.
}

}  // namespace voxface
