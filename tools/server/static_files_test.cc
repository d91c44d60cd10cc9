// SPDX-License-Identifier: Apache-2.0
#include "static_files.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "routes.h"
#include "server_config.h"

namespace voxface::server {
namespace {

namespace fs = std::filesystem;

// A fresh folder under the temp directory, removed with the test.
class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "voxface-static-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override { fs::remove_all(root_); }

  void Write(const std::string& relative, const std::string& data) {
    fs::path path = root_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << data;
  }

  Request Get(const std::string& target) {
    Request request{http::verb::get, target, 11};
    return request;
  }

  fs::path root_;
};

TEST_F(StaticFilesTest, EmptyDirServesNothing) {
  auto files = StaticFiles::Load("");
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(files->size(), 0);
  EXPECT_FALSE(files->placeholder());
  EXPECT_EQ(files->Find("/"), nullptr);
}

TEST_F(StaticFilesTest, MissingDirServesPlaceholderAtRoot) {
  const std::string dir = (root_ / "not-built").string();
  auto files = StaticFiles::Load(dir);
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_TRUE(files->placeholder());
  const StaticFile* page = files->Find("/");
  ASSERT_NE(page, nullptr);
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(page->cache_control, "no-store");
  EXPECT_NE(page->body.find("web UI was not built"), std::string::npos);
  EXPECT_NE(page->body.find(dir), std::string::npos);
  EXPECT_NE(page->body.find("make -C build voxface_web"), std::string::npos);
}

TEST_F(StaticFilesTest, PlaceholderEscapesTheFolderName) {
  auto files = StaticFiles::Load((root_ / "<script>").string());
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->Find("/")->body.find("<script>"), std::string::npos);
  EXPECT_NE(files->Find("/")->body.find("&lt;script&gt;"), std::string::npos);
}

TEST_F(StaticFilesTest, LoadsTheFolderAndAnswersFromMemory) {
  Write("index.html", "<!doctype html><title>x</title>");
  Write("app.js", "console.log(1)");
  Write("img/face.svg", "<svg/>");
  Write(".hidden", "secret");
  Write(".git/config", "secret");
  auto files = StaticFiles::Load(root_.string());
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(files->size(), 3);
  EXPECT_FALSE(files->placeholder());

  ASSERT_NE(files->Find("/"), nullptr);
  EXPECT_EQ(files->Find("/"), files->Find("/index.html"));
  EXPECT_EQ(files->Find("/?x=1"), files->Find("/index.html"));
  EXPECT_EQ(files->Find("/")->body, "<!doctype html><title>x</title>");
  ASSERT_NE(files->Find("/app.js?v=2"), nullptr);
  EXPECT_EQ(files->Find("/app.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(files->Find("/img/face.svg")->content_type, "image/svg+xml");
  for (const char* target : {"/.hidden", "/.git/config", "/nope.js", "app.js", "", "/img",
                             "/../app.js", "/img/../app.js", "//app.js", "/APP.JS"}) {
    EXPECT_EQ(files->Find(target), nullptr) << target;
  }

  // What appears after start is not served: requests never reach the file system.
  Write("late.js", "x");
  EXPECT_EQ(files->Find("/late.js"), nullptr);
}

TEST_F(StaticFilesTest, DoesNotFollowDirectorySymlinks) {
  Write("index.html", "i");
  Write("../outside-" + root_.filename().string() + "/secret.txt", "secret");
  const fs::path outside = root_.parent_path() / ("outside-" + root_.filename().string());
  fs::create_directory_symlink(outside, root_ / "link");
  auto files = StaticFiles::Load(root_.string());
  fs::remove_all(outside);
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(files->Find("/link/secret.txt"), nullptr);
}

TEST_F(StaticFilesTest, FolderWithoutIndexGetsThePlaceholder) {
  Write("app.js", "x");
  auto files = StaticFiles::Load(root_.string());
  ASSERT_TRUE(files.ok());
  EXPECT_TRUE(files->placeholder());
  EXPECT_NE(files->Find("/app.js"), nullptr);
  EXPECT_NE(files->Find("/")->body.find("not built"), std::string::npos);
}

TEST_F(StaticFilesTest, LimitsRejectHugeFolders) {
  Write("index.html", "0123456789");
  Write("a.js", "0123456789");
  StaticFilesLimits few_files;
  few_files.max_files = 1;
  auto too_many = StaticFiles::Load(root_.string(), few_files);
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(too_many.status().message().find("more than 1 files"), std::string::npos);

  StaticFilesLimits few_bytes;
  few_bytes.max_total_bytes = 15;
  EXPECT_FALSE(StaticFiles::Load(root_.string(), few_bytes).ok());
  EXPECT_TRUE(StaticFiles::Load(root_.string()).ok());
}

TEST_F(StaticFilesTest, ResponsesCarryTypeCachingAndEtag) {
  Write("index.html", "<p>page</p>");
  Write("app.js", "let a = 1;");
  auto files = StaticFiles::Load(root_.string());
  ASSERT_TRUE(files.ok());

  Response page = MakeStaticResponse(*files->Find("/"), Get("/"));
  EXPECT_EQ(page.result(), http::status::ok);
  EXPECT_EQ(page.body(), "<p>page</p>");
  EXPECT_EQ(page[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(page[http::field::cache_control], "no-cache");
  EXPECT_EQ(page["X-Content-Type-Options"], "nosniff");
  EXPECT_NE(page["Content-Security-Policy"].find("default-src 'self'"), std::string::npos);
  const std::string etag(page[http::field::etag]);
  EXPECT_EQ(etag.size(), 18u);
  EXPECT_EQ(etag.front(), '"');

  Response script = MakeStaticResponse(*files->Find("/app.js"), Get("/app.js"));
  EXPECT_EQ(script[http::field::content_type], "text/javascript; charset=utf-8");
  EXPECT_TRUE(script["Content-Security-Policy"].empty());
  EXPECT_NE(std::string(script[http::field::etag]), etag);

  // A browser revalidating its copy gets a 304 without the body.
  Request again = Get("/");
  again.set(http::field::if_none_match, "W/\"0000000000000000\", " + etag);
  Response cached = MakeStaticResponse(*files->Find("/"), again);
  EXPECT_EQ(cached.result(), http::status::not_modified);
  EXPECT_TRUE(cached.body().empty());
  EXPECT_EQ(cached[http::field::etag], etag);
  again.set(http::field::if_none_match, "\"0000000000000000\"");
  EXPECT_EQ(MakeStaticResponse(*files->Find("/"), again).result(), http::status::ok);
}

// The hooks in routes.cc: GET / is the page, other files only when no route matches.
TEST_F(StaticFilesTest, RoutesServeThePageAndItsFiles) {
  Write("index.html", "<p>page</p>");
  Write("app.js", "let a = 1;");
  auto files = StaticFiles::Load(root_.string());
  ASSERT_TRUE(files.ok());
  RouteContext ctx;
  ctx.web_files = &*files;
  auto fetch = [&](http::verb method, const std::string& target) {
    Request request{method, target, 11};
    return HandleRequest(MatchRoute(method, target), request, ctx);
  };
  EXPECT_EQ(MatchRoute(http::verb::get, "/").label, "/");
  EXPECT_EQ(fetch(http::verb::get, "/").body(), "<p>page</p>");
  EXPECT_EQ(fetch(http::verb::get, "/?utm=1").body(), "<p>page</p>");
  EXPECT_EQ(fetch(http::verb::get, "/app.js").body(), "let a = 1;");
  Response missing = fetch(http::verb::get, "/nope.js");
  EXPECT_EQ(missing.result(), http::status::not_found);
  EXPECT_NE(missing.body().find("\"not_found\""), std::string::npos);
  EXPECT_EQ(fetch(http::verb::post, "/").result(), http::status::method_not_allowed);
  EXPECT_EQ(fetch(http::verb::post, "/app.js").result(), http::status::not_found);
  ctx.web_files = nullptr;
  EXPECT_EQ(fetch(http::verb::get, "/").result(), http::status::not_found);
  EXPECT_EQ(fetch(http::verb::get, "/app.js").result(), http::status::not_found);
}

TEST(ContentTypeFor, KnownAndUnknownExtensions) {
  EXPECT_EQ(ContentTypeFor("/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/app.js.map"), "application/json");
  EXPECT_EQ(ContentTypeFor("/favicon.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("/x.bin"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("/noextension"), "application/octet-stream");
}

TEST(DefaultWebDir, IsTheBuildsBundle) {
  EXPECT_TRUE(std::string(DefaultWebDir()).ends_with("/web/dist")) << DefaultWebDir();
  EXPECT_EQ(ServerConfig().web_dir, DefaultWebDir());
}

}  // namespace
}  // namespace voxface::server
