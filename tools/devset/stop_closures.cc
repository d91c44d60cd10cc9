// SPDX-License-Identifier: Apache-2.0
#include "stop_closures.h"

#include <algorithm>
#include <cmath>

namespace voxface::devset {
namespace {

constexpr double kWindowS = 0.002;      // Fine enough to place a boundary within a frame.
constexpr double kQuietBelowDb = 30.0;  // Closure level relative to the speech level.
constexpr double kMinClosureS = 0.010;  // Shorter dips are part of the previous phone.
constexpr double kMaxClosureS = 0.150;

double WindowDb(const std::vector<int16_t>& pcm, size_t begin, size_t end) {
  double sum = 0.0;
  for (size_t i = begin; i < end; ++i) sum += static_cast<double>(pcm[i]) * pcm[i];
  const double mean = end > begin ? sum / static_cast<double>(end - begin) : 0.0;
  return 10.0 * std::log10(std::max(mean, 1e-3) / (32768.0 * 32768.0));
}

// The level that most of the speech reaches: the 90th percentile of 10 ms windows, so that a
// quiet voice variant gets a threshold as far below its vowels as a loud one.
double SpeechLevelDb(const std::vector<int16_t>& pcm, int rate) {
  const size_t w = std::max<size_t>(1, static_cast<size_t>(rate * 0.010));
  std::vector<double> levels;
  for (size_t i = 0; i + w <= pcm.size(); i += w) levels.push_back(WindowDb(pcm, i, i + w));
  if (levels.empty()) return -100.0;
  const size_t k = levels.size() * 9 / 10;
  std::nth_element(levels.begin(), levels.begin() + k, levels.end());
  return levels[k];
}

bool IsUnvoicedStop(const std::string& p) { return p == "p" || p == "t" || p == "k" || p == "ch"; }

}  // namespace

void AttachStopClosures(const std::vector<int16_t>& pcm, int sample_rate_hz,
                        std::vector<PhoneSegment>* phones) {
  const double threshold_db = SpeechLevelDb(pcm, sample_rate_hz) - kQuietBelowDb;
  const size_t w = std::max<size_t>(1, static_cast<size_t>(sample_rate_hz * kWindowS));
  for (size_t i = 1; i < phones->size(); ++i) {
    PhoneSegment& stop = (*phones)[i];
    PhoneSegment& prev = (*phones)[i - 1];
    if (!IsUnvoicedStop(stop.phone) || prev.phone == "sil") continue;
    const double earliest =
        std::max(prev.start_s + 0.5 * (prev.end_s - prev.start_s), stop.start_s - kMaxClosureS);
    size_t s = static_cast<size_t>(std::lround(stop.start_s * sample_rate_hz));
    const size_t limit = static_cast<size_t>(std::max(0.0, earliest * sample_rate_hz));
    while (s >= limit + w && s <= pcm.size() && WindowDb(pcm, s - w, s) < threshold_db) s -= w;
    const double new_start = static_cast<double>(s) / sample_rate_hz;
    if (stop.start_s - new_start >= kMinClosureS) {
      stop.start_s = new_start;
      prev.end_s = new_start;
    }
  }
}

}  // namespace voxface::devset
