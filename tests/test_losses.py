"""Every loss in the registry: value and gradient against central differences and PyTorch; the fused paths."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import central_differences, relative_error, torch_loss

import lucidnet as ln
from lucidnet.losses import LOSSES, get_loss

INSTANCES = [cls() for cls in LOSSES.values()] + [ln.Huber(delta=0.3)]
IDS = [repr(loss) for loss in INSTANCES]


def _data(loss, rng, n=6, m=3):
    """Outputs o in (0, 1) (valid for every loss) and matching targets."""
    o = rng.uniform(0.05, 0.95, size=(n, m))
    if loss.name == "cross_entropy":
        o /= o.sum(axis=1, keepdims=True)
        y = ln.one_hot(rng.integers(0, m, n), m)
    else:
        y = rng.uniform(0, 1, size=(n, m))
    return o, y


def test_registry_is_complete():
    assert set(LOSSES) == {"sse", "half_sse", "mse", "mae", "huber", "bce", "cross_entropy"}
    for name, cls in LOSSES.items():
        assert cls.name == name and get_loss(name) == cls()


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("loss", INSTANCES, ids=IDS)
def test_gradient_matches_central_differences(loss, weighted, rng):
    o, y = _data(loss, rng)
    w = rng.uniform(0.2, 2.0, size=len(o)) if weighted else None
    analytic = loss.gradient(o, y, w)
    numeric = central_differences(lambda z: loss.value(z, y, w), o)
    err = relative_error(analytic, numeric)
    assert err < 1e-8, err
    e, g = loss.value_and_gradient(o, y, w)
    assert e == pytest.approx(loss.value(o, y, w), rel=1e-15)
    np.testing.assert_allclose(g, analytic, rtol=1e-15)


@pytest.mark.torch
@pytest.mark.parametrize("loss", INSTANCES, ids=IDS)
def test_value_and_gradient_equal_torch(loss, rng, torch):
    o, y = _data(loss, rng)
    to = torch.tensor(o, requires_grad=True)
    e = torch_loss(torch, loss, to, torch.tensor(y))
    e.backward()
    assert loss.value(o, y) == pytest.approx(e.item(), rel=1e-12)
    np.testing.assert_allclose(loss.gradient(o, y), to.grad.numpy(), rtol=1e-10, atol=1e-15)


@pytest.mark.torch
@pytest.mark.parametrize("scale", [1.0, 30.0, 500.0])
def test_fused_bce_equals_bce_with_logits(scale, rng, torch):
    net = rng.normal(size=(5, 3)) * scale
    y = rng.uniform(size=(5, 3))
    o = ln.Sigmoid().forward(net)
    t = torch.tensor(net, requires_grad=True)
    e = torch.nn.functional.binary_cross_entropy_with_logits(t, torch.tensor(y))
    e.backward()
    loss = ln.BCE()
    assert loss.value_from_net(net, y) == pytest.approx(e.item(), rel=1e-12)
    np.testing.assert_allclose(loss.delta_from_net(net, o, y), t.grad.numpy(), rtol=1e-10, atol=1e-300)
    assert np.isfinite(loss.value_from_net(net, y))


@pytest.mark.torch
@pytest.mark.parametrize("targets", ["indices", "probabilities"])
@pytest.mark.parametrize("scale", [1.0, 30.0, 500.0])
def test_fused_cross_entropy_equals_torch(targets, scale, rng, torch):
    net = rng.normal(size=(6, 4)) * scale
    idx = rng.integers(0, 4, 6)
    y = ln.one_hot(idx, 4) if targets == "indices" else rng.dirichlet(np.ones(4), size=6)
    o = ln.Softmax().forward(net)
    t = torch.tensor(net, requires_grad=True)
    ty = torch.tensor(idx) if targets == "indices" else torch.tensor(y)
    e = torch.nn.functional.cross_entropy(t, ty)
    e.backward()
    loss = ln.CrossEntropy()
    assert loss.value_from_net(net, y) == pytest.approx(e.item(), rel=1e-12)
    np.testing.assert_allclose(loss.delta_from_net(net, o, y), t.grad.numpy(), rtol=1e-10, atol=1e-300)
    both = loss.value_and_delta_from_net(net, o, y)  # the training path: logsumexp read off o
    assert both[0] == pytest.approx(e.item(), rel=1e-12)
    np.testing.assert_allclose(both[1], t.grad.numpy(), rtol=1e-10, atol=1e-300)


@pytest.mark.parametrize("loss, act", [(ln.BCE(), ln.Sigmoid()), (ln.CrossEntropy(), ln.Softmax())])
def test_fused_path_equals_generic_path(loss, act, rng):
    net = rng.normal(size=(5, 3)) * 2
    o = act.forward(net)
    y = ln.one_hot(rng.integers(0, 3, 5), 3) if loss.name == "cross_entropy" else rng.uniform(size=(5, 3))
    w = rng.uniform(0.5, 2, 5)
    assert loss.fuses_with(act)
    assert loss.value_from_net(net, y, w) == pytest.approx(loss.value(o, y, w), rel=1e-12)
    generic = act.backward(net, o, loss.gradient(o, y, w))
    np.testing.assert_allclose(loss.delta_from_net(net, o, y, w), generic, rtol=1e-9, atol=1e-15)
    e, delta = loss.value_and_delta_from_net(net, o, y, w)
    assert e == pytest.approx(loss.value(o, y, w), rel=1e-12)
    np.testing.assert_allclose(delta, generic, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("dtype, rel", [(np.float64, 1e-13), (np.float32, 2e-6)])
def test_cross_entropy_read_off_the_softmax_equals_the_max_shifted_form(dtype, rel, rng):
    # value_and_delta_from_net takes logsumexp = net_k − ln o_k (k the largest logit); value_from_net
    # recomputes it as m + ln Σ e^(net − m): the same number, ties and saturated rows included
    loss = ln.CrossEntropy()
    for scale in (0.1, 3.0, 80.0):
        net = (rng.normal(size=(64, 10)) * scale).astype(dtype)
        net[0, :3] = net[0].max() + 1  # a tie for the largest logit
        y = ln.one_hot(rng.integers(0, 10, 64), 10, dtype)
        o = ln.Softmax().forward(net)
        e, delta = loss.value_and_delta_from_net(net, o, y)
        assert e == pytest.approx(loss.value_from_net(net, y), rel=rel)
        np.testing.assert_array_equal(delta, loss.delta_from_net(net, o, y))
        assert delta.dtype == dtype


def test_fused_losses_stay_finite_when_saturated():
    net = np.array([[500.0, -500.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ln.BCE().value_from_net(net, np.array([[0.0, 1.0]])) == pytest.approx(500.0)
        assert ln.CrossEntropy().value_from_net(net, np.array([[0.0, 1.0]])) == pytest.approx(1000.0)


def test_generic_losses_clamp_like_torch():
    # o exactly 0 or 1: ln is clamped at -100 (BCE) and at the smallest normal number (cross-entropy)
    assert ln.BCE().value(np.array([[0.0]]), np.array([[1.0]])) == pytest.approx(100.0)
    assert np.isfinite(ln.CrossEntropy().value(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])))


def test_hand_computed_values():
    o, y = np.array([[0.5, 1.0], [2.0, 0.0]]), np.array([[0.0, 1.0], [1.0, 1.0]])
    # errors d = o - y = [[0.5, 0], [1, -1]]: Σd² = 0.25 + 1 + 1 = 2.25
    assert ln.SSE().value(o, y) == 2.25
    assert ln.HalfSSE().value(o, y) == 1.125
    assert ln.MSE().value(o, y) == 2.25 / 4
    assert ln.MAE().value(o, y) == 2.5 / 4
    # huber δ=1: ½·0.25 + 0 + (1·(1 − ½)) + (1·(1 − ½)) = 1.125 (|d| = 1 is on the linear side)
    assert ln.Huber().value(o, y) == 1.125 / 4


def test_sample_weights_scale_each_row():
    o, y = np.array([[1.0], [3.0]]), np.array([[0.0], [0.0]])
    assert ln.MSE().value(o, y, np.array([2.0, 0.0])) == 1.0  # (2·1 + 0·9) / 2
    np.testing.assert_array_equal(ln.MSE().gradient(o, y, np.array([2.0, 0.0])), [[2.0], [0.0]])


def test_target_checks():
    with pytest.raises(ValueError, match=r"y has shape \(3, 2\) but the network has 1 output"):
        ln.MSE().prepare_targets(np.zeros((3, 2)), 1, np.float64)
    with pytest.raises(ValueError, match=r"bce targets must lie in \[0, 1\], got values from 0.0 to 2.0"):
        ln.BCE().prepare_targets([0, 2], 1, np.float64)
    with pytest.raises(ValueError, match=r"class labels must lie in 0 … 2 for 3 outputs, got values from 0 to 3"):
        ln.CrossEntropy().prepare_targets([0, 3], 3, np.float64)
    with pytest.raises(ValueError, match="whole numbers"):
        ln.CrossEntropy().prepare_targets([0.5, 1], 3, np.float64)
    with pytest.raises(ValueError, match="at least 2 units"):
        ln.CrossEntropy().prepare_targets([0, 1], 1, np.float64)
    with pytest.raises(TypeError, match="LabelEncoder"):
        ln.MSE().prepare_targets(["a", "b"], 1, np.float64)
    with pytest.raises(ValueError, match="NaN or infinity"):
        ln.MSE().prepare_targets([0.0, np.nan], 1, np.float64)
    np.testing.assert_array_equal(ln.CrossEntropy().prepare_targets([2, 0], 3, np.float64), [[0, 0, 1], [1, 0, 0]])


def test_get_loss_errors():
    message = "unknown loss 'l2'; valid names are: bce, cross_entropy, half_sse, huber, mae, mse, sse"
    with pytest.raises(ValueError, match=message):
        get_loss("l2")
    with pytest.raises(ValueError, match="huber delta must be > 0, got 0"):
        ln.Huber(delta=0)
