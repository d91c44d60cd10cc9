// SPDX-License-Identifier: Apache-2.0
// Umbrella header: everything a voxface user needs.
#ifndef VOXFACE_VOXFACE_H_
#define VOXFACE_VOXFACE_H_

#include "voxface/arkit.h"
#include "voxface/audio.h"
#include "voxface/config.h"
#include "voxface/engine.h"
#include "voxface/eval.h"
#include "voxface/export.h"
#include "voxface/status.h"
#include "voxface/types.h"

#endif  // VOXFACE_VOXFACE_H_
