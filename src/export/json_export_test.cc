// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "export/export_test_util.h"
#include "voxface/export.h"

namespace voxface {
namespace {

using export_test::MakeTestTrack;

TEST(JsonExportTest, RoundTripKeepsEverything) {
  Track track = MakeTestTrack(90);
  track.warnings = {"input is \"quiet\"\n"};
  track.phones[2].phone = "a\"a\\";  // Needs escaping.
  const Result<Track> loaded = TrackFromJson(TrackToJson(track));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_DOUBLE_EQ(loaded->fps, 60.0);
  EXPECT_NEAR(loaded->duration_s, track.duration_s, 1e-6);
  ASSERT_EQ(loaded->num_frames(), 90);
  for (size_t i = 0; i < track.weights.size(); ++i) {
    ASSERT_NEAR(loaded->weights[i], track.weights[i], 1e-4) << "index " << i;
  }
  EXPECT_EQ(loaded->viseme_names, track.viseme_names);
  ASSERT_EQ(loaded->visemes.size(), track.visemes.size());
  for (size_t i = 0; i < track.visemes.size(); ++i) {
    ASSERT_NEAR(loaded->visemes[i], track.visemes[i], 1e-4);
  }
  ASSERT_EQ(loaded->phones.size(), track.phones.size());
  for (size_t i = 0; i < track.phones.size(); ++i) {
    EXPECT_EQ(loaded->phones[i].phone, track.phones[i].phone);
    EXPECT_NEAR(loaded->phones[i].start_s, track.phones[i].start_s, 1e-6);
    EXPECT_NEAR(loaded->phones[i].end_s, track.phones[i].end_s, 1e-6);
  }
  ASSERT_EQ(loaded->words.size(), 1u);
  EXPECT_EQ(loaded->words[0].word, "pa");
  EXPECT_EQ(loaded->analyzer, "test-analyzer");
  EXPECT_EQ(loaded->seed, 12345678901234567890ULL);
  EXPECT_EQ(loaded->warnings, track.warnings);
}

TEST(JsonExportTest, WritesTheDocumentedKeys) {
  const std::string json = TrackToJson(MakeTestTrack(3));
  for (const char* key : {"\"fps\":60", "\"duration\":0.05", "\"num_frames\":3",
                          "\"names\":", "\"timestamps\":[0,0.016667,0.033333]", "\"blendshapes\":",
                          "\"visemes\":{\"names\":[\"sil\",\"PP\",\"aa\"],\"frames\":",
                          "\"phones\":", "\"words\":", "\"meta\":{\"version\":\"",
                          "\"analyzer\":\"test-analyzer\"", "\"seed\":12345678901234567890"}) {
    EXPECT_NE(json.find(key), std::string::npos) << key;
  }
  EXPECT_NE(json.find("\"eyeBlinkLeft\",\"eyeLookDownLeft\""), std::string::npos);
  EXPECT_EQ(json.find("\"warnings\""), std::string::npos);  // Only written when there are some.
  // Weights are rounded to 1e-4: no long digit strings.
  EXPECT_EQ(json.find("0.00000"), std::string::npos);
}

TEST(JsonExportTest, MapsColumnsByNameInAnyOrderAndSpelling) {
  // Two frames, columns shuffled, PascalCase and "_L" names, plus an unknown head channel.
  const std::string json = R"({
    "fps": 30,
    "names": ["HeadYaw", "JawOpen", "eyeBlink_L", "mouthClose"],
    "blendshapes": [[0.9, 0.25, 0.5, 0.125], [0.9, 0.75, 0.0, 1.0]]
  })";
  const Result<Track> track = TrackFromJson(json);
  ASSERT_TRUE(track.ok()) << track.status().ToString();
  ASSERT_EQ(track->num_frames(), 2);
  EXPECT_FLOAT_EQ(track->weight(0, kJawOpen), 0.25f);
  EXPECT_FLOAT_EQ(track->weight(0, kEyeBlinkLeft), 0.5f);
  EXPECT_FLOAT_EQ(track->weight(0, kMouthClose), 0.125f);
  EXPECT_FLOAT_EQ(track->weight(1, kJawOpen), 0.75f);
  EXPECT_FLOAT_EQ(track->weight(1, kMouthClose), 1.0f);
  EXPECT_FLOAT_EQ(track->weight(1, kTongueOut), 0.0f);  // Missing channels are 0.
  EXPECT_NEAR(track->duration_s, 2.0 / 30.0, 1e-9);     // No "duration": from the frames.
  EXPECT_TRUE(track->phones.empty());
}

TEST(JsonExportTest, MalformedInputGivesCleanErrors) {
  const struct {
    const char* json;
    const char* expected;  // A fragment of the message.
  } kCases[] = {
      {"", "malformed"},
      {"{\"fps\": 60, \"names\": [", "malformed"},
      {"[1, 2]", "must be an object"},
      {"{\"names\": [], \"blendshapes\": []}", "no \"fps\""},
      {"{\"fps\": \"60\", \"names\": [], \"blendshapes\": []}", "fps must be a number"},
      {"{\"fps\": 0, \"names\": [], \"blendshapes\": []}", "fps must be in"},
      {"{\"fps\": 60, \"names\": [\"jawOpen\", \"mouthClose\"], \"blendshapes\": [[0.1]]}",
       "blendshapes[0] has 1 values but there are 2 names"},
      {"{\"fps\": 60, \"names\": [\"jawOpen\"], \"blendshapes\": [[\"x\"]]}",
       "blendshapes[0][0] must be a number"},
      {"{\"fps\": 60, \"names\": [\"foo\", \"bar\"], \"blendshapes\": []}", "none of the 2 names"},
      {"{\"fps\": 60, \"num_frames\": 5, \"names\": [\"jawOpen\"], \"blendshapes\": [[0]]}",
       "num_frames says 5"},
      {"{\"fps\": 60, \"names\": [\"jawOpen\"], \"blendshapes\": [[0]], \"phones\": [{\"phone\": "
       "\"aa\", \"start\": 1}]}",
       "phones[0] has no \"end\""},
      {"{\"fps\": 60, \"names\": [\"jawOpen\"], \"blendshapes\": [[0]], \"visemes\": {\"names\": "
       "[\"aa\"], \"frames\": [[0], [1]]}}",
       "visemes.frames has 2 rows"},
      {"{\"fps\": 60, \"names\": [\"jawOpen\"], \"blendshapes\": [[0]], \"meta\": {\"seed\": -1}}",
       "meta.seed must be a non-negative integer"},
  };
  for (const auto& c : kCases) {
    const Result<Track> track = TrackFromJson(c.json);
    ASSERT_FALSE(track.ok()) << c.json;
    EXPECT_EQ(track.status().code(), StatusCode::kCorruptData) << c.json;
    EXPECT_NE(track.status().message().find(c.expected), std::string::npos)
        << c.json << " -> " << track.status().message();
    EXPECT_EQ(track.status().message().find("[json.exception"), std::string::npos);
  }
}

TEST(JsonExportTest, InvalidUtf8InLabelsStillWritesReadableJson) {
  Track track = MakeTestTrack(2);
  track.phones[0].phone = "\xff\xfe";
  const Result<Track> loaded = TrackFromJson(TrackToJson(track));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
}

TEST(JsonExportTest, EmptyTrackRoundTrips) {
  Track track;
  const Result<Track> loaded = TrackFromJson(TrackToJson(track));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->num_frames(), 0);
  EXPECT_TRUE(loaded->viseme_names.empty());
}

TEST(JsonExportTest, SixtySecondTrackExports) {
  const Track track = MakeTestTrack(3600);
  const auto start = std::chrono::steady_clock::now();
  const std::string json = TrackToJson(track);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  // Reported, not asserted: machines differ. The budget is well under 100 ms.
  std::printf("TrackToJson: 3600 frames, %zu bytes in %.1f ms\n", json.size(), ms);
  const Result<Track> loaded = TrackFromJson(json);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->num_frames(), 3600);
}

}  // namespace
}  // namespace voxface
