// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "export/export_test_util.h"
#include "voxface/export.h"

namespace voxface {
namespace {

using export_test::MakeTestTrack;

int Count(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// Checks that every tag is closed in order and that no raw '&' or '<' sits in text or attributes:
// enough of XML well-formedness to catch broken escaping or unbalanced groups.
::testing::AssertionResult IsWellFormed(const std::string& svg) {
  std::vector<std::string> open;
  size_t i = 0;
  while (i < svg.size()) {
    if (svg[i] == '&') {
      const size_t semi = svg.find(';', i);
      const std::string entity = svg.substr(i, semi == std::string::npos ? 8 : semi - i + 1);
      if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;" &&
          entity != "&apos;") {
        return ::testing::AssertionFailure() << "bad entity at " << i << ": " << entity;
      }
      i = semi + 1;
      continue;
    }
    if (svg[i] != '<') {
      ++i;
      continue;
    }
    const size_t close = svg.find('>', i);
    if (close == std::string::npos) return ::testing::AssertionFailure() << "unclosed tag at " << i;
    const std::string tag = svg.substr(i + 1, close - i - 1);
    if (tag.find('<') != std::string::npos) {
      return ::testing::AssertionFailure() << "'<' inside tag at " << i;
    }
    if (tag.find('&') != std::string::npos && tag.find("&quot;") == std::string::npos &&
        tag.find("&amp;") == std::string::npos) {
      return ::testing::AssertionFailure() << "raw '&' inside tag at " << i;
    }
    const std::string name =
        tag.substr(tag[0] == '/' ? 1 : 0, tag.find_first_of(" />", 1) - (tag[0] == '/' ? 1 : 0));
    if (tag[0] == '/') {
      if (open.empty() || open.back() != name) {
        return ::testing::AssertionFailure()
               << "</" << name << "> does not close " << (open.empty() ? "anything" : open.back());
      }
      open.pop_back();
    } else if (tag.back() != '/') {
      open.push_back(name);
    }
    i = close + 1;
  }
  if (!open.empty()) return ::testing::AssertionFailure() << "<" << open.back() << "> not closed";
  return ::testing::AssertionSuccess();
}

TEST(SvgPlotTest, DrawsEveryCurveAndLane) {
  Track track = MakeTestTrack(180);
  track.phones[2].phone = "a<&>\"'";
  track.analyzer = "x & y";
  const std::string svg = RenderTrackSvg(track);
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_TRUE(IsWellFormed(svg));
  EXPECT_EQ(Count(svg, "<polyline"), 7);
  for (const char* label : {"jawOpen", "mouthClose", "lip opening", "rounding", "smile", "blink",
                            "browInnerUp", "phones", "visemes"}) {
    EXPECT_NE(svg.find(std::string(">") + label + "<"), std::string::npos) << label;
  }
  EXPECT_NE(svg.find("a&lt;&amp;&gt;&quot;&apos;"), std::string::npos);
  EXPECT_EQ(svg.find("a<&>"), std::string::npos);
  EXPECT_NE(svg.find("x &amp; y"), std::string::npos);
  // The viseme lane names the dominant viseme of each run: PP, then aa.
  EXPECT_NE(svg.find(">PP<"), std::string::npos);
  EXPECT_NE(svg.find(">aa<"), std::string::npos);
  EXPECT_NE(svg.find(">3 s<"), std::string::npos);  // A second tick label.
}

TEST(SvgPlotTest, LongAndEmptyTracksStayWellFormed) {
  const std::string empty = RenderTrackSvg(Track());
  EXPECT_TRUE(IsWellFormed(empty));
  EXPECT_EQ(Count(empty, "<polyline"), 7);

  // 10 minutes at 60 fps: more frames than pixels, so the curves are reduced per pixel column.
  const std::string long_svg = RenderTrackSvg(MakeTestTrack(36000));
  EXPECT_TRUE(IsWellFormed(long_svg));
  EXPECT_LT(long_svg.size(), 8u << 20);
}

}  // namespace
}  // namespace voxface
