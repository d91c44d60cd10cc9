# SPDX-License-Identifier: Apache-2.0
"""voxface.compat.Audio2FaceSDK: the integration note's wrapper API, unchanged."""

import shutil
import sys
import types

import numpy as np
import pytest

import voxface
from voxface.compat import Audio2FaceSDK

# The note's "Python Code Example", verbatim except the import of Audio2FaceSDK.
NOTE_SNIPPET = '''
import numpy as np
from voxface.compat import Audio2FaceSDK

# Initialize SDK
sdk = Audio2FaceSDK(
    character_index=0,  # 0=Claire, 1=James, 2=Mark
    use_gpu_solver=False  # CPU solver for easier debugging
)

# Load audio (must be 16kHz mono)
import librosa
audio, sr = librosa.load("speech.wav", sr=16000, mono=True)

# Generate blendshapes
result = sdk.process_audio(audio)

# Access results
blendshapes = result['blendshapes']  # Shape: (num_frames, 52)
fps = result['fps']  # 60
timestamps = result['timestamps']
'''

KEYS = {"blendshapes", "timestamps", "fps", "duration", "num_frames", "names"}


@pytest.fixture(scope="module")
def sdk():
    return Audio2FaceSDK(character_index=0, use_gpu_solver=False)


def fake_librosa():
    """librosa is not a dependency; voxface.load_audio stands in for librosa.load."""
    module = types.ModuleType("librosa")

    def load(path, sr=22050, mono=True):
        assert sr == 16000 and mono
        return voxface.load_audio(path)

    module.load = load
    return module


def test_note_snippet_runs_unchanged(clip_path, tmp_path, monkeypatch):
    shutil.copy(clip_path, tmp_path / "speech.wav")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "librosa", fake_librosa())
    scope = {}
    exec(compile(NOTE_SNIPPET, "design-note-snippet", "exec"), scope)
    result, blendshapes = scope["result"], scope["blendshapes"]
    assert set(result) == KEYS
    assert blendshapes.shape == (result["num_frames"], 52)
    assert scope["fps"] == 60 and isinstance(scope["fps"], int)
    assert scope["timestamps"].shape == (result["num_frames"],)


def test_result_types(sdk, clip):
    audio, _ = clip
    result = sdk.process_audio(audio)
    assert set(result) == KEYS
    assert isinstance(result["blendshapes"], np.ndarray)
    assert result["blendshapes"].dtype == np.float32
    assert result["blendshapes"].shape == (result["num_frames"], 52)
    assert isinstance(result["timestamps"], np.ndarray)
    np.testing.assert_allclose(result["timestamps"], np.arange(result["num_frames"]) / 60)
    assert result["fps"] == 60
    assert isinstance(result["duration"], float)
    assert result["duration"] == pytest.approx(len(audio) / 16000)
    assert isinstance(result["num_frames"], int)
    assert result["names"] == list(voxface.ARKIT_NAMES)
    # The blendshapes are a copy, independent of any Track.
    assert result["blendshapes"].flags.owndata or result["blendshapes"].base is None


def test_validation_and_normalisation(sdk, clip):
    audio, _ = clip
    with pytest.raises(ValueError, match="empty"):
        sdk.process_audio(np.zeros(0, np.float32))
    with pytest.raises(ValueError, match="NaN"):
        sdk.process_audio(np.array([0.0, np.nan, 0.1], np.float32))
    with pytest.raises(ValueError, match="mono"):
        sdk.process_audio(np.zeros((2, 1000), np.float32))
    with pytest.raises(ValueError):
        sdk.process_audio(np.array(["a", "b"]))
    # (1, n) and (n, 1) squeeze to mono; a peak above 1 is scaled down, not clipped.
    base = sdk.process_audio(audio)
    loud = sdk.process_audio((audio * 4.0 / np.max(np.abs(audio)))[None, :])
    assert loud["num_frames"] == base["num_frames"]
    assert np.corrcoef(loud["blendshapes"][:, 17], base["blendshapes"][:, 17])[0, 1] > 0.9


def test_character_presets(sdk, clip):
    with pytest.raises(ValueError):
        Audio2FaceSDK(character_index=3)
    with pytest.raises(ValueError):
        Audio2FaceSDK(character_index=-1)
    audio, _ = clip
    results = [sdk.process_audio(audio)]
    results += [Audio2FaceSDK(character_index=i).process_audio(audio) for i in (1, 2)]
    for a in range(3):
        for b in range(a + 1, 3):
            assert not np.allclose(results[a]["blendshapes"], results[b]["blendshapes"])
    smile = voxface.ARKIT_NAMES.index("mouthSmileLeft")
    assert results[1]["blendshapes"][:, smile].mean() > results[0]["blendshapes"][:, smile].mean()
    assert Audio2FaceSDK(use_gpu_solver=True).use_gpu_solver  # Accepted, runs on the CPU.
