// SPDX-License-Identifier: Apache-2.0
// Transcript text -> dictionary words: lowercase, punctuation stripped, numbers and a few symbols
// spelled out. The aligner looks each word up in the pronunciation dictionary.
#ifndef VOXFACE_SRC_ANALYSIS_TEXT_NORMALIZER_H_
#define VOXFACE_SRC_ANALYSIS_TEXT_NORMALIZER_H_

#include <string>
#include <vector>

namespace voxface {

std::vector<std::string> NormalizeTranscript(const std::string& text);

// 42 -> "forty two"; handles 0 .. 999,999,999.
std::vector<std::string> SpellNumber(long long n);

}  // namespace voxface

#endif  // VOXFACE_SRC_ANALYSIS_TEXT_NORMALIZER_H_
