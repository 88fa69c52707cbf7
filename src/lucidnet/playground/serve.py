"""The playground's uvicorn server, with the limits uvicorn's own options leave open.

uvicorn closes a connection that stays idle between requests (``timeout_keep_alive``) and caps a request head
at ``h11_max_incomplete_event_size`` bytes, but it has no deadline for a request to *arrive*: a client that
opens a connection and sends half a head keeps a file descriptor forever, and 1,100 such connections exhaust a
1,024-descriptor process. :class:`GuardedH11Protocol` (uvicorn's h11 protocol with two additions) closes:

- a request whose head and body have not fully arrived ``request_timeout`` seconds after its first byte (or
  after the connection opened), answering ``408`` with a JSON error when nothing was answered yet;
- when more than ``max_connections`` are open, the oldest connection that is waiting for a request, so that
  a new request always finds a place (a busy one, e.g. a page's stream of frames, is never closed).

With the listen queue at ``BACKLOG`` (asyncio accepts up to that many connections in one go before any of them
reaches a protocol), the server holds at most about ``max_connections`` + 3 × ``BACKLOG`` sockets even in a
burst: under 500, within the 1,024 descriptors a process usually gets.
"""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

REQUEST_TIMEOUT = 10.0  # seconds for a request's head and body to arrive
MAX_CONNECTIONS = 100  # open connections; far below the usual 1,024 file descriptors of a process
KEEP_ALIVE = 5  # seconds an idle connection stays open between requests (uvicorn's timeout_keep_alive)
MAX_HEAD_BYTES = 16 * 1024  # request line and headers (uvicorn's h11_max_incomplete_event_size)
#: the listen queue, which is also how many connections asyncio accepts at once before any protocol sees them
#: (uvicorn's default 2048 lets one burst take 2048 descriptors before the connection cap can act)
BACKLOG = 128
_RECEIVING = (h11.IDLE, h11.SEND_BODY)  # the client's h11 states while a request is arriving


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request to arrive and a cap on open connections."""

    request_timeout = REQUEST_TIMEOUT
    max_connections = MAX_CONNECTIONS
    _deadline: asyncio.TimerHandle | None = None
    _opened = 0.0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._opened = self.loop.time()
        if len(self.connections) > self.max_connections and not self._close_oldest_waiting():
            transport.close()
            return
        self._watch()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._unwatch()
        super().connection_lost(exc)

    def waiting(self) -> bool:
        """True between requests: no request is being answered."""
        return self.conn.their_state is h11.IDLE and (self.cycle is None or self.cycle.response_complete)

    def _watch(self) -> None:
        """Arm the deadline when a request starts arriving; disarm it once the request has arrived."""
        if self.transport.is_closing() or self.conn.their_state not in _RECEIVING:
            self._unwatch()
        elif self._deadline is None:
            self._deadline = self.loop.call_later(self.request_timeout, self._timed_out)

    def _unwatch(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _timed_out(self) -> None:
        self._deadline = None
        if self.transport.is_closing() or self.conn.their_state not in _RECEIVING:
            return
        if self.cycle is None or self.cycle.response_complete or not self.cycle.response_started:  # nothing sent
            body = json.dumps(
                {"error": f"the request did not arrive within {self.request_timeout:g} seconds"}
            ).encode()
            self.transport.write(
                b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
                b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
            )
        self.transport.close()

    def _close_oldest_waiting(self) -> bool:
        """Close the oldest other connection that is waiting for a request; False when every one is busy."""
        waiting = [c for c in self.connections if c is not self and isinstance(c, GuardedH11Protocol) and c.waiting()]
        if not waiting:
            return False
        oldest = min(waiting, key=lambda c: c._opened)
        oldest._unwatch()
        oldest.transport.close()
        oldest.connections.discard(oldest)  # at once: connection_lost comes on a later turn of the loop
        return True

    def send_400_response(self, msg: str) -> None:
        """A malformed request: answer 400 with a JSON error, as every other refusal."""
        body = json.dumps({"error": f"malformed HTTP request ({msg.rstrip('.')})"}).encode()
        self.transport.write(
            b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nconnection: close\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        self.transport.close()


def guarded_protocol(request_timeout: float = REQUEST_TIMEOUT, max_connections: int = MAX_CONNECTIONS) -> type:
    """A :class:`GuardedH11Protocol` class with these limits (uvicorn takes a protocol class, not an instance)."""
    return type(
        "GuardedH11Protocol",
        (GuardedH11Protocol,),
        {"request_timeout": float(request_timeout), "max_connections": int(max_connections)},
    )


def make_server(
    app: Any,
    *,
    request_timeout: float = REQUEST_TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
    log_level: str = "warning",
) -> uvicorn.Server:
    """A uvicorn server for ``app`` with the playground's timeouts and limits; ``server.run(sockets=[sock])``."""
    config = uvicorn.Config(
        app,
        http=guarded_protocol(request_timeout, max_connections),
        ws="none",
        lifespan="off",
        log_level=log_level,
        timeout_keep_alive=KEEP_ALIVE,
        backlog=BACKLOG,
        timeout_graceful_shutdown=1,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        proxy_headers=False,
    )
    return uvicorn.Server(config)


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host``:``port`` (0: a free port), IPv6 when ``host`` has a colon."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock
