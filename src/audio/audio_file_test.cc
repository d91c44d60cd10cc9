// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <random>

#include "audio/test_util.h"
#include "voxface/audio.h"

namespace voxface {
namespace {

using testing_util::EstimateFrequency;
using testing_util::MaxSineError;
using testing_util::ReadBytes;
using testing_util::Sine;
using testing_util::TempPath;
using testing_util::WriteBytes;
using testing_util::WriteSoundFile;

constexpr double kToneHz = 440.0;
constexpr float kAmplitude = 0.5f;

struct FormatCase {
  const char* name;
  const char* extension;
  int format;
  int rate;
  bool lossy;
  const char* container;
  const char* encoding;
};

void PrintTo(const FormatCase& c, std::ostream* os) { *os << c.name; }

class AudioFileFormatTest : public ::testing::TestWithParam<FormatCase> {
 protected:
  // Writes a 1 s stereo tone in the case's format, or skips when libsndfile cannot encode it.
  std::string WriteTone() {
    const FormatCase& c = GetParam();
    const std::string path = TempPath(std::string("tone.") + c.extension);
    const std::string error =
        WriteSoundFile(path, Sine(kToneHz, c.rate, c.rate, kAmplitude, 2), c.rate, 2, c.format);
    if (!error.empty()) {
      skipped_ = "this libsndfile build cannot write " + std::string(c.name) + ": " + error;
    }
    return path;
  }
  std::string skipped_;
};

TEST_P(AudioFileFormatTest, LoadsAs16kMonoTone) {
  const FormatCase& c = GetParam();
  const std::string path = WriteTone();
  if (!skipped_.empty()) GTEST_SKIP() << skipped_;

  Result<Audio> audio = LoadAudioFile(path);
  ASSERT_TRUE(audio.ok()) << audio.status().ToString();
  EXPECT_EQ(audio->sample_rate_hz, 16000);
  // Lossy encoders pad to whole codec frames; libsndfile trims most but not all of it.
  EXPECT_NEAR(audio->duration_s(), 1.0, c.lossy ? 0.06 : 2.0 / 16000);
  EXPECT_NEAR(EstimateFrequency(audio->samples, 16000, 1600), kToneHz, c.lossy ? 2.0 : 0.5);
  if (!c.lossy) {
    // Lossless input must come out as the analytic tone: catches any offset or gain error.
    EXPECT_LT(MaxSineError(audio->samples, kToneHz, 16000, kAmplitude, 100), 1e-3);
  } else {
    double energy = 0.0;
    for (size_t i = 1600; i < 14400; ++i) energy += audio->samples[i] * audio->samples[i];
    const double rms = std::sqrt(energy / (14400 - 1600));
    EXPECT_NEAR(rms, kAmplitude / std::sqrt(2.0), 0.05);
  }
  EXPECT_TRUE(audio->warnings.empty()) << audio->warnings.front();
}

TEST_P(AudioFileFormatTest, ProbeDescribesSource) {
  const FormatCase& c = GetParam();
  const std::string path = WriteTone();
  if (!skipped_.empty()) GTEST_SKIP() << skipped_;

  Result<AudioInfo> info = ProbeAudioFile(path);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->container, c.container);
  EXPECT_EQ(info->encoding, c.encoding);
  EXPECT_EQ(info->channels, 2);
  EXPECT_EQ(info->sample_rate_hz, c.rate);
  EXPECT_NEAR(info->duration_s(), 1.0, c.lossy ? 0.06 : 1e-9);
}

TEST_P(AudioFileFormatTest, DecodeFromMemoryEqualsLoad) {
  const std::string path = WriteTone();
  if (!skipped_.empty()) GTEST_SKIP() << skipped_;

  Result<Audio> from_file = LoadAudioFile(path);
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  const std::vector<uint8_t> bytes = ReadBytes(path);
  Result<Audio> from_memory = DecodeAudio(bytes.data(), bytes.size());
  ASSERT_TRUE(from_memory.ok()) << from_memory.status().ToString();
  EXPECT_EQ(from_memory->samples, from_file->samples);
  EXPECT_EQ(from_memory->sample_rate_hz, from_file->sample_rate_hz);
}

INSTANTIATE_TEST_SUITE_P(
    Formats, AudioFileFormatTest,
    ::testing::Values(FormatCase{"WAV_PCM16", "wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 22050, false,
                                 "WAV", "PCM_16"},
                      FormatCase{"WAV_FLOAT", "wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 44100, false,
                                 "WAV", "FLOAT"},
                      FormatCase{"FLAC", "flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 48000, false,
                                 "FLAC", "PCM_16"},
                      FormatCase{"OGG_VORBIS", "ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS, 44100, true,
                                 "OGG", "VORBIS"},
                      // libsndfile's Opus encoder only takes the rates Opus itself runs at.
                      FormatCase{"OGG_OPUS", "opus", SF_FORMAT_OGG | SF_FORMAT_OPUS, 48000, true,
                                 "OGG", "OPUS"},
                      FormatCase{"MP3", "mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 44100,
                                 true, "MPEG", "MPEG_LAYER_III"}),
    [](const ::testing::TestParamInfo<FormatCase>& info) { return std::string(info.param.name); });

std::string WriteWavTone(double seconds, int rate = 16000, int format = SF_FORMAT_PCM_16) {
  const std::string path = TempPath("tone.wav");
  const auto frames = static_cast<int64_t>(seconds * rate);
  EXPECT_EQ(WriteSoundFile(path, Sine(kToneHz, rate, frames, kAmplitude), rate, 1,
                           SF_FORMAT_WAV | format),
            "");
  return path;
}

void ExpectError(const Result<Audio>& audio, std::initializer_list<StatusCode> codes) {
  ASSERT_FALSE(audio.ok());
  EXPECT_FALSE(audio.status().message().empty());
  bool listed = false;
  for (StatusCode code : codes) listed |= audio.status().code() == code;
  EXPECT_TRUE(listed) << audio.status().ToString();
}

TEST(AudioFileTest, MissingFile) {
  Result<Audio> audio = LoadAudioFile(TempPath("does-not-exist.wav"));
  ExpectError(audio, {StatusCode::kNotFound});
  EXPECT_NE(audio.status().message().find("does-not-exist.wav"), std::string::npos);
  EXPECT_EQ(ProbeAudioFile(TempPath("nope.flac")).status().code(), StatusCode::kNotFound);
}

TEST(AudioFileTest, DirectoryIsRejected) {
  ExpectError(LoadAudioFile(::testing::TempDir()), {StatusCode::kInvalidArgument});
}

TEST(AudioFileTest, EmptyFile) {
  const std::string path = TempPath("empty.wav");
  WriteBytes(path, {});
  ExpectError(LoadAudioFile(path), {StatusCode::kCorruptData});
  ExpectError(DecodeAudio(nullptr, 0), {StatusCode::kCorruptData});
}

TEST(AudioFileTest, WavCutTo30Bytes) {
  std::vector<uint8_t> bytes = ReadBytes(WriteWavTone(0.5));
  bytes.resize(30);
  const std::string path = TempPath("cut.wav");
  WriteBytes(path, bytes);
  ExpectError(LoadAudioFile(path), {StatusCode::kCorruptData, StatusCode::kUnsupported});
  ExpectError(DecodeAudio(bytes.data(), bytes.size()),
              {StatusCode::kCorruptData, StatusCode::kUnsupported});
}

TEST(AudioFileTest, HeaderOnlyWavHasNoSamples) {
  std::vector<uint8_t> bytes = ReadBytes(WriteWavTone(0.5));
  bytes.resize(44);  // Canonical header; it still claims 0.5 s of data.
  Result<Audio> audio = DecodeAudio(bytes.data(), bytes.size());
  ExpectError(audio, {StatusCode::kCorruptData});
  EXPECT_NE(audio.status().message().find("truncated"), std::string::npos)
      << audio.status().message();
}

TEST(AudioFileTest, TruncatedWavKeepsWhatIsThere) {
  std::vector<uint8_t> bytes = ReadBytes(WriteWavTone(1.0));
  bytes.resize(44 + 2 * 4000);  // A quarter of the promised data.
  const std::string path = TempPath("truncated.wav");
  WriteBytes(path, bytes);
  Result<Audio> audio = LoadAudioFile(path);
  ASSERT_TRUE(audio.ok()) << audio.status().ToString();
  EXPECT_NEAR(audio->duration_s(), 0.25, 1e-3);
  ASSERT_EQ(audio->warnings.size(), 1u);
  EXPECT_NE(audio->warnings[0].find("truncated"), std::string::npos) << audio->warnings[0];
  // The intact file must not warn.
  Result<Audio> whole = LoadAudioFile(WriteWavTone(1.0));
  ASSERT_TRUE(whole.ok());
  EXPECT_TRUE(whole->warnings.empty());
}

TEST(AudioFileTest, TruncatedFlacKeepsWhatIsThere) {
  const std::string full = TempPath("tone.flac");
  ASSERT_EQ(WriteSoundFile(full, Sine(kToneHz, 44100, 44100, kAmplitude), 44100, 1,
                           SF_FORMAT_FLAC | SF_FORMAT_PCM_16),
            "");
  std::vector<uint8_t> bytes = ReadBytes(full);
  bytes.resize(bytes.size() / 2);
  Result<Audio> audio = DecodeAudio(bytes.data(), bytes.size());
  ASSERT_TRUE(audio.ok()) << audio.status().ToString();
  EXPECT_GT(audio->duration_s(), 0.2);
  EXPECT_LT(audio->duration_s(), 0.8);
  ASSERT_FALSE(audio->warnings.empty());
  EXPECT_NE(audio->warnings[0].find("truncated"), std::string::npos) << audio->warnings[0];
}

TEST(AudioFileTest, RandomBytes) {
  std::mt19937 rng(42);
  std::vector<uint8_t> bytes(5000);
  for (auto& b : bytes) b = static_cast<uint8_t>(rng());
  const std::string path = TempPath("noise.wav");
  WriteBytes(path, bytes);
  Result<Audio> audio = LoadAudioFile(path);
  ExpectError(audio, {StatusCode::kUnsupported, StatusCode::kCorruptData});
  EXPECT_NE(audio.status().message().find("noise.wav"), std::string::npos);
  ExpectError(DecodeAudio(bytes.data(), bytes.size()),
              {StatusCode::kUnsupported, StatusCode::kCorruptData});
}

TEST(AudioFileTest, ZeroFrameWav) {
  const std::string path = TempPath("zero.wav");
  ASSERT_EQ(WriteSoundFile(path, {}, 16000, 1, SF_FORMAT_WAV | SF_FORMAT_PCM_16), "");
  Result<Audio> audio = LoadAudioFile(path);
  ExpectError(audio, {StatusCode::kCorruptData});
  EXPECT_NE(audio.status().message().find("no audio samples"), std::string::npos);
}

TEST(AudioFileTest, NanInFloatWav) {
  std::vector<float> x = Sine(kToneHz, 44100, 44100, kAmplitude, 2);
  x[2 * 30000] = std::numeric_limits<float>::quiet_NaN();
  const std::string path = TempPath("nan.wav");
  ASSERT_EQ(WriteSoundFile(path, x, 44100, 2, SF_FORMAT_WAV | SF_FORMAT_FLOAT), "");
  Result<Audio> audio = LoadAudioFile(path);
  ExpectError(audio, {StatusCode::kCorruptData});
  EXPECT_NE(audio.status().message().find("sample 30000"), std::string::npos)
      << audio.status().message();
  EXPECT_NE(audio.status().message().find("NaN"), std::string::npos);
}

TEST(AudioFileTest, TooLong) {
  AudioOptions options;
  options.max_duration_s = 0.5;
  Result<Audio> audio = LoadAudioFile(WriteWavTone(1.0), options);
  ExpectError(audio, {StatusCode::kOutOfRange});
  EXPECT_NE(audio.status().message().find("max_duration_s"), std::string::npos);
}

TEST(AudioFileTest, SilenceWarns) {
  const std::string path = TempPath("silent.flac");
  ASSERT_EQ(WriteSoundFile(path, std::vector<float>(2 * 32000, 0.0f), 32000, 2,
                           SF_FORMAT_FLAC | SF_FORMAT_PCM_16),
            "");
  Result<Audio> audio = LoadAudioFile(path);
  ASSERT_TRUE(audio.ok()) << audio.status().ToString();
  EXPECT_NEAR(audio->duration_s(), 1.0, 1e-3);
  ASSERT_EQ(audio->warnings.size(), 1u);
  EXPECT_NE(audio->warnings[0].find("silent"), std::string::npos);
}

TEST(AudioFileTest, BadOptions) {
  AudioOptions options;
  options.target_rate_hz = 0;
  ExpectError(LoadAudioFile(WriteWavTone(0.1), options), {StatusCode::kInvalidArgument});
}

TEST(AudioFileTest, OtherTargetRate) {
  AudioOptions options;
  options.target_rate_hz = 24000;
  Result<Audio> audio = LoadAudioFile(WriteWavTone(1.0, 44100), options);
  ASSERT_TRUE(audio.ok());
  EXPECT_EQ(audio->sample_rate_hz, 24000);
  EXPECT_NEAR(static_cast<double>(audio->samples.size()), 24000.0, 2.0);
  EXPECT_LT(MaxSineError(audio->samples, kToneHz, 24000, kAmplitude, 100), 1e-3);
}

TEST(AudioFileTest, WriteWavRoundTrips) {
  Audio audio;
  audio.samples = Sine(kToneHz, 16000, 8000, kAmplitude);
  audio.samples[10] = 1.5f;  // Clipped, not wrapped.
  const std::string path = TempPath("written.wav");
  ASSERT_TRUE(WriteWav(path, audio).ok());
  Result<AudioInfo> info = ProbeAudioFile(path);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->encoding, "PCM_16");
  EXPECT_EQ(info->frames, 8000);
  Result<Audio> back = LoadAudioFile(path);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->samples.size(), audio.samples.size());
  EXPECT_GT(back->samples[10], 0.99f);
  for (size_t i = 0; i < audio.samples.size(); ++i) {
    if (i != 10) {
      ASSERT_NEAR(back->samples[i], audio.samples[i], 1.0 / 32768) << i;
    }
  }
}

TEST(AudioFileTest, WriteWavFailsCleanly) {
  Audio audio;
  audio.samples = {0.0f, 0.1f};
  Status s = WriteWav(TempPath("no-such-dir") + "/x.wav", audio);
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_FALSE(s.message().empty());
  audio.sample_rate_hz = 0;
  EXPECT_EQ(WriteWav(TempPath("x.wav"), audio).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace voxface
