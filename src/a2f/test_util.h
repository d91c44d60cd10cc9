// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the a2f tests: the committed synthetic model and editable copies of it.
#ifndef VOXFACE_SRC_A2F_TEST_UTIL_H_
#define VOXFACE_SRC_A2F_TEST_UTIL_H_

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

namespace voxface::a2f::testing {

// tests/data/a2f/synthetic_regression, written by tools/a2f/make_synthetic_model.py.
inline std::string SyntheticModelDir() {
  return std::string(VOXFACE_TEST_DATA_DIR) + "/a2f/synthetic_regression";
}
inline std::string SyntheticModelJson() { return SyntheticModelDir() + "/model.json"; }

// A fresh copy of the synthetic model in a temporary folder named after `tag`.
inline std::string CopyModel(const std::string& tag) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("voxface_a2f_" + tag);
  fs::remove_all(dir);
  fs::copy(SyntheticModelDir(), dir, fs::copy_options::recursive);
  return dir.string();
}

inline void EditJson(const std::string& path, const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json j;
  {
    std::ifstream in(path);
    in >> j;
  }
  edit(j);
  std::ofstream(path) << j.dump(2);
}

inline void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

}  // namespace voxface::a2f::testing

#endif  // VOXFACE_SRC_A2F_TEST_UTIL_H_
