// SPDX-License-Identifier: Apache-2.0
#include "analysis/pronouncer.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "base/phone_set.h"

namespace voxface {

Result<Pronouncer> Pronouncer::Load(const std::string& dict_path) {
  std::ifstream in(dict_path);
  if (!in) {
    return Status::NotFound("pronunciation dictionary '" + dict_path +
                            "' not found; install pocketsphinx-en-us (scripts/install-deps.sh) "
                            "or set the analyser's model_dir");
  }
  Pronouncer p;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    std::string word;
    if (!(ss >> word) || word.empty() || word[0] == ';') continue;
    if (auto paren = word.find('('); paren != std::string::npos && paren > 0) {
      word = word.substr(0, paren);
    }
    Pronunciation pron;
    std::string ph;
    bool valid = true;
    while (ss >> ph) {
      if (ph == "#") break;  // Comment after the pronunciation.
      std::string norm = NormalizePhone(ph);
      if (norm.empty() || norm == "sil") {
        valid = false;
        break;
      }
      pron.push_back(std::move(norm));
    }
    if (valid && !pron.empty()) p.dict_[word].push_back(std::move(pron));
  }
  if (p.dict_.empty()) {
    return Status::CorruptData("pronunciation dictionary '" + dict_path + "' has no entries");
  }
  return p;
}

const std::vector<Pronunciation>& Pronouncer::Lookup(const std::string& word) const {
  static const std::vector<Pronunciation> kNone;
  auto it = dict_.find(word);
  return it == dict_.end() ? kNone : it->second;
}

Pronunciation Pronouncer::LetterToSound(const std::string& word) {
  // Longest-match spelling rules; good enough to keep the aligner moving through names and
  // invented words, which is all a fallback has to do.
  static const std::pair<const char*, std::vector<std::string>> kRules[] = {
      {"tch", {"ch"}}, {"igh", {"ay"}},     {"sch", {"s", "k"}}, {"th", {"th"}}, {"sh", {"sh"}},
      {"ch", {"ch"}},  {"ph", {"f"}},       {"ng", {"ng"}},      {"ck", {"k"}},  {"qu", {"k", "w"}},
      {"wh", {"w"}},   {"ee", {"iy"}},      {"ea", {"iy"}},      {"oo", {"uw"}}, {"ou", {"aw"}},
      {"ow", {"ow"}},  {"ai", {"ey"}},      {"ay", {"ey"}},      {"oa", {"ow"}}, {"oi", {"oy"}},
      {"oy", {"oy"}},  {"au", {"ao"}},      {"aw", {"ao"}},      {"er", {"er"}}, {"ir", {"er"}},
      {"ur", {"er"}},  {"ar", {"aa", "r"}}, {"or", {"ao", "r"}}, {"a", {"ae"}},  {"b", {"b"}},
      {"c", {"k"}},    {"d", {"d"}},        {"e", {"eh"}},       {"f", {"f"}},   {"g", {"g"}},
      {"h", {"hh"}},   {"i", {"ih"}},       {"j", {"jh"}},       {"k", {"k"}},   {"l", {"l"}},
      {"m", {"m"}},    {"n", {"n"}},        {"o", {"aa"}},       {"p", {"p"}},   {"q", {"k"}},
      {"r", {"r"}},    {"s", {"s"}},        {"t", {"t"}},        {"u", {"ah"}},  {"v", {"v"}},
      {"w", {"w"}},    {"x", {"k", "s"}},   {"y", {"y"}},        {"z", {"z"}},
  };
  std::string w;
  for (char c : word) {
    if (c >= 'a' && c <= 'z') w.push_back(c);
  }
  // A final silent e ("make").
  if (w.size() > 3 && w.back() == 'e') w.pop_back();
  Pronunciation out;
  size_t i = 0;
  while (i < w.size()) {
    bool matched = false;
    for (const auto& [spelling, phones] : kRules) {
      std::string_view s(spelling);
      if (w.compare(i, s.size(), s) == 0) {
        // A final y is a vowel ("happy").
        if (s == "y" && i + 1 == w.size() && i > 0) {
          out.push_back("iy");
        } else {
          for (const auto& ph : phones) {
            if (out.empty() || out.back() != ph) out.push_back(ph);
          }
        }
        i += s.size();
        matched = true;
        break;
      }
    }
    if (!matched) ++i;
  }
  return out;
}

}  // namespace voxface
