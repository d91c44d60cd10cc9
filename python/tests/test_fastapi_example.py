# SPDX-License-Identifier: Apache-2.0
"""examples/fastapi_app.py, the note's FastAPI backend, through FastAPI's TestClient.

Skipped when FastAPI, httpx (the TestClient's transport) or python-multipart (form parsing) is
missing: Debian python3-fastapi, python3-httpx, python3-multipart.
"""

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, Iterator, List

import numpy as np
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
pytest.importorskip("multipart")

from fastapi.testclient import TestClient  # noqa: E402 - after the skips, on purpose.

import voxface  # noqa: E402
from voxface.compat import Audio2FaceSDK  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "fastapi_app.py"
SPEECH = ROOT / "examples" / "speech"
BOOK = SPEECH / "flite-slt-blue-book.wav"

# The note's keys plus names, in the order Audio2FaceSDK.process_audio returns them.
KEYS = ["blendshapes", "timestamps", "fps", "duration", "num_frames", "names"]


@pytest.fixture(scope="module")
def example() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("voxface_fastapi_example", EXAMPLE)
    assert spec is not None and spec.loader is not None, f"example missing: {EXAMPLE}"
    module = importlib.util.module_from_spec(spec)
    # Registered while it runs: pydantic looks the models' module up in sys.modules.
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


@pytest.fixture(scope="module")
def client(example) -> Iterator[TestClient]:
    # The `with` block runs the startup handler, which creates the engine.
    with TestClient(example.create_app(example.Settings())) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def limited_client(example) -> Iterator[TestClient]:
    """80 KiB bodies (the WAV clips are larger, the Opus one smaller) and 2 s of audio."""
    settings = example.Settings(max_upload_bytes=80 * 1024, max_duration_s=2.0)
    with TestClient(example.create_app(settings)) as test_client:
        yield test_client


def post_clip(client: TestClient, path: Path, **data: str):
    with open(path, "rb") as f:
        return client.post("/process-audio", files={"file": (path.name, f)}, data=data)


def transcript(path: Path) -> str:
    return path.with_suffix(".txt").read_text().strip()


def test_health(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == voxface.__version__
    assert body["fps"] == 60 and body["sample_rate"] == 16000


def test_engine_is_created_at_startup_not_import(example):
    app = example.create_app(example.Settings())
    assert app.state.engine is None
    unstarted = TestClient(app)  # Without `with`: no startup.
    assert unstarted.get("/healthz").status_code == 503
    with open(BOOK, "rb") as f:
        response = unstarted.post("/process-audio", files={"file": ("book.wav", f)})
    assert response.status_code == 503


@pytest.mark.parametrize("name", ["flite-slt-blue-book.wav", "ss-noservice.flac",
                                  "vm-options.opus"])
def test_process_audio(client, name):
    path = SPEECH / name
    response = post_clip(client, path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    result: Dict[str, Any] = response.json()
    assert list(result) == KEYS
    assert result["fps"] == 60 and isinstance(result["fps"], int)
    n = result["num_frames"]
    weights = np.array(result["blendshapes"])
    assert weights.shape == (n, 52)
    assert result["names"] == list(voxface.ARKIT_NAMES)
    np.testing.assert_allclose(result["timestamps"], np.arange(n) / 60, atol=1e-6)
    # Any input rate (FLAC 44.1 kHz, Opus 48 kHz, ...) comes back as the clip's real length.
    assert result["duration"] == pytest.approx(voxface.probe_audio(path).duration, abs=0.01)
    assert abs(n - result["duration"] * 60) <= 1.0
    assert weights.min() >= 0.0 and weights.max() <= 1.0
    assert weights[:, voxface.ARKIT_NAMES.index("jawOpen")].max() > 0.1  # The mouth moves.


def test_same_as_compat_sdk_with_text(client, monkeypatch):
    """The HTTP result equals Audio2FaceSDK.process_audio on the same audio and transcript."""
    engine = client.app.state.engine
    texts: List[Any] = []
    original = engine.process_bytes

    def spy(data, text=None):
        texts.append(text)
        return original(data, text)

    monkeypatch.setattr(engine, "process_bytes", spy)
    text = transcript(BOOK)
    response = post_clip(client, BOOK, text=f"  {text}\n")
    assert response.status_code == 200, response.text
    assert texts == [text]  # Reached the engine, stripped.
    assert client.app.state.engine is engine  # One engine for every request.

    audio, rate = voxface.load_audio(BOOK)
    expected = Audio2FaceSDK().process_audio(audio, rate, text=text)
    result = response.json()
    assert list(result) == list(expected)
    assert result["num_frames"] == expected["num_frames"]
    assert result["duration"] == pytest.approx(expected["duration"], abs=1e-6)
    assert result["names"] == expected["names"]
    # Rounded to 6 decimals; and a pooled decoder may move one phone boundary by 10 ms.
    assert np.mean(np.abs(np.array(result["blendshapes"]) - expected["blendshapes"])) < 2e-3


def test_blank_text_is_no_text(client, monkeypatch):
    engine = client.app.state.engine
    texts: List[Any] = []
    original = engine.process_bytes
    monkeypatch.setattr(engine, "process_bytes",
                        lambda data, text=None: texts.append(text) or original(data, text))
    assert post_clip(client, BOOK, text="   ").status_code == 200
    assert texts == [None]


def test_empty_file_is_400(client):
    response = client.post("/process-audio", files={"file": ("empty.wav", b"", "audio/wav")})
    assert response.status_code == 400
    assert response.json()["detail"] == "'empty.wav' is empty: no audio to animate"


def test_garbage_is_400_with_the_decoder_message(client):
    response = client.post("/process-audio",
                           files={"file": ("noise.mp3", b"definitely not audio " * 50)})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("cannot use 'noise.mp3' as audio: ")
    assert "decode" in detail  # The library says why.


def test_missing_file_field_is_422(client):
    response = client.post("/process-audio", data={"text": "hello"})
    assert response.status_code == 422
    assert any(error["loc"] == ["body", "file"] for error in response.json()["detail"])
    assert client.post("/process-audio").status_code == 422


def test_wrong_method_is_405(client):
    assert client.get("/process-audio").status_code == 405


def test_body_over_limit_is_413(limited_client):
    response = post_clip(limited_client, BOOK)  # 95 KB > 80 KiB, announced by Content-Length.
    assert response.status_code == 413
    assert response.json()["detail"] == (
        "request body is larger than the limit of 81920 bytes (0.1 MiB)")


def test_chunked_body_over_limit_is_413(limited_client):
    def chunks() -> Iterator[bytes]:
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.wav\"\r\n\r\n"
        for _ in range(100):
            yield b"\0" * 1024

    response = limited_client.post("/process-audio", content=chunks(),
                                   headers={"content-type": "multipart/form-data; boundary=b"})
    assert "content-length" not in response.request.headers  # Counted, not announced.
    assert response.status_code == 413
    assert "larger than the limit" in response.json()["detail"]


def test_audio_over_duration_limit_is_413(limited_client):
    response = post_clip(limited_client, SPEECH / "vm-options.opus")  # 65 KB, but about 15 s.
    assert response.status_code == 413
    detail = response.json()["detail"]
    assert detail.startswith("audio is too long for this server: ")
    assert "2.0 s limit" in detail


def test_settings_from_env(example):
    settings = example.Settings.from_env({"VOXFACE_MAX_UPLOAD_MB": "1.5", "VOXFACE_WORKERS": "3",
                                          "VOXFACE_MAX_DURATION_S": "", "VOXFACE_CHARACTER": "2"})
    assert settings == example.Settings(max_upload_bytes=3 * 2**19, workers=3, character_index=2)
    with pytest.raises(ValueError, match="VOXFACE_WORKERS"):
        example.Settings.from_env({"VOXFACE_WORKERS": "two"})
    with pytest.raises(ValueError, match="character_index"):
        example.Settings.from_env({"VOXFACE_CHARACTER": "7"})
