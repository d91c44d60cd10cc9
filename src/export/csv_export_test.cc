// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "export/export_test_util.h"
#include "voxface/export.h"

namespace voxface {
namespace {

using export_test::MakeTestTrack;

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, sep)) parts.push_back(part);
  return parts;
}

TEST(CsvExportTest, HeaderIsLiveLinkFace) {
  const std::string csv = TrackToCsv(MakeTestTrack(2));
  const std::vector<std::string> lines = Split(csv, '\n');
  ASSERT_EQ(lines.size(), 3u);
  const std::vector<std::string> header = Split(lines[0], ',');
  ASSERT_EQ(header.size(), 2u + 61u);
  EXPECT_EQ(header[0], "Timecode");
  EXPECT_EQ(header[1], "BlendShapeCount");
  EXPECT_EQ(header[2], "EyeBlinkLeft");
  EXPECT_EQ(header[2 + kJawOpen], "JawOpen");
  EXPECT_EQ(header[2 + kTongueOut], "TongueOut");
  EXPECT_EQ(header[2 + 52], "HeadYaw");
  EXPECT_EQ(header.back(), "RightEyeRoll");
  const std::vector<std::string> row = Split(lines[1], ',');
  ASSERT_EQ(row.size(), header.size());
  EXPECT_EQ(row[0], "00:00:00:00.000");
  EXPECT_EQ(row[1], "61");
  EXPECT_EQ(row.back(), "0");
}

TEST(CsvExportTest, TimecodesCountFramesWithinTheSecond) {
  const std::string csv = TrackToCsv(MakeTestTrack(70));  // 60 fps.
  const std::vector<std::string> lines = Split(csv, '\n');
  EXPECT_EQ(lines[1].substr(0, 15), "00:00:00:00.000");
  EXPECT_EQ(lines[60].substr(0, 15), "00:00:00:59.000");
  EXPECT_EQ(lines[61].substr(0, 15), "00:00:01:00.000");
  EXPECT_EQ(lines[66].substr(0, 15), "00:00:01:05.000");

  // 29.97 fps: frame 30 is at 1.001 s, 0.03 frames past the second's first frame.
  const std::string ntsc = TrackToCsv(MakeTestTrack(31, 29.97));
  EXPECT_EQ(Split(ntsc, '\n')[31].substr(0, 15), "00:00:01:00.030");
}

TEST(CsvExportTest, RoundTrips) {
  for (double fps : {60.0, 30.0, 29.97, 24.0, 120.0, 1000.0}) {
    const Track track = MakeTestTrack(200, fps);
    const Result<Track> loaded = TrackFromCsv(TrackToCsv(track), fps);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    ASSERT_EQ(loaded->num_frames(), 200) << fps;
    EXPECT_NEAR(loaded->duration_s, track.duration_s, 1e-9);
    for (size_t i = 0; i < track.weights.size(); ++i) {
      ASSERT_NEAR(loaded->weights[i], track.weights[i], 1e-4) << "fps " << fps << " index " << i;
    }
  }
}

TEST(CsvExportTest, ReadsByHeaderNameWithTimeOfDayAndDroppedFrames) {
  // Swapped column order, spaces after commas, CRLF, a start at 14:05:10 and a dropped frame 2.
  const std::string csv =
      "Timecode, BlendShapeCount, JawRight, JawLeft, JawOpen, HeadYaw\r\n"
      "14:05:10:00.000, 61, 0.1, 0.2, 0.3, 0.9\r\n"
      "14:05:10:01.000, 61, 0.1, 0.2, 0.4, 0.9\r\n"
      "14:05:10:03.000, 61, 0.1, 0.2, 0.6, 0.9\r\n";
  const Result<Track> track = TrackFromCsv(csv, 30.0);
  ASSERT_TRUE(track.ok()) << track.status().ToString();
  ASSERT_EQ(track->num_frames(), 4);
  EXPECT_FLOAT_EQ(track->weight(0, kJawRight), 0.1f);
  EXPECT_FLOAT_EQ(track->weight(0, kJawLeft), 0.2f);
  EXPECT_FLOAT_EQ(track->weight(1, kJawOpen), 0.4f);
  EXPECT_FLOAT_EQ(track->weight(2, kJawOpen), 0.4f);  // Held over the dropped frame.
  EXPECT_FLOAT_EQ(track->weight(3, kJawOpen), 0.6f);
  EXPECT_FLOAT_EQ(track->weight(3, kMouthClose), 0.0f);
}

TEST(CsvExportTest, BadInputGivesCleanErrors) {
  EXPECT_EQ(TrackFromCsv("", 60).status().code(), StatusCode::kCorruptData);
  EXPECT_EQ(TrackFromCsv("a,b,c\n1,2,3\n", 60).status().code(), StatusCode::kCorruptData);
  EXPECT_EQ(TrackFromCsv("Timecode,JawOpen\n", 0).status().code(), StatusCode::kInvalidArgument);

  const Result<Track> short_row = TrackFromCsv("Timecode,JawOpen\n00:00:00:00.000\n", 60);
  ASSERT_FALSE(short_row.ok());
  EXPECT_NE(short_row.status().message().find("line 2 has 1 fields"), std::string::npos)
      << short_row.status().message();

  const Result<Track> not_number = TrackFromCsv("Timecode,JawOpen\n00:00:00:00.000,abc\n", 60);
  ASSERT_FALSE(not_number.ok());
  EXPECT_NE(not_number.status().message().find("jawOpen"), std::string::npos);

  for (const char* timecode : {"12.5", "00:00:01", "00:00:00:00:05", "00:00:-1:00", "a:b:c:d"}) {
    const Result<Track> bad_timecode =
        TrackFromCsv(std::string("Timecode,JawOpen\n") + timecode + ",0\n", 60);
    ASSERT_FALSE(bad_timecode.ok()) << timecode;
    EXPECT_NE(bad_timecode.status().message().find("not a timecode"), std::string::npos);
  }
  // Drop-frame separators and a missing fraction are read.
  EXPECT_TRUE(TrackFromCsv("Timecode,JawOpen\n00:00:01;05,0\n", 30).ok());

  const Result<Track> spliced =
      TrackFromCsv("Timecode,JawOpen\n00:00:00:00.000,0\n10:00:00:00.000,0\n", 60);
  ASSERT_FALSE(spliced.ok());
  EXPECT_NE(spliced.status().message().find("one take"), std::string::npos);
}

TEST(CsvExportTest, HeaderOnlyIsAnEmptyTrack) {
  const Result<Track> track = TrackFromCsv(TrackToCsv(Track()), 60);
  ASSERT_TRUE(track.ok()) << track.status().ToString();
  EXPECT_EQ(track->num_frames(), 0);
}

}  // namespace
}  // namespace voxface
