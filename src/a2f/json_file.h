// SPDX-License-Identifier: Apache-2.0
// Typed access to the JSON files of an Audio2Face-3D model directory. Every getter's error names
// the file and the field ("network_info.json: field 'params.num_shapes_skin' must be an integer
// > 0 ...") so users can fix a hand-edited or damaged file.
#ifndef VOXFACE_SRC_A2F_JSON_FILE_H_
#define VOXFACE_SRC_A2F_JSON_FILE_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "voxface/status.h"

namespace voxface::a2f {

class JsonFile {
 public:
  static Result<JsonFile> Read(const std::string& path);
  static JsonFile FromJson(std::string path, nlohmann::json json);

  const std::string& path() const { return path_; }
  // The file name without folders, used in messages.
  std::string name() const;
  // `field` is a dotted path ("id.type", "config.skin_strength").
  bool Has(const std::string& field) const { return Lookup(field) != nullptr; }
  Result<std::string> String(const std::string& field) const;
  Result<double> Number(const std::string& field) const;
  Result<int64_t> Integer(const std::string& field) const;
  Result<bool> Bool(const std::string& field) const;
  Result<std::vector<std::string>> Strings(const std::string& field) const;
  Result<std::vector<double>> Numbers(const std::string& field) const;
  Result<std::vector<int64_t>> Integers(const std::string& field) const;
  // Numbers checked against [lo, hi]; the message gives the range.
  Result<double> NumberIn(const std::string& field, double lo, double hi) const;

  // "<file>: field '<field>' <what>".
  Status Error(const std::string& field, const std::string& what) const;
  Result<const nlohmann::json*> Get(const std::string& field) const;

 private:
  const nlohmann::json* Lookup(const std::string& field) const;

  std::string path_;
  nlohmann::json json_;
};

}  // namespace voxface::a2f

#endif  // VOXFACE_SRC_A2F_JSON_FILE_H_
