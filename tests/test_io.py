"""Model files: exact round trips, compatibility with the safetensors package (NumPy and PyTorch), atomic
writes, and ModelFileError (and nothing else) for every damaged file (the fuzz test is tests/test_file_fuzz.py,
checksums, sizes and field checks are in tests/test_file_safety.py)."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import numpy as np
import pytest
from conftest import require
from filefuzz import forge_safetensors

import lucidnet as ln
from lucidnet.data.preprocessing import Standardizer
from lucidnet.io import (
    FORMAT_VERSION,
    ModelBundle,
    ModelFileError,
    Preprocessing,
    load,
    load_checkpoint,
    load_model,
    load_txt,
    read_safetensors,
    save_checkpoint,
    save_model,
    save_txt,
    write_safetensors,
)


def small_nets():
    """Networks covering the registries' parameterised pieces, float32, dropout, bias-free layers."""
    return {
        "softmax": ln.Network(
            [ln.Dense(3, 5, "tanh"), ln.Dense(5, 4, "softmax")], loss="cross_entropy", seed=1
        ),
        "regression": ln.Network(
            [
                ln.Dense(3, 6, {"name": "leaky_relu", "alpha": 0.2}),
                ln.Dropout(0.3),
                ln.Dense(6, 2, "identity"),
            ],
            loss="mse",
            seed=2,
        ),
        "maxout_f32": ln.Network(
            [ln.Dense(3, 4, {"name": "maxout", "k": 3}), ln.Dense(4, 1, "sigmoid", bias=False)],
            loss="bce",
            dtype="float32",
            seed=3,
        ),
        "elu_l2": ln.Network(
            [ln.Dense(3, 2, {"name": "elu", "alpha": 0.5}), ln.Dense(2, 1)], l2=0.01, seed=4
        ),
    }


X3 = np.random.default_rng(7).normal(size=(9, 3))


@pytest.mark.parametrize("name", list(small_nets()))
def test_round_trip_is_bit_identical(tmp_path, name):
    net = small_nets()[name]
    path = save_model(net, tmp_path / "m.safetensors")
    back = load(path)
    assert back.get_config() == net.get_config()
    np.testing.assert_array_equal(back.predict(X3), net.predict(X3))
    for a, b in zip(back.parameters(), net.parameters()):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


def test_bundle_round_trip_with_preprocessing(tmp_path):
    net = small_nets()["softmax"]
    pre = Preprocessing(
        task="classification",
        feature_names=["a", "b", "c"],
        target_name="kind",
        x_scaler=Standardizer().fit(X3),
        classes=["cat", 7, 2.5, "dog"],
    )
    hist = net.fit(X3, np.arange(9) % 4, epochs=3, optimizer=ln.Adam(lr=0.01))
    save_model(net, tmp_path / "m.safetensors", preprocessing=pre, history=hist, options={"epochs": 3})
    b = load_model(tmp_path / "m.safetensors")
    assert isinstance(b, ModelBundle)
    assert b.preprocessing.classes == ["cat", 7, 2.5, "dog"]  # types kept: str, int, float
    assert b.preprocessing.feature_names == ["a", "b", "c"] and b.preprocessing.target_name == "kind"
    np.testing.assert_array_equal(b.preprocessing.x_scaler.mean_, pre.x_scaler.mean_)
    np.testing.assert_array_equal(b.preprocessing.x_scaler.scale_, pre.x_scaler.scale_)
    assert b.history["history"]["loss"] == hist.loss and b.options == {"epochs": 3}
    assert b.metadata["format_version"] == FORMAT_VERSION
    np.testing.assert_array_equal(b.predict_raw(X3), net.predict(pre.x_scaler.transform(X3)))
    assert list(b.predict(X3)) == [pre.classes[i] for i in net.predict(pre.x_scaler.transform(X3)).argmax(1)]


def test_file_layout_is_documented_safetensors(tmp_path):
    net = small_nets()["softmax"]
    raw = save_model(net, tmp_path / "m.safetensors").read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    assert (8 + n) % 8 == 0
    header = json.loads(raw[8 : 8 + n])
    assert header["layers.0.W"] == {"dtype": "F64", "shape": [3, 5], "data_offsets": [0, 120]}
    meta = json.loads(header["__metadata__"]["lucidnet"])
    assert meta["format_version"] == 2 and meta["network"] == net.get_config()
    assert len(raw) == 8 + n + 8 * (15 + 5 + 20 + 4)


def test_safetensors_numpy_reads_ours_and_we_read_theirs(tmp_path):
    st = require("safetensors.numpy")
    safe_open = require("safetensors").safe_open
    net = small_nets()["regression"]
    ours = save_model(net, tmp_path / "ours.safetensors")
    tensors = st.load_file(str(ours))
    assert sorted(tensors) == ["layers.0.W", "layers.0.b", "layers.2.W", "layers.2.b"]
    np.testing.assert_array_equal(tensors["layers.0.W"], net.layers[0].W)
    with safe_open(str(ours), "np") as f:
        meta = f.metadata()
    theirs = tmp_path / "theirs.safetensors"
    st.save_file(tensors, str(theirs), metadata=meta)
    np.testing.assert_array_equal(load(theirs).predict(X3), net.predict(X3))


def test_pytorch_opens_the_weights(tmp_path):
    require("torch")
    st_torch = require("safetensors.torch")
    import torch

    net = small_nets()["softmax"]
    path = save_model(net, tmp_path / "m.safetensors")
    w = st_torch.load_file(str(path))
    assert w["layers.0.W"].dtype == torch.float64
    # nn.Linear stores (out, in): its weight is our W transposed
    lin = torch.nn.Linear(3, 5).double()
    with torch.no_grad():
        lin.weight.copy_(w["layers.0.W"].T)
        lin.bias.copy_(w["layers.0.b"])
    h = torch.tanh(lin(torch.from_numpy(X3)))
    o = torch.softmax(h @ w["layers.1.W"] + w["layers.1.b"], dim=1)
    np.testing.assert_allclose(o.detach().numpy(), net.predict(X3), rtol=1e-12, atol=1e-15)


def test_save_is_atomic(tmp_path, monkeypatch):
    net = small_nets()["softmax"]
    path = save_model(net, tmp_path / "m.safetensors")
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="disk full"):
        save_model(small_nets()["regression"], path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.safetensors"]


def test_unwritable_folder_raises_oserror_and_leaves_nothing(tmp_path):
    with pytest.raises(OSError):
        save_model(small_nets()["softmax"], tmp_path / "missing" / "m.safetensors")
    assert list(tmp_path.iterdir()) == []


def test_txt_round_trip_exact_and_readable(tmp_path):
    for name, net in small_nets().items():
        path = save_txt(net, tmp_path / f"{name}.txt")
        text = path.read_text()
        assert text.startswith("# lucidnet weights\n# meta: {")
        assert "layers.0.W" in text
        back = load_txt(path)
        for a, b in zip(back.parameters(), net.parameters()):
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(back.predict(X3), net.predict(X3))
    # one matrix row per line: layers.0.W of the softmax net is 3 rows of 5 values
    lines = (tmp_path / "softmax.txt").read_text().split("\n")
    i = lines.index("layers.0.W float64 3 5")
    assert [len(line.split()) for line in lines[i + 1 : i + 4]] == [5, 5, 5]


def test_checkpoint_round_trip(tmp_path):
    net = small_nets()["softmax"]
    opt = ln.Adam(lr=0.01)
    net.fit(X3, np.arange(9) % 4, epochs=2, optimizer=opt, batch_size=4)
    rng_state = net.rng.bit_generator.state
    save_checkpoint(tmp_path / "c.safetensors", net, opt, epoch=2, options={"x": 1})
    ck = load_checkpoint(tmp_path / "c.safetensors")
    assert ck.epoch == 2 and ck.optimizer_config == json.loads(json.dumps(opt.get_config()))
    assert ck.bundle.network.rng.bit_generator.state == rng_state
    assert ck.optimizer_state["t"] == opt.t
    for name, bufs in opt.state_dict()["buffers"].items():
        for a, b in zip(ck.optimizer_state["buffers"][name], bufs):
            np.testing.assert_array_equal(a, b)
    # a plain model file is not a checkpoint
    save_model(net, tmp_path / "m.safetensors")
    with pytest.raises(ModelFileError, match="not a checkpoint"):
        load_checkpoint(tmp_path / "m.safetensors")


# ------------------------------------------------------------------------------------- damaged files
def _parts(path: Path) -> tuple[dict, bytes]:
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8 : 8 + n]), raw[8 + n :]


def _write(path: Path, header: dict, buf: bytes) -> Path:
    """The edited file, its checksums computed again where it parses: the check behind them is what is tested."""
    h = json.dumps(header).encode()
    path.write_bytes(forge_safetensors(struct.pack("<Q", len(h)) + h + buf))
    return path


def _meta_edit(header: dict, fn) -> dict:
    m = json.loads(header["__metadata__"]["lucidnet"])
    fn(m)
    header["__metadata__"]["lucidnet"] = json.dumps(m)
    return header


@pytest.fixture
def good(tmp_path):
    net = small_nets()["softmax"]
    pre = Preprocessing(task="classification", feature_names=["a", "b", "c"], x_scaler=Standardizer().fit(X3),
                        classes=["w", "x", "y", "z"])  # fmt: skip
    return save_model(net, tmp_path / "good.safetensors", preprocessing=pre)


def _set(d, k, v):
    d[k] = v


DAMAGE = {
    "truncated": (lambda h, b: (h, b[:-5]), "truncated|outside|bytes"),
    "foreign": (
        lambda h, b: ({k: v for k, v in h.items() if k != "__metadata__"}, b),
        "not a lucidnet model",
    ),
    "future": (
        lambda h, b: (_meta_edit(h, lambda m: _set(m, "format_version", FORMAT_VERSION + 1)), b),
        "newer lucidnet",
    ),
    "negative offset": (
        lambda h, b: (_set(h["layers.0.W"], "data_offsets", [-8, 112]) or h, b),
        "data_offsets",
    ),
    "overlap": (
        lambda h, b: (_set(h["layers.0.b"], "data_offsets", [112, 152]) or h, b),
        "overlaps|gap|needs",
    ),
    "wrong dtype": (lambda h, b: (_set(h["layers.0.W"], "dtype", "I64") or h, b), "dtype"),
    "bad dtype name": (lambda h, b: (_set(h["layers.0.W"], "dtype", "F128") or h, b), "unsupported dtype"),
    "shape vs config": (
        lambda h, b: (_set(h["layers.0.W"], "shape", [5, 3]) or h, b),
        r"shape \(5, 3\), the architecture needs \(3, 5\)",
    ),
    "unknown activation": (
        lambda h, b: (
            _meta_edit(h, lambda m: _set(m["network"]["layers"][0]["activation"], "name", "zap")),
            b,
        ),
        "unknown activation 'zap'",
    ),
    "missing tensor": (
        lambda h, b: ({k: v for k, v in h.items() if k != "layers.1.b"}, b),
        "missing|bytes after",
    ),
    "classes count": (
        lambda h, b: (_meta_edit(h, lambda m: _set(m["preprocessing"], "classes", ["a", "b"])), b),
        "2 classes",
    ),
    "not json": (None, "not valid UTF-8 JSON"),
    "huge header": (None, "header size"),
    "nan weight": (None, "NaN or infinity"),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_each_damage_gives_model_file_error(good, tmp_path, case):
    fn, message = DAMAGE[case]
    bad = tmp_path / "bad.safetensors"
    header, buf = _parts(good)
    if case == "not json":
        raw = good.read_bytes()
        bad.write_bytes(raw[:8] + b"{" + raw[9:])
        bad.write_bytes(raw[:8] + b"\xff" + raw[9:])
    elif case == "huge header":
        bad.write_bytes(struct.pack("<Q", 2**63) + good.read_bytes()[8:])
    elif case == "nan weight":
        arr = bytearray(buf)
        arr[0:8] = struct.pack("<d", float("nan"))
        _write(bad, header, bytes(arr))
    else:
        _write(bad, *fn(header, buf))
    with pytest.raises(ModelFileError, match=message):
        load_model(bad)


def test_missing_empty_and_directory(tmp_path):
    with pytest.raises(ModelFileError, match="no such file"):
        load_model(tmp_path / "nope.safetensors")
    (tmp_path / "empty").write_bytes(b"")
    with pytest.raises(ModelFileError, match="too short"):
        load_model(tmp_path / "empty")
    with pytest.raises(ModelFileError, match="directory"):
        load_model(tmp_path)
    (tmp_path / "text.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ModelFileError):
        load_model(tmp_path / "text.csv")


def test_model_file_error_is_a_value_error():
    assert issubclass(ModelFileError, ValueError)


def test_write_safetensors_rejects_non_string_metadata(tmp_path):
    with pytest.raises(TypeError, match="strings"):
        write_safetensors(tmp_path / "x", {"a": np.zeros(2)}, {"k": 1})  # type: ignore[dict-item]


def test_read_safetensors_plain(tmp_path):
    p = write_safetensors(tmp_path / "x", {"a": np.arange(6, dtype=np.int32).reshape(2, 3)}, {"k": "v"})
    t, m = read_safetensors(p)
    assert m == {"k": "v"} and t["a"].tolist() == [[0, 1, 2], [3, 4, 5]] and t["a"].dtype == np.int32
