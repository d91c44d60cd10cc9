// SPDX-License-Identifier: Apache-2.0
// The C++ post-processing against tests/a2f/postprocess_ref.py (numpy, written from the spec),
// whose output is committed as tests/data/a2f/postprocess_ref.npz.
#include "a2f/postprocess.h"

#include <gtest/gtest.h>

#include <cmath>

#include "a2f/npz.h"
#include "a2f/test_util.h"

namespace voxface::a2f {
namespace {

void ExpectNear(const std::vector<float>& want, const float* got, size_t n, const char* what,
                int frame) {
  float scale = 1.0f;
  for (float w : want) scale = std::max(scale, std::abs(w));
  for (size_t i = 0; i < n; ++i) {
    ASSERT_NEAR(got[i], want[i], 2e-5f * scale) << what << " frame " << frame << " index " << i;
  }
}

TEST(PostprocessTest, MatchesNumpyReference) {
  auto model = LoadRegressionModel(testing::SyntheticModelJson());
  ASSERT_TRUE(model.ok()) << model.status().message();
  auto ref = NpzFile::Read(std::string(VOXFACE_TEST_DATA_DIR) + "/a2f/postprocess_ref.npz");
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  std::vector<float> results = *ref->Float32("results");
  const int width = model->info.result_size();
  const int frames = static_cast<int>(results.size() / width);
  ASSERT_GT(frames, 5);
  const std::vector<float> fps_list = *ref->Float32("fps");
  for (float fps : fps_list) {
    const std::string tag = std::to_string(static_cast<int>(fps));
    auto post = RegressionPostProcessor::Create(&*model, fps);
    ASSERT_TRUE(post.ok());
    std::vector<float> skin = *ref->Float32("skin_" + tag), tongue = *ref->Float32("tongue_" + tag),
                       jaw = *ref->Float32("jaw_" + tag), eyes = *ref->Float32("eyes_" + tag);
    FrameGeometry g;
    for (int k = 0; k < frames; ++k) {
      post->Process(results.data() + k * width, &g);
      const size_t ns = g.skin.size(), nt = g.tongue.size();
      ExpectNear(std::vector<float>(skin.begin() + k * ns, skin.begin() + (k + 1) * ns),
                 g.skin.data(), ns, "skin", k);
      ExpectNear(std::vector<float>(tongue.begin() + k * nt, tongue.begin() + (k + 1) * nt),
                 g.tongue.data(), nt, "tongue", k);
      ExpectNear(std::vector<float>(jaw.begin() + k * 16, jaw.begin() + (k + 1) * 16), g.jaw.data(),
                 16, "jaw", k);
      ExpectNear(std::vector<float>(eyes.begin() + k * 6, eyes.begin() + (k + 1) * 6),
                 g.eyes.data(), 6, "eyes", k);
    }
    // Reset replays the track from the start.
    post->Reset();
    post->Process(results.data(), &g);
    ExpectNear(std::vector<float>(skin.begin(), skin.begin() + g.skin.size()), g.skin.data(),
               g.skin.size(), "skin after reset", 0);
  }
}

TEST(PostprocessTest, RigidFitRecoversATransform) {
  std::vector<float> q = {0, -9, 3, -2.5f, -8, 2, 2.5f, -8, 2, -4, -6, 0, 4, -6, 0};
  const double a = 0.2;  // Rotation about x (jaw opening), then a translation.
  std::vector<float> p(q.size());
  for (size_t i = 0; i < q.size(); i += 3) {
    p[i] = q[i] + 0.5f;
    p[i + 1] = static_cast<float>(std::cos(a) * q[i + 1] - std::sin(a) * q[i + 2]) - 1.0f;
    p[i + 2] = static_cast<float>(std::sin(a) * q[i + 1] + std::cos(a) * q[i + 2]) + 0.25f;
  }
  std::array<float, 16> m = RigidFit(q, p);
  EXPECT_NEAR(m[0], 1.0f, 1e-5);          // R(0,0)
  EXPECT_NEAR(m[5], std::cos(a), 1e-5);   // R(1,1)
  EXPECT_NEAR(m[6], std::sin(a), 1e-5);   // R(2,1), column-major
  EXPECT_NEAR(m[9], -std::sin(a), 1e-5);  // R(1,2)
  EXPECT_NEAR(m[12], 0.5f, 1e-4);
  EXPECT_NEAR(m[13], -1.0f, 1e-4);
  EXPECT_NEAR(m[14], 0.25f, 1e-4);
  EXPECT_EQ(m[15], 1.0f);
}

TEST(PostprocessTest, FaceMaskSplitsLowerAndUpper) {
  std::vector<float> neutral = {0, 0, 0, 0, 0.5f, 0, 0, 1, 0};
  std::vector<float> m = FaceMask(neutral, 0.6, 0.0085);
  EXPECT_GT(m[0], 0.999f);  // Chin: lower face.
  EXPECT_GT(m[1], 0.999f);
  EXPECT_LT(m[2], 0.001f);  // Forehead: upper face.
  EXPECT_NEAR(FaceMask(neutral, 0.5, 0.1)[1], 0.5f, 1e-6);
}

}  // namespace
}  // namespace voxface::a2f
