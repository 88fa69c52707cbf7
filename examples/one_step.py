"""One step of backpropagation, every quantity shown: the neuron lesson's 2-2-1 network on x = [2, 3], y = 1.

All weights [0, 1], all biases 0, E = ½·(o − y)², η = 0.1. ``trace`` runs the engine's own forward and backward
pass (no weight changes) and ``to_text`` prints net, o, δ, ∂E/∂w and −η·∂E/∂w per neuron, then the chain rule
for w₂₂ of layer 1 with its numbers. The same text comes from the command line:

    lucidnet explain --dataset gender --weight 1,2,1

Run: python examples/one_step.py
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lucidnet.neuron import Neuron, network_from_neurons
from lucidnet.trace import trace


def main() -> dict[str, Any]:
    net = network_from_neurons([[Neuron([0, 1], 0), Neuron([0, 1], 0)], [Neuron([0, 1], 0)]], loss="half_sse")
    t = trace(net, np.array([[2.0, 3.0]]), np.array([1.0]), lr=0.1)
    print(t.to_text(sample=0, weight=(1, 2, 2)))
    return {"o": float(t.layers[1].o[0, 0]), "E": t.E, "delta_out": float(t.layers[1].delta[0, 0]),
            "delta_hidden": t.layers[0].delta[0].tolist(), "grad_w22": float(t.layers[0].grad_W[1, 1]),
            "update_w22": float(t.layers[0].update_W[1, 1])}


if __name__ == "__main__":
    main()
