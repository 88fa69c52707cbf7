"""Smoke test of the benchmark suite (correctness only, never timing).

The hand-fused NumPy reference loop in ``benchmarks/fused.py`` must train exactly what lucidnet trains:
same data, same initial weights, same per-epoch loss. If it did not, the speed ratios in
benchmarks/RESULTS.md would compare different work.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # benchmarks/ is a top-level folder, not part of the installed package
    sys.path.insert(0, str(ROOT))

from benchmarks import impls, worker  # noqa: E402
from benchmarks.fused import FusedMLP  # noqa: E402
from benchmarks.workloads import WORKLOADS, Workload, initial_weights, make_data  # noqa: E402
from conftest import require  # noqa: E402  (skips locally, fails under CI=true)


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
    assert "| gender | hand-fused NumPy |" in text.split("## Targets")[1]


def test_unknown_workload_is_a_clear_error(capsys):
    from benchmarks.run import main

    with pytest.raises(SystemExit):
        main(["--only", "cifar"])
    assert "unknown workload 'cifar'; choose from xor, house" in capsys.readouterr().err
