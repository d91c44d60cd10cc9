# SPDX-License-Identifier: Apache-2.0
"""Phone times for a recording by DTW against a synthetic rendition with exact phones.

For languages the forced aligner cannot do (it is English-only), the transcript is synthesised
with eSpeak NG at a rate matched to the recording; both are turned into MFCCs (DCT of our
log-mel features, c1-c13, mean/variance normalised per utterance, plus deltas) over their speech
spans, and a DTW path with slopes between 1/2 and 2 (steps (1,1), (1,2), (2,1), which lets each
row be computed with numpy in one go) maps every synthetic phone boundary onto the recording.
"""

from __future__ import annotations

import dataclasses
from typing import List, Sequence, Tuple

import numpy as np

from . import log_mel
from .labels import Phone

_HOP_S = log_mel.DEFAULT.hop_samples / log_mel.DEFAULT.sample_rate_hz


@dataclasses.dataclass
class Alignment:
    phones: List[Phone]
    cost: float  # Mean frame distance along the path (lower is better).
    synth_speech_s: float  # Speech span lengths, for the rate check.
    real_speech_s: float


def mfcc(features: np.ndarray, num: int = 13) -> np.ndarray:
    """c1..c_num of the DCT-II of log-mel frames, normalised, with deltas: (frames, 2 * num)."""
    bands = features.shape[1]
    k = np.arange(1, num + 1)[:, None]
    n = np.arange(bands)[None, :]
    dct = np.cos(np.pi * k * (2 * n + 1) / (2 * bands))
    c = features.astype(np.float64) @ dct.T
    c = (c - c.mean(axis=0)) / (c.std(axis=0) + 1e-6)
    padded = np.concatenate([c[:1], c, c[-1:]])
    delta = (padded[2:] - padded[:-2]) / 2.0
    return np.concatenate([c, delta], axis=1)


def speech_span(features: np.ndarray, below_peak: float = 9.0) -> Tuple[int, int]:
    """[first, last + 1) frames whose mean log-mel is within below_peak of the 99th percentile
    (9 nepers is ~39 dB)."""
    energy = features.mean(axis=1)
    if len(energy) == 0:
        return 0, 0
    loud = np.nonzero(energy > np.percentile(energy, 99) - below_peak)[0]
    if len(loud) == 0:
        return 0, len(energy)
    return int(loud[0]), int(loud[-1]) + 1


def dtw_path(a: np.ndarray, b: np.ndarray) -> Tuple[np.ndarray, np.ndarray, float]:
    """Path (i, j) from (0, 0) to (len(a)-1, len(b)-1) with steps (1,1), (1,2), (2,1).

    Returns the path's i and j indices and its mean Euclidean frame distance. Raises
    ValueError when the lengths are too different for the slope limits.
    """
    n, m = len(a), len(b)
    if n < 2 or m < 2 or m > 2 * n - 1 or n > 2 * m - 1:
        raise ValueError(f"lengths {n} and {m} are outside the DTW slope limits")
    sq = (a ** 2).sum(axis=1)[:, None] + (b ** 2).sum(axis=1)[None, :] - 2.0 * a @ b.T
    cost = np.sqrt(np.maximum(sq, 0.0))
    inf = np.inf
    acc = np.full((n, m), inf)
    step = np.zeros((n, m), dtype=np.int8)  # 0: (1,1), 1: (1,2), 2: (2,1).
    acc[0, 0] = cost[0, 0]
    for i in range(1, n):
        diag = np.full(m, inf)
        diag[1:] = acc[i - 1, :-1]
        skip_j = np.full(m, inf)
        skip_j[2:] = acc[i - 1, :-2] + cost[i, 1:-1]  # Through (i, j-1) without resting there.
        skip_i = np.full(m, inf)
        if i >= 2:
            skip_i[1:] = acc[i - 2, :-1] + cost[i - 1, 1:]
        choices = np.stack([diag, skip_j, skip_i])
        best = np.argmin(choices, axis=0)
        acc[i] = choices[best, np.arange(m)] + cost[i]
        step[i] = best
    if not np.isfinite(acc[-1, -1]):
        raise ValueError("no DTW path within the slope limits")
    i, j = n - 1, m - 1
    path = [(i, j)]
    while i > 0 or j > 0:
        s = step[i, j]
        if s == 0:
            i, j = i - 1, j - 1
        elif s == 1:
            path.append((i, j - 1))
            i, j = i - 1, j - 2
        else:
            path.append((i - 1, j))
            i, j = i - 2, j - 1
        path.append((i, j))
    path.reverse()
    pi = np.array([p[0] for p in path])
    pj = np.array([p[1] for p in path])
    return pi, pj, float(cost[pi, pj].mean())


def align(synth_audio: np.ndarray, synth_phones: Sequence[Phone],
          real_audio: np.ndarray) -> Alignment:
    """Maps the synthetic phones onto the recording (both 16 kHz float or int16)."""
    scale = lambda x: np.asarray(x, np.float32) / (32768.0 if np.asarray(x).dtype == np.int16 else 1)
    fs = log_mel.log_mel(scale(synth_audio))
    fr = log_mel.log_mel(scale(real_audio))
    s0, s1 = speech_span(fs)
    r0, r1 = speech_span(fr)
    pi, pj, cost = dtw_path(mfcc(fs[s0:s1]), mfcc(fr[r0:r1]))
    # Frame index -> time at the frame centre; boundaries map through the path by interpolation.
    centre = lambda f: log_mel.DEFAULT.window_samples / 2 / log_mel.DEFAULT.sample_rate_hz + f * _HOP_S
    synth_t = centre(pi + s0)
    real_t = centre(pj + r0)
    # One real time per synthetic frame (the mean where the path is vertical).
    uniq, inverse = np.unique(synth_t, return_inverse=True)
    real_mean = np.bincount(inverse, weights=real_t) / np.bincount(inverse)
    real_end = len(real_audio) / log_mel.DEFAULT.sample_rate_hz

    def warp(t: float) -> float:
        return float(np.interp(t, uniq, real_mean))

    out: List[Phone] = []
    first, last = float(uniq[0]), float(uniq[-1])
    for p, s, e in synth_phones:
        if e <= first or s >= last:
            continue  # Outside the aligned speech span: silence in both.
        a = warp(max(s, first)) if s > first else warp(first)
        b = warp(min(e, last))
        if b > a:
            out.append((p, a, b))
    # Tile: silence before, after and between (the warp is monotone, so no overlaps).
    tiled: List[Phone] = []
    t = 0.0
    for p, a, b in out:
        if a > t:
            tiled.append(("sil", t, a))
        tiled.append((p, max(a, t), b))
        t = b
    if t < real_end:
        tiled.append(("sil", t, real_end))
    merged: List[Phone] = []
    for item in tiled:
        if merged and item[0] == "sil" and merged[-1][0] == "sil":
            merged[-1] = ("sil", merged[-1][1], item[2])
        elif item[2] > item[1]:
            merged.append(item)
    return Alignment(merged, cost, (s1 - s0) * _HOP_S, (r1 - r0) * _HOP_S)
