// SPDX-License-Identifier: Apache-2.0
#include "batch.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

namespace voxface::cli {
namespace fs = std::filesystem;
namespace {

const char* Extension(ExportFormat f) {
  switch (f) {
    case ExportFormat::kCsv:
      return ".csv";
    case ExportFormat::kTsv:
      return ".tsv";
    default:
      return ".json";
  }
}

bool IsAudioFile(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == ".wav" || ext == ".flac" || ext == ".ogg" || ext == ".oga" || ext == ".opus" ||
         ext == ".mp3";
}

std::string TranscriptBeside(const fs::path& audio) {
  fs::path txt = audio;
  txt.replace_extension(".txt");
  std::error_code ec;
  return fs::is_regular_file(txt, ec) ? txt.string() : "";
}

// `relative` (audio path relative to its root) -> output path with the format's extension.
std::string OutputFor(const BatchOptions& o, const fs::path& relative) {
  fs::path out = fs::path(o.out_dir) / relative;
  out.replace_extension(Extension(o.format));
  return out.lexically_normal().string();
}

Status AddFolder(const BatchOptions& o, const fs::path& root, std::vector<BatchItem>* items) {
  std::error_code ec;
  std::vector<fs::path> found;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && IsAudioFile(it->path())) found.push_back(it->path());
  }
  if (ec) return Status::IoError("cannot list folder " + root.string() + ": " + ec.message());
  std::sort(found.begin(), found.end());  // a stable order: same plan, same progress, same logs
  for (const fs::path& p : found) {
    items->push_back({p.string(), o.transcripts ? TranscriptBeside(p) : "",
                      OutputFor(o, p.lexically_relative(root))});
  }
  return Status::Ok();
}

Status AddManifest(const BatchOptions& o, std::vector<BatchItem>* items) {
  std::ifstream in(o.manifest);
  if (!in) return Status::NotFound("cannot read manifest " + o.manifest);
  const fs::path base = fs::path(o.manifest).parent_path();
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    fs::path audio = line.substr(0, tab);
    std::string transcript = tab == std::string::npos ? "" : line.substr(tab + 1);
    if (audio.is_relative()) audio = base / audio;
    if (!transcript.empty() && fs::path(transcript).is_relative()) {
      transcript = (base / transcript).string();
    }
    std::error_code ec;
    if (!fs::is_regular_file(audio, ec)) {
      return Status::NotFound(o.manifest + ":" + std::to_string(number) + ": no audio file " +
                              audio.string());
    }
    if (transcript.empty() && o.transcripts) transcript = TranscriptBeside(audio);
    fs::path relative = audio.lexically_relative(base);
    if (relative.empty() || *relative.begin() == "..") relative = audio.filename();
    items->push_back({audio.string(), transcript, OutputFor(o, relative)});
  }
  return Status::Ok();
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Writes beside the destination and renames: readers and resumed runs see all or nothing.
Status WriteAtomically(const std::string& path, const std::string& body) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  const std::string tmp = path + ".part" + std::to_string(::getpid());
  VF_RETURN_IF_ERROR(WriteTextFile(tmp, body));
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Status::IoError("cannot rename " + tmp + " to " + path);
  }
  return Status::Ok();
}

}  // namespace

Status BatchOptions::Validate() const {
  if (jobs < 1 || jobs > 256) {
    return Status::InvalidArgument("--jobs must be in [1, 256], got " + std::to_string(jobs));
  }
  if (inputs.empty() && manifest.empty()) {
    return Status::InvalidArgument("nothing to animate: give audio files, folders or --manifest");
  }
  if (out_dir.empty()) return Status::InvalidArgument("the output folder (-o) must not be empty");
  return Status::Ok();
}

Result<std::vector<BatchItem>> PlanBatch(const BatchOptions& o) {
  VF_RETURN_IF_ERROR(o.Validate());
  std::vector<BatchItem> items;
  for (const std::string& input : o.inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      VF_RETURN_IF_ERROR(AddFolder(o, input, &items));
    } else if (fs::is_regular_file(input, ec)) {
      items.push_back({input, o.transcripts ? TranscriptBeside(input) : "",
                       OutputFor(o, fs::path(input).filename())});
    } else {
      return Status::NotFound("no such file or folder: " + input);
    }
  }
  if (!o.manifest.empty()) VF_RETURN_IF_ERROR(AddManifest(o, &items));
  if (items.empty()) {
    return Status::InvalidArgument(
        "no audio files found (looked for .wav .flac .ogg .oga .opus .mp3)");
  }
  std::map<std::string, std::string> writers;
  for (const BatchItem& item : items) {
    auto [it, fresh] = writers.emplace(item.output, item.audio);
    if (!fresh) {
      return Status::InvalidArgument(item.audio + " and " + it->second + " would both write " +
                                     item.output + ": rename one or animate them separately");
    }
  }
  return items;
}

bool IsUpToDate(const BatchItem& item) {
  std::error_code ec;
  const auto out_time = fs::last_write_time(item.output, ec);
  if (ec) return false;
  if (fs::last_write_time(item.audio, ec) > out_time || ec) return false;
  if (!item.transcript.empty() && (fs::last_write_time(item.transcript, ec) > out_time || ec)) {
    return false;
  }
  return true;
}

BatchSummary RunBatch(const Engine& engine, const std::vector<BatchItem>& items,
                      const BatchOptions& o) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const bool progress = !o.quiet && isatty(STDERR_FILENO);
  BatchSummary summary;
  std::mutex mu;  // guards summary and stderr
  std::atomic<size_t> next{0};
  size_t finished = 0;

  auto report = [&](const BatchItem& item, const Status& status) {
    if (!status.ok()) std::fprintf(stderr, "\rvoxface: %s\n", status.message().c_str());
    (void)item;
    ++finished;
    if (!progress) return;
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    const double eta = finished ? elapsed / finished * (items.size() - finished) : 0.0;
    std::fprintf(stderr, "\r[%zu/%zu] %d done, %d up to date, %d failed, ETA %.0f s   ", finished,
                 items.size(), summary.done, summary.skipped, summary.failed, eta);
    std::fflush(stderr);
  };

  auto worker = [&] {
    for (size_t i = next++; i < items.size(); i = next++) {
      const BatchItem& item = items[i];
      if (!o.overwrite && IsUpToDate(item)) {
        std::lock_guard<std::mutex> lock(mu);
        ++summary.skipped;
        report(item, Status::Ok());
        continue;
      }
      const auto begin = Clock::now();
      AnimateOptions options;
      if (!item.transcript.empty()) options.text = ReadAll(item.transcript);
      Status status = Status::Ok();
      double audio_s = 0.0;
      auto audio = LoadAudioFile(item.audio, engine.config().audio);
      if (!audio.ok()) {
        status = audio.status();
      } else {
        audio_s = audio->duration_s();
        auto track = engine.Animate(*audio, options);
        status = track.ok() ? WriteAtomically(item.output, ExportTrack(*track, o.format))
                            : track.status().WithContext(item.audio);
      }
      const double took = std::chrono::duration<double>(Clock::now() - begin).count();
      std::lock_guard<std::mutex> lock(mu);
      if (status.ok()) {
        ++summary.done;
        summary.audio_s += audio_s;
        summary.compute_s += took;
      } else {
        ++summary.failed;
      }
      report(item, status);
    }
  };
  std::vector<std::thread> threads;
  const int n = std::min<int>(o.jobs, static_cast<int>(items.size()));
  for (int t = 1; t < n; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  summary.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  if (progress) std::fprintf(stderr, "\n");
  if (!o.quiet) {
    std::string rate;
    if (summary.done > 0 && summary.wall_s > 0) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "; %.1f s of audio in %.1f s (%.0fx real time, %d jobs)",
                    summary.audio_s, summary.wall_s, summary.audio_s / summary.wall_s, n);
      rate = buf;
    }
    std::fprintf(stderr,
                 "voxface: %zu items: %d animated, %d up to date, %d failed%s; outputs in %s\n",
                 items.size(), summary.done, summary.skipped, summary.failed, rate.c_str(),
                 o.out_dir.c_str());
  }
  return summary;
}

}  // namespace voxface::cli
