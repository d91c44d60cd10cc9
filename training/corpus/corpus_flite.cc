// SPDX-License-Identifier: Apache-2.0
// corpus_flite: renders a job file with Flite into a training-corpus batch (batch_io.h): 16 kHz
// audio and the phones of each utterance's Segment relation.
//
//   corpus_flite --jobs JOBS.tsv --out PREFIX
//
// Job voices: slt, rms, awb (clustergen), kal16 and kal (diphone; kal is 8 kHz audio, upsampled).
// The speed field is Flite's duration stretch (0: 1.0); pitch and range are ignored.
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "batch_io.h"
#include "devset_io.h"
#include "flite_synth.h"

namespace voxface::corpus {
namespace {

constexpr char kUsage[] =
    "usage: corpus_flite --jobs JOBS.tsv --out PREFIX\n"
    "  JOBS.tsv lines: id voice stretch pitch range text (tabs; voice slt|rms|awb|kal16|kal).\n";

Status Run(int argc, char** argv) {
  VF_ASSIGN_OR_RETURN(auto flags, devset::ParseFlags(argc, argv, {"jobs", "out"}));
  if (!flags.count("jobs") || !flags.count("out")) {
    return Status::InvalidArgument("--jobs and --out are required");
  }
  VF_ASSIGN_OR_RETURN(const std::vector<SynthJob> jobs, ReadJobs(flags["jobs"]));
  VF_ASSIGN_OR_RETURN(BatchWriter writer, BatchWriter::Open(flags["out"]));
  std::set<std::string> unknown;
  int failed = 0;
  for (const SynthJob& job : jobs) {
    const double stretch = job.speed > 0 ? job.speed : 1.0;
    if (stretch < 0.3 || stretch > 3.0) {
      return Status::InvalidArgument("job " + job.id + ": stretch must be in [0.3, 3]");
    }
    Result<devset::FliteUtterance> utt =
        devset::FliteSynthesize(job.voice, job.text, stretch, &unknown);
    if (!utt.ok()) {
      if (utt.status().message().rfind("unknown Flite voice", 0) == 0) return utt.status();
      std::fprintf(stderr, "corpus_flite: %s: %s\n", job.id.c_str(),
                   utt.status().message().c_str());
      ++failed;
      continue;
    }
    const double duration_s = static_cast<double>(utt->pcm.size()) / utt->sample_rate_hz;
    if (!devset::IsFliteDiphoneVoice(job.voice) && utt->segments_end_s - duration_s > 0.02) {
      std::fprintf(stderr, "corpus_flite: warning: %s: segments end at %.3f s, audio at %.3f s\n",
                   job.id.c_str(), utt->segments_end_s, duration_s);
    }
    VF_RETURN_IF_ERROR(writer.Add(job.id, ResamplePcm(utt->pcm, utt->sample_rate_hz, kCorpusRateHz),
                                  utt->phones, std::string()));
  }
  VF_RETURN_IF_ERROR(writer.Close());
  for (const std::string& name : unknown) {
    std::fprintf(stderr, "corpus_flite: warning: unknown Flite phone '%s' read as 'ah'\n",
                 name.c_str());
  }
  std::fprintf(stderr, "corpus_flite: %zu jobs, %d failed, %.1f s of audio -> %s.pcm\n",
               jobs.size(), failed, static_cast<double>(writer.samples_written()) / kCorpusRateHz,
               flags["out"].c_str());
  return Status::Ok();
}

}  // namespace
}  // namespace voxface::corpus

int main(int argc, char** argv) {
  return voxface::devset::ToolMain("corpus_flite", voxface::corpus::kUsage, &voxface::corpus::Run,
                                   argc, argv);
}
