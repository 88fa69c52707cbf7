"""The failure modes the lessons warn about, provoked on purpose and caught by ``lucidnet.diagnostics``.

All runs learn the moons (200 points, inputs divided by 3) with mini-batches of 32:

- healthy: 2-16-16-1 tanh/sigmoid, Glorot starting weights, η = 0.5: no finding;
- large init: 2-16-16-16-16-16-1 sigmoid with N(0, 5²) weights: saturated units and vanishing gradients;
- large η: 2-16-1 relu/linear with η = 2: the loss overflows (``TrainingDivergedError``), and with η = 0.5 it
  climbs back up after its best epoch;
- negative bias: relu units starting with b = −5 are off for every sample: dead ReLUs.

Run: python examples/diagnose_failures.py
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np

from lucidnet import SGD, Dense, Network
from lucidnet.data.datasets import load
from lucidnet.diagnostics import DiagnosticsReport, diagnose


def data() -> tuple[np.ndarray, np.ndarray]:
    ds = load("moons", n=200, noise=0.1, seed=0)
    return ds.X / 3, ds.y.astype(float)


def healthy() -> Network:
    return Network([Dense(2, 16, "tanh"), Dense(16, 16, "tanh"), Dense(16, 1, "sigmoid")], loss="bce", seed=0)


def large_init(scale: float = 5.0) -> Network:
    rng = np.random.default_rng(0)
    sizes = [2, 16, 16, 16, 16, 16, 1]
    layers = [Dense(a, b, "sigmoid", init=rng.normal(0.0, scale, (a, b))) for a, b in pairwise(sizes)]
    return Network(layers, loss="mse", seed=0)


def relu_regression() -> Network:
    return Network([Dense(2, 16, "relu"), Dense(16, 1, "identity")], loss="mse", seed=0)


def negative_bias() -> Network:
    return Network([Dense(2, 16, "relu", bias_init=-5.0), Dense(16, 1, "sigmoid")], loss="bce", seed=0)


RUNS = {  # name -> (network, η, epochs)
    "healthy": (healthy, 0.5, 30),
    "large init": (large_init, 0.5, 20),
    "large η (divergence)": (relu_regression, 2.0, 30),
    "large η (loss rising)": (relu_regression, 0.5, 30),
    "negative bias": (negative_bias, 0.5, 20),
}


def run(name: str) -> DiagnosticsReport:
    make, lr, epochs = RUNS[name]
    X, y = data()
    return diagnose(make(), X, y, epochs=epochs, batch_size=32, optimizer=SGD(lr=lr))


def main() -> dict[str, Any]:
    reports = {name: run(name) for name in RUNS}
    for name, report in reports.items():
        print(f"== {name}")
        print(report)
        print()
    return {name: report.kinds for name, report in reports.items()}


if __name__ == "__main__":
    main()
