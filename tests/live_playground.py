"""Real playground servers for the tests: uvicorn in a thread or in a child process, and raw HTTP over sockets."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

# A child process serving the playground on a free port: argv = soft file-descriptor limit, request timeout.
CHILD = """
import resource, sys
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(int(sys.argv[1]), hard), hard))
from lucidnet.playground import create_app
from lucidnet.playground.serve import listening_socket, make_server
sock = listening_socket("127.0.0.1", 0)
print(sock.getsockname()[1], flush=True)
make_server(create_app(), request_timeout=float(sys.argv[2])).run(sockets=[sock])
"""


@contextmanager
def serve_in_thread(app, **limits):
    """Serve ``app`` with :func:`lucidnet.playground.serve.make_server` in a thread; yields the port."""
    from lucidnet.playground.serve import listening_socket, make_server

    sock = listening_socket("127.0.0.1", 0)
    server = make_server(app, **limits)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the playground server did not start"
        time.sleep(0.02)
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextmanager
def serve_in_process(max_fds: int = 1024, request_timeout: float = 10.0, stderr=None):
    """A child process serving the playground (its stderr to the file ``stderr``); yields (port, pid)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(max_fds), str(request_timeout)],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env=env,
    )
    try:
        port = int(proc.stdout.readline())
        deadline = time.monotonic() + 20
        while True:  # the socket listens before uvicorn serves: wait for a first answer
            try:
                status, _ = request(port, b"GET /api/options HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % port)
                assert status == 200
                break
            except OSError:
                assert time.monotonic() < deadline, "the playground process did not start"
                time.sleep(0.05)
        yield port, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def http(
    port: int,
    method: str,
    path: str,
    body: bytes = b"",
    host: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict]:
    """One request over a fresh connection, the headers exactly as given; returns (status, JSON body)."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host if host is not None else f'127.0.0.1:{port}'}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    lines.append("Connection: close")
    return request(port, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


def request(port: int, raw: bytes, timeout: float = 60.0) -> tuple[int, dict]:
    """Send ``raw`` bytes, read the whole answer; returns (status, JSON body or {"text": body})."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(raw)
        data = read_all(s)
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if b"chunked" in head.lower():
        body = unchunk(body)
    try:
        return status, json.loads(body)
    except ValueError:
        return status, {"text": body.decode("latin-1")}


def read_all(s: socket.socket) -> bytes:
    chunks = []
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def unchunk(body: bytes) -> bytes:
    out = b""
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        body = rest[size + 2 :]
    return out
