// SPDX-License-Identifier: Apache-2.0
// Licence note: links libespeak-ng (GPL-3.0-or-later); see espeak_synth.h. Never shipped.
#include "espeak_synth.h"

#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace voxface::devset {
namespace {

// eSpeak's synchronous mode calls back on the synthesising thread with no context pointer that
// reaches every call, so the capture of the one synthesis in progress lives here.
EspeakUtterance* g_capture = nullptr;
bool g_initialised = false;

int OnSynth(short* wav, int num_samples, espeak_EVENT* events) {
  if (g_capture == nullptr) return 0;
  if (wav != nullptr && num_samples > 0)
    g_capture->pcm.insert(g_capture->pcm.end(), wav, wav + num_samples);
  for (espeak_EVENT* e = events; e != nullptr && e->type != espeakEVENT_LIST_TERMINATED; ++e) {
    if (e->type == espeakEVENT_PHONEME) {
      // The name fills all 8 bytes without a terminator when it is that long.
      g_capture->events.push_back({std::string(e->id.string, strnlen(e->id.string, 8)), e->sample});
    } else if (e->type == espeakEVENT_END || e->type == espeakEVENT_MSG_TERMINATED) {
      g_capture->end_sample = std::max(g_capture->end_sample, e->sample);
    }
  }
  return 0;  // Continue.
}

}  // namespace

Result<std::unique_ptr<EspeakSynth>> EspeakSynth::Create(bool ipa_names) {
  if (g_initialised) {
    return Status::Internal("eSpeak NG can be initialised only once per process");
  }
  int options = espeakINITIALIZE_PHONEME_EVENTS | espeakINITIALIZE_DONT_EXIT;
  if (ipa_names) options |= espeakINITIALIZE_PHONEME_IPA;
  const int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, options);
  if (rate <= 0) {
    return Status::Internal("eSpeak NG failed to initialise (is espeak-ng-data installed?)");
  }
  g_initialised = true;
  espeak_SetSynthCallback(OnSynth);
  return std::unique_ptr<EspeakSynth>(new EspeakSynth(rate));
}

EspeakSynth::~EspeakSynth() { espeak_Terminate(); }

Status EspeakSynth::Configure(const EspeakVoiceSettings& settings) {
  if (settings.voice != voice_) {
    if (espeak_SetVoiceByName(settings.voice.c_str()) != EE_OK) {
      voice_.clear();
      return Status::NotFound("eSpeak NG has no voice '" + settings.voice +
                              "' (try en-us, de, fr-fr, en-us+f3; list with espeak-ng --voices)");
    }
    voice_ = settings.voice;
  }
  // Selecting a voice resets the parameters, so set them every time.
  if (settings.rate_wpm > 0) {
    espeak_SetParameter(espeakRATE,
                        std::clamp(settings.rate_wpm, espeakRATE_MINIMUM, espeakRATE_MAXIMUM), 0);
  }
  if (settings.pitch >= 0) espeak_SetParameter(espeakPITCH, std::min(settings.pitch, 99), 0);
  if (settings.range >= 0) espeak_SetParameter(espeakRANGE, std::min(settings.range, 99), 0);
  return Status::Ok();
}

Result<EspeakUtterance> EspeakSynth::Synthesize(const std::string& text, bool phoneme_input) {
  EspeakUtterance utterance;
  utterance.sample_rate_hz = sample_rate_hz_;
  g_capture = &utterance;
  const unsigned flags = espeakCHARS_UTF8 | (phoneme_input ? espeakPHONEMES : 0);
  const espeak_ERROR err =
      espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, flags, nullptr, nullptr);
  espeak_Synchronize();
  g_capture = nullptr;
  if (err != EE_OK) return Status::Internal("eSpeak NG failed to synthesise the text");
  if (utterance.pcm.empty()) return Status::InvalidArgument("the text produced no speech");
  return utterance;
}

}  // namespace voxface::devset
