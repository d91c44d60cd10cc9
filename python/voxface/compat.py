# SPDX-License-Identifier: Apache-2.0
"""Drop-in for the Audio2Face integration note's Python wrapper (a2f_wrapper.Audio2FaceSDK).

    from voxface.compat import Audio2FaceSDK
    sdk = Audio2FaceSDK(character_index=0, use_gpu_solver=False)
    result = sdk.process_audio(audio)   # 16 kHz mono float32
    result["blendshapes"]               # float32 (num_frames, 52), ARKit order
    result["timestamps"], result["fps"], result["duration"], result["num_frames"],
    result["names"]

character_index picks one of three style presets (the note's Claire, James and Mark slots):
0 neutral, 1 livelier (slightly more articulated, a little joy), 2 calmer (smaller mouth
motion, slower coarticulation). use_gpu_solver is accepted and ignored: voxface runs on the CPU.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

import numpy as np

from . import Engine, SAMPLE_RATE

#: character_index -> (label, Engine options). Distinct seeds give distinct blinks and idle motion.
CHARACTER_PRESETS: Dict[int, Dict[str, Any]] = {
    0: {"label": "neutral", "options": {"seed": 0}},
    1: {"label": "lively",
        "options": {"seed": 1, "articulation": 1.15, "emotion": {"joy": 0.15}}},
    2: {"label": "calm",
        "options": {"seed": 2, "articulation": 0.85, "anticipation_ms": 180.0}},
}

FPS = 60


class Audio2FaceSDK:
    """The note's Audio2FaceSDK API on the voxface engine (CPU, 60 fps, ARKit-52)."""

    def __init__(self, character_index: int = 0, use_gpu_solver: bool = False,
                 engine: Optional[Engine] = None) -> None:
        if isinstance(character_index, bool) or not isinstance(character_index, (int, np.integer)):
            raise ValueError(
                f"character_index must be 0, 1 or 2, got {character_index!r}")
        if int(character_index) not in CHARACTER_PRESETS:
            raise ValueError(
                f"character_index must be 0 (neutral), 1 (lively) or 2 (calm), got "
                f"{character_index}")
        self.character_index = int(character_index)
        # Accepted for compatibility; voxface has no GPU solver.
        self.use_gpu_solver = bool(use_gpu_solver)
        preset = CHARACTER_PRESETS[self.character_index]
        self.character = preset["label"]
        self._engine = engine if engine is not None else Engine(fps=FPS, **preset["options"])

    @property
    def engine(self) -> Engine:
        return self._engine

    @staticmethod
    def _prepare(audio: Any) -> np.ndarray:
        """Validates and normalises 16 kHz mono audio as the note's wrapper did."""
        try:
            array = np.asarray(audio)
        except Exception as e:  # noqa: BLE001 - any conversion failure is a bad argument.
            raise ValueError(f"audio must be a numpy array of samples: {e}") from None
        if array.dtype == np.bool_ or not (np.issubdtype(array.dtype, np.floating)
                                           or np.issubdtype(array.dtype, np.integer)):
            raise ValueError(f"audio must hold numeric samples, got dtype {array.dtype}")
        if array.ndim != 1:
            squeezed = np.squeeze(array)
            if squeezed.ndim != 1:
                raise ValueError(
                    f"audio must be mono (1-D, or squeezable to 1-D), got shape {array.shape}")
            array = squeezed
        if array.size == 0:
            raise ValueError("audio is empty: no samples to animate")
        if array.dtype == np.int16:
            array = array.astype(np.float32) / 32768.0
        array = np.asarray(array, dtype=np.float32)
        if not np.all(np.isfinite(array)):
            raise ValueError("audio contains NaN or Inf samples")
        peak = float(np.max(np.abs(array)))
        if peak > 1.0:
            array = array / peak
        return np.ascontiguousarray(array, dtype=np.float32)

    def process_audio(self, audio: Any, sample_rate: int = SAMPLE_RATE,
                      text: Optional[str] = None) -> Dict[str, Any]:
        """Animates 16 kHz mono float32 audio (other rates: pass sample_rate).

        Returns {"blendshapes": float32 (frames, 52), "timestamps": float64 (frames,),
        "fps": 60, "duration": seconds, "num_frames": frames, "names": the 52 ARKit names}.
        """
        track = self._engine.process(self._prepare(audio), sample_rate, text)
        fps = track.fps
        return {
            "blendshapes": np.array(track.weights, dtype=np.float32, copy=True),
            "timestamps": track.timestamps,
            "fps": int(fps) if float(fps).is_integer() else fps,
            "duration": float(track.duration),
            "num_frames": int(track.num_frames),
            "names": list(track.names),
        }
