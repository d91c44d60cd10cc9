// SPDX-License-Identifier: Apache-2.0
#include "a2f/npz.h"

#include <unzip.h>

#include <cstring>
#include <limits>
#include <memory>

namespace voxface::a2f {
namespace {

// Finds 'key': in numpy's header dict and returns the text after the colon.
std::string_view HeaderValue(std::string_view header, std::string_view key) {
  std::string quoted = "'" + std::string(key) + "'";
  size_t at = header.find(quoted);
  if (at == std::string_view::npos) return {};
  size_t colon = header.find(':', at + quoted.size());
  if (colon == std::string_view::npos) return {};
  std::string_view rest = header.substr(colon + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return rest;
}

size_t ElementBytes(const std::string& dtype) {
  if (dtype.size() < 3) return 0;
  try {
    size_t n = std::stoul(dtype.substr(2));
    return dtype[1] == 'U' ? 4 * n : n;
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

int64_t NpyArray::num_elements() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::string NpyArray::ShapeString() const {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

Result<NpyArray> ParseNpy(std::string_view image, const std::string& what) {
  auto bad = [&](const std::string& why) {
    return Status::CorruptData(what + ": not a valid .npy array (" + why +
                               "); re-save it with numpy.savez");
  };
  if (image.size() < 10 || image.substr(0, 6) != "\x93NUMPY") return bad("no NUMPY magic");
  const auto* u = reinterpret_cast<const unsigned char*>(image.data());
  int major = u[6];
  size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = u[8] | (u[9] << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (image.size() < 12) return bad("truncated header");
    header_len = u[8] | (u[9] << 8) | (u[10] << 16) | (static_cast<size_t>(u[11]) << 24);
    offset = 12;
  } else {
    return bad("unknown format version " + std::to_string(major));
  }
  if (offset + header_len > image.size()) return bad("truncated header");
  std::string_view header = image.substr(offset, header_len);

  NpyArray array;
  std::string_view descr = HeaderValue(header, "descr");
  if (descr.size() < 2 || descr.front() != '\'') return bad("no 'descr'");
  size_t end = descr.find('\'', 1);
  if (end == std::string_view::npos) return bad("bad 'descr'");
  array.dtype = std::string(descr.substr(1, end - 1));
  if (HeaderValue(header, "fortran_order").substr(0, 4) == "True") {
    return Status::Unsupported(what +
                               ": Fortran-ordered arrays are not supported; save it with "
                               "numpy.ascontiguousarray");
  }
  std::string_view shape = HeaderValue(header, "shape");
  if (shape.empty() || shape.front() != '(') return bad("no 'shape'");
  size_t close = shape.find(')');
  if (close == std::string_view::npos) return bad("bad 'shape'");
  std::string dims(shape.substr(1, close - 1));
  size_t pos = 0;
  while (pos < dims.size()) {
    while (pos < dims.size() && (dims[pos] == ' ' || dims[pos] == ',')) ++pos;
    if (pos >= dims.size()) break;
    size_t used = 0;
    try {
      array.shape.push_back(std::stoll(dims.substr(pos), &used));
    } catch (const std::exception&) {
      return bad("bad 'shape'");
    }
    if (array.shape.back() < 0) return bad("negative dimension");
    pos += used;
  }
  if (array.dtype.size() >= 2 && array.dtype[0] == '>' && array.dtype.substr(1) != "u1" &&
      array.dtype.substr(1) != "i1") {
    return Status::Unsupported(what + ": big-endian dtype " + array.dtype +
                               " is not supported; save it with dtype '<" + array.dtype.substr(1) +
                               "'");
  }
  size_t element = ElementBytes(array.dtype);
  if (element == 0) return bad("unknown dtype '" + array.dtype + "'");
  size_t data_offset = offset + header_len;
  size_t want = element * static_cast<size_t>(array.num_elements());
  if (image.size() - data_offset != want) {
    return Status::CorruptData(what + ": " + std::to_string(image.size() - data_offset) +
                               " data bytes for dtype " + array.dtype + " and shape " +
                               array.ShapeString() + " (expected " + std::to_string(want) +
                               "); the file is truncated or damaged");
  }
  array.bytes = std::string(image.substr(data_offset));
  return array;
}

Result<NpzFile> NpzFile::Read(const std::string& path) {
  std::unique_ptr<void, int (*)(unzFile)> zip(unzOpen64(path.c_str()), unzClose);
  if (!zip) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return Status::NotFound(path + ": file not found; check the path in model.json");
    std::fclose(f);
    return Status::CorruptData(path + ": not a zip/npz archive; re-save it with numpy.savez");
  }
  std::map<std::string, NpyArray> arrays;
  int rc = unzGoToFirstFile(zip.get());
  while (rc == UNZ_OK) {
    unz_file_info64 info;
    char name_buf[1024];
    if (unzGetCurrentFileInfo64(zip.get(), &info, name_buf, sizeof(name_buf), nullptr, 0, nullptr,
                                0) != UNZ_OK) {
      return Status::CorruptData(path + ": damaged zip directory");
    }
    std::string name(name_buf);
    if (info.uncompressed_size > (uint64_t{1} << 34)) {
      return Status::OutOfRange(path + ": member '" + name + "' is larger than 16 GiB");
    }
    std::string image(static_cast<size_t>(info.uncompressed_size), '\0');
    if (unzOpenCurrentFile(zip.get()) != UNZ_OK) {
      return Status::CorruptData(path + ": cannot open member '" + name +
                                 "' (encrypted or unknown compression)");
    }
    size_t done = 0;
    while (done < image.size()) {
      unsigned chunk = static_cast<unsigned>(std::min<size_t>(image.size() - done, 1u << 30));
      int got = unzReadCurrentFile(zip.get(), image.data() + done, chunk);
      if (got <= 0) break;
      done += static_cast<size_t>(got);
    }
    int close_rc = unzCloseCurrentFile(zip.get());
    if (done != image.size() || close_rc != UNZ_OK) {
      return Status::CorruptData(path + ": member '" + name + "' is truncated or fails its CRC");
    }
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".npy") == 0) {
      name.resize(name.size() - 4);
      VF_ASSIGN_OR_RETURN(arrays[name], ParseNpy(image, path + ": " + name));
    }
    rc = unzGoToNextFile(zip.get());
  }
  if (rc != UNZ_END_OF_LIST_OF_FILE) return Status::CorruptData(path + ": damaged zip directory");
  return FromArrays(path, std::move(arrays));
}

NpzFile NpzFile::FromArrays(std::string path, std::map<std::string, NpyArray> arrays) {
  NpzFile f;
  f.path_ = std::move(path);
  f.arrays_ = std::move(arrays);
  return f;
}

std::vector<std::string> NpzFile::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, array] : arrays_) names.push_back(name);
  return names;
}

const NpyArray* NpzFile::Find(const std::string& name) const {
  auto it = arrays_.find(name);
  return it == arrays_.end() ? nullptr : &it->second;
}

Result<const NpyArray*> NpzFile::Get(const std::string& name) const {
  const NpyArray* a = Find(name);
  if (!a) {
    std::string have;
    for (const auto& n : Names()) have += (have.empty() ? "" : ", ") + n;
    return Status::NotFound(path_ + ": array '" + name + "' is missing (the file has: " + have +
                            "); use the file from the model's download");
  }
  return a;
}

Result<std::vector<float>> NpzFile::Float32(const std::string& name) const {
  VF_ASSIGN_OR_RETURN(const NpyArray* a, Get(name));
  std::vector<float> out(static_cast<size_t>(a->num_elements()));
  if (a->dtype == "<f4") {
    std::memcpy(out.data(), a->bytes.data(), out.size() * sizeof(float));
  } else if (a->dtype == "<f8") {
    for (size_t i = 0; i < out.size(); ++i) {
      double v;
      std::memcpy(&v, a->bytes.data() + 8 * i, 8);
      out[i] = static_cast<float>(v);
    }
  } else {
    return Status::CorruptData(path_ + ": array '" + name + "' has dtype " + a->dtype +
                               ", expected float32 ('<f4')");
  }
  return out;
}

Result<std::vector<int32_t>> NpzFile::Int32(const std::string& name) const {
  VF_ASSIGN_OR_RETURN(const NpyArray* a, Get(name));
  std::vector<int32_t> out(static_cast<size_t>(a->num_elements()));
  if (a->dtype == "<i4") {
    std::memcpy(out.data(), a->bytes.data(), out.size() * sizeof(int32_t));
  } else if (a->dtype == "<i8") {
    for (size_t i = 0; i < out.size(); ++i) {
      int64_t v;
      std::memcpy(&v, a->bytes.data() + 8 * i, 8);
      if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
        return Status::OutOfRange(path_ + ": array '" + name + "' value " + std::to_string(v) +
                                  " does not fit int32");
      }
      out[i] = static_cast<int32_t>(v);
    }
  } else {
    return Status::CorruptData(path_ + ": array '" + name + "' has dtype " + a->dtype +
                               ", expected int32 ('<i4')");
  }
  return out;
}

Result<std::vector<std::string>> NpzFile::Strings(const std::string& name) const {
  VF_ASSIGN_OR_RETURN(const NpyArray* a, Get(name));
  size_t n = static_cast<size_t>(a->num_elements());
  std::vector<std::string> out;
  if (a->dtype.size() > 2 && a->dtype[1] == 'S') {
    size_t width = ElementBytes(a->dtype);
    for (size_t i = 0; i < n; ++i) {
      std::string s = a->bytes.substr(i * width, width);
      s.resize(std::strlen(s.c_str()));
      out.push_back(s);
    }
  } else if (a->dtype.size() > 2 && a->dtype[1] == 'U') {
    // UTF-32LE; model names are ASCII, so anything wider is refused rather than mangled.
    size_t width = ElementBytes(a->dtype) / 4;
    for (size_t i = 0; i < n; ++i) {
      std::string s;
      for (size_t j = 0; j < width; ++j) {
        uint32_t c;
        std::memcpy(&c, a->bytes.data() + 4 * (i * width + j), 4);
        if (c == 0) break;
        if (c > 127) {
          return Status::Unsupported(path_ + ": array '" + name +
                                     "' holds non-ASCII names; store them as byte strings");
        }
        s += static_cast<char>(c);
      }
      out.push_back(s);
    }
  } else {
    return Status::CorruptData(path_ + ": array '" + name + "' has dtype " + a->dtype +
                               ", expected byte strings (numpy dtype 'S')");
  }
  return out;
}

}  // namespace voxface::a2f
