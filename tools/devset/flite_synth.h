// SPDX-License-Identifier: Apache-2.0
// Flite synthesis with phone timings from the utterance's Segment relation. Shared by the dev-set
// generator (flite_phones) and the training-corpus generator (corpus_flite). Flite is BSD-style.
#ifndef VOXFACE_TOOLS_DEVSET_FLITE_SYNTH_H_
#define VOXFACE_TOOLS_DEVSET_FLITE_SYNTH_H_

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "voxface/status.h"
#include "voxface/types.h"

namespace voxface::devset {

struct FliteUtterance {
  std::vector<int16_t> pcm;
  int sample_rate_hz = 0;
  // Tiles [0, duration] (gaps are "sil", the end is clipped to the audio).
  std::vector<PhoneSegment> phones;
  // Where the Segment relation ends, for checking it against the audio.
  double segments_end_s = 0.0;
};

// The voices this build can synthesise: the clustergen voices slt, rms and awb (16 kHz), and the
// diphone voices kal16 (16 kHz) and kal (8 kHz).
const std::vector<std::string>& FliteVoiceNames();

// True for kal and kal16. Their audio ends before their last Segment does: the final pause is cut
// short by ~0.1 s. Inside the utterance their segment times are right (within 10 ms of the pauses
// in the audio over a 14 s sentence), so clipping the last pause to the audio is the whole fix.
bool IsFliteDiphoneVoice(std::string_view voice);

// Flite's US phone set is CMU ArpaBet plus a few allophones that voxface's set folds away;
// unknown names become "ah" and are added to `unknown` (may be null).
std::string MapFlitePhone(std::string_view name, std::set<std::string>* unknown);

// Synthesises text with a voice from FliteVoiceNames(). duration_stretch > 1 speaks slower.
Result<FliteUtterance> FliteSynthesize(const std::string& voice, const std::string& text,
                                       double duration_stretch, std::set<std::string>* unknown);

}  // namespace voxface::devset

#endif  // VOXFACE_TOOLS_DEVSET_FLITE_SYNTH_H_
