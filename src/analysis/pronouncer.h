// SPDX-License-Identifier: Apache-2.0
// Word -> phones, from the CMU pronouncing dictionary, with a letter-to-sound fallback for words
// the dictionary lacks.
#ifndef VOXFACE_SRC_ANALYSIS_PRONOUNCER_H_
#define VOXFACE_SRC_ANALYSIS_PRONOUNCER_H_

#include <string>
#include <unordered_map>
#include <vector>

#include "voxface/status.h"

namespace voxface {

using Pronunciation = std::vector<std::string>;  // Phones in our set (no "sil").

class Pronouncer {
 public:
  // Reads a CMU-format dictionary ("word(2) HH AH0 L OW1" lines).
  static Result<Pronouncer> Load(const std::string& dict_path);

  // All known pronunciations of a lowercase word; empty when unknown.
  const std::vector<Pronunciation>& Lookup(const std::string& word) const;
  bool Contains(const std::string& word) const { return !Lookup(word).empty(); }

  // Rough spelling-based pronunciation for out-of-vocabulary words.
  static Pronunciation LetterToSound(const std::string& word);

  size_t size() const { return dict_.size(); }

 private:
  std::unordered_map<std::string, std::vector<Pronunciation>> dict_;
};

}  // namespace voxface

#endif  // VOXFACE_SRC_ANALYSIS_PRONOUNCER_H_
