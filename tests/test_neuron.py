"""Neuron: one unit of the engine (a Dense(n, 1)), the lesson's numbers, and stacking neurons into layers."""

import math

import numpy as np
import pytest

from lucidnet import SGD, Dense, Network
from lucidnet.neuron import Neuron, layer_from_neurons, network_from_neurons


def test_the_lesson_numbers():
    n = Neuron(weights=[0, 1], bias=0)
    assert n.feedforward([2, 3]) == 0.9525741268224334 == 1 / (1 + math.exp(-3))
    assert n.forward(np.array([2.0, 3.0])) == 0.9525741268224334
    h1, h2, o1 = Neuron([0, 1], 0), Neuron([0, 1], 0), Neuron([0, 1], 0)
    net = network_from_neurons([[h1, h2], [o1]])
    assert float(net.forward([[2, 3]])[0, 0]) == 0.7216325609518421
    # the same network with the output neuron itself as the last layer
    net2 = Network([layer_from_neurons([h1, h2]), o1])
    assert float(net2.forward([[2, 3]])[0, 0]) == 0.7216325609518421
    # by hand: o = σ(0·h1 + 1·h2 + 0), h = σ(3)
    h = 1 / (1 + math.exp(-3))
    assert 1 / (1 + math.exp(-h)) == pytest.approx(0.7216325609518421, abs=1e-16)


def test_relu_and_tanh_neurons():
    assert Neuron([0.5, -1.0], 0.25, activation="relu").forward([4, 1]) == 1.25
    assert Neuron([0.5, -1.0], 0.25, activation="relu").forward([0, 1]) == 0.0
    assert Neuron([1.0], 0.0, activation="tanh").forward([0.5]) == pytest.approx(math.tanh(0.5), abs=1e-16)


def test_a_neuron_is_the_engine():
    n = Neuron([0.2, -0.4, 0.1], bias=0.3)
    d = Dense(3, 1, init=[[0.2], [-0.4], [0.1]], bias_init=0.3)
    assert isinstance(n, Dense) and n.n_in == 3 and n.n_out == 1
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert np.array_equal(n.forward(x), d.forward(x)) and n.forward(x).shape == (2, 1)
    g = np.array([[0.5], [-1.0]])
    assert np.array_equal(n.backward(g), d.backward(g))
    assert np.array_equal(n.delta, d.delta) and np.array_equal(n.grad_W, d.grad_W)
    assert np.array_equal(n.grad_b, d.grad_b)
    assert n.weights.tolist() == [0.2, -0.4, 0.1] and n.b.tolist() == [0.3]
    assert repr(n) == "Neuron(weights=[0.2, -0.4, 0.1], bias=0.3, sigmoid)"


def test_delta_rule_on_one_neuron():
    # E = ½(o − y)², δ = (o − y)·o(1 − o), ∂E/∂w = δ·x, ∂E/∂b = δ
    n = Neuron([0, 1], 0)
    o = n.forward(np.array([[2.0, 3.0]]))
    n.backward(o - 1.0)
    delta = (o[0, 0] - 1) * o[0, 0] * (1 - o[0, 0])
    assert n.delta[0, 0] == pytest.approx(delta, abs=1e-16)
    assert n.grad_W.ravel().tolist() == pytest.approx([2 * delta, 3 * delta], abs=1e-16)
    assert n.grad_b.tolist() == pytest.approx([delta], abs=1e-16)


def test_neurons_train_inside_a_network():
    X = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    net = network_from_neurons([Neuron([0.0, 0.0, 0.0], 0.0)], loss="half_sse")
    net.fit(X, [0.9, 0.2], epochs=3000, optimizer=SGD(lr=0.5))
    assert net.forward(X).ravel().tolist() == pytest.approx([0.9, 0.2], abs=1e-3)


def test_layer_from_neurons_stacks_columns_and_copies():
    a, b = Neuron([1, 2], 0.5), Neuron([3, 4], -0.5)
    layer = layer_from_neurons([a, b])
    assert layer.W.tolist() == [[1, 3], [2, 4]] and layer.b.tolist() == [0.5, -0.5]
    x = np.array([[0.3, -0.7]])
    assert layer.forward(x)[0].tolist() == [a.forward(x[0]), b.forward(x[0])]
    layer.W[0, 0] = 9
    assert a.weights.tolist() == [1, 2]


@pytest.mark.parametrize("args, message", [
    (([],), "non-empty 1-D sequence of finite numbers"),
    (([[1, 2]],), "non-empty 1-D sequence"),
    ((["a", "b"],), "finite numbers"),
    (([1, float("nan")],), "finite numbers"),
    (([1, 2], "x"), "bias must be one finite number, got 'x'"),
    (([1, 2], float("inf")), "bias must be one finite number"),
    (([1, 2], 0, "softmax"), "elementwise activation with one output"),
    (([1, 2], 0, "nope"), "unknown activation 'nope'"),
])
def test_neuron_validation(args, message):
    with pytest.raises(ValueError, match=message):
        Neuron(*args)


def test_sample_shape_is_checked():
    with pytest.raises(ValueError, match=r"this neuron has 2 inputs; give a sample of shape \(2,\)"):
        Neuron([0, 1]).forward([1, 2, 3])


def test_stacking_errors():
    with pytest.raises(TypeError, match="non-empty list of Neuron"):
        layer_from_neurons([])
    with pytest.raises(ValueError, match="same number of inputs and activation"):
        layer_from_neurons([Neuron([1, 2]), Neuron([1, 2, 3])])
    with pytest.raises(ValueError, match="same number of inputs and activation"):
        layer_from_neurons([Neuron([1, 2]), Neuron([1, 2], activation="tanh")])
    with pytest.raises(ValueError, match="a layer of 2 neurons feeds neurons with 3 inputs"):
        network_from_neurons([[Neuron([1, 2]), Neuron([1, 2])], [Neuron([1, 2, 3])]])


def test_top_level_name():
    import lucidnet

    assert lucidnet.Neuron is Neuron
    assert lucidnet.Neuron(weights=[0, 1], bias=0).feedforward([2, 3]) == 0.9525741268224334
