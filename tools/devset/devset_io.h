// SPDX-License-Identifier: Apache-2.0
// What the dev-set generators share: flag parsing, a 16-bit WAV writer and the clean-up that
// turns a synthesiser's raw phone events into a gap-free phone file. Kept free of voxface's audio
// stack so that the generators build even when the engine's decoders do not.
#ifndef VOXFACE_TOOLS_DEVSET_DEVSET_IO_H_
#define VOXFACE_TOOLS_DEVSET_DEVSET_IO_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "voxface/status.h"
#include "voxface/types.h"

namespace voxface::devset {

// "--name value" pairs. Fails on a flag outside `known` or a flag without a value.
Result<std::map<std::string, std::string>> ParseFlags(int argc, char** argv,
                                                      const std::vector<std::string>& known);

// The number in flag `name`, checked against [lo, hi]; `fallback` when the flag is absent.
Result<double> NumberFlag(const std::map<std::string, std::string>& flags, const std::string& name,
                          double lo, double hi, double fallback);

// The text to speak: --text, or the contents of --text-file; exactly one must be given.
Result<std::string> TextFromFlags(const std::map<std::string, std::string>& flags);

// Mono 16-bit PCM WAV.
Status WriteWav16(const std::string& path, const std::vector<int16_t>& samples, int sample_rate_hz);

// Writes `text` as a file, replacing it.
Status WriteTextFile(const std::string& path, const std::string& text);

// Adds pad_s of digital silence before and after the audio and shifts the phones to match.
// Synthesisers leave only ~50 ms around a sentence; the pad gives the silence-rest metric
// (which needs pauses of 300 ms or more) something to measure on every clip.
void PadWithSilence(double pad_s, int sample_rate_hz, std::vector<int16_t>* pcm,
                    std::vector<PhoneSegment>* phones);

// Sorts the phones and makes them tile [0, duration_s] exactly: gaps become "sil", spans are
// clipped to the audio, empty spans are dropped and touching "sil" spans are merged. The
// evaluator treats uncovered time as silence anyway; tiling keeps the files easy to check.
std::vector<PhoneSegment> TileTimeline(std::vector<PhoneSegment> phones, double duration_s);

// A generator's main(): prints usage for no arguments (exit 2), the error and, for a usage error,
// the usage (exit 1), else runs (exit 0).
int ToolMain(const char* name, const char* usage, Status (*run)(int, char**), int argc,
             char** argv);

}  // namespace voxface::devset

#endif  // VOXFACE_TOOLS_DEVSET_DEVSET_IO_H_
