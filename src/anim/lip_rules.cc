// SPDX-License-Identifier: Apache-2.0
#include "anim/lip_rules.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "base/phone_set.h"
#include "voxface/arkit.h"

namespace voxface {
namespace {

// 1 inside [start, end], a raised-cosine ramp to 0 over `ramp` on both sides. Phones too short to
// contain a frame still get full strength on the frame nearest their centre.
std::vector<float> Envelope(const std::vector<PhoneSegment>& phones, double fps, int frames,
                            double ramp_s, bool (*select)(std::string_view)) {
  std::vector<float> env(frames, 0.0f);
  for (const auto& p : phones) {
    if (!select(p.phone)) continue;
    int lo = std::max(0, static_cast<int>(std::floor((p.start_s - ramp_s) * fps)));
    int hi = std::min(frames - 1, static_cast<int>(std::ceil((p.end_s + ramp_s) * fps)));
    for (int f = lo; f <= hi; ++f) {
      double t = f / fps;
      double d = t < p.start_s ? p.start_s - t : (t > p.end_s ? t - p.end_s : 0.0);
      float v = d >= ramp_s
                    ? 0.0f
                    : static_cast<float>(0.5 + 0.5 * std::cos(std::numbers::pi * d / ramp_s));
      env[f] = std::max(env[f], v);
    }
    int center = static_cast<int>(std::lround(0.5 * (p.start_s + p.end_s) * fps));
    if (center >= 0 && center < frames) env[center] = 1.0f;
  }
  return env;
}

bool IsLabiodental(std::string_view p) { return p == "f" || p == "v"; }

}  // namespace

std::vector<float> BilabialClosure(const std::vector<PhoneSegment>& phones, double fps, int frames,
                                   double ramp_ms) {
  return Envelope(phones, fps, frames, ramp_ms * 1e-3, &IsBilabial);
}

void ApplyClosure(const std::vector<float>& closure, std::vector<float>* weights) {
  for (size_t f = 0; f < closure.size(); ++f) {
    float c = closure[f];
    if (c <= 0.0f) continue;
    float* w = &(*weights)[f * kArkitCount];
    // Keep the jaw where coarticulation put it; a closed mouth over a slightly open jaw is how
    // people say "b" after an open vowel.
    w[kMouthClose] += c * (w[kJawOpen] - w[kMouthClose]);
    for (int ch : {kMouthLowerDownLeft, kMouthLowerDownRight, kMouthUpperUpLeft, kMouthUpperUpRight,
                   kTongueOut}) {
      w[ch] *= 1.0f - c;
    }
    w[kMouthFunnel] *= 1.0f - 0.7f * c;
    w[kMouthPucker] *= 1.0f - 0.3f * c;
    w[kMouthPressLeft] = std::max(w[kMouthPressLeft], 0.3f * c);
    w[kMouthPressRight] = std::max(w[kMouthPressRight], 0.3f * c);
  }
}

void ApplyLipRules(const std::vector<PhoneSegment>& phones, double fps, const LipRuleParams& params,
                   std::vector<float>* weights) {
  const int frames = static_cast<int>(weights->size() / kArkitCount);
  auto tuck = Envelope(phones, fps, frames, params.tuck_ramp_ms * 1e-3, &IsLabiodental);
  for (int f = 0; f < frames; ++f) {
    float c = tuck[f];
    if (c <= 0.0f) continue;
    float* w = &(*weights)[static_cast<size_t>(f) * kArkitCount];
    w[kMouthRollLower] = std::max(w[kMouthRollLower], 0.5f * c);
    for (int ch : {kMouthLowerDownLeft, kMouthLowerDownRight}) w[ch] *= 1.0f - 0.7f * c;
    w[kJawOpen] = w[kJawOpen] * (1.0f - c) + std::min(w[kJawOpen], 0.08f) * c;
    w[kMouthClose] = std::min(w[kMouthClose], w[kJawOpen]);
  }
  ApplyClosure(BilabialClosure(phones, fps, frames, params.closure_ramp_ms), weights);
}

}  // namespace voxface
