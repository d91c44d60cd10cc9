// SPDX-License-Identifier: Apache-2.0
// An animation track as the page uses it: weights in ARKit order, phones and words for the plot.

import { ARKIT_COUNT, ARKIT_NAMES, arkitIndex } from "./arkit";

export interface Segment {
  label: string;
  start: number;
  end: number;
}

export interface Track {
  fps: number;
  numFrames: number;
  duration: number;
  /** numFrames x 52, frame-major, columns in ARKIT_NAMES order. */
  weights: Float32Array;
  phones: Segment[];
  words: Segment[];
}

interface TrackJson {
  fps: number;
  duration: number;
  names: string[];
  blendshapes: number[][];
  phones?: { phone: string; start: number; end: number }[];
  words?: { word: string; start: number; end: number }[];
}

/**
 * Reorders columns named `names` into ARKIT_NAMES order. The server already sends that order;
 * going by name keeps the page right should a producer ever differ.
 */
function columnMap(names: readonly string[]): number[] {
  const map = names.map((n) => arkitIndex(n));
  if (map.filter((i) => i >= 0).length !== ARKIT_COUNT) {
    throw new Error(`expected the ${ARKIT_COUNT} ARKit channels, got ${names.length} names`);
  }
  return map;
}

/** Builds a track from frames given as rows of `names` columns. */
export function trackFromRows(
  fps: number,
  names: readonly string[],
  rows: ArrayLike<ArrayLike<number>>,
  duration: number,
  phones: Segment[] = [],
  words: Segment[] = [],
): Track {
  const map = columnMap(names);
  const weights = new Float32Array(rows.length * ARKIT_COUNT);
  for (let f = 0; f < rows.length; f++) {
    const row = rows[f]!;
    for (let c = 0; c < map.length; c++) {
      const to = map[c]!;
      if (to >= 0) weights[f * ARKIT_COUNT + to] = row[c]!;
    }
  }
  return { fps, numFrames: rows.length, duration, weights, phones, words };
}

/** Parses the body of POST /v1/animate?format=json (TrackToJson). */
export function trackFromJson(text: string): Track {
  const json = JSON.parse(text) as TrackJson;
  return trackFromRows(
    json.fps,
    json.names,
    json.blendshapes,
    json.duration,
    (json.phones ?? []).map((p) => ({ label: p.phone, start: p.start, end: p.end })),
    (json.words ?? []).map((w) => ({ label: w.word, start: w.start, end: w.end })),
  );
}

/** Weights at time `t` (seconds), linearly interpolated between frames, written into `out`. */
export function sampleTrack(track: Track, t: number, out: Float32Array): Float32Array {
  if (track.numFrames === 0) return out.fill(0);
  const f = Math.min(Math.max(t * track.fps, 0), track.numFrames - 1);
  const i0 = Math.floor(f);
  const i1 = Math.min(i0 + 1, track.numFrames - 1);
  const a = f - i0;
  const w = track.weights;
  for (let c = 0; c < ARKIT_COUNT; c++) {
    out[c] = w[i0 * ARKIT_COUNT + c]! * (1 - a) + w[i1 * ARKIT_COUNT + c]! * a;
  }
  return out;
}

/** One channel's curve, for plotting. */
export function channel(track: Track, name: string): Float32Array {
  const c = arkitIndex(name);
  const out = new Float32Array(track.numFrames);
  for (let f = 0; f < track.numFrames; f++) out[f] = track.weights[f * ARKIT_COUNT + c]!;
  return out;
}

/** Frame `f` as a plain array (tests and the console). */
export function frameRow(track: Track, f: number): number[] {
  return Array.from(track.weights.subarray(f * ARKIT_COUNT, (f + 1) * ARKIT_COUNT));
}

export { ARKIT_NAMES };
