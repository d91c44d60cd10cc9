// SPDX-License-Identifier: Apache-2.0
#include "a2f/json_file.h"

#include <cmath>
#include <fstream>
#include <sstream>

namespace voxface::a2f {

Result<JsonFile> JsonFile::Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": file not found; check the model directory");
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return Status::CorruptData(path + ": not valid JSON; restore the file from the download");
  }
  if (!json.is_object()) return Status::CorruptData(path + ": expected a JSON object at the top");
  return FromJson(path, std::move(json));
}

JsonFile JsonFile::FromJson(std::string path, nlohmann::json json) {
  JsonFile f;
  f.path_ = std::move(path);
  f.json_ = std::move(json);
  return f;
}

std::string JsonFile::name() const {
  size_t slash = path_.find_last_of('/');
  return slash == std::string::npos ? path_ : path_.substr(slash + 1);
}

Status JsonFile::Error(const std::string& field, const std::string& what) const {
  return Status::CorruptData(path_ + ": field '" + field + "' " + what);
}

const nlohmann::json* JsonFile::Lookup(const std::string& field) const {
  const nlohmann::json* node = &json_;
  size_t start = 0;
  while (true) {
    size_t dot = field.find('.', start);
    std::string key =
        field.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object()) return nullptr;
    auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
    if (dot == std::string::npos) return node;
    start = dot + 1;
  }
}

Result<const nlohmann::json*> JsonFile::Get(const std::string& field) const {
  const nlohmann::json* node = Lookup(field);
  if (!node) {
    return Status(
        StatusCode::kCorruptData,
        path_ + ": field '" + field + "' is missing; restore the file from the model's download");
  }
  return node;
}

Result<std::string> JsonFile::String(const std::string& field) const {
  VF_ASSIGN_OR_RETURN(const nlohmann::json* node, Get(field));
  if (!node->is_string()) return Error(field, "must be a string");
  return node->get<std::string>();
}

Result<double> JsonFile::Number(const std::string& field) const {
  VF_ASSIGN_OR_RETURN(const nlohmann::json* node, Get(field));
  if (!node->is_number()) return Error(field, "must be a number");
  double v = node->get<double>();
  if (!std::isfinite(v)) return Error(field, "must be finite");
  return v;
}

Result<double> JsonFile::NumberIn(const std::string& field, double lo, double hi) const {
  VF_ASSIGN_OR_RETURN(double v, Number(field));
  if (v < lo || v > hi) {
    std::ostringstream m;
    m << "is " << v << ", out of range [" << lo << ", " << hi << "]";
    return Error(field, m.str());
  }
  return v;
}

Result<int64_t> JsonFile::Integer(const std::string& field) const {
  VF_ASSIGN_OR_RETURN(const nlohmann::json* node, Get(field));
  if (!node->is_number_integer()) return Error(field, "must be an integer");
  return node->get<int64_t>();
}

Result<bool> JsonFile::Bool(const std::string& field) const {
  VF_ASSIGN_OR_RETURN(const nlohmann::json* node, Get(field));
  if (!node->is_boolean()) return Error(field, "must be true or false");
  return node->get<bool>();
}

Result<std::vector<std::string>> JsonFile::Strings(const std::string& field) const {
  VF_ASSIGN_OR_RETURN(const nlohmann::json* node, Get(field));
  if (!node->is_array()) return Error(field, "must be an array of strings");
  std::vector<std::string> out;
  for (const auto& v : *node) {
    if (!v.is_string()) return Error(field, "must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<std::vector<double>> JsonFile::Numbers(const std::string& field) const {
  VF_ASSIGN_OR_RETURN(const nlohmann::json* node, Get(field));
  if (!node->is_array()) return Error(field, "must be an array of numbers");
  std::vector<double> out;
  for (const auto& v : *node) {
    if (!v.is_number() || !std::isfinite(v.get<double>())) {
      return Error(field, "must be an array of finite numbers");
    }
    out.push_back(v.get<double>());
  }
  return out;
}

Result<std::vector<int64_t>> JsonFile::Integers(const std::string& field) const {
  VF_ASSIGN_OR_RETURN(const nlohmann::json* node, Get(field));
  if (!node->is_array()) return Error(field, "must be an array of integers");
  std::vector<int64_t> out;
  for (const auto& v : *node) {
    if (!v.is_number_integer()) return Error(field, "must be an array of integers");
    out.push_back(v.get<int64_t>());
  }
  return out;
}

}  // namespace voxface::a2f
