// SPDX-License-Identifier: Apache-2.0
#include "anim/coarticulation.h"

#include <algorithm>
#include <cmath>

namespace voxface {
namespace {

// One pose held over a stretch of time: a phone, or one half of a diphthong.
struct Target {
  double start_s, end_s;
  Pose pose;
  int viseme;
  float dominance, round_dominance;
  bool rounded;  // Pulls the lips forward: anticipated early.
};

bool IsRoundChannel(int c) { return c == kMouthFunnel || c == kMouthPucker; }

std::vector<Target> MakeTargets(const std::vector<PhoneSegment>& phones, const PoseLibrary& library,
                                float articulation) {
  std::vector<Target> out;
  for (const auto& p : phones) {
    const PhoneShape& shape = library.phone(p.phone);
    auto add = [&](double s, double e, bool second) {
      Target t{s,
               e,
               library.Target(shape, second),
               second ? shape.second_viseme : shape.viseme,
               shape.dominance,
               shape.round_dominance,
               false};
      if (articulation != 1.0f) {
        for (auto& v : t.pose) v = std::clamp(v * articulation, 0.0f, 1.0f);
      }
      t.rounded = std::max(t.pose[kMouthFunnel], t.pose[kMouthPucker]) >= 0.2f;
      out.push_back(t);
    };
    if (shape.second_viseme >= 0) {
      double mid = p.start_s + shape.split * (p.end_s - p.start_s);
      add(p.start_s, mid, false);
      add(mid, p.end_s, true);
    } else {
      add(p.start_s, p.end_s, false);
    }
  }
  return out;
}

// Dominance of a target at time t: full inside its core, Gaussian fall-off outside.
double Dominance(const Target& tg, double t, double min_half_s, double tau_before_s,
                 double tau_after_s, float alpha) {
  double center = 0.5 * (tg.start_s + tg.end_s);
  double half = std::max(0.5 * (tg.end_s - tg.start_s), min_half_s);
  double d = std::abs(t - center) - half;
  if (d <= 0.0) return alpha;
  double tau = t < center ? tau_before_s : tau_after_s;
  double x = d / tau;
  return alpha * std::exp(-x * x);
}

}  // namespace

BlendResult BlendPhones(const std::vector<PhoneSegment>& phones, const PoseLibrary& library,
                        const CoarticulationParams& params, double fps, int frames) {
  BlendResult out;
  const int nv = static_cast<int>(library.viseme_names().size());
  out.weights.assign(static_cast<size_t>(frames) * kArkitCount, 0.0f);
  out.visemes.assign(static_cast<size_t>(frames) * nv, 0.0f);
  std::vector<Target> targets = MakeTargets(phones, library, params.articulation);
  if (targets.empty()) {
    for (int f = 0; f < frames; ++f) out.visemes[static_cast<size_t>(f) * nv] = 1.0f;
    return out;
  }
  const double tau = params.tau_ms * 1e-3;
  const double min_half = 0.5 * params.min_core_ms * 1e-3;
  // Rounding reaches back so that its weight is about 10% at the anticipation distance.
  const double round_before = std::max(tau, params.round_anticipation_ms * 1e-3 / 1.5);
  const double round_after = std::max(tau, params.round_carryover_ms * 1e-3);
  // Beyond this distance a target's weight is negligible.
  const double reach = 3.5 * std::max({tau, round_before, round_after}) + min_half;

  size_t first = 0;
  std::vector<double> main_w, round_w;
  for (int f = 0; f < frames; ++f) {
    const double t = f / fps;
    while (first < targets.size() && targets[first].end_s < t - reach) ++first;
    double main_sum = 0.0, round_sum = 0.0;
    double acc[kArkitCount] = {};
    float* vis = &out.visemes[static_cast<size_t>(f) * nv];
    for (size_t k = first; k < targets.size() && targets[k].start_s <= t + reach; ++k) {
      const Target& tg = targets[k];
      double wm = Dominance(tg, t, min_half, tau, tau, tg.dominance);
      double wr = Dominance(tg, t, min_half, tg.rounded ? round_before : tau,
                            tg.rounded ? round_after : tau, tg.round_dominance);
      main_sum += wm;
      round_sum += wr;
      for (int c = 0; c < kArkitCount; ++c) acc[c] += (IsRoundChannel(c) ? wr : wm) * tg.pose[c];
      vis[tg.viseme] += static_cast<float>(wm);
    }
    float* w = &out.weights[static_cast<size_t>(f) * kArkitCount];
    if (main_sum <= 1e-12) {
      vis[0] = 1.0f;  // Far from any phone: rest.
      continue;
    }
    for (int c = 0; c < kArkitCount; ++c) {
      double denom = IsRoundChannel(c) ? round_sum : main_sum;
      w[c] = static_cast<float>(acc[c] / std::max(denom, 1e-12));
    }
    for (int v = 0; v < nv; ++v) vis[v] = static_cast<float>(vis[v] / main_sum);
  }
  return out;
}

}  // namespace voxface
