// SPDX-License-Identifier: Apache-2.0
// `voxface eval`: lip-sync metrics for one track, or for the whole dev set (animating every clip
// with and without its transcript).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "commands.h"

namespace voxface::cli {
namespace fs = std::filesystem;
namespace {

struct Clip {
  std::string id, wav, phones, transcript, source;
};

Result<std::vector<Clip>> ReadManifest(const std::string& path_or_dir) {
  fs::path path = path_or_dir;
  if (fs::is_directory(path)) path /= "manifest.tsv";
  std::ifstream in(path);
  if (!in) {
    return Status::NotFound("dev-set manifest '" + path.string() +
                            "' not found; build it with scripts/make-devset.sh");
  }
  const fs::path base = path.parent_path();
  auto resolve = [&](const std::string& p) {
    return p.empty() || fs::path(p).is_absolute() ? p : (base / p).string();
  };
  std::vector<Clip> clips;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    if (cols.size() < 5 || cols[0] == "clip_id") continue;
    // Sources are "engine:voice"; the table groups by engine.
    std::string source = cols[4].substr(0, cols[4].find(':'));
    clips.push_back({cols[0], resolve(cols[1]), resolve(cols[2]), resolve(cols[3]), source});
  }
  if (clips.empty())
    return Status::CorruptData("dev-set manifest '" + path.string() + "' lists no clips");
  return clips;
}

struct Tally {
  LipSyncCounts counts;
  double audio_s = 0, compute_s = 0;
  int failed = 0;
};

std::string Row(const std::string& name, const Tally& t) {
  LipSyncMetrics m = Summarize(t.counts);
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "| %-22s | %5d | %6.1f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %+.3f | %.3f "
                "| %+4.0f | %.4f | %.3f | %.3f |",
                name.c_str(), m.clips, t.audio_s, m.bcr, m.ovo, m.rr, m.fr, m.sr, m.sa, m.rs, m.r,
                m.lag_ms, m.jit, m.score, t.audio_s > 0 ? t.compute_s / t.audio_s : 0.0);
  return buf;
}

const char* kHeader =
    "| set                    | clips | audio s | BCR   | OVO   | RR    | FR    | SR    | SA    | "
    "RS     | R     | LAG  | JIT    | SCORE | RTF   |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

}  // namespace

int RunEval(const EvalArgs& args) {
  if (args.devset.empty()) {
    if (args.ref.empty() || args.pred.empty()) {
      return Fail(Status::InvalidArgument("eval needs --ref and --pred, or --devset"));
    }
    auto ref = ReadPhoneFile(args.ref);
    if (!ref.ok()) return Fail(ref.status());
    auto track = LoadTrackFile(args.pred, args.csv_fps);
    if (!track.ok()) return Fail(track.status());
    auto counts = EvaluateClip(*ref, *track);
    if (!counts.ok()) return Fail(counts.status());
    std::printf("%s\n", FormatMetrics(Summarize(*counts)).c_str());
    return 0;
  }
  if (args.mode != "text" && args.mode != "audio" && args.mode != "both") {
    return Fail(Status::InvalidArgument("--mode must be text, audio or both"));
  }
  auto clips = ReadManifest(args.devset);
  if (!clips.ok()) return Fail(clips.status());
  auto config = ToEngineConfig(args.engine);
  if (!config.ok()) return Fail(config.status());
  auto engine = Engine::Create(*config);
  if (!engine.ok()) return Fail(engine.status());

  std::vector<bool> modes;
  if (args.mode != "audio") modes.push_back(true);
  if (args.mode != "text") modes.push_back(false);
  std::map<std::string, Tally> tallies;  // "source, with text" -> tally
  std::map<std::string, int> taken;
  int unreadable = 0;  // Clips whose files could not be read.
  for (const auto& clip : *clips) {
    if (args.limit > 0 && taken[clip.source]++ >= args.limit) continue;
    auto ref = ReadPhoneFile(clip.phones);
    auto audio = LoadAudioFile(clip.wav, config->audio);
    if (!ref.ok() || !audio.ok()) {
      Fail((ref.ok() ? audio.status() : ref.status()).WithContext(clip.id));
      ++unreadable;
      continue;
    }
    for (bool with_text : modes) {
      AnimateOptions options;
      if (with_text) {
        auto text = ReadTextFile(clip.transcript);
        if (!text.ok()) {
          Fail(text.status().WithContext(clip.id));
          ++unreadable;
          continue;
        }
        options.text = *text;
      }
      auto start = std::chrono::steady_clock::now();
      auto track = (*engine)->Animate(*audio, options);
      double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      for (const std::string& key : {clip.source + (with_text ? ", text" : ", audio only"),
                                     std::string(with_text ? "all, text" : "all, audio only")}) {
        Tally& t = tallies[key];
        if (!track.ok()) {
          ++t.failed;
          continue;
        }
        auto counts = EvaluateClip(*ref, *track);
        if (!counts.ok()) {
          ++t.failed;
          continue;
        }
        t.counts.Add(*counts);
        t.audio_s += audio->duration_s();
        t.compute_s += took;
      }
    }
  }
  std::ostringstream table;
  table << kHeader << "\n";
  for (const auto& [name, t] : tallies) table << Row(name, t) << "\n";
  std::printf("%s", table.str().c_str());
  int failed = unreadable;
  for (const auto& [name, t] : tallies) {
    if (t.failed) std::fprintf(stderr, "voxface: %s: %d clips failed\n", name.c_str(), t.failed);
    failed += t.failed;
  }
  if (!args.report.empty()) {
    Status s = WriteTextFile(args.report, table.str());
    if (!s.ok()) return Fail(s);
  }
  return failed ? 1 : 0;
}

}  // namespace voxface::cli
