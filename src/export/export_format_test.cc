// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <string>

#include "export/export_test_util.h"
#include "voxface/export.h"

namespace voxface {
namespace {

TEST(ExportFormatTest, ParsesNamesCaseInsensitively) {
  EXPECT_EQ(ParseExportFormat("json").value(), ExportFormat::kJson);
  EXPECT_EQ(ParseExportFormat("CSV").value(), ExportFormat::kCsv);
  EXPECT_EQ(ParseExportFormat("Tsv").value(), ExportFormat::kTsv);
  EXPECT_EQ(ParseExportFormat(".json").value(), ExportFormat::kJson);
  const Result<ExportFormat> bad = ParseExportFormat("xml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("json, csv, tsv"), std::string::npos);
  EXPECT_FALSE(ParseExportFormat("").ok());
}

TEST(ExportFormatTest, FromPathExtension) {
  EXPECT_EQ(ExportFormatFromPath("out/take1.json").value(), ExportFormat::kJson);
  EXPECT_EQ(ExportFormatFromPath("TAKE.CSV").value(), ExportFormat::kCsv);
  EXPECT_EQ(ExportFormatFromPath("/tmp/a.b/cues.Tsv").value(), ExportFormat::kTsv);
  for (const char* path : {"anim.txt", "anim", "dir.json/anim", ".json.bak"}) {
    const Result<ExportFormat> bad = ExportFormatFromPath(path);
    ASSERT_FALSE(bad.ok()) << path;
    EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(bad.status().message().find(".json, .csv, .tsv"), std::string::npos);
  }
}

TEST(ExportFormatTest, DispatchesToTheWriters) {
  const Track track = export_test::MakeTestTrack(10);
  EXPECT_EQ(ExportTrack(track, ExportFormat::kJson), TrackToJson(track));
  EXPECT_EQ(ExportTrack(track, ExportFormat::kCsv), TrackToCsv(track));
  EXPECT_EQ(ExportTrack(track, ExportFormat::kTsv), TrackToRhubarbTsv(track));
}

}  // namespace
}  // namespace voxface
