// SPDX-License-Identifier: Apache-2.0
// Whole-file reads and writes for the CLI and tests, and loading a track by file type. Files are
// opened in binary mode so that Windows line endings survive a round trip unchanged.
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

#include "voxface/export.h"

namespace voxface {
namespace {

namespace fs = std::filesystem;

std::string Quoted(const std::string& path) { return "\"" + path + "\""; }

std::string LowercaseExtension(const std::string& path) {
  std::string extension = fs::path(path).extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return extension;
}

}  // namespace

Result<std::string> ReadTextFile(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) return Status::NotFound("file " + Quoted(path) + " does not exist");
  if (fs::is_directory(status)) {
    return Status::InvalidArgument(Quoted(path) + " is a directory, not a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::IoError("cannot open " + Quoted(path) + " for reading: " + std::strerror(errno));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Status::IoError("reading " + Quoted(path) + " failed");
  return buffer.str();
}

Status WriteTextFile(const std::string& path, const std::string& text) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return Status::InvalidArgument(Quoted(path) + " is a directory; give a file name");
  }
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    return Status::NotFound("cannot write " + Quoted(path) + ": folder " + Quoted(parent.string()) +
                            " does not exist");
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    return Status::IoError("cannot open " + Quoted(path) + " for writing: " + std::strerror(errno));
  }
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();  // Flushes; a full disk shows up here, not at write().
  if (out.fail()) {
    return Status::IoError("writing " + Quoted(path) + " failed: " + std::strerror(errno));
  }
  return Status::Ok();
}

Result<Track> LoadTrackFile(const std::string& path, double csv_fps) {
  const std::string extension = LowercaseExtension(path);
  if (extension == ".tsv") {
    return Status::Unsupported("cannot load a track from " + Quoted(path) +
                               ": Rhubarb TSV holds only mouth cues, not blendshape weights");
  }
  if (extension != ".json" && extension != ".csv") {
    return Status::InvalidArgument("cannot load a track from " + Quoted(path) +
                                   ": use a .json (voxface) or .csv (Live Link Face) file");
  }
  VF_ASSIGN_OR_RETURN(const std::string text, ReadTextFile(path));
  Result<Track> track =
      extension == ".json" ? TrackFromJson(text) : TrackFromCsv(text, csv_fps > 0 ? csv_fps : 60.0);
  if (!track.ok()) return track.status().WithContext("loading " + Quoted(path));
  return track;
}

}  // namespace voxface
