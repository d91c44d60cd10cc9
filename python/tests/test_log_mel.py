# SPDX-License-Identifier: Apache-2.0
"""voxface.log_mel: the learned model's front end (src/features/log_mel.h)."""

import math

import numpy as np
import pytest

import voxface


def test_shape_dtype_and_frame_count(clip):
    audio, rate = clip
    features = voxface.log_mel(audio, rate)
    assert features.dtype == np.float32
    assert features.shape == (1 + (len(audio) - 400) // 160, 80)
    assert voxface.LOG_MEL_BANDS == 80
    assert np.all(np.isfinite(features))


@pytest.mark.parametrize("n, frames", [(0, 0), (399, 0), (400, 1), (559, 1), (560, 2),
                                       (16000, 98)])
def test_frames_need_a_whole_window(n, frames):
    assert voxface.log_mel(np.zeros(n, dtype=np.float32)).shape == (frames, 80)


def test_silence_is_the_floor():
    features = voxface.log_mel(np.zeros(1600, dtype=np.float32))
    np.testing.assert_allclose(features, math.log(1e-6), rtol=1e-6)


def test_sine_lands_in_the_1khz_band():
    t = np.arange(8000) / 16000.0
    features = voxface.log_mel(0.5 * np.sin(2 * np.pi * 1000.0 * t))
    band = int(np.argmax(features.mean(axis=0)))
    # HTK mel of 1 kHz = 1000 mel; band centres step (mel(7600) - mel(20)) / 81 from mel(20).
    mel = lambda f: 2595.0 * math.log10(1.0 + f / 700.0)
    expected = (mel(1000.0) - mel(20.0)) / ((mel(7600.0) - mel(20.0)) / 81) - 1
    assert abs(band - expected) <= 1


def test_int16_and_float_inputs_agree(clip):
    audio, rate = clip
    as_int16 = np.round(audio * 32767).astype(np.int16)
    loud = voxface.log_mel(audio, rate) > -5  # Quantisation matters only near the floor.
    diff = np.abs(voxface.log_mel(as_int16, rate) - voxface.log_mel(audio, rate))
    assert diff[loud].max() < 1e-2


def test_other_rates_and_channels_are_converted(clip):
    audio, rate = clip
    stereo = np.stack([audio, audio], axis=1)
    np.testing.assert_array_equal(voxface.log_mel(stereo, rate), voxface.log_mel(audio, rate))
    # Upsampled to 32 kHz and back: same length in frames, near-identical spectra.
    up = np.repeat(audio, 2)  # Crude 2x upsampling; the library resamples it back.
    features = voxface.log_mel(up, 32000)
    reference = voxface.log_mel(audio, rate)
    assert abs(features.shape[0] - reference.shape[0]) <= 1
    n = min(features.shape[0], reference.shape[0])
    speech = reference[:n].max(axis=1) > 0
    assert np.median(np.abs(features[:n] - reference[:n])[speech][:, :40]) < 0.5


def test_bad_input_raises():
    with pytest.raises(voxface.CorruptDataError):
        voxface.log_mel(np.array([0.0, np.nan] * 400, dtype=np.float32))
    with pytest.raises(voxface.InvalidArgumentError):
        voxface.log_mel(np.zeros((2, 2, 2), dtype=np.float32))
    with pytest.raises(TypeError):
        voxface.log_mel(b"\x00\x00" * 800)
