// SPDX-License-Identifier: Apache-2.0
// Writing and reading animation tracks: JSON (the design note's structure plus visemes and
// meta), CSV in the Live Link Face layout, Rhubarb-style viseme cue TSV, and an SVG plot.
#ifndef VOXFACE_EXPORT_H_
#define VOXFACE_EXPORT_H_

#include <string>
#include <vector>

#include "voxface/status.h"
#include "voxface/types.h"

namespace voxface {

enum class ExportFormat { kJson, kCsv, kTsv };

// "json" | "csv" | "tsv".
Result<ExportFormat> ParseExportFormat(const std::string& name);
// From a path's extension (.json, .csv, .tsv); kInvalidArgument for anything else.
Result<ExportFormat> ExportFormatFromPath(const std::string& path);

// {fps, duration, num_frames, names[52], timestamps[], blendshapes[frames][52],
//  visemes {names, frames}, phones [{phone,start,end}], words [{word,start,end}],
//  meta {version, analyzer, seed}, warnings [] (only when there are any)}.
std::string TrackToJson(const Track& track);
// Reads what TrackToJson writes. Blendshape columns are mapped by name, so files with another
// order or with PascalCase names load correctly; unknown names are ignored.
Result<Track> TrackFromJson(const std::string& json);

// Live Link Face CSV: "Timecode,BlendShapeCount,EyeBlinkLeft,...,TongueOut,HeadYaw,...". Timecode
// is HH:MM:SS:FF.fff at the track's fps: FF the frame within the second (more digits above
// 100 fps) and .fff thousandths of a frame. Head and eye rotation columns are written as zeros.
std::string TrackToCsv(const Track& track);
// Reads Live Link Face CSV (columns by name). fps is needed to turn timecodes into frames: the
// file does not say its rate.
Result<Track> TrackFromCsv(const std::string& csv, double fps);

// Rhubarb-style mouth cues: "start_s<TAB>shape" lines with shapes A-H and X (rest); the last line
// is the end of the clip with X.
std::string TrackToRhubarbTsv(const Track& track);

// Text in a format chosen by `format`.
std::string ExportTrack(const Track& track, ExportFormat format);

// Draws jawOpen, mouthClose, lip opening, rounding, smile, blinks and brows against time, with the
// phone and viseme tracks underneath, as a standalone SVG.
std::string RenderTrackSvg(const Track& track);

// File helpers.
Result<std::string> ReadTextFile(const std::string& path);
Status WriteTextFile(const std::string& path, const std::string& text);
// Loads a track from .json or .csv (by extension; csv assumes 60 fps unless fps > 0 is given).
Result<Track> LoadTrackFile(const std::string& path, double csv_fps = 60.0);

}  // namespace voxface

#endif  // VOXFACE_EXPORT_H_
