// SPDX-License-Identifier: Apache-2.0
#include "voxface/status.h"

#include <gtest/gtest.h>

namespace voxface {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  VF_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(StatusTest, CarriesCodeAndMessage) {
  Status s = Status::NotFound("model missing");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "not found: model missing");
  EXPECT_EQ(s.WithContext("loading").message(), "loading: model missing");
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(StatusTest, ResultPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "odd: 3");
}

}  // namespace
}  // namespace voxface
