// SPDX-License-Identifier: Apache-2.0
// Rhubarb Lip Sync's TSV: "start<TAB>shape" per cue, shapes A-H and X, and a last line at the end
// of the clip with X. Tools built for Rhubarb (Moho, Spine, Blender and Unity add-ons) read it.
//
// Cues live on Rhubarb's 100 fps timeline (centiseconds), so that the 2-decimal times written are
// exactly the times the cue logic worked with.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "base/phone_set.h"
#include "export/track_curves.h"
#include "voxface/export.h"

namespace voxface {
namespace {

// 5 cs: Rhubarb's author found shapes under 5-7 cs read as flicker.
constexpr int kMinCueCs = 5;
// Pauses shorter than this hold the previous shape instead of closing the mouth, as Rhubarb does.
constexpr int kHoldPauseCs = 12;

struct Cue {
  int start_cs;
  char shape;
};

int ToCentiseconds(double seconds) {
  // Clamped so that a NaN or absurd time in a hand-made track cannot overflow the conversion.
  if (!(seconds > 0.0)) return 0;
  return static_cast<int>(std::lround(std::min(seconds, 1e7) * 100.0));
}

// Rhubarb's rules with each phone's set of acceptable shapes reduced to its most typical one.
char ShapeForPhone(std::string_view raw, double duration_s) {
  const std::string p = NormalizePhone(raw);
  if (p == "sil") return 'X';
  if (p.empty()) return 'B';  // Noise and unknown labels: Rhubarb shows B.
  if (IsBilabial(p)) return 'A';
  if (p == "f" || p == "v") return 'G';
  if (p == "ah") return duration_s < 0.12 ? 'C' : 'D';  // Short schwa-like "ah" barely opens.
  if (p == "aa" || p == "ae" || p == "ay" || p == "aw") return 'D';
  if (p == "eh" || p == "ey") return 'C';
  if (p == "ih" || p == "iy" || p == "y") return 'B';
  if (p == "ao" || p == "er") return 'E';
  if (p == "ow" || p == "oy" || p == "uw" || p == "uh" || p == "w") return 'F';
  if (p == "l") return duration_s >= 0.2 ? 'H' : 'B';  // Only a held L shows the tongue.
  return 'B';
}

// Reads the shape off the weights when no phones are known: only the mouth's opening and whether
// the lips are pressed together are reliable there, so the result uses A, B, C, D and X.
char ShapeForFrame(const Track& track, int frame) {
  const float opening = export_internal::LipOpening(track, frame);
  if (opening < 0.08f) {
    const float press =
        0.5f * (track.weight(frame, kMouthPressLeft) + track.weight(frame, kMouthPressRight));
    const float roll =
        std::max(track.weight(frame, kMouthRollLower), track.weight(frame, kMouthRollUpper));
    const bool sealed = track.weight(frame, kMouthClose) > 0.15f || press > 0.3f || roll > 0.3f;
    return sealed ? 'A' : 'X';
  }
  if (opening < 0.25f) return 'B';
  if (opening < 0.5f) return 'C';
  return 'D';
}

std::vector<Cue> CuesFromPhones(const std::vector<PhoneSegment>& unsorted, int* end_cs) {
  std::vector<PhoneSegment> phones = unsorted;
  std::stable_sort(phones.begin(), phones.end(), [](const PhoneSegment& a, const PhoneSegment& b) {
    return a.start_s < b.start_s;
  });
  std::vector<Cue> cues;
  int cursor = 0;
  for (const PhoneSegment& phone : phones) {
    // Overlapping phones (from merged analyser output) are cut where the previous one ends.
    const int start = std::max(cursor, ToCentiseconds(phone.start_s));
    const int end = ToCentiseconds(phone.end_s);
    if (end <= start) continue;
    if (start > cursor) cues.push_back({cursor, 'X'});  // A gap between phones is silence.
    cues.push_back({start, ShapeForPhone(phone.phone, phone.end_s - phone.start_s)});
    cursor = end;
  }
  if (cursor < *end_cs) {
    cues.push_back({cursor, 'X'});
  } else {
    *end_cs = cursor;
  }
  return cues;
}

std::vector<Cue> CuesFromFrames(const Track& track, int end_cs) {
  std::vector<Cue> cues;
  for (int i = 0; i < track.num_frames(); ++i) {
    const int start = ToCentiseconds(track.timestamp_s(i));
    if (start >= end_cs) break;
    const char shape = ShapeForFrame(track, i);
    if (!cues.empty() && cues.back().start_cs == start) {
      cues.back().shape = shape;  // Above 100 fps several frames share a centisecond.
    } else {
      cues.push_back({start, shape});
    }
  }
  if (cues.empty()) cues.push_back({0, 'X'});
  return cues;
}

void MergeEqualNeighbours(std::vector<Cue>* cues) {
  std::vector<Cue> merged;
  for (const Cue& cue : *cues) {
    if (merged.empty() || merged.back().shape != cue.shape) merged.push_back(cue);
  }
  *cues = std::move(merged);
}

// Makes the cues watchable: short pauses hold the shape before them, and cues shorter than
// kMinCueCs take time from a neighbour that can spare it or are dropped into it.
void Retime(std::vector<Cue>* cues, int end_cs) {
  MergeEqualNeighbours(cues);
  const auto length = [&](size_t i) {
    return (i + 1 < cues->size() ? (*cues)[i + 1].start_cs : end_cs) - (*cues)[i].start_cs;
  };
  for (size_t i = 1; i + 1 < cues->size();) {
    if ((*cues)[i].shape == 'X' && length(i) < kHoldPauseCs) {
      cues->erase(cues->begin() + i);
      if ((*cues)[i - 1].shape == (*cues)[i].shape) cues->erase(cues->begin() + i);
    } else {
      ++i;
    }
  }
  size_t i = 0;
  while (i < cues->size() && cues->size() > 1) {
    const int short_by = kMinCueCs - length(i);
    if (short_by <= 0) {
      ++i;
    } else if (i + 1 < cues->size() && length(i + 1) - short_by >= kMinCueCs) {
      (*cues)[i + 1].start_cs += short_by;
      ++i;
    } else if (i > 0 && length(i - 1) - short_by >= kMinCueCs) {
      (*cues)[i].start_cs -= short_by;
      ++i;
    } else {
      // No neighbour can spare the time: the previous shape holds through (or, for the first
      // cue, the next one starts early).
      if (i == 0) (*cues)[1].start_cs = (*cues)[0].start_cs;
      cues->erase(cues->begin() + i);
      if (i > 0 && i < cues->size() && (*cues)[i - 1].shape == (*cues)[i].shape) {
        cues->erase(cues->begin() + i);
      }
      if (i > 0) --i;  // The grown neighbour may now be long enough for its own neighbour.
    }
  }
}

void AppendCentiseconds(std::string* out, int cs) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%d.%02d", cs / 100, cs % 100);
  out->append(buf);
}

}  // namespace

std::string TrackToRhubarbTsv(const Track& track) {
  int end_cs = ToCentiseconds(export_internal::TrackLength(track));
  std::vector<Cue> cues =
      track.phones.empty() ? CuesFromFrames(track, end_cs) : CuesFromPhones(track.phones, &end_cs);
  Retime(&cues, end_cs);
  std::string out;
  for (const Cue& cue : cues) {
    if (cue.start_cs >= end_cs) break;
    AppendCentiseconds(&out, cue.start_cs);
    out.push_back('\t');
    out.push_back(cue.shape);
    out.push_back('\n');
  }
  AppendCentiseconds(&out, end_cs);
  out.append("\tX\n");
  return out;
}

}  // namespace voxface
