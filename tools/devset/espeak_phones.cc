// SPDX-License-Identifier: Apache-2.0
// espeak_phones: synthesises a sentence with eSpeak NG and writes the audio and its exact phone
// timings, for the lip-sync dev set.
//
//   espeak_phones --voice en-us+f3 --rate 160 --text "..." --wav out.wav --phones out.phones
//
// Licence note: this program links libespeak-ng (GPL-3.0-or-later), so the program as a whole is
// GPL. It is a stand-alone generator of evaluation data; nothing in the voxface library, CLI,
// server or bindings may link it or libespeak-ng. Only its output files are used.
#include <espeak-ng/speak_lib.h>  // espeakRATE_MINIMUM/MAXIMUM.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "devset_io.h"
#include "espeak_phoneme_map.h"
#include "espeak_synth.h"
#include "stop_closures.h"
#include "voxface/eval.h"

namespace voxface::devset {
namespace {

constexpr char kUsage[] =
    "usage: espeak_phones --voice VOICE [--rate WPM] [--pitch 0-99] (--text TEXT | --text-file F)\n"
    "                     --wav OUT.wav --phones OUT.phones [--pad SECONDS] [--events OUT.txt]\n"
    "  VOICE is an eSpeak NG voice file name with an optional variant: en-us, en, en-us+f3.\n";

Status Run(int argc, char** argv) {
  VF_ASSIGN_OR_RETURN(auto flags, ParseFlags(argc, argv,
                                             {"voice", "rate", "pitch", "text", "text-file", "wav",
                                              "phones", "pad", "events"}));
  for (const char* required : {"voice", "wav", "phones"}) {
    if (!flags.count(required)) {
      return Status::InvalidArgument(std::string("missing --") + required);
    }
  }
  VF_ASSIGN_OR_RETURN(const std::string text, TextFromFlags(flags));
  const std::string voice = flags["voice"];
  VF_ASSIGN_OR_RETURN(const double rate_wpm,
                      NumberFlag(flags, "rate", espeakRATE_MINIMUM, espeakRATE_MAXIMUM, 175));
  VF_ASSIGN_OR_RETURN(const double pitch, NumberFlag(flags, "pitch", 0, 99, 50));
  VF_ASSIGN_OR_RETURN(const double pad_s, NumberFlag(flags, "pad", 0, 5, 0));

  VF_ASSIGN_OR_RETURN(auto synth, EspeakSynth::Create(/*ipa_names=*/false));
  EspeakVoiceSettings settings;
  settings.voice = voice;
  if (flags.count("rate")) settings.rate_wpm = static_cast<int>(rate_wpm);
  if (flags.count("pitch")) settings.pitch = static_cast<int>(pitch);
  VF_RETURN_IF_ERROR(synth->Configure(settings));
  VF_ASSIGN_OR_RETURN(EspeakUtterance utt, synth->Synthesize(text, /*phoneme_input=*/false));
  const int rate = utt.sample_rate_hz;

  const int total = static_cast<int>(utt.pcm.size());
  // The end event lands before a short fade-out; only a gap beyond that means lost events.
  if (utt.end_sample >= 0 && std::abs(utt.end_sample - total) > rate / 10) {
    std::fprintf(stderr, "espeak_phones: warning: end event at sample %d but %d samples of audio\n",
                 utt.end_sample, total);
  }
  if (flags.count("events")) {
    std::string dump;
    for (const EspeakPhonemeEvent& e : utt.events) {
      dump += e.name + " " + std::to_string(e.sample) + "\n";
    }
    dump += "END " + std::to_string(utt.end_sample) + " total " + std::to_string(total) + "\n";
    VF_RETURN_IF_ERROR(WriteTextFile(flags["events"], dump));
  }
  std::set<std::string> guessed;
  std::vector<PhoneSegment> phones =
      TileTimeline(EspeakEventsToPhones(utt.events, total, rate,
                                        EspeakNameMapper::English(AccentForVoice(voice)), &guessed),
                   static_cast<double>(total) / rate);
  for (const std::string& name : guessed) {
    std::fprintf(stderr, "espeak_phones: warning: unmapped eSpeak phoneme '%s', guessed\n",
                 name.c_str());
  }
  AttachStopClosures(utt.pcm, rate, &phones);
  PadWithSilence(pad_s, rate, &utt.pcm, &phones);
  phones = TileTimeline(std::move(phones), static_cast<double>(utt.pcm.size()) / rate);
  VF_RETURN_IF_ERROR(WriteWav16(flags["wav"], utt.pcm, rate));
  return WriteTextFile(flags["phones"], FormatPhones(phones));
}

}  // namespace
}  // namespace voxface::devset

int main(int argc, char** argv) {
  return voxface::devset::ToolMain("espeak_phones", voxface::devset::kUsage, &voxface::devset::Run,
                                   argc, argv);
}
