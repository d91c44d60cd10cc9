// SPDX-License-Identifier: Apache-2.0
#include "flite_synth.h"

#include <flite/flite.h>

#include <map>
#include <mutex>

#include "base/phone_set.h"
#include "devset_io.h"

// The voice libraries ship no headers.
extern "C" {
cst_voice* register_cmu_us_slt(const char* voxdir);
cst_voice* register_cmu_us_rms(const char* voxdir);
cst_voice* register_cmu_us_awb(const char* voxdir);
cst_voice* register_cmu_us_kal16(const char* voxdir);
cst_voice* register_cmu_us_kal(const char* voxdir);
}

namespace voxface::devset {
namespace {

cst_voice* Voice(const std::string& name) {
  static std::once_flag init;
  std::call_once(init, [] { flite_init(); });
  // Registering a voice loads it; keep each one for the life of the process.
  static std::map<std::string, cst_voice*> voices;
  if (auto it = voices.find(name); it != voices.end()) return it->second;
  cst_voice* voice = nullptr;
  if (name == "slt") voice = register_cmu_us_slt(nullptr);
  if (name == "rms") voice = register_cmu_us_rms(nullptr);
  if (name == "awb") voice = register_cmu_us_awb(nullptr);
  if (name == "kal16") voice = register_cmu_us_kal16(nullptr);
  if (name == "kal") voice = register_cmu_us_kal(nullptr);
  if (voice != nullptr) voices[name] = voice;
  return voice;
}

}  // namespace

const std::vector<std::string>& FliteVoiceNames() {
  static const std::vector<std::string> kNames = {"slt", "rms", "awb", "kal16", "kal"};
  return kNames;
}

bool IsFliteDiphoneVoice(std::string_view voice) { return voice == "kal" || voice == "kal16"; }

std::string MapFlitePhone(std::string_view name, std::set<std::string>* unknown) {
  if (name == "hv") return "hh";
  if (name == "nx") return "n";
  if (name == "em") return "m";
  if (name == "brk" || name == "h#") return "sil";
  std::string phone = NormalizePhone(name);
  if (phone.empty()) {
    if (unknown != nullptr) unknown->insert(std::string(name));
    phone = "ah";
  }
  return phone;
}

Result<FliteUtterance> FliteSynthesize(const std::string& voice_name, const std::string& text,
                                       double duration_stretch, std::set<std::string>* unknown) {
  cst_voice* voice = Voice(voice_name);
  if (voice == nullptr) {
    return Status::InvalidArgument("unknown Flite voice '" + voice_name +
                                   "' (use slt, rms, awb, kal16 or kal)");
  }
  feat_set_float(voice->features, "duration_stretch", static_cast<float>(duration_stretch));
  cst_utterance* utt = flite_synth_text(text.c_str(), voice);
  cst_wave* wave = utt ? utt_wave(utt) : nullptr;
  if (wave == nullptr || cst_wave_num_samples(wave) == 0) {
    if (utt) delete_utterance(utt);
    return Status::InvalidArgument("the text produced no speech");
  }
  FliteUtterance out;
  out.sample_rate_hz = cst_wave_sample_rate(wave);
  out.pcm.assign(cst_wave_samples(wave), cst_wave_samples(wave) + cst_wave_num_samples(wave));
  double start = 0.0;
  for (cst_item* s = relation_head(utt_relation(utt, "Segment")); s; s = item_next(s)) {
    const double end = item_feat_float(s, "end");
    out.phones.push_back({MapFlitePhone(item_feat_string(s, "name"), unknown), start, end});
    start = end;
  }
  delete_utterance(utt);
  out.segments_end_s = start;
  out.phones =
      TileTimeline(std::move(out.phones), static_cast<double>(out.pcm.size()) / out.sample_rate_hz);
  return out;
}

}  // namespace voxface::devset
