"""Whole networks: backpropagation against central differences (every activation, every loss, depth 1-4)
and against PyTorch autograd on random architectures."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import torch_activation, torch_loss

import lucidnet as ln
from lucidnet.activations import ACTIVATIONS
from lucidnet.losses import LOSSES

OUTPUT_FOR_LOSS = {"bce": "sigmoid", "cross_entropy": "softmax"}


def _targets(loss_name, rng, n, n_out):
    if loss_name == "cross_entropy":
        return rng.integers(0, n_out, n)
    return rng.uniform(0, 1, size=(n, n_out))


def _build(depth, hidden_act, loss_name, rng, seed, n_in=3, n_out=2, bias=True, widths=None):
    widths = widths or [4] * (depth - 1)
    sizes = [n_in] + list(widths) + [n_out]
    # non-zero biases: with zero biases a sample whose units are all off puts net exactly on a ReLU kink,
    # where a central difference straddles two slopes
    layers = [ln.Dense(sizes[i], sizes[i + 1], activation=hidden_act, bias=bias, bias_init="uniform")
              for i in range(depth - 1)]
    layers.append(ln.Dense(sizes[-2], n_out, activation=OUTPUT_FOR_LOSS.get(loss_name, "identity"), bias=bias,
                           bias_init="uniform"))
    return ln.Network(layers, loss=loss_name, seed=seed)


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_gradcheck_every_activation(activation, depth, rng):
    net = _build(depth, activation, "mse", rng, seed=depth)
    X = rng.normal(size=(6, 3))
    report = ln.gradcheck(net, X, _targets("mse", rng, 6, 2))
    assert report.passed, str(report)
    assert report.max_rel_error <= 1e-6
    assert [r["parameter"] for r in report.rows] == net.parameter_names()


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_gradcheck_every_loss(loss, depth, rng):
    net = _build(depth, "tanh", loss, rng, seed=depth, n_out=3)
    X = rng.normal(size=(5, 3))
    report = ln.gradcheck(net, X, _targets(loss, rng, 5, 3), sample_weight=rng.uniform(0.5, 2, 5))
    assert report.max_rel_error <= 1e-6, str(report)


@pytest.mark.parametrize("penalty", [{"l1": 0.01}, {"l2": 0.1}, {"l1": 0.02, "l2": 0.3}])
def test_gradcheck_with_penalties(penalty, rng):
    layers = [ln.Dense(3, 4, activation="sigmoid"), ln.Dense(4, 1, activation="identity")]
    net = ln.Network(layers, loss="half_sse", seed=3, **penalty)
    report = ln.gradcheck(net, rng.normal(size=(5, 3)), rng.normal(size=5))
    assert report.max_rel_error <= 1e-6, str(report)


def test_gradcheck_detects_a_wrong_gradient(rng, monkeypatch):
    net = _build(2, "tanh", "mse", rng, seed=0)
    X, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    monkeypatch.setattr(ln.Tanh, "derivative", lambda self, net, o: 1 - o)  # a plausible-looking mistake
    monkeypatch.setattr(ln.Tanh, "backward", lambda self, net, o, g: g * (1 - o))
    report = ln.gradcheck(net, X, y)
    assert not report.passed and report.max_rel_error > 1e-2
    assert "FAILED" in str(report)


def test_gradcheck_passes_exactly_zero_gradients_on_the_absolute_floor():
    # a gradient that is exactly 0 against finite differences of rounding noise (~1e-11): relative error 1,
    # absolute error far below atol, so the parameter passes; a real error above atol still fails
    rows = [
        {"parameter": "b1", "shape": [2], "checked": 2, "rel_error": 1.0, "max_abs_error": 5.5e-11},
        {"parameter": "W1", "shape": [2, 2], "checked": 4, "rel_error": 3e-11, "max_abs_error": 1e-12},
    ]
    report = ln.GradcheckReport(rows=rows, tol=1e-6, eps=1e-6, atol=1e-9)
    assert report.passed and report.max_rel_error == 1.0
    assert "b1" in str(report) and "FAILED" not in str(report)
    rows[0]["max_abs_error"] = 1e-3
    assert not report.passed and "FAILED" in str(report)


def test_gradcheck_subsamples_and_leaves_the_network_unchanged(rng):
    net = _build(2, "relu", "mse", rng, seed=0, widths=[30])
    before = net.get_weights()
    X, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    report = ln.gradcheck(net, X, y, max_entries=5)
    assert [r["checked"] for r in report.rows] == [5, 5, 5, 2]
    for a, b in zip(before, net.parameters()):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------------------------------- PyTorch oracle
def _random_case(case):
    rng = np.random.default_rng(1000 + case)
    depth = 1 + case % 4
    widths = rng.integers(1, 17, size=depth - 1).tolist()
    n_in, n_out = int(rng.integers(1, 17)), int(rng.integers(2, 17))
    bias = bool(case % 3)
    loss = sorted(LOSSES)[case % len(LOSSES)]
    hidden = [sorted(ACTIVATIONS)[int(i)] for i in rng.integers(0, len(ACTIVATIONS), size=depth - 1)]
    out_act = OUTPUT_FOR_LOSS.get(loss, ["identity", "tanh", "sigmoid"][case % 3])
    sizes = [n_in] + widths + [n_out]
    layers = [ln.Dense(sizes[i], sizes[i + 1], activation=hidden[i], bias=bias) for i in range(depth - 1)]
    layers.append(ln.Dense(sizes[-2], n_out, activation=out_act, bias=bias))
    net = ln.Network(layers, loss=loss, seed=case)
    n = int(rng.integers(1, 9))
    X = rng.normal(size=(n, n_in))
    if loss == "cross_entropy":
        y = rng.integers(0, n_out, n)
    else:
        y = rng.uniform(0, 1, size=(n, n_out))
    return net, X, y


def _torch_loss_and_grads(torch, net, X, y):
    params = [torch.tensor(p, requires_grad=True) for p in net.parameters()]
    h = torch.tensor(X)
    it = iter(params)
    nets = []
    for layer in net.layers:
        W = next(it)
        z = h @ W
        if layer.b is not None:
            z = z + next(it)
        nets.append(z)
        h = torch_activation(torch, layer.activation, z)
    loss = net.loss_fn
    t = torch.tensor(loss.prepare_targets(y, net.n_out, np.float64))
    if loss.name == "cross_entropy" and net.layers[-1].activation.name == "softmax":
        e = torch.nn.functional.cross_entropy(nets[-1], t)
    elif loss.name == "bce" and net.layers[-1].activation.name == "sigmoid":
        e = torch.nn.functional.binary_cross_entropy_with_logits(nets[-1], t)
    else:
        e = torch_loss(torch, loss, h, t)
    if net.l1 or net.l2:
        Ws = [p for p, name in zip(params, net.parameter_names()) if name.startswith("W")]
        e = e + net.l1 * sum(W.abs().sum() for W in Ws) + 0.5 * net.l2 * sum((W * W).sum() for W in Ws)
    e.backward()
    return e.item(), [p.grad.numpy() for p in params]


def _assert_rel(a, b, rel):
    scale = max(np.abs(b).max(initial=0.0), 1e-300)
    assert np.abs(a - b).max(initial=0.0) <= rel * scale, (np.abs(a - b).max(), scale)


@pytest.mark.torch
@pytest.mark.parametrize("case", range(60))
def test_random_networks_equal_torch_autograd(case, torch):
    net, X, y = _random_case(case)
    e, grads = net.loss_and_gradients(X, y)
    te, tgrads = _torch_loss_and_grads(torch, net, X, y)
    assert e == pytest.approx(te, rel=1e-10, abs=1e-300)
    assert len(grads) == len(tgrads) == len(net.parameters())
    for g, tg in zip(grads, tgrads):
        assert g.shape == tg.shape
        _assert_rel(g, tg, 1e-10)


@pytest.mark.torch
def test_random_cases_cover_the_registries():
    seen_act, seen_loss, seen_depth, seen_bias = set(), set(), set(), set()
    for case in range(60):
        net, _, _ = _random_case(case)
        seen_act |= {layer.activation.name for layer in net.layers}
        seen_loss.add(net.loss_fn.name)
        seen_depth.add(len(net.layers))
        seen_bias.add(net.layers[0].bias)
    assert seen_act == set(ACTIVATIONS) and seen_loss == set(LOSSES)
    assert seen_depth == {1, 2, 3, 4} and seen_bias == {True, False}


@pytest.mark.torch
@pytest.mark.parametrize("penalty", [{"l1": 0.01}, {"l2": 0.1}])
def test_penalties_equal_torch(penalty, torch, rng):
    layers = [ln.Dense(3, 5, activation="tanh"), ln.Dense(5, 2, activation="identity")]
    net = ln.Network(layers, loss="mse", seed=1, **penalty)
    X, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    e, grads = net.loss_and_gradients(X, y)
    te, tgrads = _torch_loss_and_grads(torch, net, X, y)
    assert e == pytest.approx(te, rel=1e-12)
    for g, tg in zip(grads, tgrads):
        _assert_rel(g, tg, 1e-10)
