// SPDX-License-Identifier: Apache-2.0
// Optional API keys for the server (Authorization: Bearer KEY). Only SHA-256 digests are kept in
// memory, and a presented key is compared against every digest in constant time, so neither a
// memory dump nor response timing gives a key away.
#ifndef VOXFACE_TOOLS_SERVER_API_KEYS_H_
#define VOXFACE_TOOLS_SERVER_API_KEYS_H_

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "voxface/status.h"

namespace voxface::server {

class ApiKeys {
 public:
  using Digest = std::array<unsigned char, 32>;

  // No keys: every request is allowed.
  ApiKeys() = default;

  // Keys from a file, one per line: the key itself, or "sha256:<64 hex digits>" to store only
  // its digest. Blank lines and lines starting with '#' are ignored. An empty or missing file
  // is an error (a typo must not silently open the server).
  static Result<ApiKeys> FromFile(const std::string& path);
  // Keys given directly (e.g. from VOXFACE_API_KEYS, comma-separated), same syntax per entry.
  static Result<ApiKeys> FromList(std::string_view comma_separated);

  bool enabled() const { return !digests_.empty(); }
  size_t size() const { return digests_.size(); }
  void Merge(const ApiKeys& other);

  // True when keys are disabled or `key` is one of them.
  bool Accepts(std::string_view key) const;
  // The key of an "Authorization: Bearer KEY" header value ("" when the header is not Bearer).
  static std::string_view BearerToken(std::string_view authorization);

  static Digest Sha256(std::string_view data);

 private:
  Status AddEntry(std::string_view entry, const std::string& where);

  std::vector<Digest> digests_;
};

}  // namespace voxface::server

#endif  // VOXFACE_TOOLS_SERVER_API_KEYS_H_
