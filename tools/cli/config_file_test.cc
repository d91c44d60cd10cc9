// SPDX-License-Identifier: Apache-2.0
#include "config_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace voxface::cli {
namespace {

class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    serve_ = app_.add_subcommand("serve", "");
    serve_->add_option("--port", port_);
    serve_->add_option("--host", host_);
    serve_->add_option("--rate-limit", rate_);
    serve_->add_option("--emotion", emotions_);
    serve_->add_flag("--no-upper-face", flag_);
    serve_->add_option("--config", config_);
  }
  std::string Write(const std::string& text) {
    char path[] = "/tmp/voxface_cfg_XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    std::ofstream(path) << text;
    paths_.push_back(path);
    return path;
  }
  void TearDown() override {
    for (const auto& p : paths_) std::remove(p.c_str());
  }

  CLI::App app_;
  CLI::App* serve_ = nullptr;
  int port_ = 0;
  std::string host_, config_;
  double rate_ = 0;
  std::vector<std::string> emotions_;
  bool flag_ = false;
  std::vector<std::string> paths_;
};

TEST_F(ConfigFileTest, TurnsSettingsIntoFlags) {
  const std::string path = Write(
      "# comment\n[serve]\nport = 9000  # trailing\nhost = \"0.0.0.0\"\nrate_limit = 2.5\n"
      "emotion = [\"joy=0.4\", 'surprise=0.1']\nno-upper-face = true\n");
  auto args = ConfigFileArgs(path, *serve_);
  ASSERT_TRUE(args.ok()) << args.status().message();
  const std::vector<std::string> expected = {
      "--port",    "9000",    "--host",    "0.0.0.0",      "--rate-limit",   "2.5",
      "--emotion", "joy=0.4", "--emotion", "surprise=0.1", "--no-upper-face"};
  EXPECT_EQ(*args, expected);
}

TEST_F(ConfigFileTest, ErrorsNameFileAndLine) {
  auto unknown = ConfigFileArgs(Write("port = 1\nbogus = 2\n"), *serve_);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find(":2: unknown setting 'bogus'"), std::string::npos)
      << unknown.status().message();
  auto section = ConfigFileArgs(Write("[animate]\n"), *serve_);
  ASSERT_FALSE(section.ok());
  EXPECT_NE(section.status().message().find("is not [serve]"), std::string::npos);
  auto malformed = ConfigFileArgs(Write("port 9000\n"), *serve_);
  ASSERT_FALSE(malformed.ok());
  auto flag = ConfigFileArgs(Write("no-upper-face = 3\n"), *serve_);
  ASSERT_FALSE(flag.ok());
  EXPECT_FALSE(ConfigFileArgs("/nonexistent.toml", *serve_).ok());
}

TEST_F(ConfigFileTest, CommandLineFlagsWin) {
  const std::string path = Write("port = 9000\nhost = 0.0.0.0\n");
  std::vector<std::string> argv_s = {"voxface", "serve", "--port", "7000", "--config", path};
  std::vector<char*> argv;
  for (auto& s : argv_s) argv.push_back(s.data());
  auto expanded = ExpandConfigFiles(static_cast<int>(argv.size()), argv.data(), app_, {"serve"});
  ASSERT_TRUE(expanded.ok()) << expanded.status().message();
  const std::vector<std::string> expected = {"voxface", "serve",  "--port", "9000",
                                             "--host",  "0.0.0.0", "--port", "7000"};
  EXPECT_EQ(*expanded, expected);
  serve_->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  // Another subcommand, or no --config: unchanged.
  std::vector<std::string> plain = {"voxface", "serve", "--port", "1"};
  std::vector<char*> pargv;
  for (auto& s : plain) pargv.push_back(s.data());
  EXPECT_EQ(*ExpandConfigFiles(4, pargv.data(), app_, {"serve"}), plain);
}

}  // namespace
}  // namespace voxface::cli
