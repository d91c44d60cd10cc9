# SPDX-License-Identifier: Apache-2.0
"""voxface: speech audio in, ARKit-52 blendshape animation out.

    import voxface
    engine = voxface.Engine(fps=60, emotion={"joy": 0.3})
    audio, rate = voxface.load_audio("speech.wav")          # float32, 16 kHz mono
    track = engine.process(audio, rate, text="What was said.")  # text is optional
    track.weights        # float32 (frames, 52), columns in voxface.ARKIT_NAMES order
    track.save("speech.json")                               # or .csv (Live Link Face), .tsv

Every call into the library releases the GIL; one Engine can serve many threads. Failures raise
voxface.Error subclasses carrying the library's message (InvalidArgumentError, NotFoundError,
UnsupportedError, CorruptDataError, OutOfRangeError, IoError, InternalError).
CPU only: there is no GPU path.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Iterable, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _audio, _voxface
from ._voxface import (
    ARKIT_NAMES as _ARKIT_NAMES_TUPLE,
    AudioInfo,
    CorruptDataError,
    EngineConfig,
    Error,
    InternalError,
    InvalidArgumentError,
    IoError,
    NotFoundError,
    OutOfRangeError,
    Track,
    UnsupportedError,
    arkit_index,
    arkit_pascal_name,
)

__version__: str = _voxface.__version__

#: The 52 ARKit blendshape names in Apple's order (the columns of Track.weights).
ARKIT_NAMES: Tuple[str, ...] = tuple(_ARKIT_NAMES_TUPLE)

#: Sample rate of everything load_audio/decode_* return and the analysers use.
SAMPLE_RATE = 16000

#: Engine(model=...) values: "default" is the phonetic analyser (PocketSphinx, English).
MODELS = ("default", "phonetic")
#: Engine(device=...) values that work. "cuda"/"gpu" raise UnsupportedError.
DEVICES = ("auto", "cpu")

PathLike = Union[str, "os.PathLike[str]"]

__all__ = [
    "ARKIT_NAMES", "AudioInfo", "CorruptDataError", "DEVICES", "Engine", "EngineConfig", "Error",
    "InternalError", "InvalidArgumentError", "IoError", "MODELS", "NotFoundError",
    "OutOfRangeError", "SAMPLE_RATE", "Stream", "Track", "UnsupportedError", "__version__",
    "arkit_index", "arkit_pascal_name", "decode_audio", "decode_pcm", "load_audio", "log_mel",
    "LOG_MEL_BANDS", "probe_audio",
]

#: Columns of log_mel()'s output.
LOG_MEL_BANDS: int = _voxface.LOG_MEL_BANDS


def load_audio(path: PathLike, max_duration_s: float = 7200.0) -> Tuple[np.ndarray, int]:
    """Decodes an audio file (WAV, FLAC, Ogg, Opus, MP3, ...) at any rate and channel count.

    Returns (float32 samples, 16000): mono, resampled to 16 kHz. Raises NotFoundError,
    UnsupportedError, CorruptDataError (also for NaN/Inf), OutOfRangeError (longer than
    max_duration_s; decoding stops there rather than reading the whole file).
    """
    return _voxface.load_audio(os.fspath(path), max_duration_s)


def decode_audio(data: Any, max_duration_s: float = 7200.0) -> Tuple[np.ndarray, int]:
    """Like load_audio, from an encoded file held in memory (bytes-like)."""
    return _voxface.decode_audio(data, max_duration_s)


def decode_pcm(data: Any, sample_rate: int, encoding: str = "s16le",
               channels: int = 1) -> Tuple[np.ndarray, int]:
    """Raw interleaved little-endian PCM (bytes-like) -> (float32 16 kHz mono, 16000)."""
    return _voxface.decode_pcm(data, int(sample_rate), encoding, int(channels))


def probe_audio(path: PathLike) -> AudioInfo:
    """Container, encoding, rate, channels and length of an audio file, without decoding it."""
    return _voxface.probe_audio(os.fspath(path))


def log_mel(samples: Any, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Log-mel features of the learned speech model's front end: (frames, 80) float32.

    samples: 1-D (mono) or 2-D (frames, channels) float/int16 audio, as for Engine.process;
    audio that is not 16 kHz mono is mixed down and resampled first. Frame i covers samples
    [160 i, 160 i + 400) at 16 kHz (a 25 ms periodic Hann window every 10 ms, no padding, so
    frames = 1 + (n - 400) // 160, or 0 below 400 samples); its centre is 12.5 ms + 10 ms * i.
    Bands: 80 triangular HTK-mel filters from 20 to 7600 Hz on a 512-point power spectrum;
    values are ln(max(energy, 1e-6)). The same numbers as the C++ LogMel and its streaming
    class (src/features/log_mel.h).
    """
    array = _audio._as_array(samples)
    channels = _audio._check_shape(array)
    if channels == 1 and int(sample_rate) == SAMPLE_RATE:
        floats = _audio._to_float32(array.reshape(-1))
    else:
        pcm, encoding, channels = _audio.to_pcm(array)
        floats, _ = _voxface.decode_pcm(pcm, int(sample_rate), encoding, channels)
    return _voxface.log_mel(floats)


def _check_device(device: str) -> str:
    name = str(device).lower()
    if name in DEVICES:
        return "cpu"
    if name.startswith(("cuda", "gpu", "tensorrt", "trt")):
        raise UnsupportedError(
            f"device '{device}' is not supported: voxface has no GPU path yet (the analyser "
            "and animation run on the CPU, faster than real time); use device='cpu' or 'auto'")
    raise InvalidArgumentError(f"unknown device '{device}'; use 'auto' or 'cpu'")


def _emotion_dict(value: Any) -> Dict[str, float]:
    if value is None:
        return {}
    if isinstance(value, str):
        return {value: 1.0}
    if isinstance(value, Mapping):
        return {str(k): float(v) for k, v in value.items()}
    raise InvalidArgumentError(
        f"emotion must be a dict like {{'joy': 0.6}} or a name, got {type(value).__name__}")


def _seed(value: Any) -> int:
    if isinstance(value, (bool, float)) or not isinstance(value, (int, np.integer)):
        raise InvalidArgumentError(f"seed must be a non-negative integer, got {value!r}")
    if not 0 <= int(value) < 2**64:
        raise InvalidArgumentError(f"seed must be in [0, 2**64), got {value}")
    return int(value)


# Engine(**options): name -> (config section, field, converter).
_OPTIONS = {
    "fps": ("anim", "fps_hz", float),
    "seed": ("anim", "seed", _seed),
    "emotion": ("anim", "emotion", _emotion_dict),
    "poses": ("anim", "poses_path", lambda p: "" if p is None else os.fspath(p)),
    "upper_face": ("anim", "upper_face", bool),
    "articulation": ("anim", "articulation", float),
    "anticipation_ms": ("anim", "anticipation_ms", float),
    "analyzer": ("analyzer", "name", str),
    "model_dir": ("analyzer", "model_dir", lambda p: "" if p is None else os.fspath(p)),
    "max_parallel": ("analyzer", "max_parallel", int),
    "max_duration_s": ("audio", "max_duration_s", float),
}


def make_config(model: str = "default", **options: Any) -> EngineConfig:
    """The EngineConfig for Engine(model, **options) (see Engine for the options)."""
    config = EngineConfig()
    if model not in MODELS:
        raise InvalidArgumentError(
            f"unknown model '{model}'; available: {', '.join(MODELS)} (the phonetic analyser)")
    config.analyzer.name = "phonetic"
    for name, value in options.items():
        if name not in _OPTIONS:
            raise TypeError(
                f"Engine() got an unexpected option '{name}'; options: {', '.join(_OPTIONS)}")
        section, field, convert = _OPTIONS[name]
        try:
            converted = convert(value)
        except (TypeError, ValueError) as e:
            raise InvalidArgumentError(f"option {name}={value!r}: {e}") from None
        setattr(getattr(config, section), field, converted)
    config.validate()
    return config


class Stream:
    """A live audio stream from Engine.stream(): push chunks as they arrive, then finish().

    push() accepts numpy arrays (1-D, or 2-D frames x channels; any int/float dtype, converted
    to the stream's encoding) or bytes-like raw PCM already in the stream's encoding; chunks may
    have any size, even splitting a sample. It returns the animation frames that became ready:
    the phonetic analyser needs the whole utterance, so today that is always an empty (0, 52)
    float32 array, and finish() returns the full Track (equal to Engine.process on the same
    audio). Not meant for concurrent use (calls from several threads take turns).
    """

    def __init__(self, raw: Any, sample_rate: int, encoding: str, channels: int) -> None:
        self._raw = raw
        self.sample_rate = sample_rate
        self.encoding = encoding
        self.channels = channels

    def push(self, chunk: Any) -> np.ndarray:
        """Appends a chunk; returns the (n, 52) float32 frames that became ready (n = 0 today)."""
        self._raw.push(_audio.chunk_to_pcm(chunk, self.encoding, self.channels))
        return np.empty((0, len(ARKIT_NAMES)), dtype=np.float32)

    def finish(self) -> Track:
        """Ends the stream and returns the whole Track; no push may follow."""
        return self._raw.finish()

    @property
    def finished(self) -> bool:
        return self._raw.finished

    def __repr__(self) -> str:
        state = "finished" if self.finished else "open"
        return (f"<voxface.Stream {self.encoding} {self.sample_rate} Hz x{self.channels} "
                f"{state}>")


class Engine:
    """Speech audio in, ARKit-52 animation out (CPU; thread-safe; calls release the GIL).

    Engine(model="default", device="auto", **options)

    model: "default" or "phonetic" (PocketSphinx recognition + forced alignment, English).
    device: "auto" or "cpu". "cuda" raises UnsupportedError: there is no GPU path yet.
    options (EngineConfig fields):
      fps (60), seed (0), emotion ({"joy": 0.6}; neutral, joy, sadness, anger, surprise, fear,
      disgust; strengths 0..1), poses (viseme pose JSON path), upper_face (True),
      articulation (1.0, 0..2), anticipation_ms (150), analyzer ("phonetic"), model_dir
      (PocketSphinx model folder), max_parallel (4: concurrent analyses per Engine, ~100 MB
      each; more callers wait), max_duration_s (7200).
    Bad values raise InvalidArgumentError; a missing model raises NotFoundError.
    """

    def __init__(self, model: str = "default", device: str = "auto", **options: Any) -> None:
        self.device = _check_device(device)
        self.model = model
        self._engine = _voxface.Engine(make_config(model, **options))

    @property
    def config(self) -> EngineConfig:
        """A copy of the engine's configuration."""
        return self._engine.config

    @property
    def fps(self) -> float:
        return self._engine.config.anim.fps_hz

    def process(self, audio: Any, sample_rate: int = SAMPLE_RATE,
                text: Optional[str] = None) -> Track:
        """Animates audio held in memory.

        audio: 1-D (mono) or 2-D (frames, channels) array of float32/float64 in [-1, 1] or
        int16 (other integer types are scaled), at any sample rate: the library mixes it to
        mono and resamples it to 16 kHz. text: optional transcript (better phone timing).
        """
        pcm, encoding, channels = _audio.to_pcm(audio)
        return self._engine.animate_pcm(pcm, int(sample_rate), encoding, channels, text or "")

    def process_file(self, path: PathLike, text: Optional[str] = None) -> Track:
        """Loads (any format libsndfile reads, any rate) and animates an audio file."""
        return self._engine.animate_file(os.fspath(path), text or "")

    def process_bytes(self, data: Any, text: Optional[str] = None) -> Track:
        """Animates an encoded audio file held in memory (e.g. an uploaded WAV/FLAC/MP3)."""
        samples, rate = _voxface.decode_audio(data, self._engine.config.audio.max_duration_s)
        return self.process(samples, rate, text)

    def process_phones(self, phones: Iterable[Sequence[Any]], duration: float) -> Track:
        """Animates given phone timings [(phone, start_s, end_s), ...] (e.g. from TTS).

        Phones are lowercase ArpaBet without stress ("aa", "p", ...) plus "sil".
        """
        items = [(str(p[0]), float(p[1]), float(p[2])) for p in phones]
        return self._engine.animate_phones(items, float(duration))

    def stream(self, sample_rate: int = SAMPLE_RATE, encoding: str = "f32le", channels: int = 1,
               text: Optional[str] = None) -> Stream:
        """A live Stream of PCM in `encoding` ("f32le" or "s16le") at `sample_rate`.

        See Stream: push() returns an empty (0, 52) array today and finish() the full Track.
        """
        enc = str(encoding).lower()
        raw = self._engine.create_stream(int(sample_rate), enc, int(channels), text or "")
        return Stream(raw, int(sample_rate), enc, int(channels))

    def __repr__(self) -> str:
        return f"<voxface.Engine model={self.model!r} device={self.device!r} {self.config!r}>"
