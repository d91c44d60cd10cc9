// SPDX-License-Identifier: Apache-2.0
#include "analysis/text_normalizer.h"

#include <cctype>

namespace voxface {
namespace {

const char* kOnes[] = {"zero",    "one",     "two",       "three",    "four",
                       "five",    "six",     "seven",     "eight",    "nine",
                       "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                       "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
const char* kTens[] = {"",      "",      "twenty",  "thirty", "forty",
                       "fifty", "sixty", "seventy", "eighty", "ninety"};

void SpellBelowThousand(int n, std::vector<std::string>* out) {
  if (n >= 100) {
    out->push_back(kOnes[n / 100]);
    out->push_back("hundred");
    n %= 100;
    if (n == 0) return;
  }
  if (n >= 20) {
    out->push_back(kTens[n / 10]);
    if (n % 10) out->push_back(kOnes[n % 10]);
  } else {
    out->push_back(kOnes[n]);
  }
}

void FlushWord(std::string* word, std::vector<std::string>* out) {
  // Apostrophes at the edges are quotes, inside they are part of the word ("don't").
  while (!word->empty() && word->front() == '\'') word->erase(word->begin());
  while (!word->empty() && word->back() == '\'') word->pop_back();
  if (!word->empty()) out->push_back(*word);
  word->clear();
}

}  // namespace

std::vector<std::string> SpellNumber(long long n) {
  std::vector<std::string> out;
  if (n < 0) {
    out.push_back("minus");
    n = -n;
  }
  if (n == 0 || n > 999999999) {
    if (n == 0)
      out.push_back("zero");
    else
      for (char c : std::to_string(n)) out.push_back(kOnes[c - '0']);
    return out;
  }
  if (n >= 1000000) {
    SpellBelowThousand(static_cast<int>(n / 1000000), &out);
    out.push_back("million");
    n %= 1000000;
  }
  if (n >= 1000) {
    SpellBelowThousand(static_cast<int>(n / 1000), &out);
    out.push_back("thousand");
    n %= 1000;
  }
  if (n > 0) SpellBelowThousand(static_cast<int>(n), &out);
  return out;
}

std::vector<std::string> NormalizeTranscript(const std::string& text) {
  std::vector<std::string> out;
  std::string word;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (std::isdigit(c)) {
      FlushWord(&word, &out);
      size_t j = i;
      long long n = 0;
      while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) ||
                                 (text[j] == ',' && j + 1 < text.size() &&
                                  std::isdigit(static_cast<unsigned char>(text[j + 1]))))) {
        if (text[j] != ',' && n < 100000000000LL) n = n * 10 + (text[j] - '0');
        ++j;
      }
      for (auto& w : SpellNumber(n)) out.push_back(w);
      if (j < text.size() && text[j] == '%') {
        out.push_back("percent");
        ++j;
      }
      i = j - 1;
    } else if (std::isalpha(c) || c == '\'' || c >= 0x80) {
      word.push_back(static_cast<char>(std::tolower(c)));
    } else if (c == '&') {
      FlushWord(&word, &out);
      out.push_back("and");
    } else {
      FlushWord(&word, &out);
    }
  }
  FlushWord(&word, &out);
  return out;
}

}  // namespace voxface
