# SPDX-License-Identifier: Apache-2.0
"""Turns numpy audio into the raw little-endian PCM the library resamples (internal)."""

from __future__ import annotations

from typing import Any, Tuple

import numpy as np

from . import _voxface

# The library's limit on raw PCM channels (PcmFormat::Validate).
MAX_CHANNELS = 64


def _as_array(audio: Any) -> np.ndarray:
    if isinstance(audio, (bytes, bytearray, memoryview)):
        raise TypeError(
            "audio must be a numpy array (or a sequence of numbers), not raw bytes; decode bytes "
            "with voxface.decode_pcm() or voxface.decode_audio(), or push them to a stream")
    array = np.asarray(audio)
    if array.dtype == np.bool_ or not (
            np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)):
        raise TypeError(f"audio must hold int16 or float samples, got dtype {array.dtype}")
    return array


def _check_shape(array: np.ndarray, channels: int | None = None) -> int:
    """Returns the channel count of a (frames,) or (frames, channels) array."""
    if array.ndim == 1:
        return 1 if channels is None else channels
    if array.ndim != 2:
        raise _voxface.InvalidArgumentError(
            f"audio must be 1-D (mono) or 2-D (frames, channels), got shape {array.shape}")
    if array.shape[1] > MAX_CHANNELS:
        raise _voxface.InvalidArgumentError(
            f"2-D audio must be (frames, channels), got shape {array.shape} "
            f"({array.shape[1]} channels); transpose a (channels, frames) array with .T")
    if channels is not None and array.shape[1] != channels:
        raise _voxface.InvalidArgumentError(
            f"chunk has {array.shape[1]} channels but the stream was opened with {channels}")
    return int(array.shape[1])


def _to_float32(array: np.ndarray) -> np.ndarray:
    if np.issubdtype(array.dtype, np.floating):
        return np.ascontiguousarray(array, dtype="<f4")
    info = np.iinfo(array.dtype)
    if info.min == 0:  # Unsigned: the midpoint is silence (8-bit WAV style).
        mid = (int(info.max) + 1) / 2.0
        return np.ascontiguousarray((array.astype(np.float64) - mid) / mid, dtype="<f4")
    return np.ascontiguousarray(array.astype(np.float64) / (int(info.max) + 1), dtype="<f4")


def _to_int16(array: np.ndarray) -> np.ndarray:
    if array.dtype == np.int16:
        return np.ascontiguousarray(array, dtype="<i2")
    floats = _to_float32(array)
    if not np.all(np.isfinite(floats)):
        raise _voxface.CorruptDataError("audio contains NaN or Inf samples")
    return np.ascontiguousarray(np.rint(np.clip(floats, -1.0, 1.0) * 32767.0), dtype="<i2")


def to_pcm(audio: Any) -> Tuple[np.ndarray, str, int]:
    """(contiguous array, "s16le" | "f32le", channels) for a whole recording.

    int16 stays 16-bit; every other dtype becomes float32 (integers scaled to [-1, 1)).
    """
    array = _as_array(audio)
    channels = _check_shape(array)
    if array.dtype == np.int16:
        return np.ascontiguousarray(array, dtype="<i2"), "s16le", channels
    return _to_float32(array), "f32le", channels


def chunk_to_pcm(chunk: Any, encoding: str, channels: int) -> Any:
    """A stream chunk as bytes-like data in the stream's encoding.

    Bytes-like chunks pass through untouched (they must already be in `encoding`).
    """
    if isinstance(chunk, (bytes, bytearray, memoryview)):
        return chunk
    array = _as_array(chunk)
    _check_shape(array, channels)
    if encoding == "s16le":
        return _to_int16(array)
    return _to_float32(array)
