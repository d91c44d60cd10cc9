// SPDX-License-Identifier: Apache-2.0
#include "eval/openness_lag.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace voxface {

float ReferenceOpenness(std::string_view p) {
  if (p == "aa" || p == "ae" || p == "ah" || p == "ao" || p == "aw" || p == "ay") return 0.6f;
  if (p == "eh" || p == "er" || p == "ey" || p == "ow" || p == "oy") return 0.4f;
  if (p == "iy" || p == "ih" || p == "uw" || p == "uh") return 0.25f;
  if (p == "p" || p == "b" || p == "m" || p == "sil") return 0.0f;
  if (p == "f" || p == "v") return 0.05f;
  return 0.15f;
}

std::vector<float> ReferenceOpennessTrack(const std::vector<PhoneSegment>& phones, double fps,
                                          int num_frames) {
  std::vector<float> ref(static_cast<size_t>(std::max(num_frames, 0)), 0.0f);
  // One pass: frame times and phones both increase.
  size_t k = 0;
  for (int i = 0; i < num_frames; ++i) {
    const double t = i / fps;
    while (k < phones.size() && phones[k].end_s <= t) ++k;
    if (k < phones.size() && phones[k].start_s <= t) ref[i] = ReferenceOpenness(phones[k].phone);
  }
  return ref;
}

double PearsonCorrelation(const std::vector<float>& x, const std::vector<float>& y) {
  const size_t n = std::min(x.size(), y.size());
  if (n < 2) return 0.0;
  double mx = 0.0, my = 0.0;
  for (size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  // Below this the track is flat up to float rounding and the ratio would be noise.
  constexpr double kFlat = 1e-12;
  if (sxx < kFlat || syy < kFlat) return 0.0;
  return sxy / std::sqrt(sxx * syy);
}

LagResult BestLag(const std::vector<float>& anim, const std::vector<float>& ref,
                  int max_lag_frames) {
  const int n = static_cast<int>(std::min(anim.size(), ref.size()));
  LagResult best;
  best.r = -2.0;  // Below any correlation, so lag 0 wins when every lag scores the same.
  // Lags are tried by increasing |L| so that a later lag must be strictly better to win.
  for (int step = 0; step <= max_lag_frames; ++step) {
    for (int lag : {step, -step}) {
      if (step == 0 && lag < 0) continue;
      std::vector<float> a, r;
      for (int t = std::max(0, -lag); t < n && t + lag < n; ++t) {
        a.push_back(anim[t + lag]);
        r.push_back(ref[t]);
      }
      const double c = PearsonCorrelation(a, r);
      if (c > best.r) {
        best.r = c;
        best.lag_frames = lag;
      }
    }
  }
  if (best.r < -1.0) best.r = 0.0;
  return best;
}

}  // namespace voxface
