// SPDX-License-Identifier: Apache-2.0
// corpus_espeak: renders a job file with eSpeak NG into a training-corpus batch (batch_io.h):
// 16 kHz audio and sample-exact phones from eSpeak's phoneme events.
//
//   corpus_espeak --jobs JOBS.tsv --out PREFIX [--ipa-table TABLE.tsv] [--names mnemonic|ipa]
//                 [--raw-events 1]
//
// Phones come from eSpeak's mnemonics (--names mnemonic, the default): with --ipa-table (lines
// "mnemonic<TAB>ipa", found per language by synthesising the same texts in both name modes)
// through the IPA table of any language, without it through the dev set's English table.
// --names ipa reports IPA names instead; it cannot tell markers from pauses, so it is for the
// table discovery (with --raw-events 1, which adds the names and sample positions of the
// events to the index). Text inside [[ ]] is read as eSpeak phoneme mnemonics (the generated
// syllable strings use this).
//
// Licence note: this program links libespeak-ng (GPL-3.0-or-later), so the program as a whole is
// GPL. It is a stand-alone generator of training data, never shipped; nothing in the voxface
// library, CLI, server or bindings may link it or libespeak-ng. Only its output files are used.
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "batch_io.h"
#include "devset_io.h"
#include "espeak_phoneme_map.h"
#include "espeak_synth.h"
#include "stop_closures.h"

namespace voxface::corpus {
namespace {

constexpr char kUsage[] =
    "usage: corpus_espeak --jobs JOBS.tsv --out PREFIX [--ipa-table TABLE.tsv]\n"
    "                     [--names mnemonic|ipa] [--raw-events 0|1]\n"
    "  JOBS.tsv lines: id voice wpm pitch range text (tabs; voice like de, fr-fr+f3, en-us+m3).\n";

// "mnemonic<TAB>ipa" lines; the IPA may be empty (a marker).
Result<std::map<std::string, std::string>> ReadIpaTable(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot open IPA table '" + path + "'");
  std::map<std::string, std::string> table;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos || tab == 0) {
      return Status::InvalidArgument("bad IPA table line '" + line + "' in " + path);
    }
    table[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return table;
}

std::string RawEvents(const devset::EspeakUtterance& utt) {
  std::string out;
  for (const devset::EspeakPhonemeEvent& e : utt.events) {
    if (!out.empty()) out += ' ';
    // Pauses have an empty IPA name; spell them so the field stays splittable.
    out += (e.name.empty() ? std::string("_") : e.name) + "@" + std::to_string(e.sample);
  }
  return out;
}

Status Run(int argc, char** argv) {
  VF_ASSIGN_OR_RETURN(
      auto flags,
      devset::ParseFlags(argc, argv, {"jobs", "out", "names", "raw-events", "ipa-table"}));
  if (!flags.count("jobs") || !flags.count("out")) {
    return Status::InvalidArgument("--jobs and --out are required");
  }
  const std::string names = flags.count("names") ? flags["names"] : "mnemonic";
  if (names != "ipa" && names != "mnemonic") {
    return Status::InvalidArgument("--names must be mnemonic or ipa");
  }
  const bool ipa = names == "ipa";
  std::optional<devset::EspeakNameMapper> table_mapper;
  if (flags.count("ipa-table")) {
    if (ipa) return Status::InvalidArgument("--ipa-table maps mnemonics: use --names mnemonic");
    VF_ASSIGN_OR_RETURN(auto table, ReadIpaTable(flags["ipa-table"]));
    table_mapper = devset::EspeakNameMapper::MnemonicsViaIpa(std::move(table));
  }
  const bool raw = flags.count("raw-events") && flags["raw-events"] == "1";
  VF_ASSIGN_OR_RETURN(const std::vector<SynthJob> jobs, ReadJobs(flags["jobs"]));
  VF_ASSIGN_OR_RETURN(auto synth, devset::EspeakSynth::Create(ipa));
  VF_ASSIGN_OR_RETURN(BatchWriter writer, BatchWriter::Open(flags["out"]));

  const devset::EspeakNameMapper ipa_mapper = devset::EspeakNameMapper::Ipa();
  const devset::EspeakNameMapper rhotic =
      devset::EspeakNameMapper::English(devset::EspeakAccent::kRhotic);
  const devset::EspeakNameMapper non_rhotic =
      devset::EspeakNameMapper::English(devset::EspeakAccent::kNonRhotic);
  std::set<std::string> guessed;
  int failed = 0;
  for (const SynthJob& job : jobs) {
    devset::EspeakVoiceSettings settings;
    settings.voice = job.voice;
    settings.rate_wpm = static_cast<int>(job.speed);
    settings.pitch = job.pitch;
    settings.range = job.range;
    if (Status s = synth->Configure(settings); !s.ok()) return s;  // A bad voice fails them all.
    Result<devset::EspeakUtterance> utt = synth->Synthesize(job.text, /*phoneme_input=*/true);
    if (!utt.ok()) {
      std::fprintf(stderr, "corpus_espeak: %s: %s\n", job.id.c_str(),
                   utt.status().message().c_str());
      ++failed;
      continue;
    }
    const int rate = utt->sample_rate_hz;
    const int total = static_cast<int>(utt->pcm.size());
    const devset::EspeakNameMapper* mapper = &ipa_mapper;
    if (table_mapper) {
      mapper = &*table_mapper;
    } else if (!ipa) {
      const bool us = devset::AccentForVoice(job.voice) == devset::EspeakAccent::kRhotic;
      mapper = us ? &rhotic : &non_rhotic;
    }
    std::vector<PhoneSegment> phones = devset::TileTimeline(
        devset::EspeakEventsToPhones(utt->events, total, rate, *mapper, &guessed),
        static_cast<double>(total) / rate);
    devset::AttachStopClosures(utt->pcm, rate, &phones);
    VF_RETURN_IF_ERROR(writer.Add(job.id, ResamplePcm(utt->pcm, rate, kCorpusRateHz), phones,
                                  raw ? RawEvents(*utt) : std::string()));
  }
  VF_RETURN_IF_ERROR(writer.Close());
  for (const std::string& name : guessed) {
    std::fprintf(stderr, "corpus_espeak: warning: eSpeak phoneme '%s' (%s) mapped by a guess\n",
                 name.c_str(), names.c_str());
  }
  std::fprintf(stderr, "corpus_espeak: %zu jobs, %d failed, %.1f s of audio -> %s.pcm\n",
               jobs.size(), failed, static_cast<double>(writer.samples_written()) / kCorpusRateHz,
               flags["out"].c_str());
  return Status::Ok();
}

}  // namespace
}  // namespace voxface::corpus

int main(int argc, char** argv) {
  return voxface::devset::ToolMain("corpus_espeak", voxface::corpus::kUsage, &voxface::corpus::Run,
                                   argc, argv);
}
