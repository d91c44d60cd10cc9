// SPDX-License-Identifier: Apache-2.0
#include "nn/batcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "nn/test_model_builder.h"

namespace voxface::nn {
namespace {

using testing::ModelBuilder;

// y = x * 2 + 1 on [batch, 3]; z = latents + 1 on [2, batch, 4] (batch on axis 1, as diffusion's
// latents have it on axis 2).
std::unique_ptr<Session> TwoAxisModel() {
  ModelBuilder b;
  b.Input("x", onnx::TensorProto::FLOAT, {-1, 3}, {"batch"});
  b.Input("latents", onnx::TensorProto::FLOAT, {2, -1, 4}, {"", "batch"});
  b.FloatInit("two", {1}, {2.0f});
  b.FloatInit("one", {1}, {1.0f});
  b.Node("Mul", {"x", "two"}, {"m"});
  b.Node("Add", {"m", "one"}, {"y"});
  b.Node("Add", {"latents", "one"}, {"z"});
  // Outputs declare their dynamic dims, which is where the batcher finds their batch axes.
  b.Output("y", onnx::TensorProto::FLOAT, {-1, 3}, true);
  b.Output("z", onnx::TensorProto::FLOAT, {2, -1, 4}, true);
  auto session = Session::LoadFromBytes(b.Serialize(), "");
  EXPECT_TRUE(session.ok()) << session.status().ToString();
  return session.ok() ? std::move(session).value() : nullptr;
}

std::vector<std::pair<std::string, Tensor>> Request(float v, int64_t items = 1) {
  std::vector<float> x(static_cast<size_t>(3 * items)), l(static_cast<size_t>(2 * items * 4));
  for (size_t i = 0; i < x.size(); ++i) x[i] = v + static_cast<float>(i);
  for (size_t i = 0; i < l.size(); ++i) l[i] = -v - static_cast<float>(i);
  return {{"x", Tensor::FromVector<float>({items, 3}, x)},
          {"latents", Tensor::FromVector<float>({2, items, 4}, l)}};
}

void ExpectMatchesDirectRun(const Session& session,
                            const std::vector<std::pair<std::string, Tensor>>& request,
                            const std::vector<Tensor>& got) {
  auto want = session.Run(request);
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  ASSERT_EQ(got.size(), want->size());
  for (size_t o = 0; o < got.size(); ++o) {
    ASSERT_EQ(got[o].shape(), (*want)[o].shape());
    for (int64_t i = 0; i < got[o].size(); ++i) {
      EXPECT_EQ(got[o].data<float>()[i], (*want)[o].data<float>()[i]);
    }
  }
}

TEST(BatcherTest, ConcurrentRequestsShareRunsAndGetTheirOwnResults) {
  auto session = TwoAxisModel();
  ASSERT_NE(session, nullptr);
  BatcherOptions options;
  options.max_batch = 8;
  options.max_delay = std::chrono::milliseconds(200);
  auto batcher = Batcher::Create(*session, options);
  ASSERT_TRUE(batcher.ok()) << batcher.status().ToString();
  constexpr int kThreads = 16;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto request = Request(static_cast<float>(t * 10));
      auto out = (*batcher)->Run(request);
      if (!out.ok()) {
        ++failures;
        return;
      }
      ExpectMatchesDirectRun(*session, request, *out);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  const BatcherStats stats = (*batcher)->stats();
  EXPECT_EQ(stats.requests, kThreads);
  EXPECT_EQ(stats.items, kThreads);
  EXPECT_LT(stats.runs, kThreads);  // some requests shared a run
  EXPECT_LE(stats.largest_batch, 8);
}

TEST(BatcherTest, RequestsOfSeveralItemsAndDifferentShapesStayApart) {
  auto session = TwoAxisModel();
  ASSERT_NE(session, nullptr);
  BatcherOptions options;
  options.max_batch = 4;
  options.max_delay = std::chrono::milliseconds(100);
  auto batcher = Batcher::Create(*session, options);
  ASSERT_TRUE(batcher.ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      auto request = Request(static_cast<float>(t), 1 + t % 3);  // 1, 2 or 3 items
      auto out = (*batcher)->Run(request);
      ASSERT_TRUE(out.ok()) << out.status().ToString();
      ExpectMatchesDirectRun(*session, request, *out);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE((*batcher)->stats().largest_batch, 4);
  EXPECT_EQ((*batcher)->stats().items, 12);
}

TEST(BatcherTest, RejectsBadRequestsAlone) {
  auto session = TwoAxisModel();
  ASSERT_NE(session, nullptr);
  auto batcher = Batcher::Create(*session);
  ASSERT_TRUE(batcher.ok());
  auto request = Request(1.0f, 2);
  request[1].second = Tensor::Zeros(DataType::kFloat32, {2, 3, 4});  // 3 items, not 2
  auto out = (*batcher)->Run(request);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("items"), std::string::npos) << out.status().message();
  EXPECT_FALSE((*batcher)->Run({{"x", Tensor::Zeros(DataType::kFloat32, {1, 3})}}).ok());
  auto good = (*batcher)->Run(Request(2.0f));
  EXPECT_TRUE(good.ok()) << good.status().ToString();
}

TEST(BatcherTest, NeedsABatchAxis) {
  ModelBuilder b;
  b.Input("x", onnx::TensorProto::FLOAT, {3});
  b.Node("Relu", {"x"}, {"y"});
  b.Output("y");
  auto session = Session::LoadFromBytes(b.Serialize(), "");
  ASSERT_TRUE(session.ok());
  auto batcher = Batcher::Create(**session);
  ASSERT_FALSE(batcher.ok());
  EXPECT_NE(batcher.status().message().find("batch_axes"), std::string::npos);
  BatcherOptions options;
  options.batch_axes = {{"x", 0}, {"y", 0}};
  EXPECT_TRUE(Batcher::Create(**session, options).ok());
}

TEST(BatcherTest, ConcatAndSliceAlongAMiddleAxis) {
  Tensor a = Tensor::FromVector<float>({2, 1, 2}, {1, 2, 3, 4});
  Tensor b = Tensor::FromVector<float>({2, 2, 2}, {5, 6, 7, 8, 9, 10, 11, 12});
  auto c = ConcatAlong({&a, &b}, 1);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->shape(), (Shape{2, 3, 2}));
  EXPECT_EQ(c->ToVector<float>(), (std::vector<float>{1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12}));
  EXPECT_EQ(SliceAlong(*c, 1, 1, 2).ToVector<float>(),
            (std::vector<float>{5, 6, 7, 8, 9, 10, 11, 12}));
}

}  // namespace
}  // namespace voxface::nn
