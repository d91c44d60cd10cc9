// SPDX-License-Identifier: Apache-2.0
#include "anim/upper_face.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "base/rng.h"
#include "voxface/arkit.h"

namespace voxface {
namespace {

// Eyelid closure of one blink, t seconds after its onset: fast close, short hold, slower open.
float BlinkShape(double t) {
  constexpr double kClose = 0.07, kHold = 0.04, kOpen = 0.14;
  if (t < 0 || t > kClose + kHold + kOpen) return 0.0f;
  if (t < kClose) return static_cast<float>(std::sin(0.5 * std::numbers::pi * t / kClose));
  if (t < kClose + kHold) return 1.0f;
  double u = (t - kClose - kHold) / kOpen;
  return static_cast<float>(0.5 + 0.5 * std::cos(std::numbers::pi * u));
}

// Value of a prosody track at time t (nearest frame).
float At(const std::vector<float>& v, double rate_hz, double t) {
  if (v.empty()) return 0.0f;
  long i = std::clamp<long>(std::lround(t * rate_hz), 0, static_cast<long>(v.size()) - 1);
  return v[i];
}

// One-pole smoothing with separate attack and release, at the prosody rate.
std::vector<float> Follow(const std::vector<float>& x, double rate_hz, double attack_s,
                          double release_s) {
  std::vector<float> y(x.size());
  float state = 0.0f;
  const float a = static_cast<float>(1.0 - std::exp(-1.0 / (attack_s * rate_hz)));
  const float r = static_cast<float>(1.0 - std::exp(-1.0 / (release_s * rate_hz)));
  for (size_t i = 0; i < x.size(); ++i) {
    state += (x[i] > state ? a : r) * (x[i] - state);
    y[i] = state;
  }
  return y;
}

float Percentile(std::vector<float> v, double q) {
  if (v.empty()) return 0.0f;
  size_t k = std::min(v.size() - 1, static_cast<size_t>(q * v.size()));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

bool InSilence(const std::vector<PhoneSegment>& phones, double t) {
  auto it = std::upper_bound(phones.begin(), phones.end(), t,
                             [](double x, const PhoneSegment& p) { return x < p.end_s; });
  return it == phones.end() || it->phone == "sil";
}

void AddGaze(double duration_s, double fps, Rng* rng, const UpperFaceParams& params,
             std::vector<float>* weights) {
  const int frames = static_cast<int>(weights->size() / kArkitCount);
  struct Fix {
    double t;
    float yaw, pitch;
  };
  std::vector<Fix> fixes = {{0.0, 0.0f, 0.0f}};
  for (double t = rng->Uniform(0.3, 1.5); t < duration_s;
       t += rng->Uniform(params.saccade_min_interval_s, params.saccade_max_interval_s)) {
    auto draw = [&] {
      return static_cast<float>(std::clamp(0.5 * rng->Normal(), -1.0, 1.0) * params.gaze_range);
    };
    float yaw = draw();
    float pitch = 0.6f * draw();
    fixes.push_back({t, yaw, pitch});
  }
  constexpr double kSaccadeS = 0.045;
  size_t k = 0;
  for (int f = 0; f < frames; ++f) {
    double t = f / fps;
    while (k + 1 < fixes.size() && fixes[k + 1].t <= t) ++k;
    float yaw = fixes[k].yaw, pitch = fixes[k].pitch;
    if (k > 0 && t - fixes[k].t < kSaccadeS) {
      float u = static_cast<float>((t - fixes[k].t) / kSaccadeS);
      yaw = fixes[k - 1].yaw + u * (yaw - fixes[k - 1].yaw);
      pitch = fixes[k - 1].pitch + u * (pitch - fixes[k - 1].pitch);
    }
    float* w = &(*weights)[static_cast<size_t>(f) * kArkitCount];
    // Positive yaw: the subject looks to their left (left eye out, right eye in).
    w[kEyeLookOutLeft] += std::max(0.0f, yaw);
    w[kEyeLookInRight] += std::max(0.0f, yaw);
    w[kEyeLookInLeft] += std::max(0.0f, -yaw);
    w[kEyeLookOutRight] += std::max(0.0f, -yaw);
    w[kEyeLookUpLeft] += std::max(0.0f, pitch);
    w[kEyeLookUpRight] += std::max(0.0f, pitch);
    w[kEyeLookDownLeft] += std::max(0.0f, -pitch);
    w[kEyeLookDownRight] += std::max(0.0f, -pitch);
  }
}

void AddProsodyAccents(const std::vector<PhoneSegment>& phones, const ProsodyTrack& prosody,
                       double fps, const UpperFaceParams& params, std::vector<float>* weights) {
  const int frames = static_cast<int>(weights->size() / kArkitCount);
  const auto& f0 = prosody.f0_hz;
  const auto& energy = prosody.energy_db;
  std::vector<float> voiced_f0, speech_energy;
  for (size_t i = 0; i < f0.size(); ++i) {
    if (f0[i] > 0) voiced_f0.push_back(f0[i]);
    if (!InSilence(phones, i / prosody.rate_hz)) speech_energy.push_back(energy[i]);
  }
  if (voiced_f0.size() < 10) return;
  const float median_f0 = Percentile(voiced_f0, 0.5);
  const float loud_db = Percentile(speech_energy, 0.9);
  std::vector<float> accent(f0.size(), 0.0f), emphasis(f0.size(), 0.0f);
  for (size_t i = 0; i < f0.size(); ++i) {
    if (f0[i] > 0) {
      // Semitones above the speaker's median: accents sit 2+ semitones up.
      float st = 12.0f * std::log2(f0[i] / median_f0);
      accent[i] = std::clamp((st - 1.5f) / 5.0f, 0.0f, 1.0f);
    }
    if (!speech_energy.empty()) {
      emphasis[i] = std::clamp((energy[i] - loud_db + 3.0f) / 6.0f, 0.0f, 1.0f);
    }
  }
  accent = Follow(accent, prosody.rate_hz, 0.06, 0.3);
  emphasis = Follow(emphasis, prosody.rate_hz, 0.05, 0.25);
  for (int f = 0; f < frames; ++f) {
    double t = f / fps;
    float a = params.brow_accent_gain * At(accent, prosody.rate_hz, t);
    float e = params.squint_emphasis_gain * At(emphasis, prosody.rate_hz, t);
    float* w = &(*weights)[static_cast<size_t>(f) * kArkitCount];
    w[kBrowInnerUp] += a;
    w[kBrowOuterUpLeft] += 0.7f * a;
    w[kBrowOuterUpRight] += 0.7f * a;
    for (int ch : {kEyeSquintLeft, kEyeSquintRight, kCheekSquintLeft, kCheekSquintRight}) {
      w[ch] += e;
    }
  }
}

void AddIdle(const std::vector<PhoneSegment>& phones, double fps, Rng* rng,
             const UpperFaceParams& params, std::vector<float>* weights) {
  const int frames = static_cast<int>(weights->size() / kArkitCount);
  double phase[3];
  for (double& p : phase) p = rng->Uniform(0.0, 2.0 * std::numbers::pi);
  for (int f = 0; f < frames; ++f) {
    double t = f / fps;
    float amount = params.idle_amplitude * (InSilence(phones, t) ? 1.0f : 0.4f);
    float* w = &(*weights)[static_cast<size_t>(f) * kArkitCount];
    w[kBrowInnerUp] += amount * static_cast<float>(0.5 + 0.5 * std::sin(0.83 * t + phase[0]));
    float smile = amount * static_cast<float>(0.5 + 0.5 * std::sin(0.51 * t + phase[1]));
    w[kMouthSmileLeft] += smile;
    w[kMouthSmileRight] += smile;
    float squint = amount * static_cast<float>(0.5 + 0.5 * std::sin(0.37 * t + phase[2]));
    w[kEyeSquintLeft] += squint;
    w[kEyeSquintRight] += squint;
  }
}

}  // namespace

std::vector<double> PlanBlinks(const std::vector<PhoneSegment>& phones, double duration_s,
                               uint64_t seed, const UpperFaceParams& params) {
  Rng rng(seed * 7919 + 17);
  std::vector<double> phrase_ends;
  for (size_t i = 1; i < phones.size(); ++i) {
    const auto& p = phones[i];
    if (p.phone == "sil" && phones[i - 1].phone != "sil" && p.end_s - p.start_s >= 0.3 &&
        rng.Uniform() < params.phrase_end_blink_chance) {
      phrase_ends.push_back(p.start_s + 0.12);
    }
  }
  std::vector<double> blinks;
  double last = -1e9;
  double next = rng.Uniform(0.4, 0.6 * params.blink_max_interval_s);
  size_t k = 0;
  while (true) {
    while (k < phrase_ends.size() && phrase_ends[k] - last < 1.0) ++k;
    double t = next;
    bool phrase = k < phrase_ends.size() && phrase_ends[k] < next;
    if (phrase) t = phrase_ends[k++];
    if (t >= duration_s - 0.2) break;
    blinks.push_back(t);
    last = t;
    next = t + rng.Uniform(params.blink_min_interval_s, params.blink_max_interval_s);
  }
  return blinks;
}

void AddUpperFace(const std::vector<PhoneSegment>& phones, const ProsodyTrack& prosody, double fps,
                  uint64_t seed, const UpperFaceParams& params, std::vector<float>* weights) {
  const int frames = static_cast<int>(weights->size() / kArkitCount);
  const double duration_s = frames / fps;
  for (double onset : PlanBlinks(phones, duration_s, seed, params)) {
    int lo = std::max(0, static_cast<int>(std::floor(onset * fps)));
    int hi = std::min(frames - 1, static_cast<int>(std::ceil((onset + 0.3) * fps)));
    for (int f = lo; f <= hi; ++f) {
      float b = BlinkShape(f / fps - onset);
      float* w = &(*weights)[static_cast<size_t>(f) * kArkitCount];
      w[kEyeBlinkLeft] = std::max(w[kEyeBlinkLeft], b);
      w[kEyeBlinkRight] = std::max(w[kEyeBlinkRight], b);
    }
  }
  Rng rng(seed);
  AddGaze(duration_s, fps, &rng, params, weights);
  AddProsodyAccents(phones, prosody, fps, params, weights);
  AddIdle(phones, fps, &rng, params, weights);
}

}  // namespace voxface
