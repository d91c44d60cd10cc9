// SPDX-License-Identifier: Apache-2.0
#include "anim/animator.h"

#include <gtest/gtest.h>

#include <cmath>

namespace voxface {
namespace {

float Open(const Track& t, int f) {
  return std::clamp(t.weight(f, kJawOpen) - t.weight(f, kMouthClose), 0.0f, 1.0f) +
         0.25f * (t.weight(f, kMouthLowerDownLeft) + t.weight(f, kMouthLowerDownRight)) +
         0.15f * (t.weight(f, kMouthUpperUpLeft) + t.weight(f, kMouthUpperUpRight));
}
float Round(const Track& t, int f) {
  return std::max(t.weight(f, kMouthFunnel), t.weight(f, kMouthPucker));
}

// "sil b aa m uw sil iy p sil" with realistic durations, including a 30 ms "p".
Analysis Sample() {
  Analysis a;
  a.analyzer = "test";
  double t = 0;
  for (auto [ph, d] : std::vector<std::pair<const char*, double>>{{"sil", 0.5},
                                                                  {"b", 0.07},
                                                                  {"aa", 0.18},
                                                                  {"m", 0.08},
                                                                  {"uw", 0.2},
                                                                  {"sil", 0.6},
                                                                  {"iy", 0.15},
                                                                  {"p", 0.03},
                                                                  {"ah", 0.12},
                                                                  {"f", 0.09},
                                                                  {"ow", 0.2},
                                                                  {"sil", 0.8}}) {
    a.phones.push_back({ph, t, t + d});
    t += d;
  }
  return a;
}

double Duration(const Analysis& a) { return a.phones.back().end_s; }

Track Animate(const AnimConfig& config, const Analysis& a) {
  auto animator = Animator::Create(config);
  EXPECT_TRUE(animator.ok()) << animator.status().ToString();
  auto track = (*animator)->Animate(a, Duration(a));
  EXPECT_TRUE(track.ok()) << track.status().ToString();
  return std::move(track).value();
}

// Max of fn over frames whose time lies in [s, e] (or the nearest frame).
template <typename Fn>
float MaxIn(const Track& t, double s, double e, Fn fn) {
  float best = -1;
  for (int f = 0; f < t.num_frames(); ++f) {
    double x = f / t.fps;
    if (x >= s && x <= e) best = std::max(best, fn(t, f));
  }
  if (best < 0) best = fn(t, static_cast<int>(std::lround(0.5 * (s + e) * t.fps)));
  return best;
}
template <typename Fn>
float MinIn(const Track& t, double s, double e, Fn fn) {
  return -MaxIn(t, s, e, [&](const Track& tr, int f) { return -fn(tr, f); });
}

TEST(AnimatorTest, ArticulationInvariants) {
  Analysis a = Sample();
  for (double fps : {60.0, 30.0, 24.0}) {
    AnimConfig config;
    config.fps_hz = fps;
    Track t = Animate(config, a);
    EXPECT_EQ(t.num_frames(), static_cast<int>(std::ceil(Duration(a) * fps - 1e-9)));
    EXPECT_EQ(t.visemes.size(), t.num_frames() * t.viseme_names.size());
    for (const auto& p : a.phones) {
      if (p.phone == "b" || p.phone == "m" || p.phone == "p") {
        EXPECT_LE(MinIn(t, p.start_s - 0.03, p.end_s + 0.03, Open), 0.01f)
            << p.phone << " @" << fps;
      }
      if (p.phone == "aa" || p.phone == "ah") {
        EXPECT_GE(MaxIn(t, p.start_s, p.end_s, Open), 0.35f);
      }
      if (p.phone == "uw" || p.phone == "ow") {
        EXPECT_GE(MaxIn(t, p.start_s - 0.04, p.end_s, Round), 0.35f) << p.phone;
      }
      if (p.phone == "iy") {
        EXPECT_LT(MaxIn(t, p.start_s, p.end_s, Round), 0.3f);
      }
      if (p.phone == "f") {
        EXPECT_GE(MaxIn(t, p.start_s, p.end_s,
                        [](const Track& tr, int f) { return tr.weight(f, kMouthRollLower); }),
                  0.45f);
      }
      if (p.phone == "sil" && p.end_s - p.start_s >= 0.3) {
        EXPECT_LE(MaxIn(t, p.start_s + 0.1, p.end_s - 0.1, Open), 0.05f)
            << "silence @" << p.start_s;
      }
    }
  }
}

TEST(AnimatorTest, SmoothNoFlicker) {
  Track t = Animate(AnimConfig{}, Sample());
  double jitter = 0;
  for (int f = 1; f + 1 < t.num_frames(); ++f) {
    jitter += std::abs(Open(t, f + 1) - 2 * Open(t, f) + Open(t, f - 1));
  }
  EXPECT_LT(jitter / t.num_frames(), 0.03);
}

TEST(AnimatorTest, EmotionsKeepClosureAndBounds) {
  for (const char* e : {"neutral", "joy", "sadness", "anger", "surprise", "fear", "disgust"}) {
    AnimConfig config;
    config.emotion[e] = 1.0f;
    Analysis a = Sample();
    Track t = Animate(config, a);
    for (float w : t.weights) {
      ASSERT_GE(w, 0.0f);
      ASSERT_LE(w, 1.0f);
    }
    for (const auto& p : a.phones) {
      if (p.phone == "b" || p.phone == "m" || p.phone == "p") {
        EXPECT_LE(MinIn(t, p.start_s - 0.03, p.end_s + 0.03, Open), 0.01f) << e;
      }
    }
  }
  AnimConfig joy;
  joy.emotion["joy"] = 0.8f;
  Track happy = Animate(joy, Sample());
  Track plain = Animate(AnimConfig{}, Sample());
  EXPECT_GT(happy.weight(10, kMouthSmileLeft), plain.weight(10, kMouthSmileLeft) + 0.3f);
}

TEST(AnimatorTest, DeterministicPerSeedWithBlinks) {
  Analysis a = Sample();
  // Long enough for several blinks.
  a.phones.push_back({"sil", Duration(a), 20.0});
  AnimConfig c1;
  c1.seed = 7;
  Track t1 = Animate(c1, a), t2 = Animate(c1, a);
  EXPECT_EQ(t1.weights, t2.weights);
  AnimConfig c2;
  c2.seed = 8;
  EXPECT_NE(Animate(c2, a).weights, t1.weights);
  std::vector<double> blinks = PlanBlinks(a.phones, 20.0, 7, UpperFaceParams{});
  ASSERT_GE(blinks.size(), 3u);
  for (size_t i = 1; i < blinks.size(); ++i) {
    EXPECT_GE(blinks[i] - blinks[i - 1], 0.99);
    EXPECT_LE(blinks[i] - blinks[i - 1], 6.01);
  }
  float max_blink = 0;
  for (int f = 0; f < t1.num_frames(); ++f)
    max_blink = std::max(max_blink, t1.weight(f, kEyeBlinkLeft));
  EXPECT_GT(max_blink, 0.95f);
}

TEST(AnimatorTest, VisemeTrackFollowsPhones) {
  Analysis a = Sample();
  Track t = Animate(AnimConfig{}, a);
  const int nv = static_cast<int>(t.viseme_names.size());
  auto argmax = [&](double time) {
    int f = static_cast<int>(std::lround(time * t.fps));
    const float* v = &t.visemes[static_cast<size_t>(f) * nv];
    return t.viseme_names[std::max_element(v, v + nv) - v];
  };
  EXPECT_EQ(argmax(0.2), "sil");
  EXPECT_EQ(argmax(0.5 + 0.07 + 0.09), "aa");
  EXPECT_EQ(argmax(0.5 + 0.07 + 0.18 + 0.08 + 0.1), "ou");
}

TEST(AnimatorTest, RejectsBadConfig) {
  AnimConfig c;
  c.fps_hz = 0;
  EXPECT_EQ(Animator::Create(c).status().code(), StatusCode::kInvalidArgument);
  c = AnimConfig{};
  c.emotion["boredom"] = 1.0f;
  EXPECT_FALSE(Animator::Create(c).ok());
}

}  // namespace
}  // namespace voxface
