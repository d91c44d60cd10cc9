// SPDX-License-Identifier: Apache-2.0
// The phone set every analyser emits: the 39 CMU ArpaBet phones in lowercase without stress,
// plus "sil". Animation, evaluation and the dev-set tools all speak this set.
#ifndef VOXFACE_SRC_BASE_PHONE_SET_H_
#define VOXFACE_SRC_BASE_PHONE_SET_H_

#include <array>
#include <string>
#include <string_view>

namespace voxface {

inline constexpr std::array<std::string_view, 40> kPhones = {
    "sil", "aa", "ae", "ah", "ao", "aw", "ay", "b", "ch", "d", "dh", "eh", "er", "ey",
    "f",   "g",  "hh", "ih", "iy", "jh", "k",  "l", "m",  "n", "ng", "ow", "oy", "p",
    "r",   "s",  "sh", "t",  "th", "uh", "uw", "v", "w",  "y", "z",  "zh"};

// Lowercases, strips stress digits ("AH1" -> "ah") and maps silence spellings ("SIL", "<sil>",
// "pau", "sp", "+NSN+", "") to "sil". Returns "" for anything that is not a phone.
std::string NormalizePhone(std::string_view raw);

bool IsPhone(std::string_view phone);
bool IsVowel(std::string_view phone);
bool IsSilence(std::string_view phone);
bool IsBilabial(std::string_view phone);  // p b m

}  // namespace voxface

#endif  // VOXFACE_SRC_BASE_PHONE_SET_H_
