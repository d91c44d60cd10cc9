// SPDX-License-Identifier: Apache-2.0
#include "export/number_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace voxface::export_internal {
namespace {

std::string Rounded(double value, int decimals) {
  std::string out;
  AppendRounded(&out, value, decimals);
  return out;
}

TEST(NumberFormatTest, RoundsWithoutTrailingZeros) {
  EXPECT_EQ(Rounded(0.0, 4), "0");
  EXPECT_EQ(Rounded(1.0, 4), "1");
  EXPECT_EQ(Rounded(0.25, 4), "0.25");
  EXPECT_EQ(Rounded(0.123456, 4), "0.1235");
  EXPECT_EQ(Rounded(0.00004, 4), "0");
  EXPECT_EQ(Rounded(-0.00004, 4), "0");  // Never "-0".
  EXPECT_EQ(Rounded(0.0001, 4), "0.0001");
  EXPECT_EQ(Rounded(-1.5, 4), "-1.5");
  EXPECT_EQ(Rounded(12.99996, 4), "13");
  EXPECT_EQ(Rounded(1.0 / 60.0, 6), "0.016667");
  EXPECT_EQ(Rounded(std::nan(""), 4), "0");
  EXPECT_EQ(Rounded(std::numeric_limits<double>::infinity(), 4), "0");
  EXPECT_EQ(Rounded(1e300, 4), "1e+300");
}

TEST(NumberFormatTest, ShortestAndParse) {
  EXPECT_EQ(ShortestString(29.97), "29.97");
  EXPECT_EQ(ShortestString(60.0), "60");
  EXPECT_EQ(ShortestString(std::nan("")), "nan");
  EXPECT_EQ(ParseDouble(" 0.5 ").value(), 0.5);
  EXPECT_EQ(ParseDouble("+1e-3").value(), 1e-3);
  EXPECT_FALSE(ParseDouble("").has_value());
  EXPECT_FALSE(ParseDouble("0.5x").has_value());
  EXPECT_FALSE(ParseDouble("nan").has_value());
  EXPECT_FALSE(ParseDouble("inf").has_value());
}

}  // namespace
}  // namespace voxface::export_internal
