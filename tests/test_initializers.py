"""Initializers: each draws the documented shapes from the generator it is given, and nothing else."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lucidnet as ln
from lucidnet.initializers import INITIALIZERS, MLPUniform, get_initializer


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_every_initializer_draws_its_shapes_from_the_generator_alone(name):
    init = get_initializer(name)

    def draw():
        rng = np.random.default_rng(7)
        return init.weights((4, 3), rng, np.float32), init.bias(4, 3, rng, np.float32)

    a, b = draw(), draw()
    assert a[0].shape == (4, 3) and a[1].shape == (3,) and a[0].dtype == a[1].dtype == np.float32
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_mlp_uniform_draws_w_and_b_from_one_range():
    rng = np.random.default_rng(0)
    init = MLPUniform()
    W, b = init.weights((300, 100), rng, np.float64), init.bias(300, 100, rng, np.float64)
    a = math.sqrt(6 / 400)  # f = 6: Glorot's bound, for W and for b
    assert np.abs(W).max() <= a and np.abs(b).max() <= a
    assert np.abs(W).max() > 0.99 * a and np.abs(b).max() > 0.9 * a  # the whole range, b not zero
    assert abs(W.mean()) < 0.01 * a and abs(W.var() - a * a / 3) < 0.02 * a * a  # U(−a, a): variance a²/3
    assert np.abs(MLPUniform(2.0).weights((300, 100), rng, np.float64)).max() <= math.sqrt(2 / 400)
    assert repr(MLPUniform(2)) == "MLPUniform(factor=2)"
    assert MLPUniform().get_config() == {"name": "mlp_uniform", "factor": 6.0}
    with pytest.raises(ValueError, match="mlp_uniform factor must be a number > 0, got -1"):
        MLPUniform(-1)


def test_mlp_uniform_on_a_random_state_stream_gives_its_numbers():
    # scikit-learn's MLP draws W, then b, of each layer with RandomState.uniform(−a, a, shape); a Generator on the
    # same MT19937 state draws the same doubles, so the initializer reproduces them
    rs = np.random.RandomState(3)
    bit = np.random.MT19937()
    bit.state = {"bit_generator": "MT19937", "state": rs.get_state(legacy=False)["state"]}
    gen = np.random.Generator(bit)
    a = math.sqrt(6 / (5 + 4))
    init = MLPUniform()
    np.testing.assert_array_equal(init.weights((5, 4), gen, np.float64), rs.uniform(-a, a, (5, 4)))
    np.testing.assert_array_equal(init.bias(5, 4, gen, np.float64), rs.uniform(-a, a, 4))


def test_mlp_uniform_by_name_in_a_network():
    net = ln.Network([ln.Dense(3, 2, init="mlp_uniform"), ln.Dense(2, 1, init=MLPUniform(2.0))], seed=0)
    assert np.all(net.layers[0].b != 0) and np.abs(net.layers[1].W).max() <= math.sqrt(2 / 3)
