# SPDX-License-Identifier: Apache-2.0
"""Per-frame training targets from exact phone timings.

Frames follow the log-mel front end: frame i is centred at c_i = 12.5 ms + 10 ms * i
(log_mel.frame_centres_s). For each frame:

* viseme:  the Oculus viseme class (0 = sil) at c_i. Diphthongs switch to their second viseme at
           the split point data/visemes.json gives.
* viseme2, weight2: soft boundary targets. Within the 10 ms around c_i the class other than
           `viseme` that covers the most time, and the share of time it covers (uint8, /255).
           Away from boundaries viseme2 == viseme and weight2 == 0; a training target is then
           (1 - w) * onehot(viseme) + w * onehot(viseme2).
* vad:     1 when the phone at c_i is not "sil".
* phone:   index of the phone at c_i in phones.phone_set() (an auxiliary target).

ARKit targets: the mouth and jaw channels of voxface's own animator (Engine.process_phones, the
library's AnimatePhones path) rendered from the same phones at 100 fps and sampled at c_i.
"""

from __future__ import annotations

import dataclasses
from typing import List, Optional, Sequence, Tuple

import numpy as np

from . import log_mel, phones

Phone = Tuple[str, float, float]

#: ARKit channels kept as targets: jawForward .. mouthUpperUpRight (indices 14-40 of the 52).
ARKIT_FIRST, ARKIT_LAST = 14, 40
#: Label columns in the shards' .labels.u8 files.
LABEL_COLUMNS: Tuple[str, ...] = ("viseme", "viseme2", "weight2", "vad", "phone")

_STEP_S = 0.0005  # Viseme timeline resolution: frame centres (x.5 ms) fall on step edges.


@dataclasses.dataclass
class FrameLabels:
    """Per-frame targets; every array has one row per log-mel frame."""

    labels: np.ndarray  # (frames, 5) uint8 in LABEL_COLUMNS order.
    arkit: Optional[np.ndarray] = None  # (frames, 27) uint8, weight * 255.

    @property
    def viseme(self) -> np.ndarray:
        return self.labels[:, 0]

    @property
    def vad(self) -> np.ndarray:
        return self.labels[:, 3]


def _viseme_timeline(items: Sequence[Phone], duration_s: float) -> np.ndarray:
    """Viseme class per 0.5 ms step over [0, duration_s); uncovered time is sil."""
    table = phones.phone_visemes()
    steps = int(np.ceil(duration_s / _STEP_S))
    line = np.zeros(steps, dtype=np.int8)
    for name, start, end in items:
        v = table[name]
        a = int(round(start / _STEP_S))
        b = int(round(end / _STEP_S))
        if v.second < 0:
            line[a:b] = v.first
        else:
            s = int(round((start + v.split * (end - start)) / _STEP_S))
            line[a:s] = v.first
            line[s:b] = v.second
    return line


def _value_at(items: Sequence[Phone], times: np.ndarray) -> np.ndarray:
    """Index into `items` (sorted by start) of the phone covering each time, -1 if none."""
    if not items:
        return np.full(len(times), -1, dtype=np.int64)
    starts = np.array([p[1] for p in items], dtype=np.float64)
    ends = np.array([p[2] for p in items], dtype=np.float64)
    idx = np.searchsorted(starts, times, side="right") - 1
    ok = (idx >= 0) & (times < ends[np.clip(idx, 0, None)])
    return np.where(ok, idx, -1)


def frame_labels(items: Sequence[Phone], num_frames: int,
                 config: log_mel.LogMelConfig = log_mel.DEFAULT) -> np.ndarray:
    """(num_frames, 5) uint8 labels (LABEL_COLUMNS) for phones [(phone, start_s, end_s)]."""
    items = sorted(items, key=lambda p: p[1])
    centres = log_mel.frame_centres_s(num_frames, config)
    duration = max([p[2] for p in items] + [float(centres[-1]) + 0.01 if num_frames else 0.0])
    line = _viseme_timeline(items, duration + 0.02)
    out = np.zeros((num_frames, 5), dtype=np.uint8)
    if num_frames == 0:
        return out
    # Step k covers [k, k + 1) * _STEP_S; the step starting at a centre holds its class.
    centre_step = np.clip(np.round(centres / _STEP_S).astype(np.int64), 0, len(line) - 1)
    hard = line[centre_step].astype(np.int64)
    # Class counts within [centre - 5 ms, centre + 5 ms).
    half = int(round(0.005 / _STEP_S))
    offsets = np.arange(-half, half)
    window = line[np.clip(centre_step[:, None] + offsets[None, :], 0, len(line) - 1)]
    counts = np.zeros((num_frames, len(phones.OCULUS_VISEMES)), dtype=np.int64)
    np.add.at(counts, (np.repeat(np.arange(num_frames), window.shape[1]), window.ravel()), 1)
    counts[np.arange(num_frames), hard] = -1  # Exclude the hard class when looking for another.
    other = np.argmax(counts, axis=1)
    other_count = counts[np.arange(num_frames), other]
    has_other = other_count > 0
    out[:, 0] = hard
    out[:, 1] = np.where(has_other, other, hard)
    out[:, 2] = np.where(has_other, np.round(255.0 * other_count / window.shape[1]), 0)
    idx = _value_at(items, centres)
    names = [p[0] for p in items]
    phone_ids = np.array([phones.phone_index(n) for n in names] + [0], dtype=np.int64)
    out[:, 4] = phone_ids[idx]  # idx -1 -> the appended 0 (sil).
    out[:, 3] = out[:, 4] != 0
    return out


class ArkitRenderer:
    """Renders mouth/jaw ARKit targets from phones with voxface's animator (neutral, seed 0)."""

    def __init__(self) -> None:
        import voxface  # The built module: PYTHONPATH=<build>/python.

        self._engine = voxface.Engine(fps=100, seed=0, upper_face=False)
        self.names: Tuple[str, ...] = tuple(voxface.ARKIT_NAMES[ARKIT_FIRST:ARKIT_LAST + 1])

    def render(self, items: Sequence[Phone], num_frames: int,
               config: log_mel.LogMelConfig = log_mel.DEFAULT) -> np.ndarray:
        """(num_frames, 27) uint8 curves (weight * 255) at the log-mel frame centres."""
        centres = log_mel.frame_centres_s(num_frames, config)
        if num_frames == 0:
            return np.zeros((0, ARKIT_LAST - ARKIT_FIRST + 1), dtype=np.uint8)
        duration = float(max(centres[-1] + 0.02, max((p[2] for p in items), default=0.0)))
        track = self._engine.process_phones([(p, s, e) for p, s, e in items], duration)
        weights = np.asarray(track.weights, dtype=np.float32)[:, ARKIT_FIRST:ARKIT_LAST + 1]
        pos = centres * track.fps
        lo = np.clip(np.floor(pos).astype(np.int64), 0, len(weights) - 1)
        hi = np.clip(lo + 1, 0, len(weights) - 1)
        frac = (pos - np.floor(pos))[:, None].astype(np.float32)
        sampled = weights[lo] * (1.0 - frac) + weights[hi] * frac
        return np.round(np.clip(sampled, 0.0, 1.0) * 255.0).astype(np.uint8)


def spans_to_phones(spans: str, rate_hz: int = 16000) -> List[Phone]:
    """"sil:0:3520 hh:3520:4100" (sample indices) -> [(phone, start_s, end_s)]."""
    out: List[Phone] = []
    for item in spans.split():
        name, start, end = item.rsplit(":", 2)
        out.append((name, int(start) / rate_hz, int(end) / rate_hz))
    return out


def phones_to_spans(items: Sequence[Phone], rate_hz: int = 16000) -> str:
    """Inverse of spans_to_phones (times rounded to samples)."""
    return " ".join(f"{p}:{int(round(s * rate_hz))}:{int(round(e * rate_hz))}" for p, s, e in items)
