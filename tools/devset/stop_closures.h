// SPDX-License-Identifier: Apache-2.0
// eSpeak NG emits a stop's phoneme event after the silent closure that precedes an unvoiced
// stop (the closure is synthesised as a pause before the event), so its raw timings give the
// closure to the phone before. Forced aligners and the evaluator's bilabial metric treat the
// closure as part of the stop; this moves it there by finding the silence in the audio.
#ifndef VOXFACE_TOOLS_DEVSET_STOP_CLOSURES_H_
#define VOXFACE_TOOLS_DEVSET_STOP_CLOSURES_H_

#include <cstdint>
#include <vector>

#include "voxface/types.h"

namespace voxface::devset {

// For each p/t/k/ch that follows a non-silent phone, moves its start back over the quiet
// stretch (30 dB below the clip's speech level) that ends at its event, keeping at least half of
// the previous phone. `phones` must tile the audio in time order.
void AttachStopClosures(const std::vector<int16_t>& pcm, int sample_rate_hz,
                        std::vector<PhoneSegment>* phones);

}  // namespace voxface::devset

#endif  // VOXFACE_TOOLS_DEVSET_STOP_CLOSURES_H_
