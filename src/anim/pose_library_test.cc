// SPDX-License-Identifier: Apache-2.0
#include "anim/pose_library.h"

#include <gtest/gtest.h>

#include "anim/emotion.h"
#include "base/phone_set.h"

namespace voxface {
namespace {

float Open(const Pose& p) {
  return std::clamp(p[kJawOpen] - p[kMouthClose], 0.0f, 1.0f) +
         0.25f * (p[kMouthLowerDownLeft] + p[kMouthLowerDownRight]) +
         0.15f * (p[kMouthUpperUpLeft] + p[kMouthUpperUpRight]);
}

TEST(PoseLibraryTest, DefaultHasOculusVisemesAndEveryPhone) {
  auto loaded = PoseLibrary::Default();
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const PoseLibrary& lib = *loaded;
  ASSERT_GE(lib.viseme_names().size(), 15u);
  for (size_t i = 0; i < kOculusVisemes.size(); ++i)
    EXPECT_EQ(lib.viseme_names()[i], kOculusVisemes[i]);
  for (auto ph : kPhones) {
    const PhoneShape& s = lib.phone(std::string(ph));
    Pose t = lib.Target(s, false);
    for (float v : t) {
      EXPECT_GE(v, 0.0f);
      EXPECT_LE(v, 1.0f);
    }
  }
}

TEST(PoseLibraryTest, PosesFollowArkitSemantics) {
  auto loaded = PoseLibrary::Default();
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const PoseLibrary& lib = *loaded;
  auto target = [&](const char* ph) { return lib.Target(lib.phone(ph), false); };
  for (const char* ph : {"p", "b", "m"}) EXPECT_LE(Open(target(ph)), 0.01f) << ph;
  for (const char* ph : {"aa", "ae", "ah", "ao"}) EXPECT_GE(Open(target(ph)), 0.5f) << ph;
  for (const char* ph : {"uw", "ow", "w"}) {
    Pose t = target(ph);
    EXPECT_GE(std::max(t[kMouthFunnel], t[kMouthPucker]), 0.4f) << ph;
  }
  for (const char* ph : {"iy", "ih", "eh", "ae"}) {
    Pose t = target(ph);
    EXPECT_LT(std::max(t[kMouthFunnel], t[kMouthPucker]), 0.1f) << ph;
  }
  EXPECT_GE(target("f")[kMouthRollLower], 0.4f);
  EXPECT_EQ(Open(target("sil")), 0.0f);
}

TEST(PoseLibraryTest, ParsesOverridesAndReportsErrors) {
  std::string json = DefaultVisemesJson();
  auto lib = PoseLibrary::Parse(json);
  ASSERT_TRUE(lib.ok()) << lib.status().ToString();
  auto bad = PoseLibrary::Parse(R"({"visemes": {"sil": {}}, "phones": {}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("PP"), std::string::npos);
  std::string typo = json;
  typo.replace(typo.find("\"mouthPress\""), 12, "\"mouthPresss\"");
  auto t = PoseLibrary::Parse(typo);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("mouthPresss"), std::string::npos);
  EXPECT_FALSE(PoseLibrary::Parse("{not json").ok());
  // Wrong types are errors naming the field, not exceptions.
  std::string wrong_type = json;
  wrong_type.replace(wrong_type.find("\"viseme\": \"PP\""), 14, "\"viseme\": 7");
  auto w = PoseLibrary::Parse(wrong_type);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find(".viseme must be a string"), std::string::npos);
  EXPECT_EQ(PoseLibrary::Load("/nonexistent.json").status().code(), StatusCode::kNotFound);
}

TEST(EmotionTest, PresetsParseAndStayInBounds) {
  auto loaded = DefaultEmotionPresets();
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const EmotionPresets& presets = *loaded;
  for (const char* e : {"neutral", "joy", "sadness", "anger", "surprise", "fear", "disgust"}) {
    ASSERT_TRUE(presets.count(e)) << e;
  }
  EXPECT_GT(presets.at("joy")[kMouthSmileLeft], 0.3f);
  std::vector<float> w(kArkitCount * 3, 0.9f);
  ASSERT_TRUE(ApplyEmotion({{"joy", 1.0f}, {"surprise", 1.0f}}, presets, &w).ok());
  for (float v : w) {
    EXPECT_GE(v, 0.0f);
    EXPECT_LE(v, 1.0f);
  }
  EXPECT_FALSE(ApplyEmotion({{"boredom", 0.5f}}, presets, &w).ok());
}

}  // namespace
}  // namespace voxface
