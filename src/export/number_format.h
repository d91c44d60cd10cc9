// SPDX-License-Identifier: Apache-2.0
// Fast, locale-independent number formatting shared by the text exporters. A 60 s track has
// ~190k weights, so going through iostreams or nlohmann's generic dump would dominate export time.
#ifndef VOXFACE_SRC_EXPORT_NUMBER_FORMAT_H_
#define VOXFACE_SRC_EXPORT_NUMBER_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace voxface::export_internal {

// Appends `value` rounded to `decimals` places (0..9) without trailing zeros: "0.25", "1", "0".
// NaN and infinities become "0": neither JSON nor the CSV consumers accept them, and a weight
// that is not a number is best shown as rest.
void AppendRounded(std::string* out, double value, int decimals);

// Appends the shortest text that reads back as the same double ("29.97", "60").
void AppendShortest(std::string* out, double value);

// The same as a string, for messages.
std::string ShortestString(double value);

void AppendInt(std::string* out, int64_t value);
void AppendUint(std::string* out, uint64_t value);

// Parses a whole field as a finite double; surrounding spaces are allowed. nullopt otherwise.
std::optional<double> ParseDouble(std::string_view text);

// Removes leading and trailing spaces, tabs and carriage returns.
std::string_view Trim(std::string_view text);

}  // namespace voxface::export_internal

#endif  // VOXFACE_SRC_EXPORT_NUMBER_FORMAT_H_
