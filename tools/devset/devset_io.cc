// SPDX-License-Identifier: Apache-2.0
#include "devset_io.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace voxface::devset {
namespace {

void PutLe(std::string* out, uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::string FormatNumber(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

}  // namespace

Result<std::map<std::string, std::string>> ParseFlags(int argc, char** argv,
                                                      const std::vector<std::string>& known) {
  std::map<std::string, std::string> flags;
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i];
    if (name.rfind("--", 0) != 0) {
      return Status::InvalidArgument("unexpected argument '" + name + "' (flags are --name value)");
    }
    name = name.substr(2);
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return Status::InvalidArgument("unknown flag --" + name);
    }
    if (i + 1 >= argc) return Status::InvalidArgument("flag --" + name + " needs a value");
    flags[name] = argv[++i];
  }
  return flags;
}

Result<double> NumberFlag(const std::map<std::string, std::string>& flags, const std::string& name,
                          double lo, double hi, double fallback) {
  const auto it = flags.find(name);
  if (it == flags.end()) return fallback;
  const std::string& text = it->second;
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !(value >= lo && value <= hi)) {
    return Status::InvalidArgument("--" + name + " must be a number in [" + FormatNumber(lo) +
                                   ", " + FormatNumber(hi) + "], got '" + text + "'");
  }
  return value;
}

Result<std::string> TextFromFlags(const std::map<std::string, std::string>& flags) {
  if (flags.count("text") == flags.count("text-file")) {
    return Status::InvalidArgument("give exactly one of --text and --text-file");
  }
  if (flags.count("text")) return flags.at("text");
  std::ifstream in(flags.at("text-file"), std::ios::binary);
  if (!in) return Status::NotFound("cannot open '" + flags.at("text-file") + "'");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Status WriteWav16(const std::string& path, const std::vector<int16_t>& samples,
                  int sample_rate_hz) {
  const uint32_t data_bytes = static_cast<uint32_t>(samples.size() * 2);
  std::string header;
  header += "RIFF";
  PutLe(&header, 36 + data_bytes, 4);
  header += "WAVEfmt ";
  PutLe(&header, 16, 4);  // fmt chunk size.
  PutLe(&header, 1, 2);   // PCM.
  PutLe(&header, 1, 2);   // Mono.
  PutLe(&header, static_cast<uint32_t>(sample_rate_hz), 4);
  PutLe(&header, static_cast<uint32_t>(sample_rate_hz) * 2, 4);  // Byte rate.
  PutLe(&header, 2, 2);                                          // Block align.
  PutLe(&header, 16, 2);                                         // Bits per sample.
  header += "data";
  PutLe(&header, data_bytes, 4);

  std::string body;
  body.reserve(data_bytes);
  for (int16_t s : samples) PutLe(&body, static_cast<uint16_t>(s), 2);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << header << body;
  if (!out) return Status::IoError("cannot write '" + path + "'");
  return Status::Ok();
}

Status WriteTextFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) return Status::IoError("cannot write '" + path + "'");
  return Status::Ok();
}

void PadWithSilence(double pad_s, int sample_rate_hz, std::vector<int16_t>* pcm,
                    std::vector<PhoneSegment>* phones) {
  const size_t pad = static_cast<size_t>(std::lround(pad_s * sample_rate_hz));
  if (pad == 0) return;
  pcm->insert(pcm->begin(), pad, 0);
  pcm->insert(pcm->end(), pad, 0);
  const double shift = static_cast<double>(pad) / sample_rate_hz;
  for (PhoneSegment& p : *phones) {
    p.start_s += shift;
    p.end_s += shift;
  }
}

std::vector<PhoneSegment> TileTimeline(std::vector<PhoneSegment> phones, double duration_s) {
  std::stable_sort(phones.begin(), phones.end(), [](const PhoneSegment& a, const PhoneSegment& b) {
    return a.start_s < b.start_s;
  });
  std::vector<PhoneSegment> out;
  auto append = [&out](const std::string& phone, double start, double end) {
    if (end <= start) return;
    if (!out.empty() && phone == "sil" && out.back().phone == "sil") {
      out.back().end_s = end;
      return;
    }
    out.push_back({phone, start, end});
  };
  double t = 0.0;
  for (const PhoneSegment& p : phones) {
    const double start = std::clamp(p.start_s, t, duration_s);
    const double end = std::clamp(p.end_s, start, duration_s);
    append("sil", t, start);
    append(p.phone, start, end);
    t = std::max(t, end);
  }
  append("sil", t, duration_s);
  return out;
}

int ToolMain(const char* name, const char* usage, Status (*run)(int, char**), int argc,
             char** argv) {
  if (argc < 2) {
    std::fputs(usage, stderr);
    return 2;
  }
  const Status status = run(argc, argv);
  if (!status.ok()) {
    std::fprintf(stderr, "%s: %s\n", name, status.ToString().c_str());
    if (status.code() == StatusCode::kInvalidArgument) std::fputs(usage, stderr);
    return 1;
  }
  return 0;
}

}  // namespace voxface::devset
