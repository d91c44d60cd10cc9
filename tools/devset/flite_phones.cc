// SPDX-License-Identifier: Apache-2.0
// flite_phones: synthesises a sentence with Flite and writes the audio and the phone timings of
// its Segment relation, for the lip-sync dev set.
//
//   flite_phones --voice slt --text "..." --wav out.wav --phones out.phones [--stretch 1.0]
//
// The dev set uses the clustergen voices slt, rms and awb; the diphone voices kal16 and kal are
// accepted too (see IsFliteDiphoneVoice for their timing).
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "devset_io.h"
#include "flite_synth.h"
#include "voxface/eval.h"

namespace voxface::devset {
namespace {

constexpr char kUsage[] =
    "usage: flite_phones --voice slt|rms|awb|kal16|kal (--text TEXT | --text-file F) --wav "
    "OUT.wav\n"
    "                    --phones OUT.phones [--stretch 0.5-2.0] [--pad SECONDS]\n";

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

  const std::string& name = flags["voice"];
  std::set<std::string> unknown;
  VF_ASSIGN_OR_RETURN(FliteUtterance utt, FliteSynthesize(name, text, stretch, &unknown));
  for (const std::string& phone : unknown) {
    std::fprintf(stderr, "flite_phones: warning: unknown Flite phone '%s', using 'ah'\n",
                 phone.c_str());
  }
  const int rate = utt.sample_rate_hz;
  std::vector<int16_t>& pcm = utt.pcm;
  std::vector<PhoneSegment>& phones = utt.phones;
  const double duration_s = static_cast<double>(pcm.size()) / rate;
  if (std::abs(utt.segments_end_s - duration_s) > 0.02 && !IsFliteDiphoneVoice(name)) {
    std::fprintf(stderr, "flite_phones: warning: segments end at %.3f s but audio is %.3f s\n",
                 utt.segments_end_s, duration_s);
  }
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
