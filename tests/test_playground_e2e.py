"""The playground page in a real headless Chromium (Debian's package), against a real uvicorn server.

Set LUCIDNET_PLAYGROUND_SCREENSHOT=path.png to save a screenshot of the trained spiral (docs/playground.png).
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time

import pytest
from conftest import require

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip


require("starlette")
uvicorn = require("uvicorn")
sync_api = require("playwright.sync_api")
if not os.path.exists(CHROMIUM):
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium package")
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

from lucidnet.playground import create_app  # noqa: E402

pytestmark = pytest.mark.slow
STATE = "window.lucidnetPlayground"
READY = f"() => {STATE}.frame && !{STATE}.starting"


@pytest.fixture(scope="module")
def server():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(), log_level="warning", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the playground server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/"
    srv.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(scope="module")
def browser(server):
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
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
