"""The neuron lesson: one neuron, the 2-2-1 network, the δ rule, then five exercises.

o = φ(Σ_i w_i·x_i + b). Every number below comes from the engine: a ``Neuron`` is a one-unit ``Dense`` layer.

Exercises (E = ½·Σ(o − y)², plain gradient descent):
1. one record, relu neuron: trained to the optimum, which for a neuron that stays linear (net > 0) is the
   closed form w* = w₀ + (y − o₀)/(‖x‖² + 1)·[x, 1] (the smallest change that fits the record);
2. two records, one at a time (per-sample updates): again the smallest change that fits both,
   w* = w₀ + A⁺(y − A·w₀) with A = [X, 1];
3. the same two records as one batch: the batch gradient is the sum of the per-sample gradients, and the
   run ends at the same w*;
4. multi-label output: three sigmoid neurons side by side (one Dense(3 → 3) layer), targets [[1,0,0],[0,1,0]];
5. tanh activation on the two records: on the raw inputs the record [4, 5, 6] saturates (tanh' ≈ 0) and sticks
   near 1; on z-scored inputs tanh reaches 0.7 and approaches 1.0 (which, like σ, it never attains).

Run: python examples/neuron_lesson.py
"""

from __future__ import annotations

import numpy as np

from lucidnet import SGD, Dense, Network
from lucidnet.data.datasets import load
from lucidnet.neuron import Neuron, network_from_neurons
from lucidnet.trace import trace


def one_neuron() -> dict[str, float]:
    """σ(0·2 + 1·3 + 0) = σ(3) and relu(3); the 2-2-1 network of three such neurons."""
    x = [2, 3]
    h1, h2, o1 = Neuron([0, 1], 0), Neuron([0, 1], 0), Neuron([0, 1], 0)
    net = network_from_neurons([[h1, h2], [o1]])
    return {
        "sigmoid": Neuron(weights=[0, 1], bias=0).feedforward(x),  # 0.9525741268224334
        "relu": Neuron(weights=[0, 1], bias=0, activation="relu").feedforward(x),  # 3.0
        "network": float(net.forward(np.array([x]))[0, 0]),  # 0.7216325609518421
    }


def delta_rule() -> dict[str, float]:
    """One neuron, x = [2, 3], y = 1: δ = (o − y)·o(1 − o), ∂E/∂w_i = δ·x_i, ∂E/∂b = δ (engine vs by hand)."""
    net = Network([Neuron([0, 1], 0)], loss="half_sse")
    t = trace(net, [[2.0, 3.0]], [1.0], lr=1.0)
    o = t.layers[0].o[0, 0]
    by_hand = (o - 1.0) * o * (1.0 - o)
    return {"o": float(o), "delta": float(t.layers[0].delta[0, 0]), "delta_by_hand": float(by_hand),
            "dE_dw1": float(t.layers[0].grad_W[0, 0]), "dE_dw2": float(t.layers[0].grad_W[1, 0]),
            "dE_db": float(t.layers[0].grad_b[0])}


def closest_fit(w0: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The least change of [w, b] that makes the linear neuron fit (X, y): w₀ + A⁺(y − A·w₀), A = [X, 1]."""
    A = np.column_stack([X, np.ones(len(X))])
    return w0 + np.linalg.pinv(A) @ (y - A @ w0)


def _relu_neuron_net() -> Network:
    return Network([Neuron([0.1, 0.1, 0.1], 0.0, activation="relu")], loss="half_sse")


def _params(net: Network) -> np.ndarray:
    W, b = net.parameters()
    return np.concatenate([W[:, 0], b])


def exercises() -> dict[str, object]:
    X, y = load("two_records")  # [[1,2,3],[4,5,6]] -> [1.0, 0.7]
    w0 = np.array([0.1, 0.1, 0.1, 0.0])
    out: dict[str, object] = {}

    # 1. one record, to the optimum: 100 steps of η = 0.05 (each shrinks the error by |1 − η·15| = 0.25)
    net = _relu_neuron_net()
    net.fit(X[:1], y[:1], epochs=100, optimizer=SGD(lr=0.05))
    out["one_record"] = {"o": float(net.forward(X[:1])[0, 0]), "weights": _params(net).tolist(),
                         "optimum": closest_fit(w0, X[:1], y[:1]).tolist()}

    # 2. two records, one at a time (batch_size=1, in order), η = 0.02
    net = _relu_neuron_net()
    net.fit(X, y, epochs=2000, batch_size=1, shuffle=False, optimizer=SGD(lr=0.02))
    out["two_records"] = {"o": net.forward(X)[:, 0].tolist(), "weights": _params(net).tolist(),
                          "optimum": closest_fit(w0, X, y).tolist()}

    # 3. the two records as one batch: ∂E/∂w of the batch = Σ of the per-sample ∂E/∂w
    net = _relu_neuron_net()
    batch = trace(net, X, y).layers[0].grad_W[:, 0]
    per_sample = sum(trace(net, X[k:k + 1], y[k:k + 1]).layers[0].grad_W[:, 0] for k in range(2))
    net.fit(X, y, epochs=2000, optimizer=SGD(lr=0.02))
    out["batch"] = {"o": net.forward(X)[:, 0].tolist(), "weights": _params(net).tolist(),
                    "batch_gradient": batch.tolist(), "sum_of_sample_gradients": per_sample.tolist()}

    # 4. multi-label: three sigmoid neurons side by side
    X3, Y3 = load("two_records_multilabel")
    net = Network([Dense(3, 3, activation="sigmoid", init=np.zeros((3, 3)), bias_init=0.0)], loss="half_sse")
    net.fit(X3, Y3, epochs=2000, optimizer=SGD(lr=0.5))
    out["multi_label"] = {"o": net.forward(X3).tolist(), "E": net.loss(X3, Y3)}

    # 5. tanh. On the raw records the first steps drive net of [4, 5, 6] deep into tanh's flat tail, where
    # tanh'(net) = 1 − o² ≈ 0: that output sticks near 1 instead of 0.7. Scaled inputs (z-scores per column,
    # here [[-1,-1,-1],[1,1,1]]) avoid it: 0.7 is reached (net = atanh 0.7) and 1.0 approached.
    raw = Network([Neuron([0.0, 0.0, 0.0], 0.0, activation="tanh")], loss="half_sse")
    history = raw.fit(X, y, epochs=2000, optimizer=SGD(lr=0.02))
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    scaled = Network([Neuron([0.0, 0.0, 0.0], 0.0, activation="tanh")], loss="half_sse")
    history_scaled = scaled.fit(Xs, y, epochs=2000, optimizer=SGD(lr=0.2))
    out["tanh"] = {"o_raw": raw.forward(X)[:, 0].tolist(), "E_raw": history.loss[-1],
                   "o_scaled": scaled.forward(Xs)[:, 0].tolist(), "E_scaled": history_scaled.loss[-1]}
    return out


def main() -> dict[str, object]:
    results: dict[str, object] = {**one_neuron(), "delta_rule": delta_rule(), **exercises()}
    print(f"σ(w·x + b) with w = [0, 1], b = 0, x = [2, 3]:  {results['sigmoid']!r}")
    print(f"relu(w·x + b):                                  {results['relu']!r}")
    print(f"2-2-1 network of three such neurons:            {results['network']!r}")
    d = results["delta_rule"]
    print(f"δ rule, y = 1: δ = (o − y)·o(1 − o) = {d['delta']:.6g} (by hand {d['delta_by_hand']:.6g}), "  # type: ignore[index]
          f"∂E/∂w = [{d['dE_dw1']:.6g}, {d['dE_dw2']:.6g}], ∂E/∂b = {d['dE_db']:.6g}")  # type: ignore[index]
    for key in ("one_record", "two_records", "batch", "multi_label", "tanh"):
        print(f"exercise {key}: {results[key]}")
    return results


if __name__ == "__main__":
    main()
