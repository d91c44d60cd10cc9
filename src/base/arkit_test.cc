// SPDX-License-Identifier: Apache-2.0
#include "voxface/arkit.h"

#include <gtest/gtest.h>

#include <set>

namespace voxface {
namespace {

TEST(ArkitTest, AppleOrderAndUniqueNames) {
  EXPECT_EQ(kArkitNames[0], "eyeBlinkLeft");
  EXPECT_EQ(kArkitNames[kJawOpen], "jawOpen");
  EXPECT_EQ(kArkitNames[kMouthClose], "mouthClose");
  EXPECT_EQ(kArkitNames[kTongueOut], "tongueOut");
  EXPECT_EQ(kArkitNames[kBrowInnerUp], "browInnerUp");
  std::set<std::string_view> unique(kArkitNames.begin(), kArkitNames.end());
  EXPECT_EQ(unique.size(), 52u);
}

TEST(ArkitTest, LooksUpAliases) {
  EXPECT_EQ(ArkitIndex("jawOpen"), kJawOpen);
  EXPECT_EQ(ArkitIndex("JawOpen"), kJawOpen);
  EXPECT_EQ(ArkitIndex("eyeBlink_L"), kEyeBlinkLeft);
  EXPECT_EQ(ArkitIndex("mouthSmile_R"), kMouthSmileRight);
  EXPECT_FALSE(ArkitIndex("HeadYaw").has_value());
  for (int i = 0; i < kArkitCount; ++i) EXPECT_EQ(ArkitIndex(ArkitPascalName(i)), i);
  EXPECT_EQ(ArkitPascalName(kMouthLowerDownLeft), "MouthLowerDownLeft");
}

}  // namespace
}  // namespace voxface
