# SPDX-License-Identifier: Apache-2.0
"""Deterministic audio augmentation for 16 kHz speech with phone labels.

augment(audio, phones, seed, ...) draws a random chain from numpy's PCG64 seeded with `seed` and
returns (audio, phones, params): the same seed, input and babble pool always give the same
output (the external encoders, sox and ffmpeg's libopus/libmp3lame, are deterministic too).
params records every draw, so a shard can store it instead of the augmented audio.

The chain, each step with its own probability (AugmentConfig):
  speed  -- band-limited resampling by 0.85-1.2 (tempo and pitch, like Kaldi's speed
            perturbation); the phone times are scaled to match.
  pitch  -- sox `pitch` (WSOLA + resampling): +-4 semitones at the same duration. WSOLA shifts
            the signal by up to ~20 ms depending on the shift, so the output is re-aligned by
            cross-correlating the energy envelopes.
  vtlp   -- vocal-tract-length perturbation: the spectral envelope (cepstrally smoothed) is
            warped by 0.88-1.12 with the piecewise-linear VTLP map, keeping pitch and timing.
  reverb -- a synthetic room: direct path, sparse early reflections, exponentially decaying
            low-passed noise tail with RT60 0.15-0.9 s.
  noise  -- white, pink, babble (other corpus utterances summed) or mains hum + harmonics, at an
            SNR of 5-30 dB against the speech (not the pauses).
  phone  -- telephone band: 300-3400 Hz band-pass and 8-bit mu-law.
  codec  -- ffmpeg round trip through Opus (6-24 kbit/s) or MP3 (16-32 kbit/s), re-aligned by
            cross-correlation (encoders add delay).
  gain   -- peak level -30..-1 dBFS, or overdriven 1-8 dB into hard clipping.
Every step but speed keeps the timing, so labels follow by scaling the phone times only.
"""

from __future__ import annotations

import dataclasses
import subprocess
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .labels import Phone

RATE = 16000


@dataclasses.dataclass(frozen=True)
class AugmentConfig:
    """Probabilities and ranges of the steps (see the module docstring)."""

    p_speed: float = 0.4
    speed: Tuple[float, float] = (0.85, 1.2)
    p_pitch: float = 0.2
    pitch_semitones: Tuple[float, float] = (-4.0, 4.0)
    p_vtlp: float = 0.4
    vtlp_alpha: Tuple[float, float] = (0.88, 1.12)
    p_reverb: float = 0.35
    rt60_s: Tuple[float, float] = (0.15, 0.9)
    p_noise: float = 0.75
    snr_db: Tuple[float, float] = (5.0, 30.0)
    noise_weights: Tuple[Tuple[str, float], ...] = (("white", 1.0), ("pink", 1.5),
                                                    ("babble", 1.5), ("hum", 0.5))
    p_telephone: float = 0.1
    p_codec: float = 0.1
    p_clip: float = 0.06


DEFAULT = AugmentConfig()


# --- Individual effects (pure functions of their arguments) ------------------------------------

def fast_len(n: int) -> int:
    """The smallest 2^a 3^b 5^c >= n: FFT sizes numpy transforms quickly."""
    best = 1 << max(0, (n - 1).bit_length())
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            p235 = p35
            while p235 < n:
                p235 *= 2
            best = min(best, p235)
            p35 *= 3
        p5 *= 5
    return best


def resample_fft(x: np.ndarray, ratio: float) -> Tuple[np.ndarray, float]:
    """Band-limited resampling by about `ratio` (output/input length), spectrum cut or padded.

    Both transform sizes are 5-smooth numbers (fast), so the ratio actually used differs from
    the one asked for by under ~1%; returns (output, actual ratio).
    """
    n = len(x)
    if n == 0 or ratio == 1.0:
        return x.astype(np.float32, copy=True), 1.0
    size = fast_len(n + 1024)  # Zero padding keeps the circular FFT from wrapping the ends.
    target = size * ratio
    out_size = min((fast_len(int(target)), fast_len(int(target * 0.98))),
                   key=lambda m: abs(m - target))
    spectrum = np.fft.rfft(x.astype(np.float64), size)
    bins = out_size // 2 + 1
    if bins <= len(spectrum):
        spectrum = spectrum[:bins]
    else:
        spectrum = np.concatenate([spectrum, np.zeros(bins - len(spectrum), spectrum.dtype)])
    actual = out_size / size
    y = np.fft.irfft(spectrum, out_size) * actual
    return y[:int(round(n * actual))].astype(np.float32), actual


def speed_perturb(x: np.ndarray, phones: Sequence[Phone],
                  factor: float) -> Tuple[np.ndarray, List[Phone], float]:
    """Plays about `factor` times faster (and higher); phone times divided by the factor.

    Returns (audio, phones, the factor actually used)."""
    y, ratio = resample_fft(x, 1.0 / factor)
    scaled = [(p, s * ratio, e * ratio) for p, s, e in phones]
    return y, scaled, 1.0 / ratio


def sox_pitch(x: np.ndarray, semitones: float) -> np.ndarray:
    """Pitch shift by sox at the same duration (output trimmed/padded to the input length)."""
    fmt = ["-t", "raw", "-r", str(RATE), "-e", "floating-point", "-b", "32", "-c", "1"]
    cmd = ["sox", "-V1", *fmt, "-", *fmt, "-", "pitch", f"{semitones * 100:.1f}"]
    proc = subprocess.run(cmd, input=np.asarray(x, "<f4").tobytes(), capture_output=True,
                          check=True)
    y = np.frombuffer(proc.stdout, dtype="<f4").astype(np.float32)
    return _shift(y, _best_lag(_envelope(x), _envelope(y), max_lag=int(0.04 * RATE)), len(x))


def _shift(y: np.ndarray, lag: int, n: int) -> np.ndarray:
    """y advanced by lag samples (delayed for a negative lag), fitted to n samples."""
    y = y[lag:] if lag >= 0 else np.concatenate([np.zeros(-lag, np.float32), y])
    return _fit_length(y, n)


def _fit_length(y: np.ndarray, n: int) -> np.ndarray:
    if len(y) >= n:
        return y[:n].astype(np.float32)
    return np.concatenate([y, np.zeros(n - len(y), np.float32)]).astype(np.float32)


def _stft(x: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    padded = np.concatenate([np.zeros(n_fft, np.float64), x, np.zeros(n_fft, np.float64)])
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop]
    return np.fft.rfft(frames * np.hanning(n_fft + 1)[:-1], axis=1)


def _istft(spec: np.ndarray, n_fft: int, hop: int, length: int) -> np.ndarray:
    window = np.hanning(n_fft + 1)[:-1]
    frames = np.fft.irfft(spec, n_fft, axis=1) * window
    total = hop * (len(frames) - 1) + n_fft
    out = np.zeros(total)
    norm = np.zeros(total)
    for i, frame in enumerate(frames):  # ~100 frames per second: cheap.
        out[i * hop:i * hop + n_fft] += frame
        norm[i * hop:i * hop + n_fft] += window ** 2
    out /= np.maximum(norm, 1e-8)
    return out[n_fft:n_fft + length]


def vtlp_warp(freqs: np.ndarray, alpha: float, f_hi: float = 4800.0,
              nyquist: float = RATE / 2) -> np.ndarray:
    """The piecewise-linear VTLP map (Jaitly & Hinton 2013): f -> f * alpha below a knee."""
    knee = f_hi * min(alpha, 1.0) / alpha
    upper = nyquist - (nyquist - f_hi * min(alpha, 1.0)) / (nyquist - knee) * (nyquist - freqs)
    return np.where(freqs <= knee, freqs * alpha, upper)


def vtlp(x: np.ndarray, alpha: float, n_fft: int = 512, hop: int = 128,
         lifter: int = 30) -> np.ndarray:
    """Warps the spectral envelope by alpha (formants move, harmonics and timing stay)."""
    spec = _stft(x.astype(np.float64), n_fft, hop)
    log_mag = np.log(np.abs(spec) + 1e-9)
    cep = np.fft.irfft(log_mag, n_fft, axis=1)
    cep[:, lifter:n_fft - lifter + 1] = 0.0
    envelope = np.fft.rfft(cep, n_fft, axis=1).real
    freqs = np.arange(spec.shape[1]) * (RATE / n_fft)
    # The new envelope at f is the old one at warp^-1(f).
    source = np.interp(freqs, vtlp_warp(freqs, alpha), freqs) / (RATE / n_fft)
    lo = np.clip(np.floor(source).astype(int), 0, spec.shape[1] - 1)
    hi = np.clip(lo + 1, 0, spec.shape[1] - 1)
    frac = source - np.floor(source)
    warped = envelope[:, lo] * (1 - frac) + envelope[:, hi] * frac
    new_mag = np.exp(log_mag - envelope + warped)
    y = _istft(new_mag * np.exp(1j * np.angle(spec)), n_fft, hop, len(x))
    # Keep the level: warping moves energy between bands.
    gain = np.sqrt(np.mean(x.astype(np.float64) ** 2) / max(np.mean(y ** 2), 1e-12))
    return (y * gain).astype(np.float32)


def room_impulse_response(rng: np.random.Generator, rt60: float) -> np.ndarray:
    """Direct path at t=0, 3-8 early reflections (1-50 ms) and an exponential noise tail."""
    length = int(min(rt60 * 1.1, 1.0) * RATE)
    t = np.arange(length) / RATE
    tail = rng.standard_normal(length) * np.exp(-6.908 * t / rt60)
    # Air and walls absorb highs faster: a one-pole low-pass whose cutoff varies per room.
    a = rng.uniform(0.2, 0.7)
    tail = _one_pole(tail, a)
    onset = int(rng.uniform(0.003, 0.02) * RATE)
    tail[:onset] = 0.0
    h = tail * rng.uniform(0.05, 0.3) / max(np.sqrt(np.sum(tail ** 2)), 1e-9) * np.sqrt(rt60)
    for _ in range(rng.integers(3, 9)):
        k = int(rng.uniform(0.001, 0.05) * RATE)
        if k < length:
            h[k] += rng.uniform(0.1, 0.6) * rng.choice([-1.0, 1.0])
    h[0] = 1.0
    return h


def _one_pole(x: np.ndarray, a: float) -> np.ndarray:
    # y[n] = (1 - a) x[n] + a y[n-1], via the FFT of its impulse response (no Python loop).
    n = len(x)
    taps = (1 - a) * a ** np.arange(min(n, int(np.ceil(np.log(1e-4) / np.log(a))) + 1))
    return _fft_convolve(x, taps)[:n]


def _fft_convolve(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    size = 1 << int(np.ceil(np.log2(len(x) + len(h) - 1)))
    y = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(h, size), size)
    return y[:len(x) + len(h) - 1]


def reverberate(x: np.ndarray, rir: np.ndarray) -> np.ndarray:
    """Convolution with the RIR, cut to the input length (the direct path keeps the timing)."""
    return _fft_convolve(x.astype(np.float64), rir)[:len(x)].astype(np.float32)


def make_noise(rng: np.random.Generator, kind: str, n: int,
               babble: Sequence[np.ndarray] = ()) -> np.ndarray:
    """Unit-power noise of a kind: white, pink, babble (needs utterances) or hum."""
    if kind == "white":
        noise = rng.standard_normal(n)
    elif kind == "pink":
        size = fast_len(n)
        spectrum = np.fft.rfft(rng.standard_normal(size))
        f = np.arange(len(spectrum), dtype=np.float64)
        f[0] = 1.0
        noise = np.fft.irfft(spectrum / np.sqrt(f), size)[:n]
    elif kind == "babble":
        noise = np.zeros(n)
        for talker in babble:
            talker = np.asarray(talker, dtype=np.float64)
            if len(talker) == 0:
                continue
            reps = int(np.ceil(n / len(talker))) + 1
            looped = np.tile(talker, reps)
            start = int(rng.integers(0, len(talker)))
            piece = looped[start:start + n]
            noise += piece / max(np.sqrt(np.mean(piece ** 2)), 1e-9)
        if not np.any(noise):
            noise = rng.standard_normal(n)
    elif kind == "hum":
        base = rng.choice([50.0, 60.0])
        t = np.arange(n) / RATE
        noise = sum(rng.uniform(0.2, 1.0) / k * np.sin(2 * np.pi * base * k * t +
                                                       rng.uniform(0, 2 * np.pi))
                    for k in range(1, 8))
        noise = noise + 0.05 * rng.standard_normal(n)
    else:
        raise ValueError(f"unknown noise kind '{kind}'")
    return noise / max(np.sqrt(np.mean(noise ** 2)), 1e-12)


def speech_power(x: np.ndarray, phones: Sequence[Phone]) -> float:
    """Mean power over the non-sil phones (the whole clip if there are none)."""
    mask = np.zeros(len(x), dtype=bool)
    for p, s, e in phones:
        if p != "sil":
            mask[int(s * RATE):int(e * RATE)] = True
    region = x[mask] if mask.any() else x
    return float(np.mean(region.astype(np.float64) ** 2)) if len(region) else 0.0


def telephone(x: np.ndarray) -> np.ndarray:
    """300-3400 Hz band with smooth edges, then 8-bit mu-law companding."""
    size = fast_len(len(x) + 2048)  # Padding keeps the filter's ringing off the other end.
    spectrum = np.fft.rfft(x.astype(np.float64), size)
    f = np.fft.rfftfreq(size, 1.0 / RATE)
    gain = np.clip((f - 200.0) / 100.0, 0, 1) * np.clip((3600.0 - f) / 200.0, 0, 1)
    y = np.fft.irfft(spectrum * gain, size)[:len(x)]
    peak = max(np.max(np.abs(y)), 1e-9)
    y = y / peak
    mu = 255.0
    companded = np.sign(y) * np.log1p(mu * np.abs(y)) / np.log1p(mu)
    quantised = np.round(companded * 127.0) / 127.0
    return (np.sign(quantised) * np.expm1(np.abs(quantised) * np.log1p(mu)) / mu * peak
            ).astype(np.float32)


def codec_round_trip(x: np.ndarray, codec: str, kbps: int) -> np.ndarray:
    """Encode and decode with ffmpeg (opus or mp3), re-aligned to the input."""
    encoder = {"opus": ["-c:a", "libopus", "-application", "voip", "-f", "ogg"],
               "mp3": ["-c:a", "libmp3lame", "-f", "mp3"]}[codec]
    raw = ["-f", "f32le", "-ar", str(RATE), "-ac", "1"]
    enc = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", *raw, "-i", "pipe:",
                          *encoder, "-b:a", f"{kbps}k", "pipe:"],
                         input=np.asarray(x, "<f4").tobytes(), capture_output=True, check=True)
    dec = subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", "pipe:", *raw,
                          "pipe:"], input=enc.stdout, capture_output=True, check=True)
    y = np.frombuffer(dec.stdout, dtype="<f4").astype(np.float32)
    # Coarse lag from the energy envelopes (a waveform correlation of voiced speech can lock a
    # pitch period off), refined on the waveform within 1.5 ms of it.
    coarse = _best_lag(_envelope(x), _envelope(y), max_lag=int(0.08 * RATE))
    fine = _best_lag(x, _shift(y, coarse, len(y)), max_lag=int(0.0015 * RATE))
    return _shift(y, coarse + fine, len(x))


def _envelope(s: np.ndarray) -> np.ndarray:
    """RMS over 10 ms."""
    return np.sqrt(np.convolve(s.astype(np.float64) ** 2, np.ones(160) / 160, "same"))


def _best_lag(x: np.ndarray, y: np.ndarray, max_lag: int) -> int:
    """Lag L (samples) maximising the correlation of y[t + L] with x[t]."""
    n = min(len(x), len(y))
    if n == 0:
        return 0
    size = 1 << int(np.ceil(np.log2(2 * n)))
    corr = np.fft.irfft(np.fft.rfft(y[:n], size) * np.conj(np.fft.rfft(x[:n], size)), size)
    lags = np.concatenate([np.arange(0, max_lag + 1), np.arange(-max_lag, 0)])
    values = np.concatenate([corr[:max_lag + 1], corr[size - max_lag:]])
    return int(lags[int(np.argmax(values))])


# --- The chain ---------------------------------------------------------------------------------

def augment(audio: np.ndarray, phones: Sequence[Phone], seed: int,
            babble_pool: Optional[Callable[[np.random.Generator, int], List[np.ndarray]]] = None,
            config: AugmentConfig = DEFAULT) -> Tuple[np.ndarray, List[Phone], Dict[str, Any]]:
    """Applies a random chain to float audio in [-1, 1] at 16 kHz.

    babble_pool(rng, k) returns k other utterances (float arrays) for babble noise; without it
    babble falls back to pink noise. Returns float32 audio in [-1, 1], the phones (times scaled
    when the speed changed) and the drawn parameters.
    """
    rng = np.random.default_rng(seed)
    x = np.asarray(audio, dtype=np.float32)
    items = list(phones)
    params: Dict[str, Any] = {"seed": int(seed)}
    # Every draw happens whether or not its step runs, so one step's probability does not
    # change the others' parameters.
    draws = rng.random(8)
    if draws[0] < config.p_speed:
        x, items, factor = speed_perturb(x, items, float(rng.uniform(*config.speed)))
        params["speed"] = round(factor, 5)
    semitones = float(rng.uniform(*config.pitch_semitones))
    if draws[1] < config.p_pitch and abs(semitones) > 0.2:
        x = sox_pitch(x, semitones)
        params["pitch_semitones"] = round(semitones, 3)
    alpha = float(rng.uniform(*config.vtlp_alpha))
    if draws[2] < config.p_vtlp:
        x = vtlp(x, alpha)
        params["vtlp_alpha"] = round(alpha, 4)
    rt60 = float(rng.uniform(*config.rt60_s))
    room_rng = np.random.default_rng(rng.integers(2**63))
    if draws[3] < config.p_reverb:
        x = reverberate(x, room_impulse_response(room_rng, rt60))
        params["reverb_rt60"] = round(rt60, 3)
    kinds, weights = zip(*config.noise_weights)
    kind = str(rng.choice(kinds, p=np.asarray(weights) / np.sum(weights)))
    snr = float(rng.uniform(*config.snr_db))
    noise_rng = np.random.default_rng(rng.integers(2**63))
    if draws[4] < config.p_noise:
        babble: List[np.ndarray] = []
        if kind == "babble":
            babble = babble_pool(noise_rng, int(noise_rng.integers(3, 8))) if babble_pool else []
            if not babble:
                kind = "pink"
        noise = make_noise(noise_rng, kind, len(x), babble)
        power = speech_power(x, items)
        x = (x + noise * np.sqrt(power / 10 ** (snr / 10))).astype(np.float32)
        params["noise"] = kind
        params["snr_db"] = round(snr, 2)
    if draws[5] < config.p_telephone:
        x = telephone(x)
        params["telephone"] = True
    codec = str(rng.choice(["opus", "mp3"]))
    kbps = int(rng.choice([6, 8, 12, 16, 24] if codec == "opus" else [16, 24, 32]))
    if draws[6] < config.p_codec:
        x = codec_round_trip(x, codec, kbps)
        params["codec"] = f"{codec}@{kbps}k"
    peak = float(np.max(np.abs(x))) if len(x) else 0.0
    if draws[7] < config.p_clip:
        level_db = float(rng.uniform(1.0, 8.0))
        params["clip_db"] = round(level_db, 2)
    else:
        level_db = float(rng.uniform(-30.0, -1.0))
        params["peak_db"] = round(level_db, 2)
    if peak > 0:
        x = x * (10 ** (level_db / 20) / peak)
    return np.clip(x, -1.0, 1.0).astype(np.float32), items, params
