// SPDX-License-Identifier: Apache-2.0
#include "a2f/npz.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "a2f/test_util.h"

namespace voxface::a2f {
namespace {

// A version-1 .npy image, as numpy.save writes it.
std::string Npy(const std::string& descr, const std::string& shape, const std::string& data) {
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string image = "\x93NUMPY";
  image += '\x01';
  image += '\x00';
  image += static_cast<char>(header.size() & 0xff);
  image += static_cast<char>(header.size() >> 8);
  return image + header + data;
}

std::string Floats(std::initializer_list<float> v) {
  std::string s(v.size() * 4, '\0');
  std::memcpy(s.data(), std::data(v), s.size());
  return s;
}

TEST(NpyTest, ParsesHeaderShapeAndData) {
  auto a = ParseNpy(Npy("<f4", "(2, 3)", Floats({1, 2, 3, 4, 5, 6})), "x");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->dtype, "<f4");
  EXPECT_EQ(a->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(a->num_elements(), 6);
  auto scalar = ParseNpy(Npy("<f4", "()", Floats({7})), "x");
  ASSERT_TRUE(scalar.ok());
  EXPECT_EQ(scalar->num_elements(), 1);
  auto one = ParseNpy(Npy("<f4", "(3,)", Floats({1, 2, 3})), "x");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->shape, (std::vector<int64_t>{3}));
}

TEST(NpyTest, RejectsDamagedImages) {
  EXPECT_EQ(ParseNpy("hello", "f.npz: a").status().code(), StatusCode::kCorruptData);
  auto truncated = ParseNpy(Npy("<f4", "(4,)", Floats({1, 2, 3})), "f.npz: a");
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.status().message().find("f.npz: a"), std::string::npos);
  EXPECT_NE(truncated.status().message().find("truncated"), std::string::npos);
  std::string fortran = Npy("<f4", "(1,)", Floats({1}));
  fortran.replace(fortran.find("False"), 5, "True ");
  EXPECT_EQ(ParseNpy(fortran, "x").status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(ParseNpy(Npy(">f4", "(1,)", Floats({1})), "x").status().code(),
            StatusCode::kUnsupported);
}

TEST(NpzTest, TypedAccessorsCheckDtypes) {
  std::map<std::string, NpyArray> arrays;
  arrays["f"] = *ParseNpy(Npy("<f4", "(2,)", Floats({1.5f, -2})), "f");
  arrays["names"] =
      *ParseNpy(Npy("|S7", "(2,)", std::string("neutral") + std::string("ab\0\0\0\0\0", 7)), "s");
  NpzFile npz = NpzFile::FromArrays("m.npz", std::move(arrays));
  EXPECT_EQ(*npz.Float32("f"), (std::vector<float>{1.5f, -2}));
  EXPECT_EQ(*npz.Strings("names"), (std::vector<std::string>{"neutral", "ab"}));
  auto wrong = npz.Int32("f");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("m.npz: array 'f' has dtype <f4"), std::string::npos);
  auto missing = npz.Float32("g");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("array 'g' is missing (the file has: f, names)"),
            std::string::npos);
}

TEST(NpzTest, ReadsStoredAndCompressedArchives) {
  // model_data.npz is written by numpy.savez (stored), bs_skin.npz by savez_compressed.
  auto data = NpzFile::Read(testing::SyntheticModelDir() + "/model_data.npz");
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_EQ(data->Names().size(), 8u);
  EXPECT_EQ(data->Find("shapes_matrix_skin")->shape[0], 272);
  EXPECT_EQ(data->Float32("saccade_rot_matrix")->size(), 10000u);
  auto bs = NpzFile::Read(testing::SyntheticModelDir() + "/bs_skin.npz");
  ASSERT_TRUE(bs.ok()) << bs.status().message();
  auto names = bs->Strings("poseNames");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(names->front(), "neutral");
  EXPECT_EQ(names->size(), 53u);
  EXPECT_EQ(bs->Find("frontalMask")->dtype, "<i4");
}

TEST(NpzTest, FileErrorsNameTheFile) {
  auto missing = NpzFile::Read("/nonexistent/model_data.npz");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent/model_data.npz"), std::string::npos);
  std::string path = (std::filesystem::temp_directory_path() / "voxface_garbage.npz").string();
  testing::WriteFile(path, "this is not a zip archive at all");
  auto garbage = NpzFile::Read(path);
  EXPECT_EQ(garbage.status().code(), StatusCode::kCorruptData);
  EXPECT_NE(garbage.status().message().find("not a zip/npz archive"), std::string::npos);
}

}  // namespace
}  // namespace voxface::a2f
