"""A single neuron, o = φ(Σ_i w_i·x_i + b), as a one-unit ``Dense`` layer of the engine.

The first lesson of every course starts from one neuron. Here it is the same object the engine trains: a
``Neuron`` *is* a ``Dense(n, 1)`` layer whose weights are the given numbers, so everything it computes
(``forward``, ``backward``, ``delta``, ``grad_W``) is the engine's own code, and it can join a ``Network``.
A hidden layer of several neurons is one ``Dense`` layer whose weight columns are the neurons' weights:
:func:`layer_from_neurons` stacks them, and :func:`network_from_neurons` chains such layers.

>>> Neuron(weights=[0, 1], bias=0).feedforward([2, 3])
0.9525741268224334
>>> h1 = h2 = o1 = Neuron([0, 1], 0)
>>> net = network_from_neurons([[h1, h2], [o1]])
>>> float(net.forward(np.array([[2.0, 3.0]]))[0, 0])
0.7216325609518421
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from .activations import Activation
from .layers import Dense
from .network import Network

__all__ = ["Neuron", "layer_from_neurons", "network_from_neurons"]


class Neuron(Dense):
    """o = φ(Σ_i w_i·x_i + b): one unit with n inputs, a ``Dense(n → 1)`` layer.

    Parameters
    ----------
    weights : sequence of float, length n
        w_1 … w_n, stored as the column ``W`` of shape (n, 1).
    bias : float
        b, stored as ``b`` of shape (1,).
    activation : str, dict or Activation
        φ, any name of ``lucidnet.ACTIVATIONS`` with one output per unit (sigmoid, relu, tanh, …).

    Examples
    --------
    >>> n = Neuron([0.5, -1.0], bias=0.25, activation="relu")
    >>> n
    Neuron(weights=[0.5, -1.0], bias=0.25, relu)
    >>> n.forward([4, 1])  # max(0, 0.5·4 − 1·1 + 0.25)
    1.25
    >>> n.forward(np.array([[4.0, 1.0], [0.0, 1.0]])).ravel().tolist()  # a batch: (n, 2) -> (n, 1)
    [1.25, 0.0]
    """

    def __init__(self, weights: Sequence[float] | np.ndarray, bias: float = 0.0,
                 activation: str | dict[str, Any] | Activation = "sigmoid") -> None:
        w = np.asarray(weights, dtype=np.float64) if _numeric(weights) else None
        if w is None or w.ndim != 1 or w.size == 0 or not np.isfinite(w).all():
            raise ValueError(f"weights must be a non-empty 1-D sequence of finite numbers, got {weights!r}")
        if isinstance(bias, bool) or not isinstance(bias, (int, float, np.integer, np.floating)) \
                or not np.isfinite(bias):
            raise ValueError(f"bias must be one finite number, got {bias!r}")
        super().__init__(w.size, 1, activation=activation, bias=True, init=w.reshape(-1, 1),
                         bias_init=float(bias))
        if self.activation.k != 1 or not self.activation.elementwise:
            raise ValueError(f"a Neuron needs an elementwise activation with one output, got {self.activation!r}")

    @property
    def weights(self) -> np.ndarray:
        """w_1 … w_n: a view of the column ``W[:, 0]`` (writing to it changes the neuron)."""
        assert self.W is not None
        return self.W[:, 0]

    def forward(self, x: Any, training: bool = False) -> Any:  # type: ignore[override]
        """o = φ(x·w + b): a 1-D sample (n,) gives a float, a batch (m, n) gives an (m, 1) array."""
        if isinstance(x, np.ndarray) and x.ndim == 2:  # the engine's path (inside a Network)
            return super().forward(x, training)
        sample = np.asarray(x, dtype=self.W.dtype if self.W is not None else np.float64)
        if sample.ndim == 2:
            return super().forward(sample, training)
        if sample.shape != (self.n_in,):
            raise ValueError(f"this neuron has {self.n_in} inputs; give a sample of shape ({self.n_in},) "
                             f"or a batch of shape (m, {self.n_in}), got shape {sample.shape}")
        return float(super().forward(sample.reshape(1, -1), training)[0, 0])

    feedforward = forward

    def __repr__(self) -> str:
        w = [float(v) for v in self.weights]
        b = float(self.b[0]) if self.b is not None else 0.0
        act = self.activation.name if not self.activation.params() else repr(self.activation)
        return f"Neuron(weights={w}, bias={b}, {act})"


def _numeric(value: Any) -> bool:
    try:
        arr = np.asarray(value)
    except ValueError:
        return False
    return arr.dtype != object and (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool)


def layer_from_neurons(neurons: Sequence[Neuron]) -> Dense:
    """Stack neurons side by side into one layer: W = [w⁽¹⁾ … w⁽ᵐ⁾] (n, m), b = [b⁽¹⁾ … b⁽ᵐ⁾].

    Neuron j becomes unit j: column j of ``W`` holds its weights. All neurons must share the input width
    and the activation. The layer gets copies, so training it leaves the neurons as they were.

    >>> layer = layer_from_neurons([Neuron([1, 2], 0.5), Neuron([3, 4], -0.5)])
    >>> layer
    Dense(2 → 2, sigmoid)
    >>> layer.W.tolist(), layer.b.tolist()
    ([[1.0, 3.0], [2.0, 4.0]], [0.5, -0.5])
    """
    neurons = list(neurons)
    if not neurons or not all(isinstance(n, Neuron) for n in neurons):
        raise TypeError(f"layer_from_neurons needs a non-empty list of Neuron objects, got {neurons!r}")
    first = neurons[0]
    for n in neurons[1:]:
        if n.n_in != first.n_in or n.activation != first.activation:
            raise ValueError(f"all neurons of a layer need the same number of inputs and activation; "
                             f"got {first!r} and {n!r}")
    W = np.column_stack([n.weights for n in neurons])
    b = np.array([float(n.b[0]) for n in neurons])  # type: ignore[index]
    return Dense(first.n_in, len(neurons), activation=first.activation, init=W, bias_init=b)


def network_from_neurons(layers: Sequence[Sequence[Neuron] | Neuron], loss: Any = "mse",
                         **network_kwargs: Any) -> Network:
    """A ``Network`` from lists of neurons, one list per layer (a single neuron is a one-unit layer).

    >>> net = network_from_neurons([[Neuron([0, 1]), Neuron([0, 1])], Neuron([0, 1])])
    >>> net.layers
    [Dense(2 → 2, sigmoid), Dense(2 → 1, sigmoid)]
    """
    built = [layer_from_neurons([item] if isinstance(item, Neuron) else item) for item in layers]
    for a, b in pairwise(built):
        if a.n_out != b.n_in:
            raise ValueError(f"a layer of {a.n_out} neurons feeds neurons with {b.n_in} inputs; they must match")
    return Network(built, loss=loss, **network_kwargs)
