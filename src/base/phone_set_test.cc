// SPDX-License-Identifier: Apache-2.0
#include "base/phone_set.h"

#include <gtest/gtest.h>

#include "base/rng.h"

namespace voxface {
namespace {

TEST(PhoneSetTest, Normalizes) {
  EXPECT_EQ(NormalizePhone("AH1"), "ah");
  EXPECT_EQ(NormalizePhone("SIL"), "sil");
  EXPECT_EQ(NormalizePhone("<sil>"), "sil");
  EXPECT_EQ(NormalizePhone("pau"), "sil");
  EXPECT_EQ(NormalizePhone("+NSN+"), "sil");
  EXPECT_EQ(NormalizePhone("ax"), "ah");
  EXPECT_EQ(NormalizePhone("xyz"), "");
  EXPECT_TRUE(IsVowel("aa"));
  EXPECT_FALSE(IsVowel("p"));
  EXPECT_TRUE(IsBilabial("m"));
}

TEST(RngTest, DeterministicAndInRange) {
  Rng a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    double x = a.Uniform();
    EXPECT_EQ(x, b.Uniform());
    EXPECT_GE(x, 0.0);
    EXPECT_LT(x, 1.0);
  }
  EXPECT_NE(Rng(42).Next(), c.Next());
}

}  // namespace
}  // namespace voxface
