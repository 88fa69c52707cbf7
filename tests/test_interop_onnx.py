"""ONNX export (lucidnet.to_onnx, lucidnet export --format onnx) run by ONNX Runtime, and reading it back.

The models are trained through the command line from CSV files with raw-unit features and text labels, and ONNX
Runtime's answers on the raw rows are compared with ``lucidnet predict``'s.

How the float32 figures are measured: ``lucidnet predict`` reads the CSV in float64 and standardises in float64,
the graph takes float32 rows (a float32 model's input dtype). Every probability is compared relative to itself:
P(class 0) of a single sigmoid unit is σ(−net) in both (1 − o would have lost its digits where o is near 1).
"""

import csv
import json
import sys

import numpy as np
import pytest
from conftest import edited_onnx, require, rows_of, run_cli

import lucidnet as ln
from lucidnet.cli import main
from lucidnet.data.preprocessing import Standardizer
from lucidnet.interop import load_onnx, onnx_model, to_onnx
from lucidnet.interop.onnx import FORMAT, FORMAT_VERSION, IR_VERSION, OPSET
from lucidnet.interop.onnx_ops import ACTIVATION_EXPORTS
from lucidnet.io import ModelBundle, ModelFileError, Preprocessing, load_model

onnx = require("onnx", "pip install 'lucidnet[onnx]'")
ort = require("onnxruntime", "pip install 'lucidnet[onnx]'")

#: the tolerance of each dtype: float32 as issue 15 asks; float64 at rounding level
RTOL = {"float32": 1e-5, "float64": 1e-12}
FEATURES = ["height_cm", "weight_kg", "age", "income"]


def run_onnx(path, X, dtype):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(None, {"x": np.asarray(X, dtype=dtype)})))


def assert_rows_close(got, want, rtol):
    """|got − want| ≤ rtol · |want|, for every entry (relative, entry by entry)."""
    worst = float((np.abs(got - want) / np.abs(want)).max())
    assert worst <= rtol, f"largest relative difference {worst:.3g}, allowed {rtol:g}"


@pytest.fixture(scope="module")
def people(tmp_path_factory):
    """CSV files of raw-unit features: three text classes, two text classes, and a price in currency units."""
    folder = tmp_path_factory.mktemp("people")
    rng = np.random.default_rng(15)
    n = 240
    X = np.c_[rng.normal(170, 10, n).round(1), rng.normal(70, 15, n).round(1), rng.integers(18, 80, n),
              rng.lognormal(10.5, 0.5, n).round(2)]
    score = 0.05 * (X[:, 0] - 170) + 0.04 * (X[:, 1] - 70) - 0.03 * (X[:, 2] - 50) + rng.normal(0, 1, n)
    group = np.where(score < -0.7, "low", np.where(score < 0.7, "mid", "high"))
    price = (1000 * X[:, 0] + 3000 * X[:, 1] - 500 * X[:, 2] + 0.5 * X[:, 3] + rng.normal(0, 5000, n)).round(2)
    files = {}
    for name, target, y, keep in (("groups", "group", group, slice(None)),
                                  ("binary", "answer", np.where(score > 0, "yes", "no"), slice(None)),
                                  ("prices", "price", price, slice(None))):
        path = folder / f"{name}.csv"
        with open(path, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([*FEATURES, target])
            for row, t in zip(X[keep], y[keep]):
                w.writerow([*(repr(float(v)) for v in row), t])
        files[name] = (path, target)
    files["X"] = X
    return files


CASES = {  # name: (data, hidden activation, extra train options)
    "three classes": ("groups", "elu:alpha=0.5", []),
    "two classes, one sigmoid output": ("binary", "gelu", ["--output-activation", "sigmoid"]),
    "regression": ("prices", "maxout:k=3", ["--task", "regression"]),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", CASES)
def test_onnx_runtime_answers_as_lucidnet_predict(people, tmp_path, case, dtype):
    data, activation, extra = CASES[case]
    path, target = people[data]
    model, exported = tmp_path / "model.safetensors", tmp_path / "model.onnx"
    run_cli("train", "--data", path, "--target", target, "--layers", "16,8", "--activation", activation,
            "--epochs", 80, "--dtype", dtype, "--out", model, "--quiet", *extra)
    assert "ONNX model written" in run_cli("export", model, "--format", "onnx", "--out", exported)
    got = run_onnx(exported, people["X"], dtype)
    if data == "prices":
        header, rows = rows_of(run_cli("predict", model, path, "--precision", "17"))
        want = np.array([float(r[0]) for r in rows])
        assert got["prediction"].shape == (len(rows), 1) and got["prediction"].dtype == np.dtype(dtype)
        np.testing.assert_allclose(got["prediction"][:, 0], want, rtol=RTOL[dtype], atol=0)
        return
    header, rows = rows_of(run_cli("predict", model, path, "--proba", "--precision", "17"))
    classes = load_model(model).preprocessing.classes
    assert header == ["prediction", *(f"proba_{c}" for c in classes)]
    want = np.array([[float(v) for v in r[1:]] for r in rows])
    assert got["probabilities"].dtype == np.dtype(dtype)
    assert_rows_close(got["probabilities"], want, RTOL[dtype])
    assert got["label"].tolist() == [r[0] for r in rows]  # the text labels themselves
    assert len(set(got["label"].tolist())) > 1


def test_numeric_labels_come_out_as_numbers(tmp_path):
    X = np.random.default_rng(0).normal(size=(30, 2))
    net = ln.Network([ln.Dense(2, 3, activation="softmax")], loss="cross_entropy", seed=0)
    for classes, dtype in (([3, 5, 7], np.int64), ([0.5, 1.5, 2.5], np.float64), (["a", "b", "c"], object)):
        bundle = ModelBundle(net, Preprocessing(task="classification", classes=classes))
        to_onnx(bundle, tmp_path / "m.onnx")
        label = run_onnx(tmp_path / "m.onnx", X, np.float64)["label"]
        assert label.dtype == dtype
        assert label.tolist() == bundle.predict(X).tolist()


# ------------------------------------------------------------------------------------------ every activation
def _activation(name):
    params = {"leaky_relu": {"alpha": 0.2}, "elu": {"alpha": 0.7}, "maxout": {"k": 3}}.get(name, {})
    return ln.get_activation({"name": name, **params})


def test_every_registry_activation_has_an_onnx_form():
    # a new activation in lucidnet.ACTIVATIONS must get its ONNX operators (onnx_ops.ACTIVATION_EXPORTS)
    assert set(ACTIVATION_EXPORTS) == set(ln.ACTIVATIONS)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(ln.ACTIVATIONS))
def test_each_activation_in_a_network_with_preprocessing(name, dtype, tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 4)) * [10, 1, 100, 0.1] + [170, 0, 1000, 5]
    net = ln.Network([ln.Dense(4, 6, activation=_activation(name)), ln.Dropout(0.3),
                      ln.Dense(6, 5, activation=_activation(name), bias=False),
                      ln.Dense(5, 3, activation="softmax")], loss="cross_entropy", dtype=dtype, seed=2)
    bundle = ModelBundle(net, Preprocessing(task="classification", x_scaler=Standardizer().fit(X),
                                            classes=["a", "b", "c"]))
    to_onnx(bundle, tmp_path / "m.onnx")
    got = run_onnx(tmp_path / "m.onnx", X.astype(dtype).astype(np.float64) if dtype == "float32" else X, dtype)
    want = bundle.predict_proba(X.astype(dtype).astype(np.float64))  # the rows the graph sees
    np.testing.assert_allclose(got["probabilities"], want, rtol=RTOL[dtype], atol=0)
    assert got["label"].tolist() == bundle.predict(X.astype(dtype).astype(np.float64)).tolist()


#: the activations whose formula cancels in a tail, so that only the absolute difference is small there
CANCELLING = {"elu", "softplus", "gelu"}
NETS = np.r_[-500, -100, -30, -5.5, -1, -1e-6, 0, 1e-6, 1, 5.5, 30, 100, 500, np.linspace(-20, 20, 401)]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(ln.ACTIVATIONS))
def test_each_activation_at_kinks_and_extremes(name, dtype, tmp_path):
    act = _activation(name)
    n = len(NETS) - len(NETS) % act.k
    # W = I, b = 0: net is x itself, so the graph's φ meets lucidnet's at ±500, the kinks and in between
    net = ln.Network([ln.Dense(n, n // act.k, activation=act, init=np.eye(n), bias_init=0.0)], dtype=dtype)
    x = NETS[None, :n]
    to_onnx(net, tmp_path / "a.onnx")
    got = run_onnx(tmp_path / "a.onnx", x, dtype)["prediction"]
    with np.errstate(over="ignore"):
        want = net.predict(x)
    eps, tiny = np.finfo(dtype).eps, np.finfo(dtype).tiny
    assert np.isfinite(got).all()
    # a few roundings of o (subnormal o may flush to 0); softmax's small o_j carry the rounding of net_j − max net
    relative = 8 * eps * (1 + np.abs(x - x.max()) if name == "softmax" else 1)
    bound = relative * np.abs(want) + tiny
    if name in CANCELLING:  # plus one rounding of 1 (of |net| for gelu), as onnx_ops explains
        bound = bound + 2 * eps * np.maximum(1.0, np.abs(x))
    assert (np.abs(got - want) <= bound).all(), float((np.abs(got - want) / bound).max())


def test_a_bare_network_maps_rows_to_its_output(tmp_path):
    net = ln.Network([ln.Dense(3, 4, activation="tanh"), ln.Dense(4, 2, activation="identity")], seed=3)
    X = np.random.default_rng(3).normal(size=(9, 3))
    to_onnx(net, tmp_path / "n.onnx")
    got = run_onnx(tmp_path / "n.onnx", X, np.float64)
    assert list(got) == ["prediction"]
    np.testing.assert_allclose(got["prediction"], net.predict(X), rtol=1e-13, atol=1e-15)


def test_only_a_network_or_a_bundle_exports(tmp_path):
    with pytest.raises(TypeError, match="takes a lucidnet Network or a ModelBundle"):
        to_onnx({"layers": []}, tmp_path / "x.onnx")
    assert not (tmp_path / "x.onnx").exists()


# ------------------------------------------------------------------------------------------ the file
@pytest.fixture(scope="module")
def trained(people, tmp_path_factory):
    """A float32 three-class model trained by the CLI, its ONNX export, and the data."""
    folder = tmp_path_factory.mktemp("trained")
    path, target = people["groups"]
    model, exported = folder / "model.safetensors", folder / "model.onnx"
    run_cli("train", "--data", path, "--target", target, "--layers", "6", "--epochs", 20, "--dtype", "float32",
            "--out", model, "--quiet")
    run_cli("export", model, "--format", "onnx", "--out", exported)
    return model, exported, path


def test_the_file_uses_core_operators_and_says_who_wrote_it(trained):
    model, exported, _ = trained
    proto = onnx.load(str(exported))
    onnx.checker.check_model(proto, full_check=True)
    assert proto.ir_version == IR_VERSION == 9
    assert [(o.domain, o.version) for o in proto.opset_import] == [("", OPSET)] and OPSET == 19
    assert {n.domain for n in proto.graph.node} == {""}
    assert {n.op_type for n in proto.graph.node} <= {  # IsNaN, Where: a missing number gets the training median
        "Cast", "IsNaN", "Where", "Sub", "Div", "MatMul", "Add", "Relu", "Softmax", "Identity", "ArgMax", "Gather"}
    assert [i.name for i in proto.graph.input] == ["x"]  # numbers only: no text input
    assert [o.name for o in proto.graph.output] == ["probabilities", "label"]
    props = {p.key: p.value for p in proto.metadata_props}
    assert props["lucidnet.format"] == FORMAT == "lucidnet-onnx"
    assert props["lucidnet.format_version"] == str(FORMAT_VERSION) == "2"  # the layout of raw columns
    assert props["lucidnet.version"] == ln.__version__ and proto.producer_name == "lucidnet"
    meta = json.loads(props["lucidnet.metadata"])
    saved = load_model(model).metadata
    assert meta["network"] == saved["network"] and meta["preprocessing"] == saved["preprocessing"]
    assert meta["history"] == saved["history"] and meta["options"] == saved["options"]


def test_the_file_reads_back_as_the_same_model(trained):
    model, exported, path = trained
    original, back = load_model(model), load_onnx(exported)
    assert back.network.get_config() == original.network.get_config()
    assert back.preprocessing.to_dict() == original.preprocessing.to_dict()
    assert all(np.array_equal(a, b) and a.dtype == b.dtype
               for a, b in zip(back.network.parameters(), original.network.parameters()))
    assert back.history == original.history and back.options == original.options
    X = np.loadtxt(path, delimiter=",", skiprows=1, usecols=range(4))
    assert np.array_equal(back.predict_proba(X), original.predict_proba(X))


def test_predict_evaluate_and_explain_take_the_onnx_file(trained):
    model, exported, path = trained
    assert run_cli("predict", exported, path, "--proba") == run_cli("predict", model, path, "--proba")
    assert run_cli("evaluate", exported, path) == run_cli("evaluate", model, path)
    text = run_cli("explain", "--model", exported, "--data", path, "--sample", 3)
    assert text == run_cli("explain", "--model", model, "--data", path, "--sample", 3)
    assert "δ" in text


def test_export_writes_beside_the_model_by_default_and_replaces_atomically(trained, tmp_path):
    model, _, _ = trained
    copy = tmp_path / "copy.safetensors"
    copy.write_bytes(model.read_bytes())
    (tmp_path / "copy.onnx").write_bytes(b"an older export")
    assert "copy.onnx" in run_cli("export", copy, "--format", "onnx")
    load_onnx(tmp_path / "copy.onnx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.onnx", "copy.safetensors"]  # no temporary left


def _cli_error(capsys, *args):
    capsys.readouterr()
    rc = main([str(a) for a in args])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_a_foreign_onnx_file_is_one_clear_error(tmp_path, trained, capsys):
    h = onnx.helper
    graph = h.make_graph([h.make_node("Relu", ["x"], ["y"])], "g", [h.make_tensor_value_info("x", 1, [None, 4])],
                         [h.make_tensor_value_info("y", 1, [None, 4])])
    foreign = tmp_path / "foreign.onnx"
    foreign.write_bytes(h.make_model(graph, opset_imports=[h.make_opsetid("", 19)], ir_version=9).SerializeToString())
    _, _, path = trained
    for command in (["predict", foreign, path], ["explain", "--model", foreign, "--data", path]):
        assert "lucidnet did not export" in _cli_error(capsys, *command)
    with pytest.raises(ModelFileError, match="run this one with onnxruntime"):
        load_onnx(foreign)


def test_a_damaged_file_is_one_clear_error(tmp_path, trained, capsys):
    _, exported, path = trained
    data = exported.read_bytes()
    for name, content in (("truncated", data[: len(data) // 2]), ("garbage", b"\xff\xff\xff\xff not onnx")):
        bad = tmp_path / f"{name}.onnx"
        bad.write_bytes(content)
        assert "not an ONNX file, or a damaged one" in _cli_error(capsys, "predict", bad, path)
    assert "no such file" in _cli_error(capsys, "predict", tmp_path / "missing.onnx", path)
    (tmp_path / "folder.onnx").mkdir()
    assert "is a directory" in _cli_error(capsys, "predict", tmp_path / "folder.onnx", path)


def test_an_edited_graph_is_refused(tmp_path, trained):
    _, exported, _ = trained

    def shift_mean(proto):
        t = next(t for t in proto.graph.initializer if t.name == "x_scaler.mean")
        t.CopyFrom(onnx.numpy_helper.from_array(onnx.numpy_helper.to_array(t) + 1, t.name))

    def swap_op(proto):
        next(n for n in proto.graph.node if n.op_type == "Relu").op_type = "Sigmoid"

    for edit in (shift_mean, swap_op):
        with pytest.raises(ModelFileError, match="not the one lucidnet writes"):
            load_onnx(edited_onnx(exported, tmp_path, edit))


def test_sizes_are_checked_before_anything_is_allocated(tmp_path, trained):
    _, exported, _ = trained

    def meta(proto, change):
        prop = next(p for p in proto.metadata_props if p.key == "lucidnet.metadata")
        m = json.loads(prop.value)
        change(m)
        prop.value = json.dumps(m)

    def huge_layer(m):  # a 10⁹ × 10⁹ layer in the metadata: refused from the tensors' sizes, nothing allocated
        m["network"]["layers"][0]["n_in"] = 10**9
        m["network"]["layers"][0]["n_out"] = 10**9

    def huge_dims(proto):  # an initializer claiming 10¹² values it does not hold
        t = next(t for t in proto.graph.initializer if t.name == "layers.0.W")
        del t.dims[:]
        t.dims.extend([10**6, 10**6])

    def external(proto):
        t = next(t for t in proto.graph.initializer if t.name == "layers.0.W")
        t.data_location = onnx.TensorProto.EXTERNAL

    def newer(proto):
        next(p for p in proto.metadata_props if p.key == "lucidnet.format_version").value = "99"

    cases = [(lambda p: meta(p, huge_layer), r"has shape \(4, 6\), the architecture needs \(1000000000, 1000000000\)"),
             (huge_dims, r"has shape \(1000000, 1000000\), the architecture needs \(4, 6\)"),
             (external, "refers to external data"), (newer, "exported by a newer lucidnet"),
             (lambda p: meta(p, lambda m: m.update(network=None)), "no network configuration"),
             (lambda p: meta(p, lambda m: m.update(history={"loss": [float("nan")]})), "NaN is not a JSON number")]
    for edit, message in cases:
        with pytest.raises(ModelFileError, match=message):
            load_onnx(edited_onnx(exported, tmp_path, edit))


def test_without_onnx_export_says_how_to_install(trained, tmp_path, monkeypatch, capsys):
    model, _, _ = trained
    monkeypatch.setitem(sys.modules, "onnx", None)  # makes "import onnx" fail
    assert "pip install 'lucidnet[onnx]'" in _cli_error(capsys, "export", model, "--format", "onnx", "--out",
                                                         tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()


def test_onnx_model_is_built_in_memory_too():
    net = ln.Network([ln.Dense(2, 1, activation="sigmoid")], loss="bce", dtype="float32", seed=0)
    proto = onnx_model(ModelBundle(net, Preprocessing(task="classification", classes=["no", "yes"])))
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    X = np.array([[0.5, -1.0], [2.0, 3.0]], dtype=np.float32)
    p, label = session.run(None, {"x": X})
    o = net.predict(X)
    np.testing.assert_allclose(p, np.hstack([1 - o, o]), rtol=1e-6)
    assert label.tolist() == [["no", "yes"][int(v > 0.5)] for v in o[:, 0]]
