// SPDX-License-Identifier: Apache-2.0
// flite_phones: synthesises a sentence with Flite and writes the audio and the phone timings of
// its Segment relation, for the lip-sync dev set.
//
//   flite_phones --voice slt --text "..." --wav out.wav --phones out.phones [--stretch 1.0]
//
// Only the clustergen voices slt, rms and awb are offered: their segment ends match the audio,
// while the diphone voices (kal, kal16) drift by 100 ms or more over a sentence.
#include <flite/flite.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/phone_set.h"
#include "devset_io.h"
#include "voxface/eval.h"

// The voice libraries ship no headers.
extern "C" {
cst_voice* register_cmu_us_slt(const char* voxdir);
cst_voice* register_cmu_us_rms(const char* voxdir);
cst_voice* register_cmu_us_awb(const char* voxdir);
}

namespace voxface::devset {
namespace {

constexpr char kUsage[] =
    "usage: flite_phones --voice slt|rms|awb (--text TEXT | --text-file F) --wav OUT.wav\n"
    "                    --phones OUT.phones [--stretch 0.5-2.0] [--pad SECONDS]\n";

// Flite's US phone set is CMU ArpaBet plus a few allophones that voxface's set folds away.
std::string MapFlitePhone(std::string_view name, std::set<std::string>* warned) {
  if (name == "hv") return "hh";
  if (name == "nx") return "n";
  if (name == "em") return "m";
  if (name == "brk" || name == "h#") return "sil";
  std::string phone = NormalizePhone(name);
  if (phone.empty()) {
    if (warned->insert(std::string(name)).second) {
      std::fprintf(stderr, "flite_phones: warning: unknown Flite phone '%.*s', using 'ah'\n",
                   static_cast<int>(name.size()), name.data());
    }
    phone = "ah";
  }
  return phone;
}

Status Run(int argc, char** argv) {
  VF_ASSIGN_OR_RETURN(
      auto flags,
      ParseFlags(argc, argv, {"voice", "text", "text-file", "wav", "phones", "stretch", "pad"}));
  for (const char* required : {"voice", "wav", "phones"}) {
    if (!flags.count(required)) {
      return Status::InvalidArgument(std::string("missing --") + required);
    }
  }
  VF_ASSIGN_OR_RETURN(const std::string text, TextFromFlags(flags));
  VF_ASSIGN_OR_RETURN(const double stretch, NumberFlag(flags, "stretch", 0.5, 2.0, 1.0));
  VF_ASSIGN_OR_RETURN(const double pad_s, NumberFlag(flags, "pad", 0, 5, 0));

  flite_init();
  const std::string& name = flags["voice"];
  cst_voice* voice = nullptr;
  if (name == "slt") voice = register_cmu_us_slt(nullptr);
  if (name == "rms") voice = register_cmu_us_rms(nullptr);
  if (name == "awb") voice = register_cmu_us_awb(nullptr);
  if (voice == nullptr) {
    return Status::InvalidArgument("unknown voice '" + name + "' (use slt, rms or awb)");
  }
  feat_set_float(voice->features, "duration_stretch", static_cast<float>(stretch));

  cst_utterance* utt = flite_synth_text(text.c_str(), voice);
  cst_wave* wave = utt ? utt_wave(utt) : nullptr;
  if (wave == nullptr || cst_wave_num_samples(wave) == 0) {
    if (utt) delete_utterance(utt);
    return Status::InvalidArgument("the text produced no speech");
  }
  const int rate = cst_wave_sample_rate(wave);
  std::vector<int16_t> pcm(cst_wave_samples(wave),
                           cst_wave_samples(wave) + cst_wave_num_samples(wave));
  std::vector<PhoneSegment> phones;
  std::set<std::string> warned;
  double start = 0.0;
  for (cst_item* s = relation_head(utt_relation(utt, "Segment")); s; s = item_next(s)) {
    const double end = item_feat_float(s, "end");
    phones.push_back({MapFlitePhone(item_feat_string(s, "name"), &warned), start, end});
    start = end;
  }
  delete_utterance(utt);

  const double duration_s = static_cast<double>(pcm.size()) / rate;
  if (std::abs(start - duration_s) > 0.02) {
    std::fprintf(stderr, "flite_phones: warning: segments end at %.3f s but audio is %.3f s\n",
                 start, duration_s);
  }
  phones = TileTimeline(std::move(phones), duration_s);
  PadWithSilence(pad_s, rate, &pcm, &phones);
  phones = TileTimeline(std::move(phones), static_cast<double>(pcm.size()) / rate);
  VF_RETURN_IF_ERROR(WriteWav16(flags["wav"], pcm, rate));
  return WriteTextFile(flags["phones"], FormatPhones(phones));
}

}  // namespace
}  // namespace voxface::devset

int main(int argc, char** argv) {
  return voxface::devset::ToolMain("flite_phones", voxface::devset::kUsage, &voxface::devset::Run,
                                   argc, argv);
}
