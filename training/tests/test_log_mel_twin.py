# SPDX-License-Identifier: Apache-2.0
"""The numpy log-mel twin against the C++ front end (voxface.log_mel)."""

import numpy as np
import pytest

voxface = pytest.importorskip("voxface")

from voxtrain import log_mel  # noqa: E402

TOLERANCE = 1e-4


def _signals():
    rng = np.random.default_rng(0)
    t = np.arange(32000) / 16000.0
    yield "noise", (0.1 * rng.standard_normal(32000)).astype(np.float32)
    yield "quiet noise", (1e-4 * rng.standard_normal(16000)).astype(np.float32)
    yield "sweep", (0.5 * np.sin(2 * np.pi * (50 + 3000 * t) * t)).astype(np.float32)
    yield "clipped", np.clip(3 * rng.standard_normal(8000), -1, 1).astype(np.float32)
    yield "silence + burst", np.concatenate([np.zeros(5000), 0.3 * rng.standard_normal(3000),
                                             np.zeros(4000)]).astype(np.float32)
    yield "int16 steps", (rng.integers(-3, 4, 6000) / 32768.0).astype(np.float32)
    yield "odd length", (0.2 * rng.standard_normal(16000 + 123)).astype(np.float32)


@pytest.mark.parametrize("name, samples", list(_signals()))
def test_matches_cpp(name, samples):
    cpp = voxface.log_mel(samples)
    ours = log_mel.log_mel(samples)
    assert ours.shape == cpp.shape
    assert ours.dtype == np.float32
    assert np.max(np.abs(ours - cpp)) < TOLERANCE, name


def test_matches_cpp_on_speech():
    from pathlib import Path
    clip = Path(__file__).resolve().parents[2] / "tests" / "data" / "flite_slt_book.wav"
    audio, _ = voxface.load_audio(str(clip))
    diff = np.abs(log_mel.log_mel(audio) - voxface.log_mel(audio))
    assert diff.max() < TOLERANCE


@pytest.mark.parametrize("n", [0, 1, 399, 400, 559, 560, 16000])
def test_frame_count_matches_cpp(n):
    x = np.ones(n, dtype=np.float32) * 0.01
    assert log_mel.log_mel(x).shape == voxface.log_mel(x).shape
    assert log_mel.num_frames(n) == voxface.log_mel(x).shape[0]


def test_frame_centres():
    np.testing.assert_allclose(log_mel.frame_centres_s(3), [0.0125, 0.0225, 0.0325])


def test_filterbank_shape_and_peaks():
    bank = log_mel.mel_filterbank()
    assert bank.shape == (80, 257)
    assert np.all(bank.max(axis=1) > 0.3) and np.all(bank <= 1.0)
    # Centres rise monotonically.
    assert np.all(np.diff(np.argmax(bank, axis=1)) >= 0)
