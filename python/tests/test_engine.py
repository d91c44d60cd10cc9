# SPDX-License-Identifier: Apache-2.0
"""voxface.Engine: process, process_file, options, any-rate input, errors, threads."""

import math
import threading
import time

import numpy as np
import pytest

import voxface
from conftest import assert_same_animation, jaw

EXPECTED_NAMES = [
    "eyeBlinkLeft", "eyeLookDownLeft", "eyeLookInLeft", "eyeLookOutLeft", "eyeLookUpLeft",
    "eyeSquintLeft", "eyeWideLeft", "eyeBlinkRight", "eyeLookDownRight", "eyeLookInRight",
    "eyeLookOutRight", "eyeLookUpRight", "eyeSquintRight", "eyeWideRight", "jawForward",
    "jawLeft", "jawRight", "jawOpen", "mouthClose", "mouthFunnel", "mouthPucker", "mouthLeft",
    "mouthRight", "mouthSmileLeft", "mouthSmileRight", "mouthFrownLeft", "mouthFrownRight",
    "mouthDimpleLeft", "mouthDimpleRight", "mouthStretchLeft", "mouthStretchRight",
    "mouthRollLower", "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper", "mouthPressLeft",
    "mouthPressRight", "mouthLowerDownLeft", "mouthLowerDownRight", "mouthUpperUpLeft",
    "mouthUpperUpRight", "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft",
    "browOuterUpRight", "cheekPuff", "cheekSquintLeft", "cheekSquintRight", "noseSneerLeft",
    "noseSneerRight", "tongueOut",
]


def test_module_metadata():
    assert voxface.__version__ == "0.1.0"
    assert list(voxface.ARKIT_NAMES) == EXPECTED_NAMES
    assert voxface.arkit_index("JawOpen") == 17
    assert voxface.arkit_index("eyeBlink_L") == 0
    assert voxface.arkit_index("nope") is None


def test_load_audio(clip):
    audio, rate = clip
    assert rate == 16000
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert 2.9 < len(audio) / rate < 3.1
    assert np.max(np.abs(audio)) <= 1.0


def test_process_shapes(track, clip):
    audio, rate = clip
    n = track.num_frames
    assert n == len(track) == math.ceil(len(audio) / rate * 60 - 1e-9)
    assert track.fps == 60
    assert track.weights.shape == (n, 52) and track.weights.dtype == np.float32
    assert track.timestamps.dtype == np.float64
    np.testing.assert_allclose(track.timestamps, np.arange(n) / 60.0)
    assert track.names == EXPECTED_NAMES
    assert track.duration == pytest.approx(len(audio) / rate)
    assert track.visemes.shape == (n, len(track.viseme_names))
    assert track.visemes.dtype == np.float32
    assert np.all((track.weights >= 0) & (track.weights <= 1))
    assert track.phones and all(len(p) == 3 and p[1] <= p[2] for p in track.phones)
    assert jaw(track).max() > 0.2  # The mouth moves.


def test_text_gives_the_transcript_words(text_track, track):
    words = [w for w, _, _ in text_track.words]
    assert words == ["please", "bring", "me", "the", "blue", "book", "maybe", "tomorrow"]
    assert text_track.num_frames == track.num_frames
    phones = [p for p, _, _ in text_track.phones]
    # b: bring, blue, book, maybe; m: me, maybe, tomorrow.
    assert phones.count("b") == 4 and phones.count("m") == 3
    assert text_track.phones[0][1] == 0.0
    assert text_track.phones[-1][2] == pytest.approx(text_track.duration, abs=0.011)


def test_process_file_equals_process(fresh_engine, clip_path, fresh_text_track, book_text):
    from_file = fresh_engine().process_file(clip_path, text=book_text)
    np.testing.assert_allclose(from_file.weights, fresh_text_track.weights, atol=1e-5)


def test_same_engine_repeats_within_dither(engine, clip, text_track, book_text):
    audio, rate = clip
    assert_same_animation(engine.process(audio, rate, text=book_text), text_track)


def test_any_rate_and_channels(engine, fresh_engine, clip, text_track, fresh_text_track,
                               book_text):
    audio, rate = clip
    n44 = int(round(len(audio) * 44100 / rate))
    t16 = np.arange(len(audio)) / rate
    t44 = np.arange(n44) / 44100.0
    up = np.interp(t44, t16, audio)
    stereo = np.stack([up, 0.8 * up], axis=1)
    pcm16 = np.round(np.clip(stereo, -1, 1) * 32767).astype(np.int16)
    assert pcm16.shape == (n44, 2)
    resampled = engine.process(pcm16, 44100, text=book_text)
    assert resampled.num_frames == text_track.num_frames
    assert np.corrcoef(jaw(resampled), jaw(text_track))[0, 1] > 0.9
    # float64 at 16 kHz is accepted too and gives the float32 result.
    as64 = fresh_engine().process(audio.astype(np.float64), rate, text=book_text)
    np.testing.assert_allclose(as64.weights, fresh_text_track.weights, atol=1e-5)


def test_options(engine, clip, book_text):
    audio, rate = clip
    e = voxface.Engine(fps=30, seed=7, emotion={"joy": 0.6}, upper_face=False)
    assert e.fps == 30 and e.config.anim.seed == 7
    t = e.process(audio, rate, text=book_text)
    assert t.fps == 30 and t.num_frames == math.ceil(len(audio) / rate * 30 - 1e-9)
    smile = t.weights[:, voxface.ARKIT_NAMES.index("mouthSmileLeft")]
    assert smile.mean() > 0.1
    blink = t.weights[:, voxface.ARKIT_NAMES.index("eyeBlinkLeft")]
    assert blink.max() == 0.0  # upper_face=False: no blinks.
    assert voxface.Engine(model="phonetic", device="cpu").config.analyzer.name == "phonetic"


@pytest.mark.parametrize("kwargs, error", [
    ({"fps": 0}, voxface.InvalidArgumentError),
    ({"fps": -5}, voxface.InvalidArgumentError),
    ({"emotion": {"glee": 0.5}}, voxface.InvalidArgumentError),
    ({"emotion": {"joy": 2.0}}, voxface.InvalidArgumentError),
    ({"seed": -1}, voxface.InvalidArgumentError),
    ({"analyzer": "neural"}, voxface.InvalidArgumentError),
    ({"model": "a2f-claire"}, voxface.InvalidArgumentError),
    ({"device": "cuda"}, voxface.UnsupportedError),
    ({"device": "cuda:0"}, voxface.UnsupportedError),
    ({"device": "tpu"}, voxface.InvalidArgumentError),
    ({"poses": "/nonexistent/poses.json"}, voxface.NotFoundError),
    ({"model_dir": "/nonexistent/model"}, voxface.NotFoundError),
    ({"colour": "blue"}, TypeError),
])
def test_engine_errors(kwargs, error):
    with pytest.raises(error) as info:
        voxface.Engine(**kwargs)
    if issubclass(error, voxface.Error):
        assert str(info.value)  # The library's message.
        assert isinstance(info.value.code, str)


def test_cuda_message_is_clear():
    with pytest.raises(voxface.UnsupportedError, match="no GPU path"):
        voxface.Engine(device="cuda")


def test_input_errors(engine, clip):
    audio, rate = clip
    with pytest.raises(voxface.CorruptDataError):
        engine.process(np.zeros(0, np.float32))
    bad = audio.copy()
    bad[100] = np.nan
    with pytest.raises(voxface.CorruptDataError, match="NaN"):
        engine.process(bad)
    with pytest.raises(voxface.NotFoundError):
        engine.process_file("/nonexistent/clip.wav")
    with pytest.raises(voxface.NotFoundError):
        voxface.load_audio("/nonexistent/clip.wav")
    with pytest.raises(voxface.InvalidArgumentError):
        engine.process(audio, sample_rate=0)
    with pytest.raises(voxface.InvalidArgumentError, match="transpose"):
        engine.process(np.zeros((2, 16000), np.float32))
    with pytest.raises(voxface.InvalidArgumentError):
        engine.process(np.zeros((10, 10, 2), np.float32))
    with pytest.raises(TypeError):
        engine.process(b"\x00\x01")
    with pytest.raises(voxface.OutOfRangeError):
        voxface.Engine(max_duration_s=1.0).process(audio, rate)
    # Every error is a voxface.Error and, where it fits, a built-in type.
    assert issubclass(voxface.NotFoundError, FileNotFoundError)
    assert issubclass(voxface.InvalidArgumentError, ValueError)
    assert issubclass(voxface.CorruptDataError, voxface.Error)


def test_threads_share_one_engine(fresh_engine, clip, text_track, book_text):
    """Two threads animate concurrently with one Engine, and the GIL is free meanwhile."""
    engine = fresh_engine()
    audio, rate = clip
    long_audio = np.tile(audio, 4)  # ~12 s, so each call takes a while.
    long_text = " ".join([book_text] * 4)
    results = [None, None]
    errors = []

    def work(i):
        try:
            results[i] = engine.process(long_audio, rate, text=long_text)
        except Exception as e:  # pragma: no cover - reported below.
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    # While the workers are inside C++, this thread keeps running: with the GIL held by a worker
    # for the whole call, the longest gap between ticks would be about the call's duration.
    longest_gap, last = 0.0, time.perf_counter()
    while any(t.is_alive() for t in threads):
        time.sleep(0.002)
        now = time.perf_counter()
        longest_gap, last = max(longest_gap, now - last), now
    elapsed = time.perf_counter() - start
    for t in threads:
        t.join()
    assert not errors, errors
    assert results[0].num_frames > 4 * text_track.num_frames - 4
    # Both threads start on a new decoder, so they normally agree exactly; the tolerance only
    # covers a thread that reused the other's decoder (dither state, see conftest.py).
    assert_same_animation(results[0], results[1])
    assert longest_gap < max(0.05, elapsed / 4), (longest_gap, elapsed)


def test_process_bytes_and_phones(engine, fresh_engine, clip_path, text_track, fresh_text_track,
                                  book_text):
    from_bytes = fresh_engine().process_bytes(clip_path.read_bytes(), text=book_text)
    np.testing.assert_allclose(from_bytes.weights, fresh_text_track.weights, atol=1e-5)
    given = engine.process_phones(text_track.phones, text_track.duration)
    assert given.num_frames == text_track.num_frames
    assert np.corrcoef(jaw(given), jaw(text_track))[0, 1] > 0.95
