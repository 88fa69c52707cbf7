"""Who may ask the playground to work: one ASGI middleware in front of every route.

Three checks, in this order, each answered with a JSON ``{"error": ...}`` before any route runs:

1. **Host** (every request): the ``Host`` header must name this computer's loopback (``localhost``,
   ``127.0.0.0/8``, ``::1``) or an address the server was started for, with the port it serves; else 421 (400 when
   the header is missing or malformed). A page whose domain was re-pointed at 127.0.0.1 (DNS rebinding) sends its
   own name and is refused, as Jupyter's server does.
2. **Origin** (every ``/api/`` request): a browser names the page that sends a request in ``Origin`` (or, when it
   leaves ``Origin`` out, in ``Referer``); it must be this server, ``http://<Host>``; else 403. A request with
   neither header comes from a program, not from a web page (browsers send ``Origin`` with every POST and DELETE).
3. **No simple cross-site requests** (POST, PUT, PATCH, DELETE with a body): the ``Content-Type`` must be one that
   a page on another site cannot send without the browser asking this server first (a CORS preflight, which it
   never grants): not ``text/plain``, ``application/x-www-form-urlencoded``, ``multipart/form-data`` or none; else
   403. Each route then reads only its own type (JSON or CSV).
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Awaitable, Callable, Collection, MutableMapping
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]

LOCAL_NAMES = frozenset({"localhost"})
ANY_HOST = "*"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: the Content-Types a cross-site page may send without a preflight (the Fetch standard's CORS-safelisted ones)
SIMPLE_TYPES = frozenset({"text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""})


def split_host(host: str) -> tuple[str, int | None]:
    """``"Localhost:8000"`` → ``("localhost", 8000)``; ``"[::1]:80"`` → ``("::1", 80)``; ValueError if malformed.

    >>> split_host("[::1]:8000"), split_host("127.0.0.1")
    (('::1', 8000), ('127.0.0.1', None))
    """
    parts = urlsplit("//" + host)
    if not parts.hostname or parts.username is not None or parts.path or parts.query or parts.fragment:
        raise ValueError(f"malformed Host {host!r}")
    return parts.hostname.lower(), parts.port  # .port raises ValueError when out of range or not a number


def is_loopback(name: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1).

    >>> [is_loopback(h) for h in ("localhost", "127.3.2.1", "::1", "10.0.0.1", "evil.example")]
    [True, True, True, False, False]
    """
    if name in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_problem(host: str | None, served_port: int | None, allowed: Collection[str] = ()) -> tuple[int, str] | None:
    """(status, message) when ``host`` is not this server: a loopback name or one of ``allowed`` (``"*"``: any
    name), with ``served_port``; None when it is.

    >>> host_problem("127.0.0.1:8000", 8000) is None
    True
    >>> host_problem("evil.example:8000", 8000)[0]
    421
    """
    if not host:
        return 400, "the request has no Host header"
    try:
        name, port = split_host(host)
    except ValueError:
        return 400, f"malformed Host header {host!r}"
    if not (is_loopback(name) or ANY_HOST in allowed or name in allowed):
        return 421, (
            f"this playground answers only to this computer (localhost, 127.0.0.1, ::1), not to Host {host!r}; "
            "open it at the address `lucidnet playground` printed"
        )
    if served_port is not None and (port or 80) != served_port:
        return 421, f"this playground serves port {served_port}, not Host {host!r}"
    return None


def origin_problem(origin: str | None, referer: str | None, host: str, scheme: str = "http") -> str | None:
    """A message when ``Origin`` (or, without it, ``Referer``) names another site than ``scheme://host``.

    >>> origin_problem("http://127.0.0.1:8000", None, "127.0.0.1:8000") is None
    True
    >>> origin_problem(None, "http://evil.example/page", "127.0.0.1:8000")
    'a page of http://evil.example may not use this playground (only its own page may)'
    """
    sent = origin if origin is not None else referer
    if sent is None:
        return None  # a program (curl, a script), not a web page
    parts = urlsplit(sent)
    here = _authority(host)
    if sent != "null" and parts.scheme == scheme and here is not None and _authority(parts.netloc) == here:
        return None
    shown = f"{parts.scheme}://{parts.netloc}" if parts.netloc else repr(sent)
    return f"a page of {shown} may not use this playground (only its own page may)"


def _authority(netloc: str) -> tuple[str, int] | None:
    """(name, port) with the default port 80 filled in, None when malformed."""
    try:
        name, port = split_host(netloc)
    except ValueError:
        return None
    return name, port or 80


def content_type_problem(method: str, content_type: str | None, has_body: bool) -> str | None:
    """A message when a state-changing request carries a body of a type any web page could send unasked.

    >>> content_type_problem("POST", "text/plain;charset=UTF-8", True)
    'POST requests must say Content-Type: application/json (or text/csv for an upload), not text/plain'
    >>> content_type_problem("POST", "application/json", True) is None
    True
    """
    if method not in STATE_CHANGING or not has_body:
        return None
    essence = (content_type or "").split(";", 1)[0].strip().lower()
    if essence not in SIMPLE_TYPES:
        return None
    return (
        f"{method} requests must say Content-Type: application/json (or text/csv for an upload), "
        f"not {essence or 'none'}"
    )


class SameOriginMiddleware:
    """ASGI middleware: refuse requests that are not for this server or not from its own page (see the module)."""

    def __init__(self, app: ASGIApp, allowed_hosts: Collection[str] = ()) -> None:
        self.app = app
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            problem = self.problem(scope)
            if problem is not None:
                await _send_json(send, *problem)
                return
        await self.app(scope, receive, send)

    def problem(self, scope: Scope) -> tuple[int, str] | None:
        """(status, message) for a request this server refuses, None for one it serves."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        server = scope.get("server")
        host = headers.get("host")
        problem = host_problem(host, server[1] if server else None, self.allowed_hosts)
        if problem is not None or host is None:
            return problem
        if scope["path"].startswith("/api/"):
            message = origin_problem(headers.get("origin"), headers.get("referer"), host, scope.get("scheme", "http"))
            if message is not None:
                return 403, message
        has_body = headers.get("content-length", "0") not in ("", "0") or "transfer-encoding" in headers
        message = content_type_problem(scope["method"], headers.get("content-type"), has_body)
        return None if message is None else (403, message)

    def __repr__(self) -> str:
        extra = f", also {sorted(self.allowed_hosts)}" if self.allowed_hosts else ""
        return f"SameOriginMiddleware(loopback hosts{extra})"


async def _send_json(send: Any, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
