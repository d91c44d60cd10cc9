// SPDX-License-Identifier: Apache-2.0
#include "api_keys.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cctype>
#include <fstream>
#include <sstream>

namespace voxface::server {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

ApiKeys::Digest ApiKeys::Sha256(std::string_view data) {
  Digest out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

Status ApiKeys::AddEntry(std::string_view entry, const std::string& where) {
  constexpr std::string_view kPrefix = "sha256:";
  if (entry.substr(0, kPrefix.size()) == kPrefix) {
    std::string_view hex = entry.substr(kPrefix.size());
    Digest d{};
    bool valid = hex.size() == 2 * d.size();
    for (size_t i = 0; valid && i < d.size(); ++i) {
      int hi = HexValue(hex[2 * i]), lo = HexValue(hex[2 * i + 1]);
      valid = hi >= 0 && lo >= 0;
      d[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
    if (!valid) {
      return Status::InvalidArgument(where + ": 'sha256:' must be followed by 64 hex digits");
    }
    digests_.push_back(d);
    return Status::Ok();
  }
  // Short keys are guessable whatever the comparison; refuse them rather than warn.
  if (entry.size() < 16) {
    return Status::InvalidArgument(where + ": API keys must be at least 16 characters");
  }
  digests_.push_back(Sha256(entry));
  return Status::Ok();
}

Result<ApiKeys> ApiKeys::FromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return Status::NotFound("cannot read API key file " + path + ": check the path (--api-keys)");
  }
  ApiKeys keys;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string_view entry = Trim(line);
    if (entry.empty() || entry.front() == '#') continue;
    VF_RETURN_IF_ERROR(keys.AddEntry(entry, path + ":" + std::to_string(number)));
  }
  if (!keys.enabled()) {
    return Status::InvalidArgument("API key file " + path +
                                   " holds no keys: add one key per line, or drop --api-keys");
  }
  return keys;
}

Result<ApiKeys> ApiKeys::FromList(std::string_view comma_separated) {
  ApiKeys keys;
  int index = 0;
  while (!comma_separated.empty()) {
    size_t comma = comma_separated.find(',');
    std::string_view entry = Trim(comma_separated.substr(0, comma));
    comma_separated =
        comma == std::string_view::npos ? std::string_view() : comma_separated.substr(comma + 1);
    ++index;
    if (entry.empty()) continue;
    VF_RETURN_IF_ERROR(keys.AddEntry(entry, "VOXFACE_API_KEYS entry " + std::to_string(index)));
  }
  return keys;
}

void ApiKeys::Merge(const ApiKeys& other) {
  digests_.insert(digests_.end(), other.digests_.begin(), other.digests_.end());
}

bool ApiKeys::Accepts(std::string_view key) const {
  if (digests_.empty()) return true;
  const Digest presented = Sha256(key);
  // Every digest is compared, matched or not, so timing does not reveal which entry matched.
  int matched = 0;
  for (const Digest& d : digests_) {
    matched |= CRYPTO_memcmp(d.data(), presented.data(), d.size()) == 0;
  }
  return matched != 0 && !key.empty();
}

std::string_view ApiKeys::BearerToken(std::string_view authorization) {
  authorization = Trim(authorization);
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return {};
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return {};
  }
  return Trim(authorization.substr(kScheme.size()));
}

}  // namespace voxface::server
