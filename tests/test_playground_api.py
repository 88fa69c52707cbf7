"""The playground's JSON API, through Starlette's TestClient: frames, limits, bad input, uploads, exports.

The checks against other web pages, hostile input and exhausted resources, over real HTTP, are in
tests/test_playground_security.py.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import warnings
from argparse import ArgumentParser

import numpy as np
import pytest
from conftest import require

require("starlette")
require("uvicorn")
require("httpx")

with warnings.catch_warnings():  # starlette 1.x suggests httpx2 for its TestClient; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from lucidnet.playground import configure_playground_parser, create_app, run_playground  # noqa: E402
from lucidnet.playground.config import Limits  # noqa: E402

SPIRAL = {
    "dataset": "spiral",
    "layers": [8, 8],
    "activations": ["tanh", "tanh"],
    "optimizer": "adam",
    "lr": 0.03,
    "features": ["x1", "x2", "x1_sq", "x2_sq", "sin_x1", "sin_x2"],
    "n_points": 300,
}


BASE = "http://127.0.0.1:8000"  # the server answers only to loopback names with its own port
CSV = {"Content-Type": "text/csv"}


@pytest.fixture
def client():
    with TestClient(create_app(), base_url=BASE) as c:
        yield c


def upload(client, raw: bytes, query: str = ""):
    return client.post(f"/api/upload{query}", content=raw, headers=CSV)


def start(client, **config):
    r = client.post("/api/train", json=config)
    assert r.status_code == 200, r.text
    return r.json()


def step(client, sid, epochs=1):
    r = client.post(f"/api/sessions/{sid}/control", json={"cmd": "step", "epochs": epochs})
    assert r.status_code == 200, r.text
    return r.json()["frame"]


def grid(b64: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(b64), dtype=np.uint8)


# --------------------------------------------------------------------------------------------- page and options
def test_page_and_static_files_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "/static/app.js" in page.text and "/static/style.css" in page.text
    assert "https://" not in page.text  # nothing from a CDN
    for name, kind in (("app.js", "javascript"), ("style.css", "css")):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and kind in r.headers["content-type"] and len(r.text) > 500
    r = client.get("/static/../server.py")
    assert r.status_code == 404
    r = client.get("/static/secret.txt")
    assert r.status_code == 404 and "secret.txt" in r.json()["error"]


def test_options_list_the_registries_and_limits(client):
    o = client.get("/api/options").json()
    names = [d["name"] for d in o["datasets"]]
    assert {"circle", "spiral", "moons", "gauss", "plane", "multi_gaussian"} <= set(names)
    assert {d["name"]: d["problem"] for d in o["datasets"]}["plane"] == "regression"
    assert [f["name"] for f in o["features"]] == ["x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2"]
    assert {"sgd", "adam"} <= set(o["optimizers"])
    assert o["auto_loss"] == {"classification": "bce", "regression": "mse"}  # heads.head_for's, for the page
    assert o["limits"] == {
        "max_layers": 8,
        "max_neurons": 16,
        "max_points": 5000,
        "max_columns": 1000,
        "max_inputs": 64,
        "max_upload_bytes": 2 * 1024 * 1024,
        "max_uploads": 16,
        "max_upload_memory": 64 * 1024 * 1024,
        "max_json_bytes": 64 * 1024,
        "max_sessions": 4,
        "max_epochs_per_frame": 100,
        "max_step_epochs": 1000,
        "max_step_work": 1_000_000_000,
    }
    assert len(o["previews"]["spiral"]) == 160 and len(o["previews"]["spiral"][0]) == 3


# --------------------------------------------------------------------------------------------- frames
def test_train_returns_points_and_a_first_frame(client):
    r = start(client, **SPIRAL)
    init, frame = r["init"], r["frame"]
    assert init["problem"] == "classification" and init["classes"] == [0, 1]
    assert len(init["train"]) == 150 and len(init["test"]) == 150
    assert init["layer_sizes"] == [6, 8, 8, 1] and init["loss"] == "bce"
    assert set(init["feature_thumbs"]) == {"x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2"}
    assert frame["epoch"] == 0 and frame["grid"] == 50
    assert grid(frame["boundary"]).shape == (2500,)
    assert [len(t) for t in frame["thumbs"]] == [8, 8]
    assert all(grid(t).shape == (625,) for t in frame["thumbs"][0] + frame["output_thumbs"])
    assert [np.shape(w) for w in frame["weights"]] == [(6, 8), (8, 8), (8, 1)]
    assert 0.5 < frame["test_loss"] < 1.0 and 0 <= frame["test_accuracy"] <= 1


def test_training_lowers_the_loss_and_changes_the_boundary(client):
    r = start(client, **SPIRAL)
    sid, first = r["session"], r["frame"]
    frame = step(client, sid, epochs=60)
    assert frame["epoch"] == 60
    assert frame["train_loss"] < first["train_loss"] / 2
    assert frame["train_accuracy"] > 0.8
    changed = np.abs(grid(frame["boundary"]).astype(int) - grid(first["boundary"]).astype(int))
    assert changed.mean() > 20


def test_same_config_same_frames_bit_for_bit(client):
    a, b = start(client, **SPIRAL), start(client, **SPIRAL)
    fa, fb = step(client, a["session"], 5), step(client, b["session"], 5)
    assert fa["train_loss"] == fb["train_loss"] and fa["boundary"] == fb["boundary"]
    c = start(client, **{**SPIRAL, "seed": 1})
    assert step(client, c["session"], 5)["train_loss"] != fa["train_loss"]


def test_reset_returns_to_epoch_zero_with_the_same_weights(client):
    r = start(client, **SPIRAL)
    sid = r["session"]
    step(client, sid, 10)
    reset = client.post(f"/api/sessions/{sid}/control", json={"cmd": "reset"}).json()["frame"]
    assert reset["epoch"] == 0 and reset["weights"] == r["frame"]["weights"]
    assert reset["boundary"] == r["frame"]["boundary"]


def test_regression_multi_class_and_dropout_sessions(client):
    plane = start(client, dataset="plane", layers=[4], activations=["tanh"], lr=0.01)
    assert plane["init"]["problem"] == "regression" and plane["init"]["loss"] == "mse"
    assert plane["frame"]["test_accuracy"] is None and plane["init"]["output_activation"] == "identity"
    f = step(client, plane["session"], 10)
    assert f["train_loss"] < plane["frame"]["train_loss"]
    ce = start(client, dataset="circle", loss="cross_entropy", layers=[3], dropout=0.2, l1=0.001, l2=0.001)
    assert ce["init"]["layer_sizes"] == [2, 3, 2] and ce["init"]["output_activation"] == "softmax"
    assert len(ce["frame"]["output_thumbs"]) == 2
    assert step(client, ce["session"], 3)["epoch"] == 3


def test_no_hidden_layer_is_a_linear_model(client):
    r = start(client, dataset="gauss", layers=[], activations=[])
    assert r["init"]["layer_sizes"] == [2, 1] and r["frame"]["thumbs"] == []
    assert step(client, r["session"], 20)["test_accuracy"] > 0.9


def test_play_streams_frames_as_server_sent_events(client):
    sid = start(client, **SPIRAL)["session"]
    assert client.post(f"/api/sessions/{sid}/control", json={"cmd": "play"}).json() == {"playing": True}
    with client.stream("GET", f"/api/sessions/{sid}/events?max_frames=3") as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        frames = [json.loads(line[6:]) for line in r.iter_lines() if line.startswith("data: ")]
    assert [f["epoch"] for f in frames] == [1, 2, 3]
    assert client.post(f"/api/sessions/{sid}/control", json={"cmd": "pause"}).json() == {"playing": False}


def test_divergence_stops_with_advice(client):
    r = start(
        client,
        dataset="plane",
        layers=[16, 16],
        activations=["relu", "relu"],
        optimizer="sgd",
        lr=10,
        batch_size=500,
    )
    frame = step(client, r["session"], 50)
    assert "lower the learning rate" in frame["error"]
    assert client.get("/api/options").status_code == 200


# --------------------------------------------------------------------------------------------- trace
def test_trace_gives_net_o_delta_and_gradients_that_agree(client):
    r = start(client, **SPIRAL)
    sid = r["session"]
    step(client, sid, 3)
    t = client.get(f"/api/sessions/{sid}/trace?split=test&index=4").json()
    assert t["split"] == "test" and t["index"] == 4
    layers = t["trace"]["layers"]
    assert [np.shape(L["net"]) for L in layers] == [(1, 8), (1, 8), (1, 1)]
    x = np.array(r["init"]["test"][4][:2])
    np.testing.assert_allclose(layers[0]["x"][0][:2], x, atol=1e-4)  # the sample's x₁, x₂ come first
    for L in layers:
        np.testing.assert_allclose(np.array(L["x"]).T @ np.array(L["delta"]), L["grad_W"], rtol=1e-12)
        np.testing.assert_allclose(np.array(L["x"]) @ np.array(L["W"]) + L["b"], L["net"], rtol=1e-12)
    # bce on a sigmoid output: δ = o - y for the single sample
    y = r["init"]["test"][4][2]
    assert layers[-1]["delta"][0][0] == pytest.approx(layers[-1]["o"][0][0] - y)
    assert t["trace"]["E"] > 0 and t["trace"]["eta"] == 0.03
    chain = client.get(f"/api/sessions/{sid}/trace?split=test&index=4&weight=2,1,3").json()["text"]
    assert "Chain rule for w₁₃⁽²⁾, sample 0" in chain
    bad = client.get(f"/api/sessions/{sid}/trace?weight=9,1,1")
    assert bad.status_code == 400 and "weight layer must be in 1 … 3" in bad.json()["error"]
    assert client.get(f"/api/sessions/{sid}/trace?weight=1;2").status_code == 400
    bad = client.get(f"/api/sessions/{sid}/trace?split=test&index=150")
    assert bad.status_code == 400 and "between 0 and 149" in bad.json()["error"]
    assert client.get(f"/api/sessions/{sid}/trace?split=valid").status_code == 400


# --------------------------------------------------------------------------------------------- limits
@pytest.mark.parametrize(
    "config, status, words",
    [
        ({"layers": [4] * 9, "activations": ["tanh"] * 9}, 413, "at most 8 hidden layers"),
        ({"layers": [17]}, 413, "1 to 16 neurons"),
        ({"layers": [0]}, 413, "1 to 16 neurons"),
        ({"n_points": 5001}, 400, "n_points must be between 20 and 5000"),
        ({"dataset": "mnist"}, 400, "unknown dataset 'mnist'"),
        ({"features": []}, 400, "at least one input feature"),
        ({"features": ["x3"]}, 400, "unknown feature 'x3'"),
        ({"activations": ["softmax", "tanh"]}, 400, "unknown activation 'softmax'"),
        ({"lr": -1}, 400, "lr must be between"),
        ({"lr": "fast"}, 400, "lr must be a number"),
        ({"optimizer": "lbfgs"}, 400, "unknown optimizer 'lbfgs'"),
        ({"loss": "bce", "dataset": "plane"}, 400, "unknown loss 'bce'"),
        ({"seed": 1.5}, 400, "seed must be a whole number"),
        ({"colour": "red"}, 400, "unknown configuration key 'colour'"),
        ({"dataset": "upload"}, 400, "needs an upload id"),
    ],
)
def test_bad_configurations_get_a_clear_4xx(client, config, status, words):
    r = client.post("/api/train", json=config)
    assert r.status_code == status and words in r.json()["error"], r.text


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe", b""])
def test_malformed_json_gets_400_and_the_server_keeps_serving(client, body):
    r = client.post("/api/train", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]
    assert client.get("/api/options").status_code == 200
    assert start(client, dataset="xor2d")["frame"]["epoch"] == 0


def test_a_new_training_ends_the_least_recently_used_one_when_four_run(client):
    sids = [start(client, dataset="circle")["session"] for _ in range(4)]
    step(client, sids[0])  # session 0 is used again: session 1 is now the least recently used
    fifth = start(client, dataset="circle")["session"]
    gone = client.post(f"/api/sessions/{sids[1]}/control", json={"cmd": "play"})
    assert gone.status_code == 404
    assert "another playground page started a training (at most 4 run at once)" in gone.json()["error"]
    assert "press reset" in gone.json()["error"]
    for sid in (sids[0], sids[2], sids[3], fifth):
        assert client.get(f"/api/sessions/{sid}/trace").status_code == 200
    again = start(client, dataset="moons", replace=sids[0])
    assert again["session"] not in sids
    assert client.get(f"/api/sessions/{sids[0]}/trace").status_code == 404
    assert client.delete(f"/api/sessions/{sids[2]}").json() == {"closed": True}
    assert client.post(f"/api/sessions/{sids[3]}/close").json() == {"closed": True}
    assert client.delete(f"/api/sessions/{sids[3]}").json() == {"closed": False}
    start(client, dataset="gauss")


def test_small_limits_are_enforced_too():
    limits = Limits(max_layers=1, max_neurons=3, max_points=50, max_upload_bytes=100, max_sessions=1)
    with TestClient(create_app(limits), base_url=BASE) as c:
        assert c.post("/api/train", json={"layers": [2, 2]}).status_code == 413
        assert c.post("/api/train", json={"layers": [4]}).status_code == 413
        assert c.post("/api/train", json={"n_points": 51, "layers": [2]}).status_code == 400
        r = upload(c, b"a,b\n" + b"1,2\n" * 40)
        assert r.status_code == 413 and "limit of 100 bytes" in r.json()["error"]
        first = start(c, layers=[2], n_points=50)["session"]
        second = start(c, layers=[2], n_points=50)["session"]
        assert c.get(f"/api/sessions/{first}/trace").status_code == 404
        assert c.get(f"/api/sessions/{second}/trace").status_code == 200


def test_unknown_sessions_and_commands(client):
    assert client.post("/api/sessions/nope/control", json={"cmd": "play"}).status_code == 404
    assert client.get("/api/sessions/nope/events").status_code == 404
    assert client.get("/api/sessions/nope/model").status_code == 404
    sid = start(client)["session"]
    r = client.post(f"/api/sessions/{sid}/control", json={"cmd": "jump"})
    assert r.status_code == 400 and "unknown command 'jump'" in r.json()["error"]
    r = client.post(f"/api/sessions/{sid}/control", json={"cmd": "step", "epochs": 0})
    assert r.status_code == 400
    assert client.get("/api/nothing").status_code == 404 and client.get("/api/nothing").json()["error"]
    assert client.get("/api/train").status_code == 405


# --------------------------------------------------------------------------------------------- uploads
IRIS_LIKE = "length,width,colour,kind\n" + "".join(
    f"{1 + (i % 7) * 0.3 + (i % 3) * 2:.2f},{0.5 + (i % 5) * 0.2 + (i % 3):.2f},c{i % 2},{'abc'[i % 3]}\n"
    for i in range(90)
)


def test_upload_a_csv_and_train_on_it(client):
    r = upload(client, IRIS_LIKE.encode(), "?filename=flowers.csv")
    assert r.status_code == 200, r.text
    up = r.json()
    assert up["columns"] == ["length", "width", "colour", "kind"] and up["numeric"] == ["length", "width"]
    assert up["kinds"] == {"length": "numbers", "width": "numbers", "colour": "text", "kind": "text"}
    assert up["n_rows"] == 90 and up["suggested"] == {
        "x1": "length", "x2": "width", "target": "kind", "inputs": ["length", "width", "colour"]}
    s = start(
        client,
        dataset="upload",
        upload=up["upload"],
        x1="length",
        x2="width",
        target="kind",
        loss="cross_entropy",
        layers=[6],
        activations=["tanh"],
        optimizer="adam",
        lr=0.05,
    )
    assert s["init"]["classes"] == ["a", "b", "c"] and s["init"]["layer_sizes"] == [2, 6, 3]
    assert s["init"]["axes"] == ["length", "width"]
    f = step(client, s["session"], 40)
    assert grid(f["boundary_class"]).max() == 2
    assert f["train_accuracy"] > 0.9
    # auto loss for three classes is cross-entropy; bce is refused with the reason
    bce = client.post(
        "/api/train",
        json={
            "dataset": "upload",
            "upload": up["upload"],
            "x1": "length",
            "x2": "width",
            "target": "kind",
            "loss": "bce",
        },
    )
    # bce on three classes: three sigmoid units, one per class (lucidnet.heads.head_for)
    assert bce.status_code == 200, bce.json()
    assert bce.json()["init"]["layer_sizes"][-1] == 3 and bce.json()["init"]["output_activation"] == "sigmoid"


def test_upload_regression_target_is_standardised(client):
    rows = "".join(f"{i % 10},{i // 10},{3 * (i % 10) + 100 + 0.5 * (i // 10)}\n" for i in range(100))
    up = upload(client, ("a,b,price\n" + rows).encode()).json()
    s = start(
        client,
        dataset="upload",
        upload=up["upload"],
        x1="a",
        x2="b",
        target="price",
        layers=[4],
        activations=["tanh"],
    )
    assert s["init"]["problem"] == "regression"
    ys = np.array([p[2] for p in s["init"]["train"]])
    assert np.abs(ys).max() <= 1.0 and ys.std() > 0.2


@pytest.mark.parametrize(
    "raw, words",
    [
        (b"a,b,c\n1,2\n", "f.csv: row 2 has 2 fields but the header has 3"),
        (b"a,b\n", "f.csv: has a header row but no data rows"),
        (b"only\n1\n2\n", "at least 2 columns"),
        (b"a,a\n1,2\n", "names column 'a' twice"),
        (b"a,b\n1,2\n3,oops\n4,5\n", "f.csv: row 3, column 'b': 'oops' is not a number"),
        (b"a,b\n1,\"2\n", "a quote opens a cell and never closes"),
        (b"a,b\n\xff\xfe,1\n", "byte 0xff is not UTF-8"),
        (b"a,b\n1,\x002\n", "binary file"),
    ],
)
def test_malformed_csv_gets_400_naming_the_row_and_column(client, raw, words):
    r = upload(client, raw, "?filename=f.csv")
    assert r.status_code == 400 and words in r.json()["error"], r.text
    assert client.get("/api/options").status_code == 200


def test_upload_limits_and_bad_column_choices(client):
    big = b"a,b\n" + b"1.0,2.0\n" * 300_000
    r = upload(client, big)
    assert r.status_code == 413 and "limit of 2097152 bytes" in r.json()["error"]
    rows = upload(client, b"a,b\n" + b"1,2\n" * 5001)
    assert rows.status_code == 413 and "more than 5000 data rows" in rows.json()["error"]
    wide = upload(client, (",".join(f"c{j}" for j in range(1001)) + "\n" + "1," * 1000 + "1\n").encode())
    assert wide.status_code == 413 and "1001 columns, more than the 1000 allowed" in wide.json()["error"]
    up = upload(client, IRIS_LIKE.encode(), "?filename=flowers.csv").json()["upload"]
    cases = [
        ({"x1": "colour", "x2": "width", "target": "kind"}, "the x₁ column 'colour' holds text"),
        ({"x1": "height", "x2": "width", "target": "kind"}, "flowers.csv: unknown input column 'height'; columns are"),
        ({"x1": "length", "x2": "width", "target": "width"}, "the target 'width' cannot also be an input"),
        ({"x1": "length", "x2": "length", "target": "kind"}, "x₁ and x₂ are both 'length'"),
        ({"inputs": ["length", "colour"], "target": "kind"}, "choose at least two columns of numbers as inputs"),
        ({"inputs": ["length", "width"], "x1": "colour", "target": "kind"}, "'colour' is not one of the inputs"),
        ({"inputs": ["length", "lenght"], "target": "kind"}, "Did you mean 'length'?"),
        ({"inputs": ["length", "width"], "target": "knid"}, "unknown target column 'knid'"),
        ({"inputs": ["length", "width", "length"], "target": "kind"}, "'length' is chosen twice"),
        ({"inputs": "length", "target": "kind"}, "inputs must be a list of column names"),
    ]
    for cols, words in cases:
        r = client.post("/api/train", json={"dataset": "upload", "upload": up, **cols})
        assert r.status_code == 400 and words in r.json()["error"], r.text
    r = client.post(
        "/api/train", json={"dataset": "upload", "upload": "gone", "x1": "a", "x2": "b", "target": "c"}
    )
    assert r.status_code == 404 and "upload the CSV file again" in r.json()["error"]


# --------------------------------------------------------------------------------------------- exports
def test_model_export_is_the_cli_model_file(client, tmp_path, monkeypatch):
    from lucidnet import io
    monkeypatch.chdir(tmp_path)
    r = start(client, **SPIRAL)
    sid = r["session"]
    step(client, sid, 5)
    m = client.get(f"/api/sessions/{sid}/model")
    assert m.status_code == 200 and "spiral.safetensors" in m.headers["content-disposition"]
    assert os.listdir(tmp_path) == []  # nothing written in the working folder
    path = tmp_path / "m.safetensors"
    path.write_bytes(m.content)
    bundle = io.load_model(path)
    t = client.get(f"/api/sessions/{sid}/trace?index=0").json()["trace"]
    o = bundle.predict_raw(np.array(t["layers"][0]["x"]))
    assert o[0, 0] == pytest.approx(t["layers"][-1]["o"][0][0], rel=1e-12)
    assert bundle.preprocessing.classes == [0, 1]
    assert bundle.preprocessing.feature_names == SPIRAL["features"]


def test_toml_export_trains_with_the_cli(client, tmp_path):
    tomllib = require("tomllib") if sys.version_info >= (3, 11) else require("tomli")
    from lucidnet import cli
    r = start(
        client,
        dataset="moons",
        layers=[5, 3],
        activations=["relu", "relu"],
        optimizer="sgd",
        lr=0.1,
        batch_size=16,
        seed=7,
        train_ratio=70,
        l1=0.001,
        features=["x1", "x2", "x1_x2"],
    )
    sid = r["session"]
    step(client, sid, 4)
    text = client.get(f"/api/sessions/{sid}/config.toml").text
    cfg = tomllib.loads(text)
    assert cfg["dataset"] == "moons" and cfg["layers"] == "5,3" and cfg["activation"] == "relu"
    assert cfg["lr"] == 0.1 and cfg["batch_size"] == 16 and cfg["seed"] == 7 and cfg["epochs"] == 4
    assert cfg["validation_split"] == 0.3 and cfg["loss"] == "bce" and cfg["output_activation"] == "sigmoid"
    assert set(cfg) <= set(cli.TRAIN_DEFAULTS)
    assert "l1 = 0.001" in text and "x1_x2" in text  # what the CLI cannot take is said in comments
    path = tmp_path / "run.toml"
    path.write_text(text)
    out = tmp_path / "model.safetensors"
    assert cli.main(["train", "--config", str(path), "--out", str(out), "--quiet"]) == 0
    assert out.exists()


# --------------------------------------------------------------------------------------------- command line
def test_parser_defaults_are_loopback_port_8000():
    args = configure_playground_parser(ArgumentParser()).parse_args([])
    assert (args.port, args.host, args.no_browser) == (8000, "127.0.0.1", False)
    args = configure_playground_parser(ArgumentParser()).parse_args(["--port", "0", "--no-browser"])
    assert args.port == 0 and args.no_browser


def test_a_busy_port_is_a_clear_error(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        args = configure_playground_parser(ArgumentParser()).parse_args(["--port", str(port), "--no-browser"])
        assert run_playground(args) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_missing_web_extra_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "starlette", None)
    with pytest.raises(ImportError, match=r"pip install 'lucidnet\[web\]'"):
        create_app()


@pytest.mark.parametrize("missing", ["starlette", "uvicorn"])
def test_lucidnet_playground_without_the_web_extra_says_which_to_install(monkeypatch, capsys, missing):
    from lucidnet import cli

    monkeypatch.setitem(sys.modules, missing, None)
    assert cli.main(["playground", "--no-browser"]) == 2
    assert capsys.readouterr().err == (
        f"lucidnet: error: lucidnet playground needs {missing}, which is not installed: install lucidnet[web] "
        "(pip install 'lucidnet[web]')\n"
    )


def test_run_playground_without_the_web_extra_says_which_is_missing(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    args = configure_playground_parser(ArgumentParser()).parse_args(["--no-browser"])
    assert run_playground(args) == 2
    assert capsys.readouterr().err == (
        "error: the playground needs starlette and uvicorn (uvicorn is missing): pip install 'lucidnet[web]'\n"
    )


def test_run_playground_serves_until_ctrl_c():
    code = (
        "import argparse; from lucidnet.playground import configure_playground_parser, run_playground; "
        "args = configure_playground_parser(argparse.ArgumentParser()).parse_args(['--port', '0', '--no-browser']); "
        "raise SystemExit(run_playground(args))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stderr.readline()
        assert "lucidnet playground at http://127.0.0.1:" in line, line
        url = line.split(" at ")[1].split()[0]
        import httpx

        assert httpx.get(url + "api/options", timeout=10).status_code == 200
        assert "lucidnet" in httpx.get(url, timeout=10).text
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
    finally:
        proc.kill()
        proc.stderr.close()


def test_frames_cut_at_any_epoch_give_the_same_run(monkeypatch):
    from lucidnet.playground import session as session_module
    from lucidnet.playground.config import parse_config
    from lucidnet.playground.data import builtin_points

    cfg = parse_config({**SPIRAL, "epochs_per_frame": 50, "dropout": 0.1})
    a, b = (session_module.Session(cfg, builtin_points(cfg)) for _ in range(2))
    monkeypatch.setattr(session_module, "FRAME_BUDGET", 0.0)
    assert a.advance()["epoch"] == 1  # the time budget cuts a streamed frame after its first epoch
    assert a.advance(2)["epoch"] == 3 and b.advance(3)["epoch"] == 3
    for wa, wb in zip(a.network.get_weights(), b.network.get_weights()):
        np.testing.assert_array_equal(wa, wb)


def test_the_best_epoch_is_that_of_the_lowest_test_loss_and_the_frame_shows_the_weights_test_loss():
    from lucidnet.playground.config import parse_config
    from lucidnet.playground.data import builtin_points
    from lucidnet.playground.session import Session

    cfg = parse_config({**SPIRAL, "epochs_per_frame": 3, "lr": 0.3})
    s = Session(cfg, builtin_points(cfg))
    losses = []
    for _ in range(6):  # one epoch a step, so the history has every epoch's test loss
        frame = s.advance(1)
        assert frame["test_loss"] == s.network.loss(s.X_test, s.y_test, penalty=False)
        losses.append(frame["test_loss"])
    best = int(np.argmin(losses))
    assert (frame["best_epoch"], frame["best_test_loss"]) == (best + 1, losses[best]) == (s.best_epoch, s.best.best)
    frame = s.advance()  # three epochs in one frame: the best can be any of them
    assert frame["epoch"] == 9 and frame["test_loss"] == s.network.loss(s.X_test, s.y_test, penalty=False)
    assert frame["best_test_loss"] <= min(losses) and 1 <= frame["best_epoch"] <= 9


def test_the_page_offers_and_accepts_the_registry_optimizers(client):
    from lucidnet.optimizers import OPTIMIZERS
    from lucidnet.playground.config import PlaygroundError, parse_config

    assert client.get("/api/options").json()["optimizers"] == list(OPTIMIZERS) == ["sgd", "adam", "rmsprop", "adagrad"]
    assert [parse_config({"optimizer": name}).optimizer for name in OPTIMIZERS] == list(OPTIMIZERS)
    with pytest.raises(PlaygroundError, match=r"^unknown optimizer 'lbfgs'; valid: sgd, adam, rmsprop, adagrad$"):
        parse_config({"optimizer": "lbfgs"})
