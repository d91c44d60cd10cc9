# SPDX-License-Identifier: Apache-2.0
"""Augmentation: determinism, timing and levels."""

import numpy as np
import pytest

from voxtrain import augment as A

RATE = 16000


def _speech_like(seconds: float = 2.0, seed: int = 0) -> np.ndarray:
    """Bursts of harmonic sound with pauses: something with a spectrum and an envelope."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    tone = sum(np.sin(2 * np.pi * 120 * k * t) / k for k in range(1, 20))
    envelope = (np.sin(2 * np.pi * 2.5 * t) > 0).astype(float)
    return (0.2 * tone * envelope + 0.001 * rng.standard_normal(len(t))).astype(np.float32)


PHONES = [("sil", 0.0, 0.2), ("aa", 0.2, 1.0), ("m", 1.0, 1.2), ("sil", 1.2, 2.0)]


def _envelope_lag(x: np.ndarray, y: np.ndarray) -> int:
    env = lambda s: np.sqrt(np.convolve(s.astype(float) ** 2, np.ones(160) / 160, "same"))
    return A._best_lag(env(x), env(y), 1600)


def test_same_seed_same_output_other_seed_different():
    x = _speech_like()
    a, pa, qa = A.augment(x, PHONES, 7)
    b, pb, qb = A.augment(x, PHONES, 7)
    np.testing.assert_array_equal(a, b)
    assert pa == pb and qa == qb
    c, _, qc = A.augment(x, PHONES, 8)
    assert qc != qa or not np.array_equal(a, c)


def test_chain_keeps_range_and_labels_cover_audio():
    x = _speech_like()
    for seed in range(12):
        y, items, params = A.augment(x, PHONES, seed)
        assert y.dtype == np.float32 and np.all(np.abs(y) <= 1.0)
        assert items[-1][2] == pytest.approx(len(y) / RATE, abs=2e-3), params


def test_speed_scales_length_and_phones():
    x = _speech_like()
    y, items, factor = A.speed_perturb(x, PHONES, 1.25)
    assert factor == pytest.approx(1.25, rel=0.02)
    assert len(y) == pytest.approx(len(x) / factor, abs=1)
    assert items[1] == ("aa", pytest.approx(0.2 / factor), pytest.approx(1.0 / factor))
    # A click stays where the scaled time says.
    click = np.zeros(32000, np.float32)
    click[16000] = 1.0
    z, _, f = A.speed_perturb(click, [], 0.9)
    assert abs(int(np.argmax(np.abs(z))) - 16000 / f) <= 1


def test_fast_len():
    for n in (1, 7, 1000, 4097, 65537, 123457):
        m = A.fast_len(n)
        assert m >= n and m < 1.1 * n + 8
        k = m
        for p in (2, 3, 5):
            while k % p == 0:
                k //= p
        assert k == 1


@pytest.mark.parametrize("effect", [
    lambda x: A.sox_pitch(x, 3.0), lambda x: A.sox_pitch(x, -3.0), lambda x: A.vtlp(x, 0.9),
    lambda x: A.vtlp(x, 1.1), lambda x: A.telephone(x),
    lambda x: A.codec_round_trip(x, "opus", 12), lambda x: A.codec_round_trip(x, "mp3", 24),
    lambda x: A.reverberate(x, A.room_impulse_response(np.random.default_rng(0), 0.4))])
def test_effects_keep_length_and_timing(effect):
    x = _speech_like()
    y = effect(x)
    assert len(y) == len(x)
    assert abs(_envelope_lag(x, y)) <= 0.006 * RATE  # Within 6 ms.


def test_noise_hits_the_requested_snr():
    x = _speech_like()
    rng = np.random.default_rng(3)
    for kind in ("white", "pink", "hum", "babble"):
        noise = A.make_noise(rng, kind, len(x), [_speech_like(1.3, 5)])
        assert np.mean(noise ** 2) == pytest.approx(1.0, rel=1e-6)
    power = A.speech_power(x, PHONES)
    assert power == pytest.approx(np.mean(x[int(0.2 * RATE):int(1.2 * RATE)] ** 2), rel=1e-6)


def test_telephone_removes_out_of_band_energy():
    t = np.arange(RATE) / RATE
    low = A.telephone((0.5 * np.sin(2 * np.pi * 100 * t)).astype(np.float32))
    high = A.telephone((0.5 * np.sin(2 * np.pi * 6000 * t)).astype(np.float32))
    mid = A.telephone((0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32))
    assert np.std(low) < 0.05 * np.std(mid) and np.std(high) < 0.05 * np.std(mid)


def test_vtlp_warp_is_monotone_and_fixes_nyquist():
    f = np.linspace(0, 8000, 100)
    for alpha in (0.88, 1.0, 1.12):
        w = A.vtlp_warp(f, alpha)
        assert np.all(np.diff(w) > 0)
        assert w[-1] == pytest.approx(8000)
