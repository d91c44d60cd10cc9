// SPDX-License-Identifier: Apache-2.0
// Shared helpers for the libFuzzer targets: carve a fuzz input into fields.
#ifndef VOXFACE_FUZZ_FUZZ_UTIL_H_
#define VOXFACE_FUZZ_FUZZ_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace voxface::fuzz {

// Reads from the front of the input; past the end everything is 0 / empty.
class Input {
 public:
  Input(const uint8_t* data, size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  uint8_t Byte() {
    if (rest_.empty()) return 0;
    uint8_t b = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  // Up to the next '\n' (consumed), or all that is left.
  std::string_view Line() {
    size_t nl = rest_.find('\n');
    std::string_view line = rest_.substr(0, nl);
    rest_ = nl == std::string_view::npos ? std::string_view() : rest_.substr(nl + 1);
    return line;
  }
  std::string_view Rest() const { return rest_; }

 private:
  std::string_view rest_;
};

}  // namespace voxface::fuzz

#endif  // VOXFACE_FUZZ_FUZZ_UTIL_H_
