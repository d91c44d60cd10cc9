# SPDX-License-Identifier: Apache-2.0
"""Shared fixtures: one Engine for the whole run, the test clip and its transcript."""

import os
from pathlib import Path

import numpy as np
import pytest

import voxface

DATA_DIR = Path(os.environ.get("VOXFACE_TEST_DATA_DIR",
                               Path(__file__).resolve().parents[2] / "tests" / "data"))
BOOK_TEXT = "Please bring me the blue book. Maybe tomorrow."


@pytest.fixture(scope="session")
def clip_path() -> Path:
    path = DATA_DIR / "flite_slt_book.wav"
    assert path.is_file(), f"test clip missing: {path}"
    return path


@pytest.fixture(scope="session")
def clip(clip_path):
    """(float32 16 kHz mono samples, 16000)."""
    audio, rate = voxface.load_audio(clip_path)
    audio.flags.writeable = False
    return audio, rate


@pytest.fixture(scope="session")
def book_text() -> str:
    return BOOK_TEXT


@pytest.fixture(scope="session")
def engine() -> voxface.Engine:
    return voxface.Engine()


# With PocketSphinx dither on (src/analysis before the change that turns it off), the state of a
# pooled decoder carried over between calls, so one Engine could place a phone boundary one 10 ms
# frame differently from call to call. A fresh Engine's first call is reproducible either way, so
# exact comparisons run each side on a fresh Engine, and same-Engine comparisons allow one frame.
@pytest.fixture
def fresh_engine():
    return voxface.Engine


@pytest.fixture(scope="session")
def fresh_text_track(clip):
    """The clip with its transcript, from a fresh Engine's first call (exactly reproducible)."""
    audio, rate = clip
    return voxface.Engine().process(audio, rate, text=BOOK_TEXT)


@pytest.fixture(scope="session")
def track(engine, clip):
    """The clip animated without a transcript."""
    audio, rate = clip
    return engine.process(audio, rate)


@pytest.fixture(scope="session")
def text_track(engine, clip):
    """The clip animated with its transcript."""
    audio, rate = clip
    return engine.process(audio, rate, text=BOOK_TEXT)


def jaw(track) -> np.ndarray:
    return track.weights[:, voxface.ARKIT_NAMES.index("jawOpen")]


def assert_same_animation(a, b) -> None:
    """a and b animate the same speech, up to a phone boundary moved by one 10 ms frame."""
    assert a.num_frames == b.num_frames
    assert [p for p, _, _ in a.phones] == [p for p, _, _ in b.phones]
    for (_, s1, e1), (_, s2, e2) in zip(a.phones, b.phones):
        assert abs(s1 - s2) <= 0.021 and abs(e1 - e2) <= 0.021
    assert np.mean(np.abs(a.weights - b.weights)) < 2e-3
