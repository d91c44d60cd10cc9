// SPDX-License-Identifier: Apache-2.0
// The plain-text phone file shared by the dev-set tools, `voxface align` and the evaluator.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "base/phone_set.h"
#include "voxface/eval.h"

namespace voxface {
namespace {

std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) fields.push_back(line.substr(i, j - i));
    i = j;
  }
  return fields;
}

bool ParseSeconds(std::string_view text, double* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end && std::isfinite(*out);
}

Status LineError(int line_number, const std::string& what) {
  return Status::InvalidArgument("line " + std::to_string(line_number) + ": " + what);
}

}  // namespace

Result<std::vector<PhoneSegment>> ParsePhones(const std::string& text) {
  std::vector<PhoneSegment> phones;
  std::istringstream in(text);
  std::string raw_line;
  int line_number = 0;
  while (std::getline(in, raw_line)) {
    ++line_number;
    std::string_view line = raw_line;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::vector<std::string_view> fields = SplitFields(line);
    if (fields.empty()) continue;
    if (fields.size() != 3) {
      return LineError(line_number, "expected \"phone start_s end_s\", got " +
                                        std::to_string(fields.size()) + " fields");
    }
    PhoneSegment seg;
    seg.phone = NormalizePhone(fields[0]);
    if (seg.phone.empty()) {
      return LineError(line_number, "unknown phone '" + std::string(fields[0]) +
                                        "' (use lowercase ArpaBet such as 'aa' or 'p', or 'sil')");
    }
    if (!ParseSeconds(fields[1], &seg.start_s) || !ParseSeconds(fields[2], &seg.end_s)) {
      return LineError(line_number, "start and end must be numbers in seconds, got '" +
                                        std::string(fields[1]) + "' and '" +
                                        std::string(fields[2]) + "'");
    }
    if (seg.start_s < 0.0) {
      return LineError(line_number, "start time " + std::string(fields[1]) + " is negative");
    }
    if (seg.end_s < seg.start_s) {
      return LineError(line_number, "end time " + std::string(fields[2]) +
                                        " is before start time " + std::string(fields[1]));
    }
    phones.push_back(std::move(seg));
  }
  return phones;
}

Result<std::vector<PhoneSegment>> ReadPhoneFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::NotFound("cannot open phone file '" + path + "'");
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) return Status::IoError("reading phone file '" + path + "' failed");
  Result<std::vector<PhoneSegment>> phones = ParsePhones(text.str());
  if (!phones.ok()) return phones.status().WithContext(path);
  return phones;
}

std::string FormatPhones(const std::vector<PhoneSegment>& phones) {
  std::string out;
  char times[64];
  for (const PhoneSegment& p : phones) {
    std::snprintf(times, sizeof(times), " %.3f %.3f\n", p.start_s, p.end_s);
    out += p.phone;
    out += times;
  }
  return out;
}

}  // namespace voxface
