// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "voxface/eval.h"

namespace voxface {
namespace {

TEST(PhoneFileTest, ParsesCommentsBlankLinesAndSpellings) {
  const std::string text =
      "# reference for clip 1\n"
      "\n"
      "sil 0 0.25\n"
      "HH 0.25 0.31   # stress and case are normalised\r\n"
      "AH1\t0.31\t0.4\n"
      "pau 0.4 0.9\n";
  Result<std::vector<PhoneSegment>> phones = ParsePhones(text);
  ASSERT_TRUE(phones.ok()) << phones.status().ToString();
  ASSERT_EQ(phones->size(), 4u);
  EXPECT_EQ((*phones)[1].phone, "hh");
  EXPECT_DOUBLE_EQ((*phones)[1].start_s, 0.25);
  EXPECT_EQ((*phones)[2].phone, "ah");
  EXPECT_DOUBLE_EQ((*phones)[2].end_s, 0.4);
  EXPECT_EQ((*phones)[3].phone, "sil");
}

TEST(PhoneFileTest, EmptyTextIsAnEmptyList) {
  Result<std::vector<PhoneSegment>> phones = ParsePhones("# nothing\n\n");
  ASSERT_TRUE(phones.ok());
  EXPECT_TRUE(phones->empty());
}

void ExpectError(const std::string& text, const std::string& fragment) {
  Result<std::vector<PhoneSegment>> phones = ParsePhones(text);
  ASSERT_FALSE(phones.ok()) << text;
  EXPECT_EQ(phones.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(phones.status().message().find(fragment), std::string::npos)
      << phones.status().message();
}

TEST(PhoneFileTest, RejectsBadLinesWithLineNumbers) {
  ExpectError("sil 0 0.1\nxx 0.1 0.2\n", "line 2: unknown phone 'xx'");
  ExpectError("aa 0.5 0.4\n", "line 1: end time 0.4 is before start time 0.5");
  ExpectError("\n\naa 0.1\n", "line 3: expected");
  ExpectError("aa 0.1 0.2 0.3\n", "got 4 fields");
  ExpectError("aa zero 0.2\n", "must be numbers");
  ExpectError("aa 0.1 nan\n", "must be numbers");
  ExpectError("aa -0.1 0.2\n", "negative");
}

TEST(PhoneFileTest, FormatRoundTrips) {
  const std::vector<PhoneSegment> phones = {{"sil", 0.0, 0.1234}, {"m", 0.1234, 0.2}};
  const std::string text = FormatPhones(phones);
  EXPECT_EQ(text, "sil 0.000 0.123\nm 0.123 0.200\n");
  Result<std::vector<PhoneSegment>> back = ParsePhones(text);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[1].phone, "m");
  EXPECT_DOUBLE_EQ((*back)[1].end_s, 0.2);
}

TEST(PhoneFileTest, ReadsFilesAndNamesThemInErrors) {
  EXPECT_EQ(ReadPhoneFile("/nonexistent/clip.phones").status().code(), StatusCode::kNotFound);

  const std::string path = ::testing::TempDir() + "/phone_file_test.phones";
  {
    std::ofstream out(path);
    out << "sil 0 0.2\nb 0.2 0.1\n";
  }
  Result<std::vector<PhoneSegment>> bad = ReadPhoneFile(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(path + ": line 2"), std::string::npos)
      << bad.status().message();
  {
    std::ofstream out(path);
    out << "sil 0 0.2\nb 0.2 0.3\n";
  }
  Result<std::vector<PhoneSegment>> good = ReadPhoneFile(path);
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->size(), 2u);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace voxface
