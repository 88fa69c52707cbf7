"""The playground's routes: one function per request, over the :class:`~lucidnet.playground.state.Playground`
kept in ``request.app.state.playground``.

The slow parts (training, parsing a CSV file, building a session, drawing a frame) run in worker threads; the
state changes only here, in the event loop. A ``step`` is refused when its work is over the limit and stops
when its client goes away.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from importlib import resources
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from lucidnet.playground.config import PlaygroundError
from lucidnet.playground.export import model_bytes, to_toml
from lucidnet.playground.inputs import read_body, read_json, require_type, weight_index, whole_number
from lucidnet.playground.session import BATCH_WORK, Session
from lucidnet.playground.state import Playground

STATIC = {"index.html": "text/html", "app.js": "text/javascript", "style.css": "text/css"}
FRAME_INTERVAL = 1 / 30  # the stream sends at most 30 frames a second
IDLE_PING = 15.0  # seconds between comments on a paused stream, so that the page notices a lost server


def playground(request: Request) -> Playground:
    state: Playground = request.app.state.playground
    return state


def _static(name: str) -> Response:
    text = resources.files("lucidnet.playground").joinpath("static", name).read_bytes()
    return Response(text, media_type=STATIC[name], headers={"Cache-Control": "no-cache"})


async def index(request: Request) -> Response:
    return _static("index.html")


async def static_file(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in STATIC:
        raise PlaygroundError(f"no static file {name!r}", 404)
    return _static(name)


async def options(request: Request) -> Response:
    return JSONResponse(playground(request).options())


async def upload(request: Request) -> Response:
    """``POST /api/upload``: one upload is read and parsed at a time, so that uploads in flight hold at most
    one file's worth of memory however many arrive together."""
    state = playground(request)
    require_type(request, "text/csv")
    name = request.query_params.get("filename", "")[:200]
    if not hasattr(request.app.state, "upload_slot"):
        request.app.state.upload_slot = anyio.Lock()
    async with request.app.state.upload_slot:
        raw = await read_body(request, state.limits.max_upload_bytes)
        parsed = await anyio.to_thread.run_sync(state.parse_upload, raw, name)
    return JSONResponse(state.keep_upload(parsed))


async def train(request: Request) -> Response:
    state = playground(request)
    data = await read_json(request, state.limits.max_json_bytes)
    config, uploaded = state.configure(data)
    session = await anyio.to_thread.run_sync(state.build, config, uploaded)
    sid = state.admit(session, data.get("replace"))
    session.wake = anyio.Event()
    frame = await anyio.to_thread.run_sync(session.frame)
    return JSONResponse(
        {"session": sid, "config": session.config.to_dict(), "init": session.init_payload(), "frame": frame}
    )


async def control(request: Request) -> Response:
    """``POST /api/sessions/{sid}/control`` with ``{"cmd": "play" | "pause" | "step" | "reset"}``."""
    state = playground(request)
    session = state.session(request.path_params["sid"])
    data = await read_json(request, state.limits.max_json_bytes)
    cmd = data.get("cmd") if isinstance(data, dict) else None
    if cmd == "step":
        return await _step(request, session, data.get("epochs", 1))
    if cmd == "reset":
        session.playing = False
        await anyio.to_thread.run_sync(session.reset)
        return JSONResponse({"playing": False, "frame": await anyio.to_thread.run_sync(session.frame)})
    if cmd == "play":
        session.playing = not session.error
    elif cmd == "pause":
        session.playing = False
    else:
        raise PlaygroundError(f"unknown command {cmd!r}; valid: play, pause, step, reset")
    session.wake.set()
    return JSONResponse({"playing": session.playing})


async def _step(request: Request, session: Session, epochs: Any) -> Response:
    """Train ``epochs`` epochs within the work limit; stops at the next epoch when the client goes away."""
    limits = playground(request).limits
    if isinstance(epochs, bool) or not isinstance(epochs, int) or not 1 <= epochs <= limits.max_step_epochs:
        raise PlaygroundError(f"epochs must be a whole number from 1 to {limits.max_step_epochs}, got {epochs!r}")
    work = session.epoch_work()
    if epochs * work > limits.max_step_work:
        most = max(1, limits.max_step_work // work)
        raise PlaygroundError(
            f"{epochs} epochs of this network on these points is too much work for one step "
            f"(epochs × (samples × parameters + (batches + 1) × {BATCH_WORK}) = {epochs * work:.3g}, the limit is "
            f"{limits.max_step_work:.3g}); step at most {most} epochs at a time, or press play",
            413,
        )
    if session.stepping:
        raise PlaygroundError("this session is already training a step; wait for its answer", 409)
    session.playing = False
    session.stepping = True
    stop = threading.Event()
    before = session.epoch
    try:
        frame = await _until_disconnected(request, lambda: session.advance(epochs, stop), stop)
    finally:
        session.stepping = False
    return JSONResponse({"playing": False, "epochs": frame["epoch"] - before, "frame": frame})


async def _until_disconnected(request: Request, work: Callable[[], Any], stop: threading.Event) -> Any:
    """Run ``work`` in a worker thread; set ``stop`` if the client disconnects before it is done."""

    async def watch() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass
        stop.set()

    async with anyio.create_task_group() as tg:
        tg.start_soon(watch)
        result = await anyio.to_thread.run_sync(work)
        tg.cancel_scope.cancel()
    return result


async def events(request: Request) -> Response:
    """``GET /api/sessions/{sid}/events``: server-sent frames while playing; a newer stream ends this one."""
    session = playground(request).session(request.path_params["sid"])
    limit = whole_number(request, "max_frames")
    session.stream_token += 1
    if session.wake is not None:
        session.wake.set()  # the previous stream sees it is not the newest and ends now, not after its idle wait
    return StreamingResponse(
        _frames(session, session.stream_token, limit),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _frames(session: Session, token: int, limit: int) -> Any:
    session.streams += 1
    sent = 0
    try:
        yield "retry: 2000\n\n"
        while not session.closed and token == session.stream_token:
            session.last_seen = time.monotonic()
            if not session.playing:
                session.wake = anyio.Event()
                with anyio.move_on_after(IDLE_PING):
                    await session.wake.wait()
                if not session.playing:
                    yield ": idle\n\n"
                continue
            t0 = time.monotonic()
            frame = await anyio.to_thread.run_sync(session.advance)
            if frame["error"]:
                session.playing = False
            yield f"data: {json.dumps(frame)}\n\n"
            sent += 1
            if limit and sent >= limit:
                return
            await anyio.sleep(max(0.0, FRAME_INTERVAL - (time.monotonic() - t0)))
        yield f"event: closed\ndata: {json.dumps({'reason': session.end_reason})}\n\n"
    finally:
        session.streams -= 1


async def trace(request: Request) -> Response:
    session = playground(request).session(request.path_params["sid"])
    index = whole_number(request, "index")
    split = request.query_params.get("split", "train")
    weight = weight_index(request.query_params["weight"]) if "weight" in request.query_params else None
    return JSONResponse(await anyio.to_thread.run_sync(session.trace, split, index, weight))


async def model(request: Request) -> Response:
    """``GET /api/sessions/{sid}/model[?weights=best]``: the weights the page shows, or the best epoch's."""
    session = playground(request).session(request.path_params["sid"])
    weights = request.query_params.get("weights", "shown")
    data = await anyio.to_thread.run_sync(model_bytes, session, weights)
    which = f"-best-epoch-{session.best_epoch}" if weights == "best" else ""
    name = f"lucidnet-playground-{session.config.dataset}{which}.safetensors"
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def config_toml(request: Request) -> Response:
    session = playground(request).session(request.path_params["sid"])
    name = f"lucidnet-playground-{session.config.dataset}.toml"
    return Response(
        to_toml(session),
        media_type="application/toml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def close(request: Request) -> Response:
    """``DELETE /api/sessions/{sid}``, or ``POST .../close`` without a body (``navigator.sendBeacon``)."""
    return JSONResponse({"closed": playground(request).close(request.path_params["sid"])})


ROUTES = [
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
