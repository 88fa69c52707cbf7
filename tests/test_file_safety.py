"""Model files and checkpoints that cannot hurt: declared sizes checked against the tensors before anything is
allocated, every field checked, checksums that name a changed tensor. Edits below are "forged" (checksums
computed again, as anyone can) unless a test is about the checksums, so that each check is reached on its own."""

from __future__ import annotations

import hashlib
import json
import time
import tracemalloc

import numpy as np
import pytest
from conftest import require
from filefuzz import rewrite

import lucidnet as ln
from lucidnet.data.preprocessing import Standardizer
from lucidnet.io import (
    ModelFileError,
    Preprocessing,
    load_checkpoint,
    load_model,
    read_safetensors,
    save_checkpoint,
    save_model,
    save_txt,
)
from lucidnet.io.checksums import tensor_digest
from lucidnet.optimizers import OPTIMIZERS, get_optimizer

X = np.random.default_rng(0).normal(size=(8, 3))


def model(tmp_path, name="m.safetensors", **kw):
    net = ln.Network([ln.Dense(3, 4, {"name": "maxout", "k": 3}), ln.Dense(4, 2, "softmax")], loss="cross_entropy",
                     seed=1)  # fmt: skip
    pre = Preprocessing(task="classification", feature_names=["a", "b", "c"], x_scaler=Standardizer().fit(X),
                        classes=["no", "yes"])  # fmt: skip
    return save_model(net, tmp_path / name, preprocessing=pre, **kw)


def regression(tmp_path):
    net = ln.Network([ln.Dense(3, 2, "tanh"), ln.Dense(2, 1, "identity")], seed=2)
    pre = Preprocessing(task="regression", x_scaler=Standardizer().fit(X), y_scaler=Standardizer().fit(X[:, :1]))
    return save_model(net, tmp_path / "r.safetensors", preprocessing=pre)


def checkpoint(tmp_path, optimizer="adam"):
    net = ln.Network([ln.Dense(3, 4, "tanh"), ln.Dense(4, 2, "softmax")], loss="cross_entropy", seed=1)
    opt = get_optimizer({"name": optimizer, "lr": 0.01} if optimizer != "rmsprop" else
                        {"name": "rmsprop", "lr": 0.01, "momentum": 0.9})  # fmt: skip
    net.fit(X, np.arange(8) % 2, epochs=2, optimizer=opt, batch_size=4)
    return save_checkpoint(tmp_path / "c.ckpt.safetensors", net, opt, epoch=2)


def refused(path, match, loader=load_model):
    with pytest.raises(ModelFileError, match=match) as info:
        loader(path)
    assert "\n" not in str(info.value)
    return str(info.value)


# ------------------------------------------------------------------------------------ sizes before allocation
def test_a_huge_maxout_k_is_refused_before_anything_is_allocated(tmp_path):
    """The 2 KB file whose metadata says k = 3e7: refused from the tensors' own sizes, in milliseconds."""
    p = rewrite(model(tmp_path), lambda m: m["network"]["layers"][0]["activation"].update(k=30_000_000))
    assert p.stat().st_size < 4000
    tracemalloc.start()
    t0 = time.perf_counter()
    msg = refused(p, r"tensor 'layers.0.W' has shape \(3, 12\), the architecture needs \(3, 120000000\)")
    seconds, peak = time.perf_counter() - t0, tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seconds < 1 and peak < 2**20, (seconds, peak, msg)


@pytest.mark.parametrize("edit, match", [
    (lambda m: m["network"]["layers"][0].update(n_in=10**9), r"shape \(3, 12\), the architecture needs \(1000000000"),
    (lambda m: m["network"]["layers"][1].update(n_out=2**62), "the architecture needs"),
    (lambda m: m["network"]["layers"][1].update(n_out=2**200), "the architecture needs"),
    (lambda m: m["network"].update(layers=[{"name": "dropout", "p": 0.1}] * 20_000), "list of 1 to 10000"),
    (lambda m: m["network"]["layers"][0].update(init=[[0.0] * 12] * 3), "layer 0 has unknown or invalid fields"),
    (lambda m: m["network"]["layers"][0].update(bias=1), "layer 0 has unknown or invalid fields"),
    (lambda m: m["network"].update(extra=1), "unknown or invalid fields"),
    (lambda m: m["network"].update(dtype="float32"), "dtype float64, the network's dtype is 'float32'"),
    (lambda m: m["network"]["layers"][0]["activation"].update(k=2**1100), "the architecture needs"),
    (lambda m: m["network"]["layers"].insert(1, {"name": "dropout", "p": 0.5}), "missing"),
])  # fmt: skip
def test_declared_sizes_and_layer_fields_are_checked_against_the_tensors(tmp_path, edit, match):
    refused(rewrite(model(tmp_path), edit), match)


# ------------------------------------------------------------------------------------------------ fields
@pytest.mark.parametrize("edit, match", [
    (lambda m: m["preprocessing"]["x_scaler"].update(scale=["@1e999", 1.0, 1.0]), "overflows to infinity"),
    (lambda m: m["preprocessing"]["x_scaler"].update(scale=[float("inf"), 1.0, 1.0]), "Infinity is not a JSON"),
    (lambda m: m["preprocessing"]["x_scaler"].update(scale=[0.0, 1.0, 1.0]), "'scale' \\(finite, > 0 and not sub"),
    (lambda m: m["preprocessing"]["x_scaler"].update(scale=[-1.0, 1.0, 1.0]), "'scale' \\(finite, > 0 and not sub"),
    (lambda m: m["preprocessing"]["x_scaler"].update(scale=[5e-324, 1.0, 1.0]), "'scale' \\(finite, > 0 and not sub"),
    (lambda m: m["preprocessing"]["x_scaler"].update(mean=[2**2000, 0, 0]), "preprocessing"),
    (lambda m: m.update(preprocessing=[]), "preprocessing must be an object"),
    (lambda m: m["preprocessing"].update(classes=["a", "a"]), "distinct"),
    (lambda m: m.update(history={"history": {"loss": "low"}}), "history.history"),
    (lambda m: m.update(history={"epochs": -3}), "history.epochs"),
    (lambda m: m.update(options=[1]), "options must be an object"),
    (lambda m: m.update(options={"deep": "@deep70"}), "nested deeper than 64"),
    (lambda m: m.update(format_version=True), "format_version True"),
])  # fmt: skip
def test_every_field_is_checked(tmp_path, edit, match):
    refused(rewrite(model(tmp_path), edit), match)


def test_json_is_parsed_strictly_and_within_bounds(tmp_path, monkeypatch):
    from lucidnet.io import files

    assert files.loads_json('{"a": [1, 2.5, "x", null, true]}') == {"a": [1, 2.5, "x", None, True]}
    for text, match in [("[NaN]", "NaN is not a JSON number"), ("[-Infinity]", "Infinity is not a JSON number"),
                        ("[1e999]", "overflows to infinity"), ("[" * 65 + "]" * 65, "nested deeper than 64")]:
        with pytest.raises(ValueError, match=match):
            files.loads_json(text)
    files.loads_json("[" * 64 + "]" * 64)
    p = model(tmp_path)
    monkeypatch.setattr(files, "MAX_JSON_CONTAINERS", 10)  # counted on the text, before anything is parsed
    with pytest.raises(ValueError, match="12 lists and objects, more than the 10 allowed"):
        files.loads_json("[" + "{}," * 10 + "{}]")
    refused(p, "lists and objects, more than the 10 allowed")


def test_an_infinite_target_scale_is_refused(tmp_path):
    refused(rewrite(regression(tmp_path), lambda m: m["preprocessing"]["y_scaler"].update(scale=["@1e999"])),
            "overflows to infinity")  # fmt: skip
    with pytest.raises(ValueError, match="finite, > 0"):
        Standardizer.from_dict({"mean": [0.0], "scale": [np.inf]})


def test_an_input_whose_standardised_value_overflows_is_a_clear_error():
    pre = Preprocessing(x_scaler=Standardizer.from_dict({"mean": [0.0, 0.0], "scale": [1.0, 1e-300]}))
    np.testing.assert_array_equal(pre.transform_X(np.array([[1.0, 1e-290]])), [[1.0, 1e10]])
    with pytest.raises(ValueError, match=r"row 1, column 1: standardising overflows float64: .* scale 1e-300: "):
        pre.transform_X(np.array([[1.0, 1.0], [2.0, 1e10]]))
    with pytest.raises(ValueError, match=r"row 0, column 1: standardising overflows float32: \(x − mean\) / scale"):
        pre.transform_X(np.array([[1.0, 1e-260]]), np.float32)


def test_a_model_without_preprocessing_still_loads(tmp_path):
    b = load_model(rewrite(model(tmp_path), lambda m: m.pop("preprocessing")))
    assert b.preprocessing.x_scaler is None and b.preprocessing.classes is None


# ------------------------------------------------------------------------------------------------ checksums
def test_a_changed_byte_in_any_tensor_is_an_error_naming_it(tmp_path):
    p = model(tmp_path)
    raw = p.read_bytes()
    n = 8 + int.from_bytes(raw[:8], "little")
    tensors, _ = read_safetensors(p)
    offset = n
    for name, t in tensors.items():
        bad = bytearray(raw)
        bad[offset + t.nbytes // 2] ^= 0x01  # one bit, in the middle of the tensor: still a finite number
        (tmp_path / "bad.safetensors").write_bytes(bytes(bad))
        refused(tmp_path / "bad.safetensors", f"tensor {name!r} does not match its checksum")
        offset += t.nbytes


@pytest.mark.parametrize("edit, match", [
    (lambda m: m["preprocessing"].update(classes=["yes", "no"]), "the metadata .* does not match its checksum"),
    (lambda m: m["history"] is None and m.update(history={"loss": [0.1]}), "the metadata"),
    (lambda m: m.pop("checksums"), "no checksums"),
    (lambda m: m["checksums"].update(algorithm="md5"), "'checksums' must be"),
])  # fmt: skip
def test_an_edited_field_is_an_error(tmp_path, edit, match):
    refused(rewrite(model(tmp_path), edit, seal=False), match)


def test_a_reshaped_or_dropped_tensor_is_an_error(tmp_path):
    def reshape(t):
        t["layers.1.W"] = t["layers.1.W"].reshape(2, 4)

    refused(rewrite(model(tmp_path), edit_tensors=reshape, seal=False), "dtype or shape")
    refused(rewrite(model(tmp_path), edit_tensors=lambda t: t.pop("layers.1.b"), seal=False),
            r"do not match the checksums \(missing \['layers.1.b'\]")  # fmt: skip


def test_the_checksum_is_the_sha256_of_the_bytes_safetensors_reads(tmp_path):
    st = require("safetensors.numpy")
    p = model(tmp_path)
    listed = json.loads(read_safetensors(p)[1]["lucidnet"])["checksums"]["tensors"]
    theirs = st.load_file(str(p))
    assert sorted(listed) == sorted(theirs)
    for name, a in theirs.items():
        assert listed[name] == hashlib.sha256(a.tobytes()).hexdigest() == tensor_digest(a)


def test_the_text_export_carries_and_checks_the_same_checksums(tmp_path):
    p = model(tmp_path)
    b = load_model(p)
    txt = save_txt(b, tmp_path / "m.txt")
    meta = json.loads(txt.read_text().split("\n")[1][len("# meta: "):])
    assert meta["checksums"] == b.metadata["checksums"]
    assert load_model(txt).metadata == b.metadata
    lines = txt.read_text().split("\n")
    i = lines.index("layers.1.W float64 4 2") + 2
    values = lines[i].split()
    values[0] = repr(float(values[0]) + 1e-9)
    lines[i] = " ".join(values)
    (tmp_path / "bad.txt").write_text("\n".join(lines))
    refused(tmp_path / "bad.txt", "tensor 'layers.1.W' does not match its checksum")


def test_a_lucidnet_010_file_has_no_checksums_and_still_loads(tmp_path):
    from conftest import ROOT

    b = load_model(ROOT / "tests" / "fixtures" / "v0.1.0" / "people-0.1.0.safetensors")
    assert b.metadata["format_version"] == 1 and "checksums" not in b.metadata
    again = load_model(save_model(b.network, tmp_path / "again.safetensors", preprocessing=b.preprocessing))
    assert again.metadata["format_version"] == 2 and len(again.metadata["checksums"]["tensors"]) == 4


# ------------------------------------------------------------------------------------------------ checkpoints
def test_a_checkpoint_round_trips_with_its_checksums(tmp_path):
    p = checkpoint(tmp_path)
    ck = load_checkpoint(p)
    assert sorted(ck.bundle.metadata["checksums"]["tensors"]) == sorted(read_safetensors(p)[0])


def _state(m):
    return m["checkpoint"]["optimizer"]["state"]["dict"]


@pytest.mark.parametrize("edit, match", [
    (lambda m: m["checkpoint"]["rng_state"]["state"].update(state=2**200), "rng_state must be a PCG64 state"),
    (lambda m: m["checkpoint"]["rng_state"]["state"].update(inc=-1), "rng_state must be a PCG64 state"),
    (lambda m: m["checkpoint"]["rng_state"].update(has_uint32=2), "rng_state"),
    (lambda m: m["checkpoint"]["rng_state"].update(bit_generator="MT19937"), "rng_state"),
    (lambda m: m["checkpoint"].update(rng_state=None), "rng_state"),
    (lambda m: m["checkpoint"].update(epoch=-1), "epoch must be an integer"),
    (lambda m: m["checkpoint"].update(epoch=2**200), "epoch must be an integer"),
    (lambda m: _state(m)["buffers"]["dict"]["m"]["list"].pop(), "state 'm' needs 4 arrays .* got 3"),
    (lambda m: _state(m).update(buffers={"list": []}), "adam keeps the state buffers \\['m', 'v'\\], got list"),
    (lambda m: _state(m)["buffers"]["dict"].pop("v"), "adam keeps the state buffers \\['m', 'v'\\], got \\['m'\\]"),
    (lambda m: _state(m).update(t={"value": -1}), "step count t must be an integer >= 0, got -1"),
    (lambda m: _state(m).update(t={"value": 2**200}), "step count t"),
    (lambda m: _state(m)["buffers"]["dict"]["m"]["list"].__setitem__(0, {"tensor": "layers.0.b"}),
     "state m\\[0\\] must be float64 of shape \\(3, 4\\), got float64 \\(4,\\)"),
    (lambda m: _state(m)["buffers"]["dict"]["m"]["list"].__setitem__(0, {"tensor": "nowhere"}), "no tensor"),
    (lambda m: _state(m)["buffers"]["dict"]["m"].update(list={"a": 1}), "malformed state entry"),
    (lambda m: m["checkpoint"]["optimizer"]["config"].update(name="adamw"), "unknown optimizer 'adamw'"),
    (lambda m: m["checkpoint"]["optimizer"]["config"].update(lr=2**1100), "corrupted checkpoint"),
    (lambda m: m["checkpoint"].update(extra=[1]), "malformed state entry"),
])  # fmt: skip
def test_every_checkpoint_field_is_checked(tmp_path, edit, match):
    refused(rewrite(checkpoint(tmp_path), edit), match, load_checkpoint)


@pytest.mark.parametrize("optimizer, buffer", [("adam", "v"), ("rmsprop", "square_avg"), ("adagrad", "sum")])
def test_optimizer_state_must_be_finite_and_sums_of_squares_not_negative(tmp_path, optimizer, buffer):
    p = checkpoint(tmp_path, optimizer)

    def negate(t):
        t[f"optimizer.buffers.{buffer}.1"] = -t[f"optimizer.buffers.{buffer}.1"] - 1

    refused(rewrite(p, edit_tensors=negate), f"state {buffer}\\[1\\] has negative entries", load_checkpoint)

    def nan(t):
        t[f"optimizer.buffers.{buffer}.0"][0, 0] = np.nan

    refused(rewrite(p, edit_tensors=nan), f"state {buffer}\\[0\\] contains NaN", load_checkpoint)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_check_state_accepts_every_state_an_optimizer_makes(name, rng):
    """Over the registry: a real state passes; the buffers declared ≥ 0 are ≥ 0 after steps on random
    gradients (they are sums or averages of g²); a state for other parameters is refused."""
    spec = {"name": name, "lr": 0.01, **({"momentum": 0.9} if name in ("sgd", "rmsprop") else {})}
    opt = get_optimizer(spec)
    params = [rng.normal(size=(3, 2)), rng.normal(size=2)]
    opt.check_state(opt.state_dict(), params)  # before any step: no buffers
    for _ in range(3):
        opt.step(params, [rng.normal(size=p.shape) for p in params])
    state = opt.state_dict()
    opt.check_state(state, params)
    for buffer in opt.nonnegative:
        assert all((a >= 0).all() for a in state["buffers"][buffer])
    with pytest.raises(ValueError, match="must be float64 of shape"):
        opt.check_state(state, [params[1], params[0]])
