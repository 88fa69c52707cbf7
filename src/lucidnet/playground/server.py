"""The playground's web server: a Starlette app serving the page, a JSON API and a stream of frames.

API (every error is a 4xx JSON ``{"error": "..."}`` and the server keeps serving):

=========================================  ===========================================================
``GET  /api/options``                      registries, limits and the default configuration
``POST /api/upload``                       a CSV file as the body (``text/csv``) -> ``{"upload": id, columns}``
``POST /api/train``                        a configuration (``application/json``) -> a session: points, frame
``POST /api/sessions/{id}/control``        ``{"cmd": "play" | "pause" | "step" | "reset"}``
``GET  /api/sessions/{id}/events``         server-sent events: one frame per training step while playing
``GET  /api/sessions/{id}/trace``          ``?split=train&index=0[&weight=l,i,j]``: net, o, δ, gradients
``GET  /api/sessions/{id}/model``          the trained model, the CLI's ``.safetensors`` (``?weights=best``)
``GET  /api/sessions/{id}/config.toml``    the configuration for ``lucidnet train --config``
``DELETE /api/sessions/{id}``              end a session (``POST .../close`` for ``navigator.sendBeacon``)
=========================================  ===========================================================

Only this computer's own page may use it: :class:`~lucidnet.playground.security.SameOriginMiddleware` checks
Host, Origin and Content-Type before any route runs; :mod:`lucidnet.playground.serve` closes requests that do not
arrive in time. The routes are in :mod:`lucidnet.playground.routes`, the state in :mod:`lucidnet.playground.state`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from lucidnet.playground.config import Limits, PlaygroundError
from lucidnet.playground.routes import ROUTES
from lucidnet.playground.security import SameOriginMiddleware
from lucidnet.playground.state import Playground


async def _playground_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PlaygroundError)
    return JSONResponse({"error": str(exc)}, status_code=exc.status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)


async def _server_error(request: Request, exc: Exception) -> Response:
    return JSONResponse(
        {"error": f"internal error ({type(exc).__name__}: {exc}); the server keeps running"}, status_code=500
    )


def create_app(limits: Limits | None = None, allowed_hosts: Collection[str] = ()) -> Any:
    """The playground as a Starlette ASGI app: ``make_server(create_app()).run(sockets=[sock])``
    (:mod:`lucidnet.playground.serve`, with its timeouts), or ``TestClient(create_app(),
    base_url="http://127.0.0.1:8000")`` (the app answers only to loopback names with the port it serves).

    Parameters
    ----------
    limits : Limits, optional
        Caps on work, sizes and memory (the defaults of :class:`~lucidnet.playground.config.Limits`).
    allowed_hosts : collection of str
        Host names the server also answers to besides this computer's loopback names, e.g. the address given
        to ``lucidnet playground --host``; ``"*"`` answers to any name (the DNS-rebinding check is off then).
    """
    app = Starlette(
        routes=ROUTES,
        middleware=[Middleware(SameOriginMiddleware, allowed_hosts=allowed_hosts)],
        exception_handlers={
            PlaygroundError: _playground_error,
            HTTPException: _http_error,
            Exception: _server_error,
        },
    )
    app.state.playground = Playground(limits or Limits())
    return app
