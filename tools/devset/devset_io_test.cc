// SPDX-License-Identifier: Apache-2.0
#include "devset_io.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace voxface::devset {
namespace {

TEST(DevsetIoTest, TileTimelineFillsGapsClipsAndMergesSilence) {
  const std::vector<PhoneSegment> raw = {{"m", 0.30, 0.40},
                                         {"sil", 0.0, 0.1},
                                         {"aa", 0.40, 0.60},
                                         {"sil", 0.60, 0.70},
                                         {"p", 0.80, 1.20}};
  const std::vector<PhoneSegment> tiled = TileTimeline(raw, 1.0);
  ASSERT_EQ(tiled.size(), 5u);
  EXPECT_EQ(tiled[0].phone, "sil");  // 0-0.1 sil plus the 0.1-0.3 gap.
  EXPECT_DOUBLE_EQ(tiled[0].end_s, 0.30);
  EXPECT_EQ(tiled[1].phone, "m");
  EXPECT_EQ(tiled[3].phone, "sil");  // sil and the gap after it.
  EXPECT_DOUBLE_EQ(tiled[3].end_s, 0.80);
  EXPECT_EQ(tiled[4].phone, "p");
  EXPECT_DOUBLE_EQ(tiled[4].end_s, 1.0);  // Clipped to the audio.
}

TEST(DevsetIoTest, TileTimelinePadsTheEndAndDropsEmptyPhones) {
  const std::vector<PhoneSegment> tiled = TileTimeline({{"b", 0.0, 0.1}, {"t", 0.1, 0.1}}, 0.5);
  ASSERT_EQ(tiled.size(), 2u);
  EXPECT_EQ(tiled[1].phone, "sil");
  EXPECT_DOUBLE_EQ(tiled[1].start_s, 0.1);
  EXPECT_DOUBLE_EQ(tiled[1].end_s, 0.5);
}

TEST(DevsetIoTest, PadWithSilenceShiftsPhonesWithTheAudio) {
  std::vector<int16_t> pcm(100, 7);
  std::vector<PhoneSegment> phones = {{"aa", 0.0, 0.01}};
  PadWithSilence(0.005, 10000, &pcm, &phones);
  ASSERT_EQ(pcm.size(), 200u);
  EXPECT_EQ(pcm.front(), 0);
  EXPECT_EQ(pcm[50], 7);
  EXPECT_EQ(pcm.back(), 0);
  EXPECT_DOUBLE_EQ(phones[0].start_s, 0.005);
  EXPECT_DOUBLE_EQ(phones[0].end_s, 0.015);
}

TEST(DevsetIoTest, WritesAPlayableWavHeader) {
  const std::string path = ::testing::TempDir() + "/devset_io_test.wav";
  ASSERT_TRUE(WriteWav16(path, {0, 1000, -1000}, 22050).ok());
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(bytes.size(), 44u + 6u);
  EXPECT_EQ(bytes.substr(0, 4), "RIFF");
  EXPECT_EQ(bytes.substr(8, 8), "WAVEfmt ");
  EXPECT_EQ(static_cast<unsigned char>(bytes[24]) | static_cast<unsigned char>(bytes[25]) << 8,
            22050);
  EXPECT_EQ(bytes.substr(36, 4), "data");
  EXPECT_EQ(static_cast<unsigned char>(bytes[46]) | static_cast<unsigned char>(bytes[47]) << 8,
            1000);
  std::remove(path.c_str());
  EXPECT_EQ(WriteWav16("/nonexistent/dir/x.wav", {}, 16000).code(), StatusCode::kIoError);
}

TEST(DevsetIoTest, ParsesFlags) {
  const char* ok_argv[] = {"tool", "--voice", "slt", "--text", "hello there"};
  auto flags = ParseFlags(5, const_cast<char**>(ok_argv), {"voice", "text"});
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(flags->at("text"), "hello there");
  EXPECT_EQ(*TextFromFlags(*flags), "hello there");

  const char* unknown[] = {"tool", "--colour", "red"};
  EXPECT_FALSE(ParseFlags(3, const_cast<char**>(unknown), {"voice"}).ok());
  const char* dangling[] = {"tool", "--voice"};
  EXPECT_FALSE(ParseFlags(2, const_cast<char**>(dangling), {"voice"}).ok());

  const std::map<std::string, std::string> numbers = {{"rate", "160"}, {"pitch", "loud"}};
  EXPECT_DOUBLE_EQ(*NumberFlag(numbers, "rate", 80, 450, 175), 160.0);
  EXPECT_DOUBLE_EQ(*NumberFlag(numbers, "stretch", 0.5, 2, 1), 1.0);
  EXPECT_FALSE(NumberFlag(numbers, "pitch", 0, 99, 50).ok());
  EXPECT_FALSE(NumberFlag({{"rate", "900"}}, "rate", 80, 450, 175).ok());
  EXPECT_FALSE(TextFromFlags({}).ok());
}

}  // namespace
}  // namespace voxface::devset
