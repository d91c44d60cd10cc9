# SPDX-License-Identifier: Apache-2.0
"""Audio helpers: load_audio, decode_audio, decode_pcm, probe_audio."""

import numpy as np
import pytest

import voxface


def test_probe(clip_path):
    info = voxface.probe_audio(clip_path)
    assert info.container == "WAV" and info.channels == 1
    assert info.duration == pytest.approx(info.frames / info.sample_rate)


def test_decode_audio_equals_load(clip_path, clip):
    audio, _ = clip
    decoded, rate = voxface.decode_audio(clip_path.read_bytes())
    assert rate == 16000
    np.testing.assert_array_equal(decoded, audio)
    with pytest.raises(voxface.Error):
        voxface.decode_audio(b"not audio at all" * 10)


def test_decode_pcm(clip):
    audio, _ = clip
    pcm = np.round(audio * 32767).astype("<i2")
    decoded, rate = voxface.decode_pcm(pcm.tobytes(), 16000, "s16le")
    assert rate == 16000 and len(decoded) == len(audio)
    np.testing.assert_allclose(decoded, audio, atol=1e-4)
    stereo = np.repeat(pcm[:, None], 2, axis=1)
    decoded2, _ = voxface.decode_pcm(stereo.tobytes(), 8000, "s16le", channels=2)
    assert abs(len(decoded2) - 2 * len(audio)) <= 2
    with pytest.raises(voxface.CorruptDataError):
        voxface.decode_pcm(b"\x00\x00\x00", 16000, "s16le")
    with pytest.raises(voxface.InvalidArgumentError):
        voxface.decode_pcm(b"\x00\x00", 16000, "u8")


def test_max_duration_stops_decoding(clip_path):
    # The clip is ~3 s: a 1 s limit must refuse it (and a larger one accept it).
    with open(clip_path, "rb") as f:
        data = f.read()
    with pytest.raises(voxface.OutOfRangeError):
        voxface.decode_audio(data, max_duration_s=1.0)
    with pytest.raises(voxface.OutOfRangeError):
        voxface.load_audio(clip_path, max_duration_s=1.0)
    samples, rate = voxface.decode_audio(data, max_duration_s=60.0)
    assert rate == 16000 and samples.size > 16000
