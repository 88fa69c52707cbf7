"""What the playground's limits cost and hold, against a real server: the figures of docs/security.md.

A child process serves the playground exactly as ``lucidnet playground`` does (``make_server(create_app())``,
1,024 file descriptors); requests go over raw sockets. Measured:

- the answer to a step of 1,000 epochs on the largest network (refused before training);
- how soon a step stops after its client disconnects;
- time, kept bytes and server memory (RSS) for 20 uploads of 128 kB with a 100,000-character cell;
- file descriptors while 1,100 connections send half a request, and how long until they are closed.

Run:  PYTHONPATH=src python benchmarks/playground_limits.py [--request-timeout 10]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import socket
import sys
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the tests' real-server helpers
from live_playground import http, read_all, serve_in_process  # noqa: E402

BIG = {"dataset": "spiral", "n_points": 5000, "train_ratio": 90, "layers": [16] * 8, "activations": ["tanh"] * 8,
       "features": ["x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2"], "batch_size": 1}  # fmt: skip
JSON = {"Content-Type": "application/json"}
MIB = 2**20


def post(port: int, path: str, data: dict) -> tuple[int, dict]:
    return http(port, "POST", path, json.dumps(data).encode(), headers=JSON)


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def wide_cell_csv(seed: int) -> bytes:
    rows = "".join(f"{(i * 7 + seed) % 13},{i % 5},{'ab'[i % 2]}\n" for i in range(4750))
    return ("u,v,label\n1,2," + "x" * 100_000 + "\n" + rows).encode()


def work_and_steps(port: int) -> None:
    sid = post(port, "/api/train", BIG)[1]["session"]
    (status, r), dt = timed(lambda: post(port, f"/api/sessions/{sid}/control", {"cmd": "step", "epochs": 1000}))
    print(f"step of 1,000 epochs, largest network, batch 1: {status} in {dt * 1e3:.1f} ms ({r['error'][:60]}…)")
    (status, r), dt = timed(lambda: post(port, f"/api/sessions/{sid}/control", {"cmd": "step", "epochs": 1}))
    print(f"one epoch of it: {status} in {dt:.2f} s, so 1,000 would take ~{dt * 1000:.0f} s")
    body = json.dumps({"cmd": "step", "epochs": 31}).encode()
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(f"POST /api/sessions/{sid}/control HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: "
              f"application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)  # fmt: skip
    time.sleep(1.0)
    s.close()
    t0 = time.perf_counter()
    while True:  # 409 while the abandoned step still trains
        status, r = post(port, f"/api/sessions/{sid}/control", {"cmd": "step", "epochs": 1})
        if status != 409:
            break
        time.sleep(0.02)
    done = r["frame"]["epoch"] - 2
    print(f"a 31-epoch step whose client left after 1 s: free again {time.perf_counter() - t0:.2f} s later, "
          f"after {done} of its 31 epochs")


def uploads(port: int, pid: int) -> None:
    csv = {"Content-Type": "text/csv"}
    for _ in range(3):  # warm up
        http(port, "POST", "/api/upload", b"a,b,c\n1,2,x\n3,4,y\n", headers=csv)
        sid = post(port, "/api/train", {"dataset": "spiral", "layers": [8, 8]})[1]["session"]
        post(port, f"/api/sessions/{sid}/control", {"cmd": "step", "epochs": 3})
    server = psutil.Process(pid)
    idle = server.memory_info().rss
    times, keys = [], []
    for k in range(20):
        (status, r), dt = timed(lambda k=k: http(port, "POST", "/api/upload", wide_cell_csv(k), headers=csv))
        assert status == 200, r
        times.append(dt)
        keys.append(r["upload"])
    after_uploads = server.memory_info().rss
    for key in keys[-4:]:
        config = {"dataset": "upload", "upload": key, "x1": "u", "x2": "v", "target": "label",
                  **{k: BIG[k] for k in ("layers", "activations", "features")}}  # fmt: skip
        sid = post(port, "/api/train", config)[1]["session"]
        post(port, f"/api/sessions/{sid}/control", {"cmd": "step"})
    after_sessions = server.memory_info().rss
    print(f"20 uploads of {len(wide_cell_csv(0)):,} bytes with a 100,000-character cell: "
          f"{1e3 * sorted(times)[10]:.0f} ms each (median); RSS idle {idle / MIB:.0f} MiB, "
          f"+{(after_uploads - idle) / MIB:.0f} MiB after the uploads, "
          f"+{(after_sessions - idle) / MIB:.0f} MiB with 4 of the largest sessions on them")


def connections(port: int, pid: int, timeout: float) -> None:
    server = psutil.Process(pid)
    idle = server.num_fds()
    peak = [idle]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], server.num_fds())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    socks, t0 = [], time.perf_counter()
    for _ in range(1100):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /api/options HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        socks.append(s)
    sent = time.perf_counter() - t0
    (status, _), dt = timed(lambda: http(port, "GET", "/api/options"))
    held = server.num_fds()
    t1 = time.perf_counter()
    while server.num_fds() > idle + 2:
        time.sleep(0.05)
    back = time.perf_counter() - t1
    stop.set()
    sampler.join()
    answered = 0
    for s in socks:
        s.settimeout(5)
        try:
            answered += read_all(s).startswith(b"HTTP/1.1 408 ")
        except OSError:
            pass
        s.close()
    print(f"1,100 connections sending half a request head ({sent:.1f} s to open): server descriptors idle {idle}, "
          f"peak {peak[0]}, {held} held after the burst; a real request meanwhile: {status} in {dt * 1e3:.0f} ms; "
          f"all closed {back:.1f} s later ({answered} with a 408, the others closed to make room); "
          f"request timeout {timeout:g} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--request-timeout", type=float, default=10.0, help="seconds (default 10, as served)")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(4096, hard)), hard))
    print(f"{platform.processor() or platform.machine()}, {psutil.cpu_count()} cores, Python "
          f"{platform.python_version()}, load {psutil.getloadavg()[0]:.1f}")  # fmt: skip
    with serve_in_process(max_fds=1024, request_timeout=args.request_timeout) as (port, pid):
        work_and_steps(port)
        uploads(port, pid)
        connections(port, pid, args.request_timeout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
