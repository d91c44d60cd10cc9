// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <string>

#include "export/export_test_util.h"
#include "voxface/export.h"

namespace voxface {
namespace {

Track TrackWithPhones(std::vector<PhoneSegment> phones, double duration_s) {
  Track track;
  track.duration_s = duration_s;
  track.phones = std::move(phones);
  return track;
}

TEST(RhubarbTsvTest, MapsAKnownPhoneSequence) {
  const Track track = TrackWithPhones({{"sil", 0.0, 0.2},
                                       {"p", 0.2, 0.3},
                                       {"aa", 0.3, 0.5},
                                       {"f", 0.5, 0.6},
                                       {"iy", 0.6, 0.7},
                                       {"uw", 0.7, 0.85},
                                       {"sil", 0.85, 1.2}},
                                      1.2);
  EXPECT_EQ(TrackToRhubarbTsv(track),
            "0.00\tX\n0.20\tA\n0.30\tD\n0.50\tG\n0.60\tB\n0.70\tF\n0.85\tX\n1.20\tX\n");
}

TEST(RhubarbTsvTest, DurationDependentShapes) {
  // A short "ah" is C, a long one D; a short "l" is B, a held one H.
  EXPECT_EQ(TrackToRhubarbTsv(TrackWithPhones({{"ah", 0.0, 0.1}}, 0.1)), "0.00\tC\n0.10\tX\n");
  EXPECT_EQ(TrackToRhubarbTsv(TrackWithPhones({{"ah", 0.0, 0.3}}, 0.3)), "0.00\tD\n0.30\tX\n");
  EXPECT_EQ(TrackToRhubarbTsv(TrackWithPhones({{"l", 0.0, 0.1}}, 0.1)), "0.00\tB\n0.10\tX\n");
  EXPECT_EQ(TrackToRhubarbTsv(TrackWithPhones({{"l", 0.0, 0.3}}, 0.3)), "0.00\tH\n0.30\tX\n");
  // Stress digits and upper case are normalised; "ao" and "er" are E.
  EXPECT_EQ(TrackToRhubarbTsv(TrackWithPhones({{"AO1", 0.0, 0.2}, {"er", 0.2, 0.4}}, 0.4)),
            "0.00\tE\n0.40\tX\n");
}

TEST(RhubarbTsvTest, MergesEqualShapesAndShortCues) {
  // "t" and "iy" are both B and merge; the 2 cs "d" takes the minimum 5 cs from the long vowel.
  const Track track = TrackWithPhones(
      {{"t", 0.0, 0.1}, {"iy", 0.1, 0.2}, {"aa", 0.2, 0.4}, {"d", 0.4, 0.42}, {"aa", 0.42, 0.6}},
      0.6);
  EXPECT_EQ(TrackToRhubarbTsv(track), "0.00\tB\n0.20\tD\n0.40\tB\n0.45\tD\n0.60\tX\n");
  // Between short vowels nothing can be spared: the "d" is dropped and the vowels merge.
  const Track crowded =
      TrackWithPhones({{"aa", 0.0, 0.06}, {"d", 0.06, 0.08}, {"aa", 0.08, 0.14}}, 0.14);
  EXPECT_EQ(TrackToRhubarbTsv(crowded), "0.00\tD\n0.14\tX\n");
}

TEST(RhubarbTsvTest, ShortClosureBorrowsTimeInsteadOfVanishing) {
  // A 3 cs "p" between long vowels is kept at the minimum length.
  const Track track = TrackWithPhones({{"aa", 0.0, 0.3}, {"p", 0.3, 0.33}, {"aa", 0.33, 0.6}}, 0.6);
  EXPECT_EQ(TrackToRhubarbTsv(track), "0.00\tD\n0.30\tA\n0.35\tD\n0.60\tX\n");
}

TEST(RhubarbTsvTest, ShortPausesHoldAndGapsAreSilence) {
  // A 5 cs pause between words holds the previous shape; the unlabelled gap before the first
  // phone and after the last are rest.
  const Track track = TrackWithPhones(
      {{"aa", 0.1, 0.3}, {"sil", 0.3, 0.35}, {"iy", 0.35, 0.5}, {"sil", 0.5, 0.7}}, 1.0);
  EXPECT_EQ(TrackToRhubarbTsv(track), "0.00\tX\n0.10\tD\n0.35\tB\n0.50\tX\n1.00\tX\n");
}

TEST(RhubarbTsvTest, FallsBackToMouthOpeningWithoutPhones) {
  Track track;
  track.fps = 10;
  track.weights.assign(10 * kArkitCount, 0.0f);
  track.duration_s = 1.0;
  for (int i = 2; i < 4; ++i) track.weight(i, kMouthClose) = 0.5f;  // Sealed lips: A.
  for (int i = 4; i < 7; ++i) track.weight(i, kJawOpen) = 0.7f;     // Wide open: D.
  for (int i = 7; i < 9; ++i) track.weight(i, kJawOpen) = 0.15f;    // Slightly open: B.
  EXPECT_EQ(TrackToRhubarbTsv(track), "0.00\tX\n0.20\tA\n0.40\tD\n0.70\tB\n0.90\tX\n1.00\tX\n");
}

TEST(RhubarbTsvTest, EmptyTrackIsRest) { EXPECT_EQ(TrackToRhubarbTsv(Track()), "0.00\tX\n"); }

TEST(RhubarbTsvTest, LastLineIsTheEndWithX) {
  const std::string tsv = TrackToRhubarbTsv(export_test::MakeTestTrack(120));
  EXPECT_EQ(tsv.substr(0, 7), "0.00\tX\n");
  EXPECT_EQ(tsv.substr(tsv.size() - 7), "2.00\tX\n");
}

}  // namespace
}  // namespace voxface
