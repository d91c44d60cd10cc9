# SPDX-License-Identifier: Apache-2.0
"""DTW alignment recovers boundaries of a time-warped copy."""

import numpy as np

from voxtrain import dtw_align

RATE = 16000


def _segments(durations, seed=0):
    """Consecutive noise segments with distinct spectra (band-passed noise per segment)."""
    rng = np.random.default_rng(seed)
    parts = []
    for i, d in enumerate(durations):
        n = int(d * RATE)
        spectrum = np.fft.rfft(rng.standard_normal(n))
        f = np.fft.rfftfreq(n, 1 / RATE)
        centre = 300 + (i * 1700) % 6500
        spectrum *= np.exp(-((f - centre) / 400) ** 2)
        part = np.fft.irfft(spectrum, n)
        parts.append(0.3 * part / np.std(part))
    return np.concatenate(parts).astype(np.float32)


def test_recovers_warped_boundaries():
    a_dur = [0.3, 0.15, 0.2, 0.12, 0.25, 0.18, 0.3]
    b_dur = [0.3, 0.22, 0.14, 0.2, 0.2, 0.25, 0.3]
    a, b = _segments(a_dur), _segments(b_dur)
    names = ["sil", "aa", "m", "iy", "s", "ow", "sil"]
    edges = np.cumsum([0.0] + a_dur)
    phones = [(n, float(s), float(e)) for n, s, e in zip(names, edges[:-1], edges[1:])]
    result = dtw_align.align(a, phones, b)
    b_edges = np.cumsum([0.0] + b_dur)
    got = {p: (s, e) for p, s, e in result.phones if p != "sil"}
    for k, name in enumerate(names[1:-1], start=1):
        assert abs(got[name][0] - b_edges[k]) < 0.03, (name, got[name], b_edges[k])
    assert result.phones[-1][2] == len(b) / RATE


def test_path_respects_slope_limits():
    rng = np.random.default_rng(1)
    pi, pj, cost = dtw_align.dtw_path(rng.standard_normal((30, 4)), rng.standard_normal((50, 4)))
    assert pi[0] == 0 and pj[0] == 0 and pi[-1] == 29 and pj[-1] == 49
    assert np.all(np.diff(pi) >= 0) and np.all(np.diff(pj) >= 0)
    assert cost > 0
