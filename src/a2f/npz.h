// SPDX-License-Identifier: Apache-2.0
// A small reader for numpy's .npy arrays and .npz archives (a zip of .npy files, stored or
// deflated), enough for NVIDIA's model_data/bs/emotion-database files. The zip library stays
// behind this interface (npz.cc), so callers see only arrays.
#ifndef VOXFACE_SRC_A2F_NPZ_H_
#define VOXFACE_SRC_A2F_NPZ_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "voxface/status.h"

namespace voxface::a2f {

// One array as stored: numpy's dtype descriptor ("<f4", "|S12", "<i4"), C-order shape and the
// raw little-endian bytes.
struct NpyArray {
  std::string dtype;
  std::vector<int64_t> shape;
  std::string bytes;

  int64_t num_elements() const;
  // "[272, 900]".
  std::string ShapeString() const;
};

// Parses one .npy file image. `what` names it in errors ("bs_skin.npz: neutral").
Result<NpyArray> ParseNpy(std::string_view image, const std::string& what);

class NpzFile {
 public:
  // Reads every array of the archive into memory. Errors name the file.
  static Result<NpzFile> Read(const std::string& path);

  const std::string& path() const { return path_; }
  bool Has(const std::string& name) const { return arrays_.count(name) != 0; }
  std::vector<std::string> Names() const;
  const NpyArray* Find(const std::string& name) const;

  // Typed views with checks; errors say "<file>: array '<name>' ..." and what was expected.
  // Float32 also accepts float64 (narrowed), since hand-made files often hold doubles.
  Result<std::vector<float>> Float32(const std::string& name) const;
  // Int32 also accepts int64 values that fit.
  Result<std::vector<int32_t>> Int32(const std::string& name) const;
  // Fixed-width byte strings (numpy "S"), NUL padding removed; "U" arrays are also accepted.
  Result<std::vector<std::string>> Strings(const std::string& name) const;

  // For tests and tools: an archive built in memory.
  static NpzFile FromArrays(std::string path, std::map<std::string, NpyArray> arrays);

 private:
  Result<const NpyArray*> Get(const std::string& name) const;

  std::string path_;
  std::map<std::string, NpyArray> arrays_;
};

}  // namespace voxface::a2f

#endif  // VOXFACE_SRC_A2F_NPZ_H_
