// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "export/export_test_util.h"
#include "voxface/export.h"

namespace voxface {
namespace {

namespace fs = std::filesystem;

class TextFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("voxface_export_test_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

TEST_F(TextFileTest, WritesAndReadsBytesUnchanged) {
  const std::string text("line\r\nwith\0nul and \xff bytes\n", 28);
  ASSERT_TRUE(WriteTextFile(Path("a.bin"), text).ok());
  const Result<std::string> read = ReadTextFile(Path("a.bin"));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, text);
  ASSERT_TRUE(WriteTextFile(Path("a.bin"), "short").ok());  // Truncates.
  EXPECT_EQ(ReadTextFile(Path("a.bin")).value(), "short");
}

TEST_F(TextFileTest, ClearErrors) {
  const Result<std::string> missing = ReadTextFile(Path("missing.json"));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("missing.json"), std::string::npos);
  EXPECT_EQ(ReadTextFile(dir_.string()).status().code(), StatusCode::kInvalidArgument);

  const Status no_folder = WriteTextFile(Path("no/such/folder/a.json"), "x");
  EXPECT_EQ(no_folder.code(), StatusCode::kNotFound);
  EXPECT_NE(no_folder.message().find("does not exist"), std::string::npos);
  EXPECT_FALSE(WriteTextFile(dir_.string(), "x").ok());
}

TEST_F(TextFileTest, LoadsTracksByExtension) {
  const Track track = export_test::MakeTestTrack(30);
  ASSERT_TRUE(WriteTextFile(Path("t.json"), TrackToJson(track)).ok());
  ASSERT_TRUE(WriteTextFile(Path("t.CSV"), TrackToCsv(track)).ok());
  ASSERT_TRUE(WriteTextFile(Path("t.tsv"), TrackToRhubarbTsv(track)).ok());
  ASSERT_TRUE(WriteTextFile(Path("bad.json"), "{oops").ok());

  const Result<Track> from_json = LoadTrackFile(Path("t.json"));
  ASSERT_TRUE(from_json.ok()) << from_json.status().ToString();
  EXPECT_EQ(from_json->num_frames(), 30);
  EXPECT_EQ(from_json->phones.size(), track.phones.size());

  const Result<Track> from_csv = LoadTrackFile(Path("t.CSV"));
  ASSERT_TRUE(from_csv.ok()) << from_csv.status().ToString();
  EXPECT_EQ(from_csv->num_frames(), 30);
  EXPECT_DOUBLE_EQ(from_csv->fps, 60.0);
  EXPECT_DOUBLE_EQ(LoadTrackFile(Path("t.CSV"), 0.0)->fps, 60.0);  // 0 means the default.
  EXPECT_DOUBLE_EQ(LoadTrackFile(Path("t.CSV"), 30.0)->fps, 30.0);

  EXPECT_EQ(LoadTrackFile(Path("t.tsv")).status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(LoadTrackFile(Path("t.txt")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadTrackFile(Path("none.json")).status().code(), StatusCode::kNotFound);
  const Result<Track> bad = LoadTrackFile(Path("bad.json"));
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruptData);
  EXPECT_NE(bad.status().message().find("bad.json"), std::string::npos);
}

}  // namespace
}  // namespace voxface
