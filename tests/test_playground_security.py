"""The playground against other web pages, hostile input and exhausted resources, over real HTTP.

A real uvicorn server (:func:`lucidnet.playground.serve.make_server`, as ``lucidnet playground`` runs it) in a
thread, or in a child process where memory and file descriptors are measured; requests over raw sockets, so
that every header is exactly what a browser or an attacker would send. docs/security.md explains
the threat model and the figures.
"""

from __future__ import annotations

import json
import resource
import socket
import sys
import threading
import time
import warnings
from urllib.parse import quote

import pytest
from conftest import require
from live_playground import http, read_all, request, serve_in_process, serve_in_thread

require("starlette")
require("uvicorn")
psutil = require("psutil")

from lucidnet.playground import create_app  # noqa: E402
from lucidnet.playground.config import Limits, PlaygroundError  # noqa: E402
from lucidnet.playground.serve import BACKLOG, MAX_CONNECTIONS  # noqa: E402
from lucidnet.playground.uploads import UploadStore, stored_bytes  # noqa: E402

JSON = {"Content-Type": "application/json"}
EVIL = "http://evil.example"
BIG = {  # the largest network and data the limits allow, one sample per batch: ~32 M work units an epoch
    "dataset": "spiral",
    "n_points": 5000,
    "train_ratio": 90,
    "layers": [16] * 8,
    "activations": ["tanh"] * 8,
    "features": ["x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2"],
    "batch_size": 1,
}


@pytest.fixture(scope="module")
def served():
    """(port, the server's Playground state): one real server for the module, requests time out after 2 s."""
    app = create_app()
    with serve_in_thread(app, request_timeout=2.0) as port:
        yield port, app.state.playground


def post_json(port, path, data, host=None, **headers):
    return http(port, "POST", path, json.dumps(data).encode(), host=host, headers={**JSON, **headers})


def new_session(port, **config):
    status, r = post_json(port, "/api/train", {"dataset": "circle", **config})
    assert status == 200, r
    return r["session"]


# --------------------------------------------------------------------------------------------- other web pages
def test_requests_from_another_site_are_refused_with_403(served):
    port, state = served
    sid = new_session(port)
    before = set(state.sessions)
    attempts = [
        ("POST", "/api/train", b'{"dataset": "circle"}'),
        ("POST", f"/api/sessions/{sid}/control", b'{"cmd": "step", "epochs": 5}'),
        ("POST", "/api/upload", b"a,b\n1,2\n"),
        ("POST", f"/api/sessions/{sid}/close", b""),
        ("DELETE", f"/api/sessions/{sid}", b""),
        ("GET", f"/api/sessions/{sid}/model", b""),
    ]
    senders = [{"Origin": EVIL}, {"Origin": "null"}, {"Referer": EVIL + "/page.html"}]
    for method, path, body in attempts:
        for sender in senders:
            for kind in ("text/plain", "application/json"):  # a preflight-free request, and one with a type
                status, r = http(port, method, path, body, headers={**sender, "Content-Type": kind})
                assert status == 403, (method, path, sender, r)
                assert "may not use this playground (only its own page may)" in r["error"]
    assert set(state.sessions) == before and state.sessions[sid].epoch == 0  # nothing started, stepped, closed
    # the page itself (Origin and Referer of this server) is served
    own = f"http://127.0.0.1:{port}"
    status, r = post_json(port, f"/api/sessions/{sid}/control", {"cmd": "step"}, Origin=own)
    assert status == 200 and r["frame"]["epoch"] == 1
    status, _ = http(port, "GET", f"/api/sessions/{sid}/model", headers={"Referer": own + "/#dataset=circle"})
    assert status == 200


@pytest.mark.parametrize(
    "content_type", ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                     "multipart/form-data; boundary=x", None],
)  # fmt: skip
def test_a_body_any_page_could_send_unasked_is_refused_with_403(served, content_type):
    port, state = served
    n = len(state.sessions)
    headers = {} if content_type is None else {"Content-Type": content_type}
    status, r = http(port, "POST", "/api/train", b'{"dataset": "circle"}', headers=headers)
    assert status == 403 and "must say Content-Type: application/json" in r["error"]
    assert len(state.sessions) == n


def test_each_route_reads_only_its_own_content_type(served):
    port, _ = served
    status, r = http(port, "POST", "/api/train", b"{}", headers={"Content-Type": "application/xml"})
    assert status == 415 and "reads application/json" in r["error"]
    status, r = http(port, "POST", "/api/upload", b"a,b\n1,2\n", headers=JSON)
    assert status == 415 and "reads text/csv" in r["error"]
    status, r = http(port, "POST", "/api/upload", b"a,b\n1,2\n3,4\n", headers={"Content-Type": "text/csv"})
    assert status == 200 and r["n_rows"] == 2


def test_the_host_must_be_this_computer_with_the_served_port(served):
    port, _ = served
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}", f"127.1.2.3:{port}"):
        assert http(port, "GET", "/api/options", host=host)[0] == 200, host
    refused = [f"evil.example:{port}", f"localhost.evil.example:{port}", f"192.168.1.10:{port}",
               "127.0.0.1:1", "localhost"]  # fmt: skip
    for host in refused:
        status, r = http(port, "GET", "/", host=host)
        assert status == 421, (host, r)
        assert "answers only to this computer" in r["error"] or f"serves port {port}" in r["error"]
        assert post_json(port, "/api/train", {}, host=host)[0] == 421
    for host in ("127.0.0.1:port", f"evil.example:{port}@127.0.0.1", f"127.0.0.1:{port}/x", ""):
        status, r = http(port, "GET", "/", host=host)
        assert status == 400 and ("malformed Host" in r["error"] or "no Host" in r["error"]), (host, r)


def test_a_server_started_for_another_address_also_answers_to_it():
    """``lucidnet playground --host studio.local`` (or 0.0.0.0: any name) answers to that name too; Origin and
    Content-Type are checked all the same."""
    for allowed, host, status in [(("studio.local",), "studio.local", 200), (("studio.local",), "evil.example", 421),
                                  (("*",), "evil.example", 200)]:  # fmt: skip
        with serve_in_thread(create_app(allowed_hosts=allowed)) as port:
            name = f"{host}:{port}"
            assert http(port, "GET", "/api/options", host=name)[0] == status
            if status == 200:
                assert post_json(port, "/api/train", {}, host=name, Origin=f"http://{name}")[0] == 200
                assert post_json(port, "/api/train", {}, host=name, Origin=EVIL)[0] == 403


def test_a_page_rebound_to_loopback_gets_nothing(served):
    """DNS rebinding: evil.example now resolves to 127.0.0.1, so the browser sends Host and Origin evil.example."""
    port, state = served
    n = len(state.sessions)
    host = f"evil.example:{port}"
    for method, path in (("GET", "/"), ("GET", "/api/options"), ("POST", "/api/train")):
        status, _ = http(port, method, path, b"{}" if method == "POST" else b"", host=host,
                         headers={"Origin": f"http://{host}", **JSON})  # fmt: skip
        assert status == 421
    assert len(state.sessions) == n


# --------------------------------------------------------------------------------------------- malformed input
MALFORMED = [
    ("/api/train", b'{"seed": NaN}', "NaN is not a number JSON allows"),
    ("/api/train", b'{"n_points": Infinity}', "Infinity is not a number JSON allows"),
    ("/api/train", b'{"batch_size": -Infinity}', "-Infinity is not a number JSON allows"),
    ("/api/train", b'{"n_points": 1e999}', "1e999 is too large for a number"),
    ("/api/train", b'{"seed": -1e999}', "too large for a number"),
    ("/api/train", b"[" * 30_000 + b"]" * 30_000, "nested too deeply"),
    ("/api/train", b'{"a":' * 10_000 + b"1" + b"}" * 10_000, "nested too deeply"),
    ("/api/train", b'{"seed": ' + b"9" * 5000 + b"}", ""),
    ("/api/train", b'{"layers": [1e300]}', "layers must be a list"),
    ("/api/train", b'{"features": [[1]]}', ""),
    ("/api/train", b'{"features": {"x1": 1}}', "features must be a list"),
    ("/api/train", b'{"activations": [{}, []]}', ""),
    ("/api/train", b'{"dataset": ["circle"]}', "unknown dataset"),
    ("/api/train", b'"circle"', "must be a JSON object"),
    ("/api/train", b'{"lr": 1e-400}', "lr must be between"),
    ("/api/train", b"x" * (64 * 1024 + 1), "limit of 65536 bytes"),
    ("CONTROL", b'{"cmd": "step", "epochs": NaN}', "NaN is not a number"),
    ("CONTROL", b'{"cmd": "step", "epochs": 1e999}', "too large"),
    ("CONTROL", b'{"cmd": "step", "epochs": 2.0}', "epochs must be a whole number"),
    ("CONTROL", b'{"cmd": ["step"]}', "unknown command"),
    ("CONTROL", b"[]", "unknown command"),
]


@pytest.mark.parametrize("path, body, words", MALFORMED)
def test_malformed_json_is_a_4xx_json_error_never_a_500(served, path, body, words):
    port, _ = served
    if path == "CONTROL":
        path = f"/api/sessions/{new_session(port)}/control"
    status, r = http(port, "POST", path, body, headers=JSON)
    assert 400 <= status < 500 and isinstance(r.get("error"), str), (status, r)
    assert words in r["error"]
    assert http(port, "GET", "/api/options")[0] == 200


@pytest.mark.parametrize(
    "query", ["index=²", "index=١٢", "index=-1", "index=1e3", "index=99999999999999999999", "split=test&index=9999",
              "weight=1,1,²", "weight=99999999999,1,1", "weight=1,1", "weight=", "split=" + "x" * 5000],
)  # fmt: skip
def test_malformed_queries_are_4xx_json_errors(served, query):
    port, _ = served
    sid = new_session(port)
    status, r = http(port, "GET", f"/api/sessions/{sid}/trace?{quote(query, safe='=&,')}")
    assert 400 <= status < 500 and r["error"], (status, r)


def test_malformed_http_is_a_400_json_error(served):
    port, _ = served
    for raw in (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\r\n\r\n",
                b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"):  # fmt: skip
        status, r = request(port, raw)
        assert status == 400 and "malformed HTTP request" in r["error"], r


def json_values():
    from hypothesis import strategies as st

    leaves = st.one_of(
        st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(["", "circle", "upload", "tanh", "x1", "auto", "regression", "mse", "adam", "softmax", "²"]),
        st.text(max_size=20),
    )  # fmt: skip
    return st.recursive(leaves, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8),
                                                                                           inner, max_size=3),
                        max_leaves=10)  # fmt: skip


def test_random_configurations_and_commands_never_get_a_500():
    """Hypothesis: any JSON object with the configuration's keys, then random control commands (TestClient, for
    speed: the checks above show it answers as the real server does)."""
    hypothesis = require("hypothesis")
    st = hypothesis.strategies
    with warnings.catch_warnings():  # starlette 1.x suggests httpx2 for its TestClient; httpx works
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from lucidnet.playground.config import PlaygroundConfig

    keys = st.sampled_from([*PlaygroundConfig.__dataclass_fields__, "replace"])
    with TestClient(create_app(), base_url="http://127.0.0.1:8000") as client:

        @hypothesis.settings(max_examples=150, deadline=None, derandomize=True)
        @hypothesis.given(st.dictionaries(keys, json_values(), max_size=6), st.lists(json_values(), max_size=3))
        def check(config, commands):
            r = client.post("/api/train", json=config)
            assert r.status_code < 500 and (r.status_code == 200 or r.json()["error"]), r.text
            if r.status_code == 200:
                sid = r.json()["session"]
                for cmd in commands:
                    body = {"cmd": "step", "epochs": cmd} if not isinstance(cmd, dict) else cmd
                    r = client.post(f"/api/sessions/{sid}/control", json=body)
                    assert r.status_code < 500, r.text

        check()


# --------------------------------------------------------------------------------------------- bounded work
def test_a_step_over_the_work_limit_is_refused_before_any_training(served):
    port, state = served
    sid = new_session(port, **BIG)
    session = state.sessions[sid]
    assert session.epoch_work() == 4500 * 2049 + 4501 * 5000  # n·P + (batches + 1)·5000
    status, r = post_json(port, f"/api/sessions/{sid}/control", {"cmd": "step", "epochs": 1000})
    assert status == 413, r
    assert "too much work for one step" in r["error"] and "step at most 31 epochs at a time" in r["error"]
    assert session.epoch == 0
    small = new_session(port, dataset="spiral", layers=[8, 8], n_points=500)  # the page's everyday network
    status, r = post_json(port, f"/api/sessions/{small}/control", {"cmd": "step", "epochs": 1000})
    assert status == 200 and r["epochs"] == 1000 and r["frame"]["epoch"] == 1000


def test_a_step_stops_when_its_client_goes_away(served):
    port, state = served
    sid = new_session(port, **BIG)
    session = state.sessions[sid]
    body = json.dumps({"cmd": "step", "epochs": 31}).encode()  # ~10 s of training on a 2-core laptop
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(
        f"POST /api/sessions/{sid}/control HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
    )
    deadline = time.monotonic() + 60
    while session.epoch < 1:  # training has begun
        assert time.monotonic() < deadline
        time.sleep(0.02)
    s.close()
    while session.stepping:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert 1 <= session.epoch < 31, session.epoch  # it stopped at the next epoch, not after 31
    status, r = post_json(port, f"/api/sessions/{sid}/control", {"cmd": "step"})
    assert status == 200 and r["frame"]["epoch"] == session.epoch


def open_stream(port, sid):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(f"GET /api/sessions/{sid}/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    return s


def wait_for(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_playing_stops_training_when_the_stream_goes_away(served):
    port, state = served
    sid = new_session(port, dataset="spiral")
    session = state.sessions[sid]
    assert post_json(port, f"/api/sessions/{sid}/control", {"cmd": "play"})[1] == {"playing": True}
    stream = open_stream(port, sid)
    wait_for(lambda: session.epoch >= 5)
    stream.close()
    wait_for(lambda: session.streams == 0)
    stopped = session.epoch
    time.sleep(0.5)
    assert session.epoch == stopped  # no page watches: nothing trains


def test_a_newer_stream_ends_the_older_one_at_once(served):
    port, state = served
    sid = new_session(port)
    session = state.sessions[sid]
    old = open_stream(port, sid)  # paused: it waits for play
    wait_for(lambda: session.streams == 1)
    new = open_stream(port, sid)
    old.settimeout(5)
    wait_for(lambda: b"event: closed" in old.recv(65536), seconds=5)
    wait_for(lambda: session.streams == 1)
    old.close()
    new.close()


def test_one_step_at_a_time_per_session(served):
    port, state = served
    sid = new_session(port, **BIG)
    state.sessions[sid].stepping = True  # as while another step request trains it
    try:
        status, r = post_json(port, f"/api/sessions/{sid}/control", {"cmd": "step"})
        assert status == 409 and "already training a step" in r["error"]
    finally:
        state.sessions[sid].stepping = False


def test_a_burst_of_trainings_never_locks_the_page_out(served):
    port, state = served
    for _ in range(12):  # a script starting trainings as fast as it can
        new_session(port)
    assert len(state.sessions) == state.limits.max_sessions
    own = f"http://127.0.0.1:{port}"
    status, r = post_json(port, "/api/train", {"dataset": "spiral"}, Origin=own)  # the page, right after
    assert status == 200 and r["session"] in state.sessions
    assert len(state.sessions) == state.limits.max_sessions


# --------------------------------------------------------------------------------------------- memory
def wide_cell_csv(seed: int) -> bytes:
    """The upload that grew the server by 1.8 GB each: 4,750 short rows and one 100,000-character cell."""
    rows = "".join(f"{(i * 7 + seed) % 13},{i % 5},{'ab'[i % 2]}\n" for i in range(4750))
    return ("u,v,label\n1,2," + "x" * 100_000 + "\n" + rows).encode()


def test_stored_bytes_counts_what_the_table_holds():
    """An upload is kept as lucidnet's reader reads it: a long cell once, a 4-byte code per row, 8 bytes a number."""
    from lucidnet.data import read_columns

    text = read_columns(("t,n\n" + "x" * 10_000 + ",1\n" + "a,2\n" * 500).encode())
    least = 501 * 4 + 10_000 + 501 * 8  # the codes, the long cell, the numbers
    assert least <= stored_bytes(text) < least + 1_000
    numbers = read_columns(b"a\n" + b"1\n" * 5000)
    assert stored_bytes(numbers) >= 40_000


def test_the_upload_store_is_capped_by_bytes_then_by_count():
    from lucidnet.playground.uploads import read_upload

    small = read_upload(b"a,b\n" + b"1,2\n" * 10)
    size = stored_bytes(small.table)
    store = UploadStore(max_count=3, max_bytes=int(2.5 * size))
    keys = [store.add(small) for _ in range(3)]
    assert len(store) == 2 and store.get(keys[0]) is None and store.nbytes <= 2.5 * size
    store.get(keys[1])  # used again: the other one goes first
    store.add(small)
    assert store.get(keys[1]) is small and store.get(keys[2]) is None
    wide = read_upload(wide_cell_csv(0))
    with pytest.raises(PlaygroundError, match=r"MiB in memory once read, more than the limit") as e:
        UploadStore(16, 50_000).add(wide)
    assert e.value.status == 413
    assert stored_bytes(wide.table) < 250_000  # not 4,751 rows × 400 kB


@pytest.mark.parametrize("batch_size", [1, 4500])
def test_the_largest_session_holds_little_memory(batch_size):
    """The limits on points, features and neurons bound a session: measured with tracemalloc."""
    import tracemalloc

    from lucidnet.playground.state import Playground

    state = Playground(Limits())
    state.start({"dataset": "circle"})  # imports and caches
    tracemalloc.start()
    try:
        _, session = state.start({**BIG, "batch_size": batch_size, "optimizer": "adam", "dropout": 0.5})
        session.advance(1)  # the layers keep the last x, net, o: of the 50 × 50 grid, after a frame
        json.dumps(session.init_payload())
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held < 32 * 2**20 and peak < 64 * 2**20, (held, peak)  # measured: 10-15 MiB held, 12-24 MiB at peak


def rss(pid: int) -> int:
    return psutil.Process(pid).memory_info().rss


def test_wide_text_cells_cannot_inflate_the_server():
    """20 uploads of 128 kB with a 100,000-character cell (before: +1.8 GB each) and 4 of the largest sessions."""
    with serve_in_process() as (port, pid):
        csv = {"Content-Type": "text/csv"}
        for _ in range(3):  # warm up: import and allocate what any request needs
            assert http(port, "POST", "/api/upload", b"a,b,c\n1,2,x\n3,4,y\n", headers=csv)[0] == 200
            sid = post_json(port, "/api/train", {"dataset": "spiral", "layers": [8, 8]})[1]["session"]
            post_json(port, f"/api/sessions/{sid}/control", {"cmd": "step", "epochs": 3})
        idle = rss(pid)
        keys = []
        for k in range(20):
            status, r = http(port, "POST", "/api/upload", wide_cell_csv(k), headers=csv)
            assert status == 200 and r["n_rows"] == 4751
            keys.append(r["upload"])
        for key in keys[-4:]:
            config = {"dataset": "upload", "upload": key, "x1": "u", "x2": "v", "target": "label", **{
                k: BIG[k] for k in ("layers", "activations", "features")}}  # fmt: skip
            status, r = post_json(port, "/api/train", config)
            assert status == 200 and "x" * 100_000 in r["init"]["classes"]
            post_json(port, f"/api/sessions/{r['session']}/control", {"cmd": "step"})
        grown = rss(pid) - idle
        assert grown < 150 * 2**20, f"the server grew by {grown / 2**20:.0f} MiB"
        status, r = post_json(port, "/api/train", {"dataset": "upload", "upload": keys[0], "x1": "u", "x2": "v",
                                                   "target": "label"})  # fmt: skip
        assert status == 404 and "upload the CSV file again" in r["error"]  # at most 16 are kept


# --------------------------------------------------------------------------------------------- connections
def open_files_limit(n: int) -> None:
    """Let this test process open ``n`` sockets (the server's own limit is what the test is about)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n:
        if hard != resource.RLIM_INFINITY and hard < n:
            pytest.skip(f"this test opens {n} sockets; the hard limit on open files is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (n, hard))


@pytest.mark.skipif(sys.platform != "linux", reason="counts the server's descriptors in /proc")
def test_incomplete_requests_time_out_and_never_exhaust_descriptors(tmp_path):
    """1,100 connections that send half a request, against a server with the usual 1,024 descriptors (before:
    every one stayed open, the server ran out of descriptors and stopped answering)."""
    open_files_limit(1400)
    log = tmp_path / "server.log"
    with open(log, "w") as err, serve_in_process(max_fds=1024, request_timeout=1.0, stderr=err) as (port, pid):
        server = psutil.Process(pid)
        idle_fds = server.num_fds()
        peak, sampling = [idle_fds], threading.Event()

        def sample():
            while not sampling.is_set():
                peak[0] = max(peak[0], server.num_fds())
                time.sleep(0.005)

        sampler = threading.Thread(target=sample)
        sampler.start()
        socks = []
        for _ in range(1100):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /api/options HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line: never complete
            socks.append(s)
        status, r = http(port, "GET", "/api/options")  # a real request still gets in
        assert status == 200 and "limits" in r
        sampling.set()
        sampler.join()
        # at most 100 connections, plus what one burst of accepts holds before the cap acts (3 × the backlog)
        assert peak[0] <= idle_fds + MAX_CONNECTIONS + 3 * BACKLOG, (idle_fds, peak[0])
        slow = socket.create_connection(("127.0.0.1", port))
        slow.sendall(b"POST /api/train HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{" % port)  # fmt: skip
        slow.settimeout(10)
        answer = slow.recv(65536)
        assert answer.startswith(b"HTTP/1.1 408 ") and b"did not arrive within 1 seconds" in answer
        deadline = time.monotonic() + 10
        while server.num_fds() > idle_fds + 2:
            assert time.monotonic() < deadline, f"{server.num_fds()} descriptors open, {idle_fds} when idle"
            time.sleep(0.1)
        closed = 0
        for s in socks:  # each was closed by the server: evicted for a newer one, or answered 408
            s.settimeout(5)
            try:
                answer = read_all(s)
                closed += answer == b"" or answer.startswith(b"HTTP/1.1 408 ")
            except ConnectionResetError:
                closed += 1
            s.close()
        slow.close()
        assert closed == len(socks)
        assert http(port, "GET", "/api/options")[0] == 200
    assert "Too many open files" not in log.read_text()


def test_new_limits_can_be_set(served):
    limits = Limits(max_step_work=10**6)
    app = create_app(limits)
    with serve_in_thread(app) as port:
        sid = new_session(port, dataset="spiral", layers=[8, 8], n_points=500)
        status, r = post_json(port, f"/api/sessions/{sid}/control", {"cmd": "step", "epochs": 10})
        assert status == 413 and "step at most 6 epochs" in r["error"]


def test_parse_json_is_io_loads_json_in_the_playgrounds_words():
    from lucidnet.playground.inputs import parse_json

    for raw, words in [(b"[-Infinity]", "malformed JSON: -Infinity is not a number JSON allows; send a finite number"),
                       (b"[-1e999]", "malformed JSON: -1e999 is too large for a number; send a finite number"),
                       (b"[" * 65 + b"]" * 65, "malformed JSON: nested too deeply"),  # loads_json's depth limit
                       (b"[" * 30_000 + b"]" * 30_000, "malformed JSON: nested too deeply")]:  # Python's recursion
        with pytest.raises(PlaygroundError) as e:
            parse_json(raw)
        assert str(e.value) == words
    assert parse_json(b'{"a": [1, 2.5]}') == {"a": [1, 2.5]}
