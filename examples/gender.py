"""The 2-2-1 gender network: predict F from weight and height, trained by per-sample SGD.

Inputs are shifted by hand (weight − 135 lb, height − 66 in); the network is 2-2-1 with sigmoid units and
N(0, 1) starting weights and biases; E is the mean squared error; each epoch visits Alice, Bob, Charlie and
Diana in order with η = 0.1; 1000 epochs. Then Emily (128 lb, 63 in) should come out female (> 0.9) and
Frank (155 lb, 68 in) male (< 0.1), whatever the seed.

Run: python examples/gender.py [--seed N]
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from lucidnet import SGD, Dense, LambdaCallback, Network
from lucidnet.data.datasets import gender_inputs, load
from lucidnet.neuron import Neuron, network_from_neurons


def forward_example() -> float:
    """The lesson's forward pass: all weights [0, 1], all biases 0, x = [2, 3] -> 0.7216325609518421."""
    net = network_from_neurons([[Neuron([0, 1], 0), Neuron([0, 1], 0)], [Neuron([0, 1], 0)]])
    return float(net.forward(np.array([[2.0, 3.0]]))[0, 0])


def build(seed: int) -> Network:
    return Network([Dense(2, 2, "sigmoid", init="normal"), Dense(2, 1, "sigmoid", init="normal")], loss="mse",
                   seed=seed)


def train(seed: int = 0, epochs: int = 1000, report_every: int | None = None) -> dict[str, Any]:
    """Train from ``seed``; with ``report_every``, print the lesson's loss (MSE on all four) every so often."""
    X, y = load("gender")
    net = build(seed)
    callbacks = []
    if report_every:
        def report(state: Any) -> None:
            if state.epoch % report_every == 0:
                print(f"Epoch {state.epoch} loss: {state.network.loss(X, y):.3f}")

        callbacks.append(LambdaCallback(on_epoch_end=report))
    history = net.fit(X, y, epochs=epochs, batch_size=1, shuffle=False, optimizer=SGD(lr=0.1),
                      callbacks=callbacks)
    people = np.array([gender_inputs(weight_lb=128, height_in=63), gender_inputs(weight_lb=155, height_in=68)])
    emily, frank = net.predict(people)[:, 0]
    return {"seed": seed, "emily": float(emily), "frank": float(frank), "loss": history.loss,
            "final_mse": net.loss(X, y)}


def main(seed: int = 0) -> dict[str, Any]:
    result = train(seed, report_every=10)
    result["forward_example"] = forward_example()
    print(f"Emily: {result['emily']:.3f}  (F > 0.9)")
    print(f"Frank: {result['frank']:.3f}  (M < 0.1)")
    print(f"forward example (weights [0, 1], biases 0, x = [2, 3]): {result['forward_example']!r}")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    main(parser.parse_args().seed)
