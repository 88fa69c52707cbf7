"""Every activation in the registry: its VJP against central differences and PyTorch, stability, kinks."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import central_differences, relative_error, torch_activation

import lucidnet as ln
from lucidnet.activations import ACTIVATIONS, get_activation

# one instance per registry entry with default parameters, plus non-default parameters where they exist
INSTANCES = [cls() for cls in ACTIVATIONS.values()] + [ln.LeakyReLU(alpha=0.2), ln.ELU(alpha=0.5), ln.Maxout(k=3)]
IDS = [repr(a) for a in INSTANCES]


def test_registry_is_complete():
    assert set(ACTIVATIONS) == {
        "identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "silu", "gelu", "softmax", "maxout",
    }
    for name, cls in ACTIVATIONS.items():
        assert cls.name == name
        assert get_activation(name).get_config()["name"] == name


def _net(act, rng, n=5, m=4, scale=2.0):
    # avoid the kinks (|net| < 1e-3), where a finite difference straddles two pieces
    net = rng.normal(scale=scale, size=(n, m * act.k))
    net[np.abs(net) < 1e-3] += 0.01
    return net


@pytest.mark.parametrize("act", INSTANCES, ids=IDS)
def test_backward_matches_central_differences(act, rng):
    net = _net(act, rng)
    o = act.forward(net)
    grad_o = rng.normal(size=o.shape)
    analytic = act.backward(net, o, grad_o)
    numeric = central_differences(lambda z: np.vdot(grad_o, act.forward(z)), net)
    assert analytic.shape == net.shape
    err = relative_error(analytic, numeric)
    assert err < 1e-8, err


ELEMENTWISE = [a for a in INSTANCES if a.elementwise]


@pytest.mark.parametrize("act", ELEMENTWISE, ids=[repr(a) for a in ELEMENTWISE])
def test_derivative_is_the_diagonal_of_backward(act, rng):
    net = _net(act, rng)
    o = act.forward(net)
    np.testing.assert_allclose(act.backward(net, o, np.ones_like(o)), act.derivative(net, o), rtol=1e-14, atol=1e-15)


@pytest.mark.torch
@pytest.mark.parametrize("act", INSTANCES, ids=IDS)
def test_forward_and_backward_equal_torch(act, rng, torch):
    net = _net(act, rng, n=6, m=5)
    t = torch.tensor(net, requires_grad=True)
    out = torch_activation(torch, act, t)
    grad_o = rng.normal(size=tuple(out.shape))
    out.backward(torch.tensor(grad_o))
    o = act.forward(net)
    np.testing.assert_allclose(o, out.detach().numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(act.backward(net, o, grad_o), t.grad.numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["relu", "leaky_relu", "elu"])
def test_derivative_at_the_kink_follows_torch(name, torch):
    act = get_activation(name)
    net = np.zeros((1, 3))
    t = torch.zeros(1, 3, requires_grad=True)
    torch_activation(torch, act, t).sum().backward()
    np.testing.assert_array_equal(act.backward(net, act.forward(net), np.ones((1, 3))), t.grad.numpy())


@pytest.mark.parametrize("act", INSTANCES, ids=IDS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_stable_at_plus_minus_500(act, dtype):
    net = np.array([[-500.0, 500.0, -500.0, 500.0, 0.0, 1.0] * act.k], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning, no invalid-value warning
        o = act.forward(net)
        g = act.backward(net, o, np.ones_like(o))
    assert o.dtype == dtype and g.dtype == dtype
    assert np.isfinite(o).all() and np.isfinite(g).all()


def test_stable_values_at_the_extremes():
    x = np.array([[-500.0, 500.0]])
    np.testing.assert_allclose(ln.Sigmoid().forward(x), [[np.exp(-500.0), 1.0]], rtol=1e-15)
    np.testing.assert_allclose(ln.Softplus().forward(x), [[np.exp(-500.0), 500.0]], rtol=1e-15)
    np.testing.assert_allclose(ln.Softmax().forward(np.array([[1000.0, 0.0]])), [[1.0, 0.0]], atol=1e-300)
    np.testing.assert_allclose(ln.ELU().forward(x), [[-1.0, 500.0]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_preserved(dtype, rng):
    net = rng.normal(size=(3, 4)).astype(dtype)
    for act in INSTANCES:
        if net.shape[1] % act.k:
            continue
        o = act.forward(net)
        assert o.dtype == dtype, act
        assert act.backward(net, o, np.ones_like(o)).dtype == dtype, act


def test_maxout_shapes_and_winner(rng):
    act = ln.Maxout(k=2)
    net = np.array([[1.0, 3.0, -2.0, -1.0]])
    np.testing.assert_array_equal(act.forward(net), [[3.0, -1.0]])
    np.testing.assert_array_equal(act.backward(net, act.forward(net), np.array([[10.0, 20.0]])), [[0, 10, 0, 20]])


def test_softmax_rows_sum_to_one(rng):
    o = ln.Softmax().forward(rng.normal(size=(5, 7)) * 30)
    np.testing.assert_allclose(o.sum(axis=1), 1.0, rtol=1e-14)


def test_get_activation_errors():
    with pytest.raises(ValueError, match="unknown activation 'sigmod'; valid names are: elu, gelu, identity"):
        get_activation("sigmod")
    with pytest.raises(ValueError, match="does not take the parameters"):
        get_activation({"name": "relu", "alpha": 1})
    with pytest.raises(TypeError, match="activation must be a name"):
        get_activation(3)
    with pytest.raises(ValueError, match="leaky_relu alpha must be >= 0, got -1"):
        ln.LeakyReLU(alpha=-1)
    with pytest.raises(ValueError, match="maxout k must be >= 1"):
        ln.Maxout(k=0)


def test_config_round_trip_and_repr():
    for act in INSTANCES:
        assert get_activation(act.get_config()) == act
    assert repr(ln.LeakyReLU(alpha=0.1)) == "LeakyReLU(alpha=0.1)"
    assert repr(ln.Sigmoid()) == "Sigmoid()"
