// SPDX-License-Identifier: Apache-2.0
// Lip-sync evaluation against reference phone timings. The metric definitions are in
// docs/eval.md; weights are read by name and left/right pairs are averaged.
#ifndef VOXFACE_EVAL_H_
#define VOXFACE_EVAL_H_

#include <string>
#include <vector>

#include "voxface/status.h"
#include "voxface/types.h"

namespace voxface {

// Reads "phone start_s end_s" lines (ArpaBet lowercase plus "sil"; '#' starts a comment).
Result<std::vector<PhoneSegment>> ReadPhoneFile(const std::string& path);
Result<std::vector<PhoneSegment>> ParsePhones(const std::string& text);
std::string FormatPhones(const std::vector<PhoneSegment>& phones);

// Per-frame measures used by the metrics.
// open = clip(jawOpen - mouthClose, 0, 1) + 0.5 mouthLowerDown + 0.3 mouthUpperUp.
std::vector<float> MouthOpening(const Track& track);
// round = max(mouthFunnel, mouthPucker).
std::vector<float> MouthRounding(const Track& track);

// Counts for one or more clips; metrics pool items over clips.
struct LipSyncCounts {
  int bilabial_total = 0, bilabial_closed = 0;             // BCR
  int open_vowel_total = 0, open_vowel_opened = 0;         // OVO
  int round_total = 0, round_rounded = 0;                  // RR
  int spread_total = 0, spread_rounded = 0;                // FR
  int silence_frames = 0, silence_rest_frames = 0;         // SR
  int vowel_frames = 0, vowel_open_frames = 0;             // SA
  double round_sum_rounded = 0.0, round_sum_spread = 0.0;  // RS
  double jitter_sum = 0.0;                                 // JIT
  int jitter_count = 0;
  // R and LAG are per clip; pooled as a frame-weighted mean (R) and mean (LAG).
  double r_weighted_sum = 0.0, lag_ms_sum = 0.0;
  int r_frames = 0, clips = 0;

  void Add(const LipSyncCounts& other);
};

struct LipSyncMetrics {
  double bcr = 0, ovo = 0, rr = 0, fr = 0, sr = 0, sa = 0, rs = 0, jit = 0, lag_ms = 0, r = 0;
  double score = 0;
  int clips = 0;
};

// Scores one clip. Fails if the track has no frames or the reference is empty.
Result<LipSyncCounts> EvaluateClip(const std::vector<PhoneSegment>& reference, const Track& track);
LipSyncMetrics Summarize(const LipSyncCounts& counts);
// One line per metric, or a table row: "BCR 0.98 OVO ...".
std::string FormatMetrics(const LipSyncMetrics& m);

}  // namespace voxface

#endif  // VOXFACE_EVAL_H_
