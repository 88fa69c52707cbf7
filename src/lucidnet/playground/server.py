"""The playground's web server: a Starlette app serving the page, a JSON API and a stream of frames.

API (every error is a 4xx JSON ``{"error": "..."}`` and the server keeps serving):

=========================================  ===========================================================
``GET  /api/options``                      registries, limits and the default configuration
``POST /api/upload``                       a CSV file as the request body -> ``{"upload": id, columns}``
``POST /api/train``                        a configuration -> a session: points, first frame
``POST /api/sessions/{id}/control``        ``{"cmd": "play" | "pause" | "step" | "reset"}``
``GET  /api/sessions/{id}/events``         server-sent events: one frame per training step while playing
``GET  /api/sessions/{id}/trace``          ``?split=train&index=0[&weight=l,i,j]``: net, o, δ, gradients
``GET  /api/sessions/{id}/model``          the trained model, the same ``.safetensors`` file as the CLI
``GET  /api/sessions/{id}/config.toml``    the configuration for ``lucidnet train --config``
``DELETE /api/sessions/{id}``              end a session (``POST .../close`` for ``navigator.sendBeacon``)
=========================================  ===========================================================
"""

from __future__ import annotations

import json
import secrets
import time
from collections import OrderedDict
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from lucidnet.optimizers import OPTIMIZERS
from lucidnet.playground.config import (
    UPLOAD,
    Limits,
    PlaygroundConfig,
    PlaygroundError,
    builtin_datasets,
    hidden_activations,
    losses_for,
    parse_config,
)
from lucidnet.playground.data import Upload, builtin_points, parse_csv, upload_points
from lucidnet.playground.features import FEATURES
from lucidnet.playground.session import Session

STATIC = {"index.html": "text/html", "app.js": "text/javascript", "style.css": "text/css"}
MAX_UPLOADS_KEPT = 16
MAX_STEP_EPOCHS = 1000  # epochs one "step" request may ask for
IDLE_SECONDS = 120.0
FRAME_INTERVAL = 1 / 30  # the stream sends at most 30 frames a second


def _require_web() -> None:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as e:
        raise ImportError(
            f"the playground needs starlette and uvicorn ({e.name} is missing): pip install 'lucidnet[web]'"
        ) from None


@lru_cache(maxsize=1)
def previews(n: int = 160) -> dict[str, list[list[float]]]:
    """A few noise-free points of each built-in data set, for the page's data set buttons."""
    from lucidnet.data import datasets

    out = {}
    for name, (task, _) in builtin_datasets().items():
        X, y = datasets.load(name, n=n, seed=0)
        v = np.asarray(y, dtype=np.float64).reshape(len(X), -1)[:, 0]
        if task == "regression":
            v = v / (np.abs(v).max() or 1.0)
        out[name] = np.column_stack([X, v]).round(3).tolist()
    return out


class Playground:
    """The server's state: uploads kept in memory and at most ``limits.max_sessions`` live sessions."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.sessions: dict[str, Session] = {}
        self.uploads: OrderedDict[str, Upload] = OrderedDict()

    def optimizers(self) -> tuple[str, ...]:
        return tuple(OPTIMIZERS)

    def options(self) -> dict[str, Any]:
        return {
            "datasets": [{"name": k, "label": v[1], "problem": v[0]} for k, v in builtin_datasets().items()],
            "features": [{"name": f.name, "label": f.label} for f in FEATURES.values()],
            "activations": list(hidden_activations()),
            "losses": {task: list(losses_for(task)) for task in ("classification", "regression")},
            "output_activations": list(hidden_activations()),
            "optimizers": list(self.optimizers()),
            "limits": self.limits.to_dict(),
            "defaults": PlaygroundConfig().to_dict(),
            "previews": previews(),
        }

    def add_upload(self, raw: bytes, filename: str = "") -> dict[str, Any]:
        upload = parse_csv(raw, self.limits)
        upload.filename = filename
        key = secrets.token_urlsafe(9)
        self.uploads[key] = upload
        while len(self.uploads) > MAX_UPLOADS_KEPT:
            self.uploads.popitem(last=False)
        return {"upload": key, "filename": filename, **upload.describe()}

    def session(self, sid: str) -> Session:
        s = self.sessions.get(sid)
        if s is None:
            raise PlaygroundError(f"no session {sid!r}; it ended or the server restarted: press reset", 404)
        s.last_seen = time.monotonic()
        return s

    def close(self, sid: str) -> bool:
        s = self.sessions.pop(sid, None)
        if s is None:
            return False
        s.closed = True
        s.playing = False
        if s.wake is not None:
            s.wake.set()
        return True

    def _prune(self) -> None:
        now = time.monotonic()
        for sid, s in list(self.sessions.items()):
            if s.streams == 0 and now - s.last_seen > IDLE_SECONDS:
                self.close(sid)

    def start(self, data: Any) -> tuple[str, Session]:
        """Validate a configuration, build its points and network; replaces session ``data["replace"]``."""
        config = parse_config(data, self.limits, self.optimizers())
        if isinstance(data, dict) and isinstance(data.get("replace"), str):
            self.close(data["replace"])
        self._prune()
        if len(self.sessions) >= self.limits.max_sessions:
            raise PlaygroundError(
                f"too many trainings at once (the limit is {self.limits.max_sessions}); "
                "close another playground tab or wait a minute",
                429,
            )
        if config.dataset == UPLOAD:
            upload = self.uploads.get(config.upload)
            if upload is None:
                raise PlaygroundError(f"no upload {config.upload!r}; upload the CSV file again", 404)
            points = upload_points(config, upload)
            upload_name = upload.filename
        else:
            upload_name = ""
            points = builtin_points(config)
        if config.batch_size > len(points.p_train):
            config = PlaygroundConfig(**{**config.to_dict(), "batch_size": len(points.p_train)})
        try:
            session = Session(config, points)
        except PlaygroundError:
            raise
        except (ValueError, TypeError, KeyError) as e:  # a configuration the engine refuses
            raise PlaygroundError(f"the engine refused this configuration: {e}") from None
        session.upload_name = upload_name
        sid = secrets.token_urlsafe(12)
        self.sessions[sid] = session
        return sid, session


def create_app(limits: Limits | None = None) -> Any:
    """The playground as a Starlette ASGI app (``uvicorn.run(create_app())``, or ``TestClient(create_app())``)."""
    _require_web()
    import anyio
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response, StreamingResponse
    from starlette.routing import Route

    state = Playground(limits or Limits())

    async def body_json(request: Request) -> Any:
        raw = await read_body(request, state.limits.max_upload_bytes)
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError) as e:
            raise PlaygroundError(f"malformed JSON: {e}") from None

    async def read_body(request: Request, limit: int) -> bytes:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise PlaygroundError(
                f"the request has {declared} bytes, more than the limit of {limit} bytes", 413
            )
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise PlaygroundError(f"the request is larger than the limit of {limit} bytes", 413)
            chunks.append(chunk)
        return b"".join(chunks)

    def static(name: str) -> Response:
        text = resources.files("lucidnet.playground").joinpath("static", name).read_bytes()
        return Response(text, media_type=STATIC[name], headers={"Cache-Control": "no-cache"})

    async def index(request: Request) -> Response:
        return static("index.html")

    async def static_file(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            raise PlaygroundError(f"no static file {name!r}", 404)
        return static(name)

    async def options(request: Request) -> Response:
        return JSONResponse(state.options())

    async def upload(request: Request) -> Response:
        raw = await read_body(request, state.limits.max_upload_bytes)
        name = request.query_params.get("filename", "")[:200]
        result = await anyio.to_thread.run_sync(state.add_upload, raw, name)
        return JSONResponse(result)

    async def train(request: Request) -> Response:
        data = await body_json(request)
        sid, session = await anyio.to_thread.run_sync(state.start, data)
        session.wake = anyio.Event()
        frame = await anyio.to_thread.run_sync(session.frame)
        return JSONResponse(
            {
                "session": sid,
                "config": session.config.to_dict(),
                "init": session.init_payload(),
                "frame": frame,
            }
        )

    async def control(request: Request) -> Response:
        session = state.session(request.path_params["sid"])
        data = await body_json(request)
        cmd = data.get("cmd") if isinstance(data, dict) else None
        if cmd == "play":
            session.playing = not session.error
        elif cmd == "pause":
            session.playing = False
        elif cmd == "step":
            session.playing = False
            epochs = data.get("epochs", 1)
            if isinstance(epochs, bool) or not isinstance(epochs, int) or not 1 <= epochs <= MAX_STEP_EPOCHS:
                raise PlaygroundError(
                    f"epochs must be a whole number from 1 to {MAX_STEP_EPOCHS}, got {epochs!r}"
                )
            frame = await anyio.to_thread.run_sync(session.advance, epochs)
            return JSONResponse({"playing": False, "frame": frame})
        elif cmd == "reset":
            session.playing = False
            await anyio.to_thread.run_sync(session.reset)
            return JSONResponse({"playing": False, "frame": await anyio.to_thread.run_sync(session.frame)})
        else:
            raise PlaygroundError(f"unknown command {cmd!r}; valid: play, pause, step, reset")
        session.wake.set()
        return JSONResponse({"playing": session.playing})

    async def events(request: Request) -> Response:
        session = state.session(request.path_params["sid"])
        max_frames = request.query_params.get("max_frames", "0")
        if not max_frames.isdigit():
            raise PlaygroundError(f"max_frames must be a whole number, got {max_frames!r}")
        limit = int(max_frames)
        session.stream_token += 1
        token = session.stream_token

        async def stream() -> Any:
            session.streams += 1
            sent = 0
            try:
                yield "retry: 2000\n\n"
                while not session.closed and token == session.stream_token:
                    session.last_seen = time.monotonic()
                    if session.playing:
                        t0 = time.monotonic()
                        frame = await anyio.to_thread.run_sync(session.advance)
                        if frame["error"]:
                            session.playing = False
                        yield f"data: {json.dumps(frame)}\n\n"
                        sent += 1
                        if limit and sent >= limit:
                            return
                        await anyio.sleep(max(0.0, FRAME_INTERVAL - (time.monotonic() - t0)))
                    else:
                        session.wake = anyio.Event()
                        with anyio.move_on_after(15):
                            await session.wake.wait()
                        if not session.playing:
                            yield ": idle\n\n"
                yield "event: closed\ndata: {}\n\n"
            finally:
                session.streams -= 1

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    async def trace(request: Request) -> Response:
        session = state.session(request.path_params["sid"])
        index = request.query_params.get("index", "0")
        if not index.isdigit():
            raise PlaygroundError(f"index must be a whole number, got {index!r}")
        split = request.query_params.get("split", "train")
        weight = None
        if "weight" in request.query_params:
            parts = request.query_params["weight"].split(",")
            if len(parts) != 3 or not all(p.isdigit() for p in parts):
                raise PlaygroundError(
                    f"weight must be three whole numbers l,i,j, got {request.query_params['weight']!r}"
                )
            weight = (int(parts[0]), int(parts[1]), int(parts[2]))
        result = await anyio.to_thread.run_sync(session.trace, split, int(index), weight)
        return JSONResponse(result)

    async def model(request: Request) -> Response:
        from lucidnet.playground.export import model_bytes

        session = state.session(request.path_params["sid"])
        data = await anyio.to_thread.run_sync(model_bytes, session)
        name = f"lucidnet-playground-{session.config.dataset}.safetensors"
        return Response(
            data,
            media_type="application/octet-stream",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    async def config_toml(request: Request) -> Response:
        from lucidnet.playground.export import to_toml

        session = state.session(request.path_params["sid"])
        name = f"lucidnet-playground-{session.config.dataset}.toml"
        return Response(
            to_toml(session),
            media_type="application/toml",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    async def close(request: Request) -> Response:
        return JSONResponse({"closed": state.close(request.path_params["sid"])})

    async def playground_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PlaygroundError)
        return JSONResponse({"error": str(exc)}, status_code=exc.status)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    async def server_error(request: Request, exc: Exception) -> Response:
        return JSONResponse(
            {"error": f"internal error ({type(exc).__name__}: {exc}); the server keeps running"},
            status_code=500,
        )

    routes = [
        Route("/", index),
        Route("/static/{name}", static_file),
        Route("/api/options", options),
        Route("/api/upload", upload, methods=["POST"]),
        Route("/api/train", train, methods=["POST"]),
        Route("/api/sessions/{sid}/control", control, methods=["POST"]),
        Route("/api/sessions/{sid}/events", events),
        Route("/api/sessions/{sid}/trace", trace),
        Route("/api/sessions/{sid}/model", model),
        Route("/api/sessions/{sid}/config.toml", config_toml),
        Route("/api/sessions/{sid}", close, methods=["DELETE"]),
        Route("/api/sessions/{sid}/close", close, methods=["POST"]),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={
            PlaygroundError: playground_error,
            HTTPException: http_error,
            Exception: server_error,
        },
    )
    app.state.playground = state
    return app
