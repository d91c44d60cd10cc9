// SPDX-License-Identifier: Apache-2.0
// espeak_phones: synthesises a sentence with eSpeak NG and writes the audio and its exact phone
// timings, for the lip-sync dev set.
//
//   espeak_phones --voice en-us+f3 --rate 160 --text "..." --wav out.wav --phones out.phones
//
// Licence note: this program links libespeak-ng (GPL-3.0-or-later), so the program as a whole is
// GPL. It is a stand-alone generator of evaluation data; nothing in the voxface library, CLI,
// server or bindings may link it or libespeak-ng. Only its output files are used.
#include <espeak-ng/speak_lib.h>

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
#include "stop_closures.h"
#include "voxface/eval.h"

namespace voxface::devset {
namespace {

constexpr char kUsage[] =
    "usage: espeak_phones --voice VOICE [--rate WPM] [--pitch 0-99] (--text TEXT | --text-file F)\n"
    "                     --wav OUT.wav --phones OUT.phones [--pad SECONDS] [--events OUT.txt]\n"
    "  VOICE is an eSpeak NG voice file name with an optional variant: en-us, en, en-us+f3.\n";

struct PhonemeEvent {
  std::string mnemonic;
  int sample = 0;
};

// eSpeak's synchronous mode calls back on the synthesising thread with no context argument
// that survives to the end-of-message call, so the capture lives here for the one synthesis.
struct Capture {
  std::vector<int16_t> pcm;
  std::vector<PhonemeEvent> events;
  int end_sample = -1;
} g_capture;

int OnSynth(short* wav, int num_samples, espeak_EVENT* events) {
  if (wav != nullptr && num_samples > 0)
    g_capture.pcm.insert(g_capture.pcm.end(), wav, wav + num_samples);
  for (espeak_EVENT* e = events; e != nullptr && e->type != espeakEVENT_LIST_TERMINATED; ++e) {
    if (e->type == espeakEVENT_PHONEME) {
      // The name fills all 8 bytes without a terminator when it is that long.
      g_capture.events.push_back({std::string(e->id.string, strnlen(e->id.string, 8)), e->sample});
    } else if (e->type == espeakEVENT_END || e->type == espeakEVENT_MSG_TERMINATED) {
      g_capture.end_sample = std::max(g_capture.end_sample, e->sample);
    }
  }
  return 0;  // Continue.
}

// Turns the phoneme events into phones. A phoneme lasts until the next event; markers that
// map to no phone give their time to the phone before them.
std::vector<PhoneSegment> EventsToPhones(const std::vector<PhonemeEvent>& events, int total,
                                         int rate, EspeakAccent accent) {
  struct Kept {
    std::vector<std::string> phones;
    int sample;
  };
  std::vector<Kept> kept;
  std::set<std::string> warned;
  for (const PhonemeEvent& e : events) {
    const EspeakMapping m = MapEspeakPhoneme(e.mnemonic, accent);
    if (!m.known && warned.insert(e.mnemonic).second) {
      std::fprintf(stderr, "espeak_phones: warning: unmapped eSpeak phoneme '%s', using '%s'\n",
                   e.mnemonic.c_str(), m.phones.empty() ? "" : m.phones.front().c_str());
    }
    if (!m.phones.empty()) kept.push_back({m.phones, e.sample});
  }
  std::vector<PhoneSegment> phones;
  for (size_t i = 0; i < kept.size(); ++i) {
    const double start = static_cast<double>(kept[i].sample) / rate;
    const double end = static_cast<double>(i + 1 < kept.size() ? kept[i + 1].sample : total) / rate;
    if (kept[i].phones.size() == 1) {
      phones.push_back({kept[i].phones[0], start, end});
    } else {
      // The vowel carries most of a diphthong; 60/40 is close to what forced aligners give.
      const double split = start + 0.6 * (end - start);
      phones.push_back({kept[i].phones[0], start, split});
      phones.push_back({kept[i].phones[1], split, end});
    }
  }
  return phones;
}

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

  const int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr,
                                     espeakINITIALIZE_PHONEME_EVENTS | espeakINITIALIZE_DONT_EXIT);
  if (rate <= 0) {
    return Status::Internal("eSpeak NG failed to initialise (is espeak-ng-data installed?)");
  }
  espeak_SetSynthCallback(OnSynth);
  if (espeak_SetVoiceByName(voice.c_str()) != EE_OK) {
    espeak_Terminate();
    return Status::NotFound("eSpeak NG has no voice '" + voice +
                            "' (try en-us, en, en-us+f3; list with espeak-ng --voices=en)");
  }
  if (flags.count("rate")) espeak_SetParameter(espeakRATE, static_cast<int>(rate_wpm), 0);
  if (flags.count("pitch")) espeak_SetParameter(espeakPITCH, static_cast<int>(pitch), 0);
  const espeak_ERROR err = espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0,
                                        espeakCHARS_UTF8, nullptr, nullptr);
  espeak_Synchronize();
  espeak_Terminate();
  if (err != EE_OK) return Status::Internal("eSpeak NG failed to synthesise the text");
  if (g_capture.pcm.empty()) return Status::InvalidArgument("the text produced no speech");

  const int total = static_cast<int>(g_capture.pcm.size());
  // The end event lands before a short fade-out; only a gap beyond that means lost events.
  if (g_capture.end_sample >= 0 && std::abs(g_capture.end_sample - total) > rate / 10) {
    std::fprintf(stderr, "espeak_phones: warning: end event at sample %d but %d samples of audio\n",
                 g_capture.end_sample, total);
  }
  if (flags.count("events")) {
    std::string dump;
    for (const PhonemeEvent& e : g_capture.events) {
      dump += e.mnemonic + " " + std::to_string(e.sample) + "\n";
    }
    dump +=
        "END " + std::to_string(g_capture.end_sample) + " total " + std::to_string(total) + "\n";
    VF_RETURN_IF_ERROR(WriteTextFile(flags["events"], dump));
  }
  std::vector<PhoneSegment> phones =
      TileTimeline(EventsToPhones(g_capture.events, total, rate, AccentForVoice(voice)),
                   static_cast<double>(total) / rate);
  AttachStopClosures(g_capture.pcm, rate, &phones);
  PadWithSilence(pad_s, rate, &g_capture.pcm, &phones);
  phones = TileTimeline(std::move(phones), static_cast<double>(g_capture.pcm.size()) / rate);
  VF_RETURN_IF_ERROR(WriteWav16(flags["wav"], g_capture.pcm, rate));
  return WriteTextFile(flags["phones"], FormatPhones(phones));
}

}  // namespace
}  // namespace voxface::devset

int main(int argc, char** argv) {
  return voxface::devset::ToolMain("espeak_phones", voxface::devset::kUsage, &voxface::devset::Run,
                                   argc, argv);
}
