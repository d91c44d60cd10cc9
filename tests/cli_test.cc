// SPDX-License-Identifier: Apache-2.0
// The voxface command line: outputs, exit codes and one-line errors on bad input.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "voxface/voxface.h"

namespace voxface {
namespace {
namespace fs = std::filesystem;

struct CliRun {
  int code;
  std::string out;  // stdout and stderr together
};

CliRun RunCli(const std::string& args) {
  std::string cmd = std::string(VOXFACE_CLI) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), out};
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("voxface_cli_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) { return (dir_ / name).string(); }
  void WriteBytes(const std::string& name, const std::string& bytes) {
    std::ofstream(Path(name), std::ios::binary) << bytes;
  }
  fs::path dir_;
};

const std::string kClip = std::string(VOXFACE_TEST_DATA_DIR) + "/flite_slt_book.wav";

TEST_F(CliTest, VersionAndHelp) {
  CliRun v = RunCli("--version");
  EXPECT_EQ(v.code, 0);
  EXPECT_NE(v.out.find(Version()), std::string::npos);
  CliRun h = RunCli("animate --help");
  EXPECT_EQ(h.code, 0);
  EXPECT_NE(h.out.find("--emotion"), std::string::npos);
}

TEST_F(CliTest, AnimatesToEveryFormatAndPlots) {
  CliRun r =
      RunCli("animate " + kClip + " --text 'Please bring me the blue book. Maybe tomorrow.' -o " +
             Path("a.json") + " --emotion joy=0.5 --seed 3");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("178 frames"), std::string::npos) << r.out;
  auto track = LoadTrackFile(Path("a.json"));
  ASSERT_TRUE(track.ok()) << track.status().ToString();
  EXPECT_EQ(track->seed, 3u);
  ASSERT_EQ(RunCli("animate -q " + kClip + " -o " + Path("a.csv")).code, 0);
  auto csv = ReadTextFile(Path("a.csv"));
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->rfind("Timecode,BlendShapeCount,EyeBlinkLeft", 0), 0u);
  ASSERT_EQ(RunCli("animate -q " + kClip + " --fps 30 -o " + Path("a.tsv")).code, 0);
  auto tsv = ReadTextFile(Path("a.tsv"));
  ASSERT_TRUE(tsv.ok());
  EXPECT_NE(tsv->find("\tA"), std::string::npos) << *tsv;  // p/b/m closed mouth
  CliRun plot = RunCli("plot " + Path("a.json") + " -o " + Path("a.svg"));
  ASSERT_EQ(plot.code, 0) << plot.out;
  auto svg = ReadTextFile(Path("a.svg"));
  ASSERT_TRUE(svg.ok());
  EXPECT_NE(svg->find("<svg"), std::string::npos);
  CliRun stdout_json = RunCli("animate -q " + kClip);
  EXPECT_EQ(stdout_json.code, 0);
  EXPECT_EQ(stdout_json.out.rfind("{", 0), 0u);
}

TEST_F(CliTest, AlignAndEval) {
  CliRun a =
      RunCli("align " + kClip + " --text 'Please bring me the blue book. Maybe tomorrow.' -o " +
             Path("ref.phones"));
  ASSERT_EQ(a.code, 0) << a.out;
  ASSERT_EQ(RunCli("animate -q " + kClip + " -o " + Path("p.json")).code, 0);
  CliRun e = RunCli("eval --ref " + Path("ref.phones") + " --pred " + Path("p.json"));
  ASSERT_EQ(e.code, 0) << e.out;
  EXPECT_NE(e.out.find("BCR"), std::string::npos);
  EXPECT_NE(e.out.find("SCORE"), std::string::npos);
  // A transcript with nothing to align is no reference: align refuses it.
  CliRun none = RunCli("align " + kClip + " --text '?!' -o " + Path("none.phones"));
  EXPECT_EQ(none.code, 1) << none.out;
  EXPECT_NE(none.out.find("no English words"), std::string::npos) << none.out;
}

// Every bad input ends with exit code 1 and one line "voxface: ..." saying what was wrong.
TEST_F(CliTest, BadInputGivesOneLineError) {
  std::ifstream in(kClip, std::ios::binary);
  std::string wav((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  WriteBytes("truncated.wav", wav.substr(0, 30));
  std::mt19937 rng(1);
  std::string noise(5000, '\0');
  for (auto& c : noise) c = static_cast<char>(rng());
  WriteBytes("random.wav", noise);
  WriteBytes("empty.wav", "");
  Audio zero;
  ASSERT_TRUE(WriteWav(Path("zero.wav"), zero).ok());
  // A float WAV with a NaN: header from libsndfile is easiest via raw bytes of a tiny file.
  std::string nan_wav = "RIFF";
  auto u32 = [](uint32_t v) { return std::string(reinterpret_cast<char*>(&v), 4); };
  auto u16 = [](uint16_t v) { return std::string(reinterpret_cast<char*>(&v), 2); };
  float samples[4] = {0.1f, NAN, 0.2f, 0.0f};
  std::string data(reinterpret_cast<char*>(samples), sizeof samples);
  nan_wav += u32(36 + data.size()) + "WAVEfmt " + u32(16) + u16(3) + u16(1) + u32(16000) +
             u32(64000) + u16(4) + u16(32) + "data" + u32(data.size()) + data;
  WriteBytes("nan.wav", nan_wav);
  for (const char* name : {"truncated.wav", "random.wav", "empty.wav", "zero.wav", "nan.wav"}) {
    CliRun r = RunCli("animate " + Path(name) + " -o " + Path("x.json"));
    EXPECT_EQ(r.code, 1) << name << ": " << r.out;
    EXPECT_EQ(r.out.rfind("voxface: ", 0), 0u) << name << ": " << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << name << ": " << r.out;
  }
  // Usage errors: exit code 2, one line.
  CliRun missing = RunCli("animate /nonexistent.wav");
  EXPECT_EQ(missing.code, 2);
  EXPECT_EQ(std::count(missing.out.begin(), missing.out.end(), '\n'), 1) << missing.out;
  EXPECT_EQ(RunCli("").code, 2);
  EXPECT_EQ(RunCli("animate --no-such-flag x").code, 2);
  CliRun bad_fps = RunCli("animate " + kClip + " --fps 0");
  EXPECT_EQ(bad_fps.code, 1);
  EXPECT_NE(bad_fps.out.find("fps"), std::string::npos);
  CliRun bad_emotion = RunCli("animate " + kClip + " --emotion boredom=1");
  EXPECT_EQ(bad_emotion.code, 1);
  EXPECT_NE(bad_emotion.out.find("boredom"), std::string::npos);
  CliRun bad_format = RunCli("animate " + kClip + " -o " + Path("x.xyz"));
  EXPECT_EQ(bad_format.code, 1);
}

// Folders, a manifest and --jobs: outputs mirror the folder, a second run skips what is done, a
// newer input is redone, and one bad file fails the run without stopping the others.
TEST_F(CliTest, BatchModeMirrorsFoldersAndResumes) {
  fs::create_directories(dir_ / "in" / "sub");
  fs::copy_file(kClip, dir_ / "in" / "a.wav");
  fs::copy_file(kClip, dir_ / "in" / "sub" / "b.wav");
  std::ofstream(Path("in/a.txt")) << "Please bring me the blue book. Maybe tomorrow.";
  CliRun first = RunCli("animate " + Path("in") + " -o " + Path("out") + " --transcripts -j 2");
  ASSERT_EQ(first.code, 0) << first.out;
  EXPECT_NE(first.out.find("2 items: 2 animated, 0 up to date, 0 failed"), std::string::npos)
      << first.out;
  ASSERT_TRUE(fs::exists(Path("out/a.json")));
  ASSERT_TRUE(fs::exists(Path("out/sub/b.json")));
  auto a = LoadTrackFile(Path("out/a.json"));
  ASSERT_TRUE(a.ok());
  // The transcript beside it was used: every word of it is in the track.
  std::string words;
  for (const auto& w : a->words) words += w.word + " ";
  EXPECT_NE(words.find("maybe tomorrow"), std::string::npos) << words;
  for (const auto& entry : fs::recursive_directory_iterator(dir_ / "out")) {
    EXPECT_EQ(entry.path().string().find(".part"), std::string::npos) << entry.path();
  }

  CliRun again = RunCli("animate " + Path("in") + " -o " + Path("out") + " --transcripts");
  ASSERT_EQ(again.code, 0) << again.out;
  EXPECT_NE(again.out.find("0 animated, 2 up to date"), std::string::npos) << again.out;
  fs::last_write_time(Path("in/sub/b.wav"),
                      fs::file_time_type::clock::now() + std::chrono::hours(1));
  CliRun touched = RunCli("animate " + Path("in") + " -o " + Path("out"));
  EXPECT_NE(touched.out.find("1 animated, 1 up to date"), std::string::npos) << touched.out;

  WriteBytes("in/broken.wav", "RIFF garbage");
  std::ofstream(Path("list.tsv")) << "# clips\nin/a.wav\tin/a.txt\nin/broken.wav\n";
  CliRun manifest =
      RunCli("animate --manifest " + Path("list.tsv") + " -o " + Path("m") + " -f csv");
  EXPECT_EQ(manifest.code, 1) << manifest.out;
  EXPECT_NE(manifest.out.find("broken.wav"), std::string::npos) << manifest.out;
  EXPECT_NE(manifest.out.find("1 animated, 0 up to date, 1 failed"), std::string::npos)
      << manifest.out;
  EXPECT_TRUE(fs::exists(Path("m/in/a.csv")));

  CliRun clash = RunCli("animate " + Path("in") + " " + Path("in/a.wav") + " -o " + Path("c"));
  EXPECT_EQ(clash.code, 1);
  EXPECT_NE(clash.out.find("would both write"), std::string::npos) << clash.out;
}

}  // namespace
}  // namespace voxface
