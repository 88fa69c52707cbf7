"""Smoke test of the benchmark suite (correctness only, never timing).

The hand-fused NumPy reference loop in ``benchmarks/fused.py`` must train exactly what lucidnet trains:
same data, same initial weights, same per-epoch loss. If it did not, the speed ratios in
benchmarks/RESULTS.md would compare different work.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import require

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # benchmarks/ is a top-level folder, not part of the installed package
    sys.path.insert(0, str(ROOT))

from benchmarks import impls, worker  # noqa: E402
from benchmarks.fused import FusedMLP  # noqa: E402
from benchmarks.workloads import WORKLOADS, Workload, initial_weights, make_data  # noqa: E402

# a 784-16-10 stand-in for the MNIST workloads: same layers, losses and dtype, 300 synthetic samples
SMALL_MNIST = replace(WORKLOADS["mnist128"], sizes=(784, 16, 10), batch_size=64, epochs=2, n_samples=300,
                      data="mnist-synthetic")


def lucidnet_losses(w: Workload, X, y, epochs: int) -> list[float]:
    trainer = impls.make("lucidnet", w, initial_weights(w), 1, len(X))
    trainer.reset()
    return trainer.train(X, y, epochs)


@pytest.mark.parametrize("name", ["xor", "house", "gender"])
def test_fused_loop_records_the_same_losses_as_lucidnet(name):
    w = WORKLOADS[name]
    X, y, _ = make_data(w)
    fused = FusedMLP(initial_weights(w), w.activations, w.loss, w.lr, len(X), w.dtype)
    expected = fused.train(X, y, epochs=20, batch_size=w.batch_size)
    got = lucidnet_losses(w, X, y, 20)
    assert len(got) == len(expected) == 20
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert expected[-1] < expected[0]  # it learns


def test_fused_loop_matches_lucidnet_on_a_float32_softmax_network():
    w = replace(SMALL_MNIST, shuffle=False)
    X, y, _ = make_data(w)
    fused = FusedMLP(initial_weights(w), w.activations, w.loss, w.lr, w.batch_size, w.dtype)
    expected = fused.train(X, y, epochs=3, batch_size=w.batch_size)  # 300 = 4·64 + 44: a short last batch
    got = lucidnet_losses(w, X, y, 3)
    np.testing.assert_allclose(got, expected, rtol=2e-5)
    assert fused.W[0].dtype == np.float32


def test_fused_softmax_step_is_the_cross_entropy_gradient_step():
    # one step by hand: E = −mean log softmax(x W)[y], W ← W − η xᵀ(o − onehot)/m
    rng = np.random.default_rng(1)
    x, W = rng.normal(size=(5, 3)), rng.normal(size=(3, 4))
    y = np.array([0, 3, 1, 1, 2])
    net = x @ W
    o = np.exp(net - net.max(1, keepdims=True))
    o /= o.sum(1, keepdims=True)
    E = -np.mean(np.log(o[np.arange(5), y]))
    o[np.arange(5), y] -= 1
    W_next = W - 0.1 * x.T @ o / 5
    model = FusedMLP([(W, None)], ["softmax"], "cross_entropy", 0.1, 5, "float64")
    assert model.step(x, y) == pytest.approx(E, rel=1e-12)
    np.testing.assert_allclose(model.W[0], W_next, rtol=1e-12)


@pytest.mark.parametrize("impl", ["lucidnet", "fused", "torch", "sklearn"])
def test_every_implementation_runs_the_workloads(impl):
    if impl in ("torch", "sklearn"):
        require(impl)
    for w in (replace(WORKLOADS["gender"], epochs=3), SMALL_MNIST):
        result = worker.measure(w, impl, threads=1, repeats=2)
        assert len(result["times"]) == 2 and min(result["times"]) > 0
        assert result["n_losses"] == w.epochs
        assert np.isfinite(result["final_loss"])
        if impl != "sklearn":  # sklearn's regressor has an identity output: other losses
            fused = worker.measure(w, "fused", threads=1, repeats=1)
            tol = 2e-2 if w.shuffle and impl != "lucidnet" else 1e-5  # torch shuffles in its own order
            assert result["losses"][0] == pytest.approx(fused["losses"][0], rel=tol)


def test_torch_trains_the_same_network_as_the_fused_loop():
    require("torch")
    w = WORKLOADS["xor"]
    X, y, _ = make_data(w)
    trainer = impls.make("torch", w, initial_weights(w), 1, len(X))
    trainer.reset()
    got = trainer.train(X, y, 10)
    fused = FusedMLP(initial_weights(w), w.activations, w.loss, w.lr, len(X), w.dtype)
    np.testing.assert_allclose(got, fused.train(X, y, 10), rtol=1e-10)


def test_the_command_writes_a_results_table(tmp_path):
    out = tmp_path / "RESULTS.md"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]))
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", "gender", "--impl", "lucidnet,fused",
         "--repeats", "1", "--output", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "| gender | lucidnet |" in text and "| gender | hand-fused NumPy |" in text
    assert "NumPy" in text and "threads" in text
    target_row = [line for line in text.split("## Targets")[1].splitlines() if line.startswith("| gender |")][0]
    paired = target_row.split("|")[5].strip()  # the ratio of the turns taken in one process: "0.91 (0.91–0.91)"
    assert re.fullmatch(r"\d+\.\d\d \(\d+\.\d\d–\d+\.\d\d\)", paired), target_row
    raw = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    lucid = [r for r in raw["results"] if r["workload"] == "gender" and r["impl"] == "lucidnet"][0]
    assert len(lucid["paired_times"]["lucidnet"]) == len(lucid["paired_times"]["fused"]) == 1


def test_unknown_workload_is_a_clear_error(capsys):
    from benchmarks.run import main

    with pytest.raises(SystemExit):
        main(["--only", "cifar"])
    assert "unknown workload 'cifar'; choose from xor, house" in capsys.readouterr().err


def nielsen_step(weights, biases, x, y, eta, lmbda, n, cost):
    """One mini-batch step of Nielsen's network.py / network2.py, sample by sample, as he writes it."""
    def sig(z):  # Nielsen's own sigmoid, not the engine's: this step is an independent oracle
        return 1 / (1 + np.exp(-z))

    nabla_w = [np.zeros_like(w) for w in weights]
    nabla_b = [np.zeros_like(b) for b in biases]
    for xs, ys in zip(x, y):
        a, acts, zs = xs[:, None], [xs[:, None]], []
        for w, b in zip(weights, biases):  # his W is (n_out, n_in): a column-vector convention
            zs.append(w @ a + b)
            a = sig(zs[-1])
            acts.append(a)
        delta = a - ys[:, None]
        if cost == "quadratic":
            delta = delta * a * (1 - a)
        for layer in range(len(weights) - 1, -1, -1):
            nabla_w[layer] += delta @ acts[layer].T
            nabla_b[layer] += delta
            if layer:
                s = acts[layer]
                delta = (weights[layer].T @ delta) * s * (1 - s)
    m = len(x)
    new_w = [(1 - eta * lmbda / n) * w - eta / m * nw for w, nw in zip(weights, nabla_w)]
    new_b = [b - eta / m * nb for b, nb in zip(biases, nabla_b)]
    return new_w, new_b


@pytest.mark.parametrize("cost", ["quadratic", "cross_entropy"])
def test_accuracy_script_converts_nielsens_eta_and_lambda_exactly(cost):
    # the conversions written in benchmarks/accuracy.py: quadratic → half_sse with lr η/m;
    # cross-entropy → bce with lr 10η (10 outputs) and l2 λ/(10 n)
    import lucidnet as ln

    rng = np.random.default_rng(3)
    sizes, m, eta, n = (6, 5, 10), 10, (3.0 if cost == "quadratic" else 0.5), 50_000
    lmbda = 0.0 if cost == "quadratic" else 5.0
    Ws = [rng.normal(size=(o, i)) / np.sqrt(i) for i, o in zip(sizes[:-1], sizes[1:])]
    bs = [rng.normal(size=(o, 1)) for o in sizes[1:]]
    x = rng.random((m, sizes[0]))
    y = np.eye(10)[rng.integers(0, 10, m)]
    want_w, want_b = nielsen_step(Ws, bs, x, y, eta, lmbda, n, cost)

    layers = [ln.Dense(i, o, activation="sigmoid", init=W.T, bias_init=b.ravel())
              for i, o, W, b in zip(sizes[:-1], sizes[1:], Ws, bs)]
    if cost == "quadratic":
        net, lr = ln.Network(layers, loss="half_sse"), eta / m
    else:
        net, lr = ln.Network(layers, loss="bce", l2=lmbda / (10 * n)), 10 * eta
    net.fit(x, y, epochs=1, batch_size=m, optimizer=ln.SGD(lr=lr), shuffle=False)
    for layer, W, b in zip(net.layers, want_w, want_b):
        np.testing.assert_allclose(layer.W, W.T, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(layer.b, b.ravel(), rtol=1e-12, atol=1e-14)


@pytest.mark.torch
@pytest.mark.parametrize("anchor", ["nielsen1", "nielsen2"])
def test_the_pytorch_run_of_an_anchor_takes_nielsens_step(anchor):
    # accuracy.py --impl torch: the independent PyTorch implementation of the protocol must update as
    # Nielsen does, from the same weights (its own draws are only of the initial weights and the shuffles)
    torch = require("torch")
    from benchmarks.accuracy import ANCHORS
    from benchmarks.accuracy_torch import make_model, supports

    spec = dict(ANCHORS[anchor], sizes=(6, 5, 10))
    assert supports(spec) is None
    cost = "quadratic" if spec["loss"] == "half_sse" else "cross_entropy"
    eta = 3.0 if cost == "quadratic" else 0.5
    lmbda = 0.0 if cost == "quadratic" else 5.0
    rng = np.random.default_rng(4)
    Ws = [rng.normal(size=(o, i)) for i, o in zip(spec["sizes"][:-1], spec["sizes"][1:])]
    bs = [rng.normal(size=(o, 1)) for o in spec["sizes"][1:]]
    x, y = rng.random((10, 6)), np.eye(10)[rng.integers(0, 10, 10)]
    want_w, want_b = nielsen_step(Ws, bs, x, y, eta, lmbda, 50_000, cost)

    layers, loss_fn, logits = make_model(spec, torch.Generator().manual_seed(0))
    with torch.no_grad():
        for lin, W, b in zip(layers, Ws, bs):
            lin.weight.copy_(torch.from_numpy(W))  # Nielsen's (n_out, n_in) is PyTorch's layout too
            lin.bias.copy_(torch.from_numpy(b.ravel()))
    opt = torch.optim.SGD([p for lin in layers for p in (lin.weight, lin.bias)], lr=spec["optimizer"]().lr)
    loss_fn(logits(torch.from_numpy(x)), torch.from_numpy(y)).backward()
    opt.step()
    for lin, W, b in zip(layers, want_w, want_b):
        np.testing.assert_allclose(lin.weight.detach().numpy(), W, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(lin.bias.detach().numpy(), b.ravel(), rtol=1e-12, atol=1e-14)


def test_accuracy_script_reads_seed_lists_and_tabulates_the_spread():
    import argparse

    from benchmarks import accuracy

    assert accuracy._seed_list("0") == [0]
    assert accuracy._seed_list("3,5") == [3, 5]
    assert accuracy._seed_list("0-3,7") == [0, 1, 2, 3, 7]
    for bad in ("", "a", "2-x", "-1"):
        with pytest.raises(argparse.ArgumentTypeError, match="seeds must"):
            accuracy._seed_list(bad)

    def run(seed, acc, val):
        return {"name": "nielsen1", "seed": seed, "accuracy": acc, "per_epoch": [acc - 0.01, acc + 0.001, acc],
                "validation_accuracy": val, "per_epoch_validation": [val + 0.002, val], "met": acc >= 0.95}

    results = {"nielsen1": run(0, 0.947, 0.954), "nielsen1 (seed 1)": run(1, 0.951, 0.956),
               "lecun800": {"name": "lecun800", "seed": 0, "accuracy": 0.985}}
    lines = accuracy._seed_table(results)
    row = [line for line in lines if line.startswith("| 784-30-10")]
    assert len(row) == 1  # one row for the anchor with two seeds; none for the one run once
    cells = [c.strip() for c in row[0].split("|")[1:-1]]
    assert cells[1:] == ["2", "94.90%", "94.90% (0.28)", "94.70-95.10%", "95.20%", "95.50%", "95.80%",
                         "1 of 2 (≥ 95%)", "0: 94.70 (95.40), 1: 95.10 (95.60)"]

    # a PyTorch run of the protocol gets its own row, even alone
    results["nielsen1 [torch]"] = dict(run(0, 0.952, 0.957), impl="torch", torch="2.13.0")
    lines = accuracy._seed_table(results)
    rows = [line for line in lines if "784-30-10" in line]
    assert len(rows) == 2 and rows[0].startswith("| 784-30-10") and rows[1].startswith("| *PyTorch 2.13.0*: 784")
    cells = [c.strip() for c in rows[1].split("|")[1:-1]]
    assert cells[1:5] == ["1", "95.20%", "95.20% (–)", "95.20-95.20%"]
