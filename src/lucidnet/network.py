"""``Network``: a chain of layers, a loss, and backpropagation through them.

Forward:  o⁰ = x;  for each layer ℓ:  net^ℓ = o^(ℓ−1) W^ℓ + b^ℓ,  o^ℓ = φ_ℓ(net^ℓ).
Backward (the δ rule, any depth):  δ^L = ∂E/∂o^L ⊙ φ_L'(net^L)  (or the fused form for bce/sigmoid and
cross_entropy/softmax);  δ^ℓ = (δ^(ℓ+1) W^(ℓ+1)ᵀ) ⊙ φ_ℓ'(net^ℓ);  ∂E/∂W^ℓ = o^(ℓ−1)ᵀ δ^ℓ;  ∂E/∂b^ℓ = Σ_rows δ^ℓ.

With penalties:  E = loss(o, y) + λ₁·Σ|W| + ½λ₂·Σ W²  over every weight matrix (biases are not penalised).

A network is a model, not a hub. Its public surface is what any trainer or checker needs, and nothing more:

- :meth:`prepare` checks user data once and returns the arrays the engine works on;
- :meth:`backprop` runs forward and backward on prepared arrays (no checks: the hot path) and returns E;
  :meth:`evaluate` (E) and :meth:`output` (o) run forward alone on them, for a trainer's validation loss and
  metrics each epoch;
- :meth:`forward`, :meth:`predict`, :meth:`loss` and :meth:`loss_and_gradients` do the same on user data;
- :meth:`parameters` and :meth:`gradients` (aligned lists), ``theta`` (:class:`~lucidnet.parameters.Parameters`:
  θ in one vector, with the one-call update), ``loss_fn``, ``rng``, ``layers``.

``fit`` (:mod:`lucidnet.training`), ``trace`` (:mod:`lucidnet.trace`) and ``gradcheck`` are functions written on
that surface alone; ``net.fit(...)`` and ``net.trace(...)`` call them. Saving is :func:`lucidnet.io.save_model`.

>>> import numpy as np
>>> from lucidnet import Dense
>>> net = Network([Dense(2, 2, init=np.zeros((2, 2))), Dense(2, 1, init=np.zeros((2, 1)))], loss="half_sse")
>>> net
Network(2 → 2 → 1, loss=half_sse, dtype=float64)
>>> float(net.predict(np.array([[2.0, 3.0]]))[0, 0])
0.5
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import trace as _trace
from . import training
from .checks import as_2d_array, as_numeric, check_positive
from .display.diagram import network_html
from .display.style import Text
from .layers import Dense, Layer, get_layer
from .losses import Loss, get_loss
from .parameters import Parameters

if TYPE_CHECKING:
    from .callbacks import Callback, EarlyStopping, History
    from .optimizers import Optimizer
    from .trace import Trace

_DTYPES: dict[str, np.dtype] = {"float64": np.dtype(np.float64), "float32": np.dtype(np.float32)}


class Network:
    """A feed-forward network.

    Parameters
    ----------
    layers : sequence of Layer
        Kept as given (no copies) in ``net.layers``; consecutive widths must match. The last layer is ``Dense``.
    loss : str, dict or Loss
        A registry name (``lucidnet.LOSSES``), config dict or object.
    dtype : "float64" or "float32"
        Weights, activations and gradients all use it (inputs are cast once, at the boundary).
    seed : int, None or numpy Generator
        Seeds the network's generator ``net.rng``, which draws the initial weights, dropout masks and, unless
        ``fit`` gets a seed of its own, the shuffling order. Same seed, same run, bit for bit. A Generator is
        used as it is (its state moves on as the weights are drawn), for callers that keep one stream.
    l1, l2 : float
        Penalties λ₁·Σ|W| and ½λ₂·Σ W² added to E.

    Attributes
    ----------
    theta : Parameters
        θ = (W¹, b¹, W², …) as one vector, the layers' W and b being views of it, and ∂E/∂θ likewise.
    fused : bool
        True when the loss is computed from the output layer's ``net`` (bce after sigmoid, cross_entropy after
        softmax): exact where o saturates, and δ = o − y (scaled) directly.
    """

    def __init__(self, layers: Sequence[Layer], loss: str | dict[str, Any] | Loss = "mse",
                 dtype: str | np.dtype | type = "float64", seed: int | np.random.Generator | None = None,
                 l1: float = 0.0, l2: float = 0.0) -> None:
        _check_layers(layers)
        key = str(np.dtype(dtype)) if not isinstance(dtype, str) else dtype
        if key not in _DTYPES:
            raise ValueError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
        self.layers = list(layers)
        self.dtype: np.dtype = _DTYPES[key]
        self.seed = None if isinstance(seed, np.random.Generator) else seed
        self.rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self.loss_fn = get_loss(loss)
        self.l1 = check_positive("l1", l1, allow_zero=True)
        self.l2 = check_positive("l2", l2, allow_zero=True)
        for layer in self.layers:
            layer.initialize(self.rng, self.dtype)
        self._dense = [layer for layer in self.layers if isinstance(layer, Dense)]
        self.theta = Parameters(self._dense, self.dtype)
        self.fused = self.loss_fn.fuses_with(self.output_layer.activation)

    # ----------------------------------------------------------------- shapes and parameters
    @property
    def output_layer(self) -> Dense:
        """The last layer, the one whose o is the network's output."""
        return self._dense[-1]

    @property
    def n_in(self) -> int:
        return self.layers[0].n_in

    @property
    def n_out(self) -> int:
        return self.layers[-1].n_out

    def parameters(self) -> list[np.ndarray]:
        """The live parameter arrays W1, b1, W2, b2, … (absent biases skipped); optimizers update them in place."""
        return self.theta.arrays()

    def gradients(self) -> list[np.ndarray]:
        """∂E/∂W1, ∂E/∂b1, … of the last backward pass, aligned with ``parameters()`` (live, overwritten by the
        next pass: copy them to keep them)."""
        return self.theta.gradients()

    def parameter_names(self) -> list[str]:
        """Names aligned with ``parameters()``: "W1", "b1", "W2", … (numbered over Dense layers from 1)."""
        return list(self.theta.names)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of ``parameters()``."""
        return [p.copy() for p in self.parameters()]

    def set_weights(self, weights: Sequence[np.ndarray]) -> None:
        """Copy ``weights`` (aligned with ``parameters()``) into the live arrays, checking each shape."""
        params = self.parameters()
        if len(weights) != len(params):
            raise ValueError(f"expected {len(params)} arrays ({', '.join(self.parameter_names())}), got {len(weights)}")
        for name, p, w in zip(self.parameter_names(), params, weights):
            w = np.asarray(w)
            if w.shape != p.shape:
                raise ValueError(f"{name} must have shape {p.shape}, got {w.shape}")
            if not np.isfinite(w).all():
                raise ValueError(f"{name} contains NaN or infinity")
            p[...] = w

    def count_parameters(self) -> int:
        return self.theta.size

    # ----------------------------------------------------------------- data at the boundary
    def prepare(self, X: Any, y: Any, sample_weight: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Check user data once: (x, y, w) as the engine works on them.

        x (n, n_in) and y (n, n_out) C-contiguous in the network's dtype (class indices become one-hot rows
        under cross_entropy), w (n,) sample weights scaled to average 1, or None. Raises a clear error for
        anything wrong: ragged or non-numeric data, NaN, shapes that do not fit the network, bad weights.
        """
        x = as_2d_array("X", X, self.dtype, n_cols=self.n_in)
        t = self.loss_fn.prepare_targets(y, self.n_out, self.dtype)
        if len(t) != len(x):
            raise ValueError(f"X has {len(x)} samples but y has {len(t)}; they must match")
        return x, t, _sample_factors(sample_weight, len(x), self.dtype)

    # ----------------------------------------------------------------- forward, loss, gradients
    def _forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def forward(self, X: Any, training: bool = False) -> np.ndarray:
        """o, the output for inputs ``X`` (n, n_in) -> (n, n_out); dropout only with ``training=True``.
        Every layer keeps its x, net and o. One sample may be given as a 1-D array of n_in values (n_in > 1):
        ``net.forward([2, 3])`` is ``net.forward([[2, 3]])``, shape (1, n_out)."""
        return self._forward(as_2d_array("X", X, self.dtype, n_cols=self.n_in), training)

    def predict(self, X: Any) -> np.ndarray:
        """The network's output for ``X`` (n, n_in) -> (n, n_out): values, or probabilities after sigmoid/softmax.

        A single sample may be a 1-D array of n_in values when n_in > 1: ``net.predict([2, 3])`` gives (1, n_out).
        """
        return self.forward(X)

    def predict_classes(self, X: Any) -> np.ndarray:
        """Class indices (n,): argmax of the outputs, or o > 0.5 for a single output."""
        o = self.predict(X)
        return (o[:, 0] > 0.5).astype(np.int64) if o.shape[1] == 1 else o.argmax(axis=1)

    def _penalty(self) -> float:
        e = 0.0
        for layer in self._dense:
            if self.l1:
                e += self.l1 * float(np.abs(layer.W).sum())
            if self.l2:
                e += 0.5 * self.l2 * float(np.vdot(layer.W, layer.W))
        return e

    def output(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """o (n, n_out) for prepared inputs ``x`` (see :meth:`prepare`; nothing is checked here): :meth:`forward`
        without the checks, for data a trainer prepared once."""
        return self._forward(x, training)

    def evaluate(self, x: np.ndarray, y: np.ndarray, w: np.ndarray | None = None, penalty: bool = True) -> float:
        """E on prepared arrays (see :meth:`prepare`; nothing is checked here), without dropout: :meth:`loss`
        without the checks, for data a trainer prepared once. ``penalty=False`` leaves out the l1/l2 terms."""
        o = self._forward(x)
        e = self.loss_fn.value_from_net(self.output_layer.net, y, w) if self.fused else self.loss_fn.value(o, y, w)
        return e + self._penalty() if penalty and (self.l1 or self.l2) else e

    def loss(self, X: Any, y: Any, sample_weight: Any = None, penalty: bool = True) -> float:
        """E on (X, y) without dropout; ``penalty=False`` leaves out the l1/l2 terms (the data loss alone)."""
        return self.evaluate(*self.prepare(X, y, sample_weight), penalty=penalty)

    def backprop(self, x: np.ndarray, y: np.ndarray, w: np.ndarray | None = None, training: bool = False) -> float:
        """Forward and backward pass on prepared arrays (see :meth:`prepare`; nothing is checked here). Returns
        E; every layer then holds its δ and gradients, and ``gradients()`` / ``theta.grad`` hold ∂E/∂θ."""
        o = self._forward(x, training)
        layers = self.layers
        out = self._dense[-1]  # output_layer, without the property's call on this hot path
        last = len(layers) - 1
        loss = self.loss_fn
        grad: Any  # ∂E/∂o of the layer below: None only past the first layer, which never needs it
        if self.fused:
            e, delta = loss.value_and_delta_from_net(out.net, o, y, w)
            grad = out.backward_delta(delta, last > 0)
        else:
            e, g = loss.value_and_gradient(o, y, w)
            grad = out.backward(g, last > 0)
        for i in range(last - 1, -1, -1):
            grad = layers[i].backward(grad, i > 0)
        if self.l1 or self.l2:
            e += self._penalty()
            for layer in self._dense:
                if self.l1:
                    layer.grad_W += self.l1 * np.sign(layer.W)
                if self.l2:
                    layer.grad_W += self.l2 * layer.W
        return e

    def loss_and_gradients(self, X: Any, y: Any, sample_weight: Any = None) -> tuple[float, list[np.ndarray]]:
        """(E, [∂E/∂W1, ∂E/∂b1, …]) aligned with ``parameters()``, without dropout; the arrays are fresh copies."""
        e = self.backprop(*self.prepare(X, y, sample_weight), training=False)
        return e, [g.copy() for g in self.gradients()]

    # ----------------------------------------------------------------- training and tracing (functions below)
    def fit(self, X: Any, y: Any, epochs: int, batch_size: int | None = None,
            optimizer: Optimizer | str | dict[str, Any] | None = None, shuffle: bool = True,
            seed: int | None = None, validation_data: tuple[Any, ...] | None = None,
            validation_split: float = 0.0, callbacks: Sequence[Callback] = (),
            early_stopping: int | EarlyStopping | None = None, metrics: Sequence[str] = (),
            sample_weight: Any = None, progress: bool = False) -> History:
        """Train with mini-batch gradient descent; see :func:`lucidnet.training.fit` for every argument."""
        return training.fit(self, X, y, epochs, batch_size=batch_size, optimizer=optimizer, shuffle=shuffle,
                            seed=seed, validation_data=validation_data, validation_split=validation_split,
                            callbacks=callbacks, early_stopping=early_stopping, metrics=metrics,
                            sample_weight=sample_weight, progress=progress)

    def trace(self, X: Any, y: Any, lr: float = 0.1) -> Trace:
        """Every quantity of one forward and backward pass (x, net, o, δ, grad_W, grad_b, −η·grad), weights unchanged.

        See :func:`lucidnet.trace.trace`; ``trace.to_text()`` prints it in the lessons' notation.
        """
        return _trace.trace(self, X, y, lr=lr)

    def save(self, path: Any, **extra: Any) -> Any:
        """Removed in lucidnet 0.2: use ``lucidnet.save_model(net, path)`` (io builds on the network, so the
        network cannot reach down into it)."""
        raise AttributeError("Network.save was removed in lucidnet 0.2: use lucidnet.save_model(net, path)")

    # ----------------------------------------------------------------- description
    def get_config(self) -> dict[str, Any]:
        """A JSON-able description of the architecture (no weights)."""
        return {
            "layers": [layer.get_config() for layer in self.layers],
            "loss": self.loss_fn.get_config(),
            "dtype": str(self.dtype),
            "l1": self.l1,
            "l2": self.l2,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], seed: int | None = None, dtype: Any = None) -> Network:
        """Build a network from ``get_config()`` output, with freshly drawn weights."""
        try:
            layers = [get_layer(c) for c in config["layers"]]
            return cls(layers, loss=config["loss"], dtype=dtype or config.get("dtype", "float64"), seed=seed,
                       l1=config.get("l1", 0.0), l2=config.get("l2", 0.0))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a lucidnet network config: {exc!r}") from None

    def summary(self) -> str:
        """A table of the layers, their shapes and parameter counts (a ``str`` that a notebook shows as text)."""
        rows = [("layer", "output", "parameters")]
        for layer in self.layers:
            rows.append((repr(layer), f"(n, {layer.n_out})", str(sum(p.size for p in layer.parameters()))))
        rows.append((f"loss: {self.loss_fn.name}", f"dtype: {self.dtype}", f"total {self.count_parameters()}"))
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        return Text("\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows))

    def _repr_html_(self) -> str:
        """The diagram Jupyter shows: ``lucidnet.display.diagram.network_html(self)``."""
        return str(network_html(self))

    def __repr__(self) -> str:
        sizes = " → ".join(str(n) for n in [self.n_in] + [layer.n_out for layer in self._dense])
        return f"Network({sizes}, loss={self.loss_fn.name}, dtype={self.dtype})"


def _check_layers(layers: Any) -> None:
    """Raise a clear error unless ``layers`` is a non-empty list of layers that fit together (Dense first and
    last); Dropout layers take the width of the layer before."""
    if isinstance(layers, Layer) or not isinstance(layers, (list, tuple)):
        raise TypeError("layers must be a list of layers, e.g. [Dense(2, 3), Dense(3, 1)]")
    if not layers:
        raise ValueError("a Network needs at least one layer")
    for i, layer in enumerate(layers):
        if not isinstance(layer, Layer):
            raise TypeError(f"layers[{i}] is {layer!r}, not a lucidnet layer (Dense or Dropout)")
    if not isinstance(layers[-1], Dense):
        raise ValueError(f"the last layer must be Dense (it produces the output), got {layers[-1]!r}")
    if not isinstance(layers[0], Dense):
        raise ValueError(f"the first layer must be Dense (it fixes the input width), got {layers[0]!r}")
    width = None
    for i, layer in enumerate(layers):
        if isinstance(layer, Dense):
            if width is not None and layer.n_in != width:
                raise ValueError(f"layers[{i}] {layer!r} takes {layer.n_in} inputs but the layer before gives {width}")
            width = layer.n_out
        else:
            layer.n_in = layer.n_out = width  # type: ignore[assignment]


def _sample_factors(sample_weight: Any, n: int, dtype: np.dtype) -> np.ndarray | None:
    """Sample weights (n,) scaled to average 1, or None."""
    if sample_weight is None:
        return None
    w = as_numeric("sample_weight", sample_weight).astype(np.float64)
    if w.ndim != 1 or len(w) != n:
        raise ValueError(f"sample_weight must have shape ({n},), got {w.shape}")
    if not np.isfinite(w).all() or (w < 0).any() or not w.any():
        raise ValueError("sample_weight must be finite, >= 0, and not all zero")
    w = w / w.max()  # into [0, 1] first, so that the sum cannot overflow however large the weights are
    w *= n / w.sum()
    return w.astype(dtype)
