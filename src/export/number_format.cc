// SPDX-License-Identifier: Apache-2.0
#include "export/number_format.h"

#include <charconv>
#include <cmath>

namespace voxface::export_internal {
namespace {

constexpr uint64_t kPow10[] = {1,      10,      100,      1000,      10000,
                               100000, 1000000, 10000000, 100000000, 1000000000};

}  // namespace

void AppendRounded(std::string* out, double value, int decimals) {
  if (!std::isfinite(value)) {
    out->push_back('0');
    return;
  }
  if (decimals < 0) decimals = 0;
  if (decimals > 9) decimals = 9;
  const uint64_t scale = kPow10[decimals];
  const double scaled = std::round(value * static_cast<double>(scale));
  // Beyond 2^53 the integer path loses digits; such values are not weights or times anyway.
  if (std::fabs(scaled) >= 9.0e15) {
    AppendShortest(out, value);
    return;
  }
  int64_t n = static_cast<int64_t>(scaled);
  if (n == 0) {  // Also avoids writing "-0".
    out->push_back('0');
    return;
  }
  if (n < 0) {
    out->push_back('-');
    n = -n;
  }
  const uint64_t magnitude = static_cast<uint64_t>(n);
  AppendUint(out, magnitude / scale);
  uint64_t frac = magnitude % scale;
  if (frac == 0) return;
  int digits = decimals;
  while (frac % 10 == 0) {
    frac /= 10;
    --digits;
  }
  out->push_back('.');
  char buf[16];
  for (int i = digits - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  out->append(buf, digits);
}

void AppendShortest(std::string* out, double value) {
  if (!std::isfinite(value)) {
    out->push_back('0');
    return;
  }
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, result.ptr);
}

std::string ShortestString(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::string text;
  AppendShortest(&text, value);
  return text;
}

void AppendInt(std::string* out, int64_t value) {
  char buf[24];
  const auto result = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, result.ptr);
}

void AppendUint(std::string* out, uint64_t value) {
  char buf[24];
  const auto result = std::to_chars(buf, buf + sizeof(buf), value);
  out->append(buf, result.ptr);
}

std::optional<double> ParseDouble(std::string_view text) {
  text = Trim(text);
  // from_chars rejects a leading '+', which spreadsheets sometimes write.
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0.0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size()) return std::nullopt;
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

std::string_view Trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace voxface::export_internal
