"""θ in one vector (lucidnet.parameters): views, the one-call update, the keeper, copies and pickles."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import lucidnet as ln
from lucidnet.parameters import Parameters


def _xor():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    return X, np.array([0.0, 1.0, 1.0, 0.0])


def _net(seed=0, **kw):
    return ln.Network([ln.Dense(2, 3, activation="tanh"), ln.Dense(3, 1, activation="sigmoid")],
                      loss="mse", seed=seed, **kw)


def test_parameters_and_gradients_are_views_of_one_vector_each():
    X, y = _xor()
    net = _net()
    theta = net.theta
    assert isinstance(theta, Parameters) and theta.names == ["W1", "b1", "W2", "b2"]
    assert theta.vector.size == theta.grad.size == net.count_parameters() == 2 * 3 + 3 + 3 + 1
    for p in net.parameters():
        assert np.shares_memory(p, theta.vector) and p.flags.c_contiguous
    np.testing.assert_array_equal(theta.vector, np.concatenate([p.ravel() for p in net.parameters()]))
    net.fit(X, y, epochs=2, optimizer=ln.SGD(lr=0.5))
    layer = net.layers[0]
    assert np.shares_memory(layer.grad_W, theta.grad) and np.shares_memory(layer.grad_b, theta.grad)
    e, copies = net.loss_and_gradients(X, y)  # fresh copies, equal to the live views
    np.testing.assert_array_equal(np.concatenate([g.ravel() for g in copies]), theta.grad)
    # a float32 network's layer driven by hand in float64 still gets its gradients, as fresh float64 arrays
    net32 = _net(dtype="float32")
    layer = net32.layers[0]
    layer.forward(X)
    assert layer.backward(np.ones((4, 3))).shape == (4, 2)
    assert layer.grad_W.dtype == layer.grad_b.dtype == np.float64
    assert not np.shares_memory(layer.grad_W, net32.theta.grad)


@pytest.mark.parametrize("optimizer", [ln.SGD(lr=0.3), ln.SGD(lr=0.3, weight_decay=0.1), ln.Adam(lr=0.1)])
def test_the_stepper_updates_as_the_optimizer_does_array_by_array(optimizer):
    # one call on the whole vector (stateless optimizers) or array by array (stateful): the same numbers
    X, y = _xor()
    a, b = _net(), _net()
    step_a = a.theta.stepper(optimizer)
    opt_b = ln.get_optimizer(optimizer.get_config())
    for _ in range(5):
        a.backprop(*a.prepare(X, y), training=True)
        step_a()
        b.backprop(*b.prepare(X, y), training=True)
        opt_b.step(b.parameters(), b.gradients())
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(p, q, rtol=1e-15, atol=1e-15)


def test_the_keeper_saves_and_restores_in_place():
    net = _net()
    keep = net.theta.keeper()
    before = net.get_weights()
    W = net.layers[0].W
    for p in net.parameters():
        p += 1.0
    keep.restore()
    assert net.layers[0].W is W  # the same arrays, their values put back
    for p, q in zip(net.parameters(), before):
        np.testing.assert_array_equal(p, q)
    net.layers[1].b[0] = 5.0
    keep.save()
    net.layers[1].b[0] = -5.0
    keep.restore()
    assert net.layers[1].b[0] == 5.0


def test_layers_taken_over_by_another_network_leave_the_first_one_training_correctly():
    # Network([...]) re-initialises its layers into its own vector θ; the first network then sees that its
    # vector is no longer the layers' and updates the layers' arrays one by one
    X, y = _xor()
    layers = [ln.Dense(2, 3, activation="tanh"), ln.Dense(3, 1, activation="sigmoid")]
    first = ln.Network(layers, loss="mse", seed=0)
    ln.Network(layers, loss="mse", seed=5)
    assert not first.theta.intact()
    ref = _net(seed=5)
    first.fit(X, y, epochs=3, optimizer=ln.SGD(lr=0.5))
    ref.fit(X, y, epochs=3, optimizer=ln.SGD(lr=0.5))
    for a, b in zip(first.parameters(), ref.parameters()):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
def test_a_copied_network_trains_its_own_weights(how):
    # a copy's arrays have memory of their own: Parameters lays them out in a vector of the copy's own, and
    # the copy trains exactly as the original does, without touching the original
    X, y = _xor()
    net = _net()
    twin = copy.deepcopy(net) if how == "deepcopy" else pickle.loads(pickle.dumps(net))
    before = net.get_weights()
    assert twin.theta.intact() and twin.layers[0].W.base is twin.theta.vector
    assert twin.theta.vector is not net.theta.vector
    twin.fit(X, y, epochs=3, optimizer=ln.SGD(lr=0.5))
    net_ref = _net()
    net_ref.fit(X, y, epochs=3, optimizer=ln.SGD(lr=0.5))
    for a, b in zip(twin.parameters(), net_ref.parameters()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(net.get_weights(), before):
        np.testing.assert_array_equal(a, b)
