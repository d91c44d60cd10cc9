# SPDX-License-Identifier: Apache-2.0
"""The Audio2Face integration note's FastAPI backend (backend/main.py), rebuilt on voxface.

    POST /process-audio   multipart/form-data: `file` (audio), optional `text` (transcript)
                          -> {"blendshapes": [[52 floats], ...], "timestamps": [...], "fps": 60,
                              "duration": s, "num_frames": n, "names": [52 ARKit names]}
    GET  /healthz         -> {"status": "ok", "version": ..., ...} (503 until the engine loads)

The JSON is what `voxface.compat.Audio2FaceSDK.process_audio` returns (the note's result keys
plus `names`), serialised with 6 decimals. Any format and rate the module decodes (WAV, FLAC,
Ogg Vorbis/Opus, MP3, ...; resampled to 16 kHz mono) is accepted. A `text` field makes the
engine align that transcript instead of recognising the words, which times the phones better.

Errors are FastAPI's usual `{"detail": "..."}`:
    400  empty upload, or audio that cannot be decoded (the detail is the library's message)
    413  request body over VOXFACE_MAX_UPLOAD_MB, or audio over VOXFACE_MAX_DURATION_S
    422  no `file` field (FastAPI's validation error)
    503  /healthz before the engine has loaded

Run it (Debian 12: apt-get install python3-fastapi python3-multipart; python3-fastapi pulls in
python3-uvicorn), from the repository root, with the build tree's module on the path (or
without PYTHONPATH once the package is pip-installed):

    PYTHONPATH=build/python /usr/bin/python3 -m uvicorn fastapi_app:app --app-dir examples \\
        --host 127.0.0.1 --port 8000
    PYTHONPATH=build/python /usr/bin/python3 examples/fastapi_app.py --port 8000   # the same
    curl -F file=@examples/speech/pbx-invalid.wav http://127.0.0.1:8000/process-audio
    curl -F file=@examples/speech/vm-options.opus -F text="$(cat examples/speech/vm-options.txt)" \\
        http://127.0.0.1:8000/process-audio

Settings come from the environment (read when the module is imported):
    VOXFACE_MAX_UPLOAD_MB (50), VOXFACE_MAX_DURATION_S (600), VOXFACE_WORKERS (2: animations
    run at once; more requests wait), VOXFACE_CHARACTER (0 neutral, 1 lively, 2 calm: the
    compat presets behind the note's character_index).
Each uvicorn worker process (--workers N) loads its own engine (~100 MB per running analysis).

`voxface serve` (C++, docs/server.md) offers the same endpoint without Python, plus more.
"""

import argparse
import contextlib
import inspect
import json
import logging
import os
import time
from dataclasses import dataclass
from typing import (Any, AsyncIterator, Awaitable, Callable, Dict, List, Mapping, MutableMapping,
                    Optional)

import anyio
import anyio.to_thread
import numpy as np
from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

import voxface
from voxface.compat import CHARACTER_PRESETS, FPS

# A child of uvicorn's error logger, so that `python3 -m uvicorn` prints these lines with its
# own (elsewhere they propagate to the root logger as usual).
logger = logging.getLogger("uvicorn.error.voxface")

# ASGI types, spelled out so that the example needs nothing beyond FastAPI's own dependencies.
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Decimals kept in the JSON: weights are float32, so more digits are noise that only adds bytes.
DECIMALS = 6


@dataclass(frozen=True)
class Settings:
    """Limits and engine choice; defaults match `voxface serve`."""

    max_upload_bytes: int = 50 * 1024 * 1024
    max_duration_s: float = 600.0
    workers: int = 2
    character_index: int = 0

    def __post_init__(self) -> None:
        if self.max_upload_bytes <= 0:
            raise ValueError(f"max_upload_bytes must be positive, got {self.max_upload_bytes}")
        if not self.max_duration_s > 0:
            raise ValueError(f"max_duration_s must be positive, got {self.max_duration_s}")
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
        if self.character_index not in CHARACTER_PRESETS:
            raise ValueError(f"character_index must be one of {sorted(CHARACTER_PRESETS)}, got "
                             f"{self.character_index}")

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Settings":
        """Reads the VOXFACE_* variables; a malformed value fails at start, naming the variable."""
        env = os.environ if env is None else env
        defaults = cls()

        def read(name: str, convert: Callable[[str], Any], default: Any) -> Any:
            raw = env.get(name)
            if raw is None or raw.strip() == "":
                return default
            try:
                return convert(raw)
            except ValueError:
                raise ValueError(f"{name}={raw!r} is not a valid {convert.__name__}") from None

        upload_mb = read("VOXFACE_MAX_UPLOAD_MB", float, defaults.max_upload_bytes / 2**20)
        return cls(max_upload_bytes=int(upload_mb * 2**20),
                   max_duration_s=read("VOXFACE_MAX_DURATION_S", float, defaults.max_duration_s),
                   workers=read("VOXFACE_WORKERS", int, defaults.workers),
                   character_index=read("VOXFACE_CHARACTER", int, defaults.character_index))


class ProcessAudioResult(BaseModel):
    """The note's result (OpenAPI schema only: responses are serialised in the worker)."""

    blendshapes: List[List[float]]
    timestamps: List[float]
    fps: float
    duration: float
    num_frames: int
    names: List[str]


class ErrorDetail(BaseModel):
    detail: str


class UploadTooLarge(HTTPException):
    """Raised from the body reader; FastAPI re-raises HTTPExceptions met while parsing forms."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=(f"request body is larger than the limit of "
                                                  f"{limit} bytes ({limit / 2**20:.1f} MiB)"))


class LimitUploadSize:
    """Answers 413 for bodies over `limit` bytes without reading (or spooling) all of them.

    Content-Length is checked up front; chunked uploads, which have none, are counted as they
    arrive, so the limit holds for both.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await _send_error(send, UploadTooLarge(self.limit))
            return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise UploadTooLarge(self.limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except UploadTooLarge as e:
            # Only reached when something other than FastAPI's form parsing read the body.
            if started:
                raise
            await _send_error(send, e)


async def _send_error(send: Send, error: HTTPException) -> None:
    body = json.dumps({"detail": error.detail}, separators=(",", ":")).encode()
    await send({"type": "http.response.start", "status": error.status_code,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def make_engine(settings: Settings) -> voxface.Engine:
    """The engine behind `Audio2FaceSDK(character_index)`, with this server's duration limit.

    The limit lives in the engine so that decoding stops at it instead of expanding a long
    upload into memory first.
    """
    options = dict(CHARACTER_PRESETS[settings.character_index]["options"])
    return voxface.Engine(fps=FPS, max_duration_s=settings.max_duration_s,
                          max_parallel=settings.workers, **options)


def track_to_note_json(track: voxface.Track) -> bytes:
    """The note's result as compact JSON (same keys and order as Audio2FaceSDK.process_audio)."""
    fps = float(track.fps)
    result: Dict[str, Any] = {
        "blendshapes": np.round(track.weights.astype(np.float64), DECIMALS).tolist(),
        "timestamps": np.round(track.timestamps, DECIMALS).tolist(),
        "fps": int(fps) if fps.is_integer() else fps,
        "duration": round(float(track.duration), DECIMALS),
        "num_frames": int(track.num_frames),
        "names": list(track.names),
    }
    return json.dumps(result, separators=(",", ":")).encode()


def animate_upload(engine: voxface.Engine, data: bytes, text: Optional[str],
                   filename: str) -> bytes:
    """Decodes, animates and serialises one upload (blocking: runs on a worker thread).

    Library errors become HTTP errors here, where it is still known which step failed.
    """
    started = time.perf_counter()
    try:
        track = engine.process_bytes(data, text)
    except voxface.OutOfRangeError as e:
        raise HTTPException(status_code=413,
                            detail=f"audio is too long for this server: {e}") from None
    except (voxface.CorruptDataError, voxface.UnsupportedError,
            voxface.InvalidArgumentError, voxface.IoError) as e:
        raise HTTPException(status_code=400,
                            detail=f"cannot use {filename} as audio: {e}") from None
    body = track_to_note_json(track)
    logger.info("%s: %.2f s of audio -> %d frames in %.2f s", filename, track.duration,
                track.num_frames, time.perf_counter() - started)
    return body


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    """The application; the engine is created once, when the server starts (not on import)."""
    settings = settings if settings is not None else Settings.from_env()

    async def startup(app: FastAPI) -> None:
        # Loading models takes about 0.5 s; a broken install fails here, before serving.
        app.state.engine = make_engine(settings)
        # A limiter of its own keeps animations from taking every thread of anyio's shared
        # pool (which also serves file reads) and bounds memory: extra requests wait here.
        app.state.limiter = anyio.CapacityLimiter(settings.workers)
        logger.info("voxface %s ready: %s", voxface.__version__, app.state.engine)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await startup(app)
        yield

    kwargs: Dict[str, Any] = dict(
        title="voxface Audio2Face-compatible backend", version=voxface.__version__,
        description="Speech audio in, ARKit-52 blendshape weights out (CPU, offline).")
    # Debian 12's FastAPI (0.92) predates `lifespan`; newer ones deprecate startup events.
    if "lifespan" in inspect.signature(FastAPI).parameters:
        app = FastAPI(lifespan=lifespan, **kwargs)
    else:
        app = FastAPI(**kwargs)

        async def on_startup() -> None:
            await startup(app)

        app.router.on_startup.append(on_startup)
    app.state.settings = settings
    app.state.engine = None
    app.add_middleware(LimitUploadSize, limit=settings.max_upload_bytes)

    @app.get("/healthz", responses={503: {"model": ErrorDetail}})
    async def healthz(request: Request) -> Any:
        """Liveness and readiness: 200 once the engine has loaded."""
        if request.app.state.engine is None:
            return JSONResponse({"detail": "engine not loaded yet"}, status_code=503)
        return {"status": "ok", "version": voxface.__version__, "fps": FPS,
                "sample_rate": voxface.SAMPLE_RATE, "character_index": settings.character_index,
                "max_upload_bytes": settings.max_upload_bytes,
                "max_duration_s": settings.max_duration_s}

    @app.post("/process-audio", response_model=ProcessAudioResult,
              responses={400: {"model": ErrorDetail, "description": "Empty or undecodable audio"},
                         413: {"model": ErrorDetail, "description": "Body or audio too long"},
                         503: {"model": ErrorDetail, "description": "Engine not loaded"}})
    async def process_audio(request: Request,
                            file: UploadFile = File(..., description="Audio file, any format"),
                            text: Optional[str] = Form(None, description="Transcript")
                            ) -> Response:
        """Animates an uploaded audio file; `text`, when given, is aligned to the speech."""
        engine = request.app.state.engine
        if engine is None:
            raise HTTPException(status_code=503, detail="engine not loaded yet")
        filename = repr(file.filename[:100]) if file.filename else "the upload"
        data = await file.read()
        if not data:
            raise HTTPException(status_code=400, detail=f"{filename} is empty: no audio to animate")
        transcript = text.strip() if text and text.strip() else None
        # Decoding, analysis and JSON encoding are CPU-bound (the module releases the GIL), so
        # they run on a worker thread and the event loop keeps serving other requests.
        body = await anyio.to_thread.run_sync(animate_upload, engine, data, transcript, filename,
                                              limiter=request.app.state.limiter)
        return Response(content=body, media_type="application/json")

    return app


app = create_app()


def main() -> None:
    """`python3 examples/fastapi_app.py`: the same app under uvicorn."""
    import uvicorn  # Only needed to serve; tests use the app without it.

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    uvicorn.run(app, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
