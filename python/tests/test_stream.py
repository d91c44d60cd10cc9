# SPDX-License-Identifier: Apache-2.0
"""voxface.Stream: chunks in, the same Track as Engine.process out."""

import numpy as np
import pytest

import voxface


def uneven_chunks(n, first=1):
    """Chunk sizes 1, 4, 13, 40, ... wrapping back to 7: splits frames and samples unevenly."""
    pos, size = 0, first
    while pos < n:
        yield pos, min(n, pos + size)
        pos += size
        size = size * 3 + 1
        if size > 9000:
            size = 7


def test_stream_float_chunks_equal_process(fresh_engine, clip, fresh_text_track, book_text):
    audio, rate = clip
    stream = fresh_engine().stream(sample_rate=rate, text=book_text)
    for begin, end in uneven_chunks(len(audio)):
        ready = stream.push(audio[begin:end])
        assert ready.shape == (0, 52) and ready.dtype == np.float32
    assert not stream.finished
    streamed = stream.finish()
    assert stream.finished
    assert streamed.num_frames == fresh_text_track.num_frames
    np.testing.assert_allclose(streamed.weights, fresh_text_track.weights, atol=1e-4)


def test_stream_s16le_bytes_split_mid_sample(fresh_engine, clip, book_text):
    audio, rate = clip
    pcm = np.round(audio * 32767).astype("<i2")
    batch = fresh_engine().process(pcm, rate, text=book_text)
    data = pcm.tobytes()
    stream = fresh_engine().stream(sample_rate=rate, encoding="s16le", text=book_text)
    for begin, end in uneven_chunks(len(data)):  # Odd byte counts split samples.
        stream.push(data[begin:end])
    streamed = stream.finish()
    np.testing.assert_allclose(streamed.weights, batch.weights, atol=1e-4)


def test_stream_stereo_44k_frames(fresh_engine, clip, book_text):
    audio, rate = clip
    up = np.interp(np.arange(int(round(len(audio) * 44100 / rate))) / 44100.0,
                   np.arange(len(audio)) / rate, audio).astype(np.float32)
    stereo = np.stack([up, up], axis=1)
    batch = fresh_engine().process(stereo, 44100, text=book_text)
    stream = fresh_engine().stream(sample_rate=44100, channels=2, text=book_text)
    for begin in range(0, len(stereo), 3001):
        stream.push(stereo[begin:begin + 3001])
    np.testing.assert_allclose(stream.finish().weights, batch.weights, atol=1e-4)


def test_stream_errors(engine, clip):
    audio, _ = clip
    with pytest.raises(voxface.InvalidArgumentError):
        engine.stream(encoding="mp3")
    with pytest.raises(voxface.InvalidArgumentError):
        engine.stream(sample_rate=0)
    stream = engine.stream(channels=2)
    with pytest.raises(voxface.InvalidArgumentError, match="channels"):
        stream.push(np.zeros((100, 3), np.float32))
    stream = engine.stream()
    bad = audio[:1000].copy()
    bad[5] = np.inf
    with pytest.raises(voxface.CorruptDataError):
        stream.push(bad)
    stream = engine.stream()
    stream.push(audio)
    stream.finish()
    with pytest.raises(voxface.InvalidArgumentError, match="finished"):
        stream.push(audio[:10])
    with pytest.raises(voxface.InvalidArgumentError, match="finished"):
        stream.finish()
