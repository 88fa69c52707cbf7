"""One step of backpropagation through a 2-2-1 sigmoid network, worked by hand.

Notation (docs/notation.md): net = x W + b, o = σ(net), E = ½(o − y)², δ = ∂E/∂net, η the learning rate.
w_ij is the weight from unit i of the layer below to unit j of this layer, so W has one row per input.

    inputs            hidden                  output
    x1 = 1.0   ──┐    h1 = σ(net1)   ──┐
                 ├──▶                  ├──▶  o = σ(net3)      target y = 1
    x2 = 0.5   ──┘    h2 = σ(net2)   ──┘

    W1 = [[w11, w12],  = [[0.1, 0.3],     b1 = [0.1, -0.1]
          [w21, w22]]     [0.2, 0.4]]
    W2 = [[v1], [v2]]  = [[0.5], [-0.6]]  b2 = [0.2]
"""

from __future__ import annotations

import numpy as np
import pytest

import lucidnet as ln


@pytest.fixture
def net():
    return ln.Network(
        [
            ln.Dense(2, 2, activation="sigmoid", init=[[0.1, 0.3], [0.2, 0.4]], bias_init=[0.1, -0.1]),
            ln.Dense(2, 1, activation="sigmoid", init=[[0.5], [-0.6]], bias_init=[0.2]),
        ],
        loss="half_sse",
    )


X = np.array([[1.0, 0.5]])
Y = np.array([[1.0]])


def test_forward_pass(net):
    o = net.forward(X)
    hidden, output = net.layers
    # net1 = w11·x1 + w21·x2 + b1 = 0.1·1 + 0.2·0.5 + 0.1 = 0.3
    # net2 = w12·x1 + w22·x2 + b2 = 0.3·1 + 0.4·0.5 − 0.1 = 0.4
    np.testing.assert_allclose(hidden.net, [[0.3, 0.4]], rtol=1e-15)
    # h1 = σ(0.3) = 1/(1 + e^−0.3) = 0.574442516811659
    # h2 = σ(0.4) = 0.598687660112452
    np.testing.assert_allclose(hidden.o, [[0.574442516811659, 0.598687660112452]], rtol=1e-14)
    # net3 = v1·h1 + v2·h2 + c = 0.5·0.574443 − 0.6·0.598688 + 0.2 = 0.128008662338358
    np.testing.assert_allclose(output.net, [[0.12800866233835834]], rtol=1e-14)
    # o = σ(0.128009) = 0.531958537535564
    np.testing.assert_allclose(o, [[0.5319585375355644]], rtol=1e-14)
    # E = ½(o − y)² = ½(0.531959 − 1)² = 0.109531405292924
    assert net.loss(X, Y) == pytest.approx(0.10953140529292382, rel=1e-14)


def test_backward_pass(net):
    E, grads = net.loss_and_gradients(X, Y)
    hidden, output = net.layers
    # output δ:  δ3 = ∂E/∂o · σ'(net3) = (o − y)·o(1 − o) = (−0.468041)·0.531959·0.468041 = −0.116532332347678
    np.testing.assert_allclose(output.delta, [[-0.11653233234767787]], rtol=1e-14)
    # hidden δ (the δ rule):  δj = (δ3·vj)·hj(1 − hj)
    #   δ1 = (−0.116532·0.5)·0.574443·0.425557 = −0.014243648611549
    #   δ2 = (−0.116532·−0.6)·0.598688·0.401312 = +0.016798887043712
    np.testing.assert_allclose(hidden.delta, [[-0.014243648611549113, 0.016798887043711682]], rtol=1e-13)
    # ∂E/∂vj = δ3·hj:  ∂E/∂v1 = −0.116532·0.574443 = −0.066941126283733,  ∂E/∂v2 = −0.069766469380678
    # ∂E/∂c  = δ3 = −0.116532332347678
    np.testing.assert_allclose(grads[2], [[-0.06694112628373279], [-0.06976646938067786]], rtol=1e-13)
    np.testing.assert_allclose(grads[3], [-0.11653233234767787], rtol=1e-13)
    # ∂E/∂wij = δj·xi:  ∂E/∂w11 = −0.014244·1,  ∂E/∂w21 = −0.014244·0.5,  ∂E/∂w12 = 0.016799·1,  ∂E/∂w22 = 0.016799·0.5
    np.testing.assert_allclose(
        grads[0], [[-0.014243648611549113, 0.016798887043711682], [-0.007121824305774556, 0.008399443521855841]],
        rtol=1e-13,
    )
    np.testing.assert_allclose(grads[1], [-0.014243648611549113, 0.016798887043711682], rtol=1e-13)
    assert E == pytest.approx(0.10953140529292382, rel=1e-14)


def test_one_gradient_descent_step(net):
    # θ ← θ − η·∂E/∂θ with η = 0.5:
    #   v1 ← 0.5 − 0.5·(−0.066941) = 0.533470563141866
    #   w11 ← 0.1 − 0.5·(−0.014244) = 0.107121824305775
    history = net.fit(X, Y, epochs=1, optimizer=ln.SGD(lr=0.5))
    assert history.loss == [pytest.approx(0.10953140529292382, rel=1e-14)]  # E before the update
    assert net.layers[1].W[0, 0] == pytest.approx(0.5334705631418664, rel=1e-14)
    assert net.layers[0].W[0, 0] == pytest.approx(0.10712182430577456, rel=1e-14)
    # the step moved o towards y, so E fell
    assert net.loss(X, Y) < 0.10953140529292382
