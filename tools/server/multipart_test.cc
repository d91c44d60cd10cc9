// SPDX-License-Identifier: Apache-2.0
#include "multipart.h"

#include <gtest/gtest.h>

#include <string>

#include "query.h"

namespace voxface::server {
namespace {

using namespace std::string_literals;

const std::string kBody =
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"text\"\r\n"
    "\r\n"
    "Hello there.\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"a;b \\\"c\\\".wav\"\r\n"
    "Content-Type: audio/wav\r\n"
    "\r\n"
    "RIFF\r\n--Xy\0data\r\n"
    "--XyZ--\r\n"s;  // ""s keeps the NUL byte.

TEST(MultipartTest, ParsesFieldsAndFiles) {
  auto parts = ParseMultipart(kBody, "XyZ");
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "text");
  EXPECT_EQ((*parts)[0].data, "Hello there.");
  const MultipartPart* file = FindPart(*parts, "file");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->filename, "a;b \"c\".wav");
  EXPECT_EQ(file->content_type, "audio/wav");
  // Binary data with CRLF, NUL and a boundary prefix stays intact.
  EXPECT_EQ(file->data, std::string_view("RIFF\r\n--Xy\0data", 15));
  EXPECT_EQ(FindPart(*parts, "missing"), nullptr);
}

TEST(MultipartTest, AcceptsPreambleAndEmptyPart) {
  std::string body =
      "preamble\r\n--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n\r\n--b--";
  auto parts = ParseMultipart(body, "b");
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_TRUE((*parts)[0].data.empty());
}

TEST(MultipartTest, RejectsMalformedBodies) {
  const char* bad[] = {
      "",                                                                      // Nothing.
      "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc",       // No closing.
      "--b\r\nContent-Disposition: form-data; name=\"file\"\r\nabc",           // Headers cut.
      "--b\r\n\r\nabc\r\n--b--",                                               // No disposition.
      "--b\r\nContent-Disposition: attachment; name=\"f\"\r\n\r\nx\r\n--b--",  // Not form-data.
      "--bXX\r\n",                                                             // Wrong boundary.
      "--b\r\nNoColonHere\r\n\r\nx\r\n--b--",                                  // Bad header.
  };
  for (const char* body : bad) {
    EXPECT_FALSE(ParseMultipart(body, "b").ok()) << body;
  }
}

TEST(MultipartTest, BoundsThePartCount) {
  std::string body;
  for (int i = 0; i < 5; ++i)
    body += "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n";
  body += "--b--";
  EXPECT_TRUE(ParseMultipart(body, "b", 5).ok());
  EXPECT_FALSE(ParseMultipart(body, "b", 4).ok());
}

TEST(MultipartTest, ReadsBoundaryFromContentType) {
  EXPECT_TRUE(IsMultipartFormData("Multipart/Form-Data; boundary=abc"));
  EXPECT_FALSE(IsMultipartFormData("audio/wav"));
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; boundary=----abc123"), "----abc123");
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; charset=x; boundary=\"a b\""), "a b");
  EXPECT_FALSE(MultipartBoundary("multipart/form-data").ok());
  EXPECT_FALSE(MultipartBoundary("audio/wav; boundary=x").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'a')).ok());
}

TEST(QueryTest, DecodesAndKeepsRepeats) {
  auto [path, query] = SplitTarget("/v1/animate?fps=30&text=Hi+there%21&emotion=joy:0.5&emotion=");
  EXPECT_EQ(path, "/v1/animate");
  auto params = ParseQuery(query);
  ASSERT_TRUE(params.ok());
  ASSERT_EQ(params->size(), 4u);
  EXPECT_EQ((*params)[1].second, "Hi there!");
  EXPECT_EQ((*params)[2].second, "joy:0.5");
  EXPECT_EQ((*params)[3].second, "");
  EXPECT_FALSE(ParseQuery("a=%zz").ok());
  EXPECT_FALSE(ParseQuery("a=%4").ok());
  EXPECT_TRUE(SplitTarget("/healthz").second.empty());
}

}  // namespace
}  // namespace voxface::server
