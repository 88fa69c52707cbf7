"""The playground page in a real headless Chromium (Debian's package), against a real uvicorn server.

Set LUCIDNET_PLAYGROUND_SCREENSHOT=path.png to save a screenshot of the trained spiral (docs/playground.png).
"""

from __future__ import annotations

import json
import os
import time

import pytest
from conftest import require

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip


require("starlette")
require("uvicorn")
httpx = require("httpx")
sync_api = require("playwright.sync_api")
if not os.path.exists(CHROMIUM):
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium package")
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

from live_playground import serve_in_thread  # noqa: E402

from lucidnet.playground import create_app  # noqa: E402

pytestmark = pytest.mark.slow
STATE = "window.lucidnetPlayground"
READY = f"() => {STATE}.frame && !{STATE}.starting"


class Recorder:
    """ASGI wrapper that notes each request's method, path, Origin, Host and answer status."""

    def __init__(self, app):
        self.app = app
        self.state = app.state.playground
        self.seen: list[dict] = []

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        entry = {"method": scope["method"], "path": scope["path"], "origin": headers.get("origin"),
                 "host": headers.get("host"), "status": None}  # fmt: skip
        self.seen.append(entry)

        async def noting(message):
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
            await send(message)

        await self.app(scope, receive, noting)


@pytest.fixture(scope="module")
def served():
    """(page URL, Recorder of the server's requests): a real server, as ``lucidnet playground`` runs it."""
    recorder = Recorder(create_app())
    with serve_in_thread(recorder) as port:
        yield f"http://127.0.0.1:{port}/", recorder


@pytest.fixture(scope="module")
def server(served):
    return served[0]


@pytest.fixture(scope="module")
def playwright(server):
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright):
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield b
    b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    # a 4xx answer is logged by the browser as "Failed to load resource"; the page shows those itself
    pg.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" and "status of 4" not in m.text else None,
    )
    pg.errors = errors
    yield pg
    context.close()
    assert errors == [], errors


def wait_ready(page, condition: str = "true", timeout: float = 15_000) -> None:
    page.wait_for_function(f"() => ({READY})() && ({condition})", timeout=timeout)


def state(page, expr: str):
    return page.evaluate(f"() => {STATE}.{expr}")


def snapshot_boundary(page) -> None:
    page.evaluate("() => { const c = document.querySelector('#boundary');"
                  " window.__before = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; }")  # fmt: skip


def boundary_change(page) -> float:
    """Mean absolute change per colour channel of the boundary canvas since :func:`snapshot_boundary`."""
    return page.evaluate("""() => { const c = document.querySelector('#boundary'), b = window.__before;
        const a = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let s = 0;
        for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
        return s / a.length; }""")


def test_spiral_add_a_layer_train_until_the_test_loss_halves(server, page):
    page.goto(
        server + "#features=x1,x2,sin_x1,sin_x2&layers=8,8&activations=tanh,tanh&optimizer=adam&lr=0.03"
    )
    wait_ready(page)
    page.click("#dataset-spiral")
    wait_ready(page, f"{STATE}.config.dataset === 'spiral' && {STATE}.init.train.length === 250")
    page.click("#add-layer")
    wait_ready(page, f"{STATE}.init.layer_sizes.join() === '4,8,8,8,1'")
    assert page.locator("#n-layers").inner_text().lower() == "3 hidden layers"
    assert page.locator(".node:not(.off)").count() == 4 + 8 + 8 + 8 + 1
    assert page.locator("#links path").count() == 4 * 8 + 8 * 8 + 8 * 8 + 8
    start = state(page, "frame.test_loss")
    assert state(page, "frame.epoch") == 0 and start > 0.5
    snapshot_boundary(page)
    page.click("#play")
    page.wait_for_function(f"() => {STATE}.frame.test_loss < {start / 2}", timeout=30_000)
    page.click("#play")  # pause
    assert page.get_attribute("#play", "aria-label") == "play"
    epoch = state(page, "frame.epoch")
    assert epoch > 0 and int(page.locator("#epoch").inner_text().replace(",", "")) >= epoch - 5
    changed = boundary_change(page)
    assert changed > 10, f"the boundary canvas barely changed ({changed:.1f} per channel)"
    assert float(page.locator("#test-loss").get_attribute("data-value")) < start / 2
    assert "dataset=spiral" in page.url and "layers=8%2C8%2C8" in page.url
    # the trace of one neuron for the chosen sample
    page.click("#neuron-2-3")
    page.wait_for_selector("#trace-body table")
    text = page.locator("#trace-body").inner_text()
    assert "layer 2, neuron 4" in text and "δ = ∂E/∂net" in text and "NaN" not in text
    page.click("#links path[data-l='1'][data-i='0'][data-j='2']", force=True)
    page.wait_for_function("() => document.querySelector('#trace-body').innerText.includes('∂E/∂w')")
    shot = os.environ.get("LUCIDNET_PLAYGROUND_SCREENSHOT")
    if shot:  # train on for the picture
        page.check("#show-test")
        page.click("#play")
        page.wait_for_function(f"() => {STATE}.frame.epoch >= 300", timeout=60_000)
        page.click("#play")
        page.click("#neuron-2-3")
        page.wait_for_timeout(500)
        page.screenshot(path=shot, full_page=True)


def test_upload_a_csv_and_train_on_it(server, page):
    def label(i):
        return "in" if (i % 20 - 10) ** 2 + (i // 20 - 10) ** 2 < 30 else "out"

    rows = "".join(f"{(i % 20) / 4 - 2.5:.2f},{(i // 20) / 4 - 2.5:.2f},{label(i)}\n" for i in range(400))
    page.goto(server + "#layers=6&activations=tanh&optimizer=adam&lr=0.03&epochs_per_frame=5"
              "&features=x1,x2,x1_sq,x2_sq")  # fmt: skip
    wait_ready(page)
    page.set_input_files("#upload", files=[{"name": "disc.csv", "mimeType": "text/csv",
                                            "buffer": ("u,v,where\n" + rows).encode()}])  # fmt: skip
    wait_ready(page, f"{STATE}.config.dataset === 'upload' && {STATE}.init.axes.join() === 'u,v'")
    assert page.locator("#upload-name").inner_text() == "disc.csv: 400 rows"
    assert page.input_value("#target") == "where" and page.input_value("#x2") == "v"
    assert state(page, "init.classes") == ["in", "out"]
    assert page.locator("#legend-neg").inner_text() == "in"
    page.click("#play")
    page.wait_for_function(f"() => {STATE}.frame.test_accuracy > 0.9", timeout=30_000)
    page.click("#play")
    assert float(page.locator("#test-acc").inner_text().rstrip("%")) > 90


def test_upload_choose_three_and_more_inputs_and_keep_the_best_epoch(server, page):
    def row(i):
        u, v = (i % 20) / 4 - 2.5, (i // 20) / 4 - 2.5
        where = "in" if u * u + v * v < 2.0 else "out"
        return f"P{i:04d},{u:.2f},{v:.2f},{(i * 7919) % 100 / 50 - 1:.2f},{'red green blue'.split()[i % 3]},{where}\n"

    text = "id,u,v,w,colour,where\n" + "".join(row(i) for i in range(400))
    page.goto(server + "#layers=6&activations=tanh&optimizer=adam&lr=0.03&epochs_per_frame=5")
    wait_ready(page)
    assert page.locator("#noise").is_visible()
    page.set_input_files("#upload", files=[{"name": "disc.csv", "mimeType": "text/csv", "buffer": text.encode()}])
    wait_ready(page, f"{STATE}.config.dataset === 'upload' && {STATE}.init.upload")
    # the generator's sliders are gone; the ratio and the batch size stay
    assert page.locator("#noise").is_hidden() and page.locator("#n_points").is_hidden()
    assert page.locator("#train_ratio").is_visible() and page.locator("#batch_size").is_visible()
    assert "'id' looks like an ID" in page.inner_text("#upload-notes")
    assert state(page, "config.inputs") == ["u", "v", "w", "colour"]  # the ID is not an input
    assert state(page, "init.layer_sizes") == [3 + 3, 6, 1]  # colour: one input per category
    assert "text one-hot encoded" in page.inner_text("#upload-notes")
    page.uncheck("#input-columns input[value='colour']")
    wait_ready(page, f"{STATE}.init.layer_sizes.join() === '3,6,1'")
    assert page.locator("#network .node:not(.off)").count() == 3 + 6 + 1
    assert [page.inner_text(f"#network .feature-label >> nth={k}") for k in range(3)] == ["u", "v", "w"]
    assert page.locator("#held-hint").is_visible() and "median" in page.inner_text("#held-hint")
    page.select_option("#x2", "w")  # draw u against w; v is held at its median in the plane
    wait_ready(page, f"{STATE}.init.axes.join() === 'u,w'")
    assert page.locator("#axis-y").inner_text() == "w"
    page.select_option("#x2", "v")
    wait_ready(page, f"{STATE}.init.axes.join() === 'u,v'")
    assert "inputs=u%2Cv%2Cw" in page.url
    assert page.locator("#export-best").get_attribute("class").split().count("off") == 1
    page.click("#play")
    page.wait_for_function(f"() => {STATE}.frame.test_accuracy > 0.9 && {STATE}.frame.best_epoch > 0",
                           timeout=30_000)
    page.click("#play")
    best = state(page, "frame.best_epoch")
    assert page.inner_text("#best-epoch") == str(best) and page.inner_text("#best-loss") != "–"
    assert "off" not in page.get_attribute("#export-best", "class")
    assert page.get_attribute("#export-best", "href").endswith("/model?weights=best")
    page.click("#input-2")  # an input node: its value for the chosen sample
    page.wait_for_selector("#trace-body table")
    assert "w" in page.inner_text("#trace-body") and "value x" in page.inner_text("#trace-body")
    assert page.inner_text("#sample-info").startswith("row ")


def test_an_upload_with_a_bad_cell_names_its_row_and_column(server, page):
    page.goto(server)
    wait_ready(page)
    page.set_input_files("#upload", files=[{"name": "bad.csv", "mimeType": "text/csv",
                                            "buffer": b"a,b,y\n1,2,x\n3,oops,y\n4,5,x\n"}])  # fmt: skip
    page.wait_for_selector("#message:not([hidden])")
    assert page.inner_text("#message").startswith("bad.csv: row 3, column 'b': 'oops' is not a number")


def test_reload_from_the_url_gives_the_same_configuration(server, page, browser):
    page.goto(server)
    wait_ready(page)
    page.click("#dataset-moons")
    wait_ready(page, f"{STATE}.config.dataset === 'moons'")
    page.select_option("#lr", "0.1")
    wait_ready(page, f"{STATE}.config.lr === 0.1")
    page.select_option("#optimizer", "rmsprop")
    wait_ready(page, f"{STATE}.config.optimizer === 'rmsprop'")
    page.click(".layer-head >> nth=0 >> button[aria-label='add neuron']")
    wait_ready(page, f"{STATE}.config.layers.join() === '5,2'")
    page.select_option("select[aria-label='activation of layer 2']", "relu")
    wait_ready(page, f"{STATE}.config.activations.join() === 'tanh,relu'")
    page.click("#feature-x1_x2")
    wait_ready(page, f"{STATE}.config.features.join() === 'x1,x2,x1_x2'")
    page.fill("#seed", "42")
    page.press("#seed", "Enter")
    wait_ready(page, f"{STATE}.config.seed === 42")
    page.fill("#noise", "10")
    page.dispatch_event("#noise", "change")
    wait_ready(page, f"{STATE}.config.noise === 10")
    config = state(page, "config")
    weights = state(page, "frame.weights")
    url = page.url

    other = browser.new_page()
    other.goto(url)
    wait_ready(other)
    assert state(other, "config") == config
    assert state(other, "frame.weights") == weights  # the same seed draws the same network
    assert other.input_value("#lr") == "0.1" and other.input_value("#optimizer") == "rmsprop"
    assert other.input_value("#seed") == "42" and other.locator("#noise-v").inner_text() == "10"
    assert other.input_value("select[aria-label='activation of layer 2']") == "relu"
    assert "selected" in (other.get_attribute("#dataset-moons", "class") or "")
    assert "off" not in other.get_attribute("#feature-x1_x2", "class")
    assert json.loads(json.dumps(state(other, "init.layer_sizes"))) == [3, 5, 2, 1]
    other.close()


def test_step_reset_limits_and_errors_on_the_page(server, page):
    page.goto(server + "#layers=16&activations=tanh")
    wait_ready(page)
    first = state(page, "frame.weights")
    page.click("#step")
    page.wait_for_function(f"() => {STATE}.frame.epoch === 1")
    page.click("#step")
    page.wait_for_function(f"() => {STATE}.frame.epoch === 2")
    assert page.locator("#epoch").inner_text() == "000,002"
    assert state(page, "frame.weights") != first
    page.click("#reset")
    page.wait_for_function(f"() => {STATE}.frame.epoch === 0")
    assert state(page, "frame.weights") == first
    for _ in range(2):
        page.click("button[aria-label='add neuron']")
    wait_ready(page)
    assert state(page, "config.layers") == [16]  # the page stops at the limit
    page.goto(server + "#lr=-1")
    page.wait_for_selector("#message:not([hidden])")
    assert "lr must be between" in page.locator("#message").inner_text()


def test_the_page_ends_its_session_when_it_goes_away(served, page):
    url, recorder = served
    page.goto(url)
    wait_ready(page)
    sid = state(page, "sid")
    assert sid in recorder.state.sessions
    page.goto("about:blank")  # pagehide: navigator.sendBeacon(".../close"), with the page's own Origin
    deadline = time.monotonic() + 10
    while sid in recorder.state.sessions:
        assert time.monotonic() < deadline, "the page's close beacon did not end its session"
        time.sleep(0.05)
    close = [e for e in recorder.seen if e["path"] == f"/api/sessions/{sid}/close"]
    assert close and close[-1]["status"] == 200 and close[-1]["origin"] == url.rstrip("/")


def test_an_ended_session_says_why_and_reset_starts_a_new_one(served, page):
    url, recorder = served
    page.goto(url)
    wait_ready(page)
    sid = state(page, "sid")
    for _ in range(recorder.state.limits.max_sessions):  # other pages (here a script) start trainings
        assert httpx.post(url + "api/train", json={"dataset": "moons"}, timeout=30).status_code == 200
    assert sid not in recorder.state.sessions
    page.wait_for_selector("#message:not([hidden])")
    assert "This training ended: another playground page started a training" in page.inner_text("#message")
    page.click("#reset")
    wait_ready(page, f"{STATE}.sid !== {json.dumps(sid)}")
    assert state(page, "sid") in recorder.state.sessions


HOSTILE = """<html><body>
<form id="form" method="post" enctype="text/plain" action="{url}api/train">
  <input name='{{"dataset": "circle", "x": "' value='"}}'></form>
<script>
  const body = '{{"dataset": "circle"}}';
  window.tries = [
    fetch("{url}api/train", {{method: "POST", mode: "no-cors", headers: {{"Content-Type": "text/plain"}}, body}})
      .then(() => "sent", (e) => "blocked: " + e),
    Promise.resolve(navigator.sendBeacon("{url}api/train", new Blob([body], {{type: "text/plain"}}))),
  ];
</script></body></html>"""


def test_a_page_of_another_site_cannot_start_a_training(served, browser):
    """The attack of the issue, in a real browser: a page of evil.example posts to the playground."""
    url, recorder = served
    before = set(recorder.state.sessions)
    context = browser.new_context()
    evil = context.new_page()
    evil.route("http://evil.example/**", lambda route: route.fulfill(body=HOSTILE.format(url=url),
                                                                      content_type="text/html"))  # fmt: skip
    evil.goto("http://evil.example/")
    evil.evaluate("() => Promise.all(window.tries)")
    evil.evaluate("() => document.getElementById('form').submit()")  # a form needs no preflight
    evil.wait_for_selector("pre")
    assert "a page of http://evil.example may not use this playground" in evil.inner_text("pre")
    context.close()
    tried = [e for e in recorder.seen if e["origin"] == "http://evil.example"]
    assert tried and all(e["status"] == 403 for e in tried), tried
    assert set(recorder.state.sessions) <= before


def test_a_rebound_domain_gets_nothing(served, playwright):
    """DNS rebinding: rebind.example resolves to 127.0.0.1, so its page would be served from this server."""
    url, recorder = served
    port = url.rsplit(":", 1)[1].strip("/")
    before = len(recorder.state.sessions)
    rebound = playwright.chromium.launch(
        executable_path=CHROMIUM, args=ARGS + ["--host-resolver-rules=MAP rebind.example 127.0.0.1"]
    )
    page = rebound.new_page()
    answer = page.goto(f"http://rebind.example:{port}/")
    assert answer.status == 421 and "answers only to this computer" in page.inner_text("pre")
    rebound.close()
    assert any(e["host"] == f"rebind.example:{port}" and e["status"] == 421 for e in recorder.seen)
    assert len(recorder.state.sessions) == before
