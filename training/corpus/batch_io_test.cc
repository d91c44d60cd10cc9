// SPDX-License-Identifier: Apache-2.0
#include "batch_io.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace voxface::corpus {
namespace {

TEST(BatchIoTest, ParsesAJobLine) {
  Result<SynthJob> job = ParseJobLine("u1\tde+f3\t160\t40\t-1\tGuten [[t'a:k]]\r");
  ASSERT_TRUE(job.ok()) << job.status().message();
  EXPECT_EQ(job->id, "u1");
  EXPECT_EQ(job->voice, "de+f3");
  EXPECT_EQ(job->speed, 160);
  EXPECT_EQ(job->pitch, 40);
  EXPECT_EQ(job->range, -1);
  EXPECT_EQ(job->text, "Guten [[t'a:k]]");
}

TEST(BatchIoTest, RejectsBadJobLines) {
  EXPECT_FALSE(ParseJobLine("u1\tde\t160\t40\t50").ok());         // Five fields.
  EXPECT_FALSE(ParseJobLine("u 1\tde\t160\t40\t50\ttext").ok());  // Space in the id.
  EXPECT_FALSE(ParseJobLine("u:1\tde\t160\t40\t50\ttext").ok());  // Colon in the id.
  EXPECT_FALSE(ParseJobLine("u1\tde\tfast\t40\t50\ttext").ok());  // Not a number.
  EXPECT_FALSE(ParseJobLine("u1\tde\t160\t40\t50\t").ok());       // No text.
}

TEST(BatchIoTest, PhoneSpansTileTheUtterance) {
  const std::vector<PhoneSegment> phones = {
      {"sil", 0.0, 0.1}, {"hh", 0.1, 0.15}, {"ah", 0.15, 0.3}, {"sil", 0.3, 0.9}};
  // The audio is shorter than the phones: the last span is clipped to it.
  EXPECT_EQ(FormatPhoneSpans(phones, 16000, 8000),
            "sil:0:1600 hh:1600:2400 ah:2400:4800 sil:4800:8000");
  // Longer: the last phone is stretched to the end.
  EXPECT_EQ(FormatPhoneSpans({{"ah", 0.0, 0.1}}, 16000, 3200), "ah:0:3200");
  EXPECT_EQ(FormatPhoneSpans({}, 16000, 100), "sil:0:100");
}

TEST(BatchIoTest, ResamplingKeepsTimeAlignment) {
  // A click at 0.5 s must stay at 0.5 s after 22050 -> 16000 Hz.
  std::vector<int16_t> pcm(22050, 0);
  pcm[11025] = 20000;
  const std::vector<int16_t> out = ResamplePcm(pcm, 22050, 16000);
  ASSERT_EQ(out.size(), 16000u);
  size_t peak = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    if (std::abs(out[i]) > std::abs(out[peak])) peak = i;
  }
  EXPECT_NEAR(static_cast<double>(peak), 8000.0, 1.0);
  EXPECT_EQ(ResamplePcm(pcm, 16000, 16000), pcm);
}

TEST(BatchIoTest, WritesPcmAndIndex) {
  const std::string prefix =
      (std::filesystem::temp_directory_path() / "voxface_batch_io_test").string();
  {
    Result<BatchWriter> w = BatchWriter::Open(prefix);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(w->Add("a", {1, -2, 3}, {{"ah", 0.0, 1.0}}, "").ok());
    ASSERT_TRUE(w->Add("b", {4, 5}, {{"sil", 0.0, 1.0}}, "_@0").ok());
    EXPECT_EQ(w->samples_written(), 5);
    ASSERT_TRUE(w->Close().ok());
  }
  std::ifstream index(prefix + ".tsv");
  std::stringstream text;
  text << index.rdbuf();
  EXPECT_EQ(text.str(), "a\t0\t3\tah:0:3\nb\t3\t2\tsil:0:2\t_@0\n");
  EXPECT_EQ(std::filesystem::file_size(prefix + ".pcm"), 10u);
  std::ifstream pcm(prefix + ".pcm", std::ios::binary);
  int16_t second = 0;
  pcm.seekg(2);
  pcm.read(reinterpret_cast<char*>(&second), 2);
  EXPECT_EQ(second, -2);
  std::filesystem::remove(prefix + ".tsv");
  std::filesystem::remove(prefix + ".pcm");
}

}  // namespace
}  // namespace voxface::corpus
