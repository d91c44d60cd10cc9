# SPDX-License-Identifier: Apache-2.0
"""Numpy twin of voxface's C++ log-mel front end (src/features/log_mel.{h,cc}).

Frame i covers samples [i * hop, i * hop + window) with no padding (frames = 1 + (n - window)
// hop, 0 for shorter input); periodic Hann window; |rfft|^2 zero-padded to fft_size; triangular
HTK-mel filters without area normalisation (torchaudio.functional.melscale_fbanks(n_freqs,
f_min, f_max, n_mels, sample_rate, norm=None, mel_scale="htk") gives the same matrix);
ln(max(energy, floor)). Computed in float64 like the C++ code, returned as float32; the two agree
to ~1e-6 (training/tests/test_log_mel_twin.py checks < 1e-4).
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import numpy.typing as npt


@dataclasses.dataclass(frozen=True)
class LogMelConfig:
    """The C++ LogMelConfig's fields and defaults."""

    sample_rate_hz: int = 16000
    window_samples: int = 400
    hop_samples: int = 160
    fft_size: int = 512
    num_mels: int = 80
    low_hz: float = 20.0
    high_hz: float = 7600.0
    floor: float = 1e-6


DEFAULT = LogMelConfig()


def _hz_to_mel(hz: npt.ArrayLike) -> np.ndarray:
    return 2595.0 * np.log10(1.0 + np.asarray(hz, dtype=np.float64) / 700.0)


def _mel_to_hz(mel: npt.ArrayLike) -> np.ndarray:
    return 700.0 * (10.0 ** (np.asarray(mel, dtype=np.float64) / 2595.0) - 1.0)


@functools.lru_cache(maxsize=8)
def mel_filterbank(config: LogMelConfig = DEFAULT) -> np.ndarray:
    """(num_mels, fft_size // 2 + 1) float64 triangular filters (read-only)."""
    edges = _mel_to_hz(np.linspace(_hz_to_mel(config.low_hz), _hz_to_mel(config.high_hz),
                                   config.num_mels + 2))
    freqs = np.arange(config.fft_size // 2 + 1, dtype=np.float64) * (
        config.sample_rate_hz / config.fft_size)
    left, centre, right = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    up = (freqs[None, :] - left) / (centre - left)
    down = (right - freqs[None, :]) / (right - centre)
    bank = np.maximum(0.0, np.minimum(up, down))
    bank.setflags(write=False)
    return bank


@functools.lru_cache(maxsize=8)
def hann_window(length: int) -> np.ndarray:
    """Periodic Hann window (torch.hann_window(length))."""
    window = 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(length, dtype=np.float64) / length)
    window.setflags(write=False)
    return window


def num_frames(num_samples: int, config: LogMelConfig = DEFAULT) -> int:
    """Whole frames in num_samples samples."""
    if num_samples < config.window_samples:
        return 0
    return 1 + (num_samples - config.window_samples) // config.hop_samples


def frame_centres_s(frames: int, config: LogMelConfig = DEFAULT) -> np.ndarray:
    """Centre time (s) of each frame: (i * hop + window / 2) / rate."""
    i = np.arange(frames, dtype=np.float64)
    return (i * config.hop_samples + config.window_samples / 2.0) / config.sample_rate_hz


def log_mel(samples: npt.ArrayLike, config: LogMelConfig = DEFAULT,
            chunk_frames: int = 4096) -> np.ndarray:
    """(frames, num_mels) float32 log-mel features of mono samples at config.sample_rate_hz.

    Samples are converted to float32 first (the C++ API takes float32), then processed in
    float64. chunk_frames bounds the memory of the FFT stage.
    """
    x = np.asarray(samples)
    if x.ndim != 1:
        raise ValueError(f"log_mel needs 1-D samples, got shape {x.shape}")
    x = x.astype(np.float32, copy=False).astype(np.float64)
    frames = num_frames(x.shape[0], config)
    out = np.empty((frames, config.num_mels), dtype=np.float32)
    if frames == 0:
        return out
    windows = np.lib.stride_tricks.sliding_window_view(x, config.window_samples)[
        ::config.hop_samples][:frames]
    window = hann_window(config.window_samples)
    bank_t = mel_filterbank(config).T
    for start in range(0, frames, chunk_frames):
        block = windows[start:start + chunk_frames] * window
        spectrum = np.fft.rfft(block, n=config.fft_size, axis=1)
        power = spectrum.real ** 2 + spectrum.imag ** 2
        out[start:start + chunk_frames] = np.log(np.maximum(power @ bank_t, config.floor))
    return out
