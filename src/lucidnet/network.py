"""``Network``: a chain of layers, a loss, and backpropagation through them.

Forward:  o⁰ = x;  for each layer l:  net^l = o^(l−1) W^l + b^l,  o^l = φ_l(net^l).
Backward (the δ rule, any depth):  δ^L = ∂E/∂o^L ⊙ φ_L'(net^L)  (or the fused form for bce/sigmoid and
cross_entropy/softmax);  δ^l = (δ^(l+1) W^(l+1)ᵀ) ⊙ φ_l'(net^l);  ∂E/∂W^l = o^(l−1)ᵀ δ^l;  ∂E/∂b^l = Σ_rows δ^l.

With penalties:  E = loss(o, y) + λ₁·Σ|W| + ½λ₂·Σ W²  over every weight matrix (biases are not penalised).

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

from .display.diagram import network_html
from .display.style import Text
from .errors import as_2d_array, check_positive
from .layers import Dense, Layer, layer_from_config
from .losses import Loss, get_loss

if TYPE_CHECKING:
    from .callbacks import Callback, EarlyStopping, History
    from .optimizers import Optimizer

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
    seed : int or None
        Seeds the network's generator ``net.rng``, which draws the initial weights, dropout masks and, unless
        ``fit`` gets a seed of its own, the shuffling order. Same seed, same run, bit for bit.
    l1, l2 : float
        Penalties λ₁·Σ|W| and ½λ₂·Σ W² added to E.
    """

    def __init__(self, layers: Sequence[Layer], loss: str | dict[str, Any] | Loss = "mse",
                 dtype: str | np.dtype | type = "float64", seed: int | None = None,
                 l1: float = 0.0, l2: float = 0.0) -> None:
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
                    raise ValueError(
                        f"layers[{i}] {layer!r} takes {layer.n_in} inputs but the layer before gives {width}"
                    )
                width = layer.n_out
            else:
                layer.n_in = layer.n_out = width  # type: ignore[assignment]
        key = str(np.dtype(dtype)) if not isinstance(dtype, str) else dtype
        if key not in _DTYPES:
            raise ValueError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
        self.layers = list(layers)
        self.dtype: np.dtype = _DTYPES[key]
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.loss_fn = get_loss(loss)
        self.l1 = check_positive("l1", l1, allow_zero=True)
        self.l2 = check_positive("l2", l2, allow_zero=True)
        for layer in self.layers:
            layer.initialize(self.rng, self.dtype)
        self._dense = [layer for layer in self.layers if isinstance(layer, Dense)]
        self._pack()
        self._check_output()

    def _pack(self) -> None:
        """Lay the parameters out in one contiguous vector θ = (W1, b1, W2, …) and the gradients in another.

        Each layer's W and b become views of θ (same values) and its backward writes grad_W and grad_b into
        the same places of ∂E/∂θ, so an optimizer that keeps no per-parameter state updates the whole network
        with one call on two vectors instead of one per array (on the lessons' networks, NumPy's cost per
        call is most of a step).
        """
        total = sum(p.size for layer in self._dense for p in layer.parameters())
        self._theta = np.empty(total, dtype=self.dtype)
        self._grad = np.zeros(total, dtype=self.dtype)
        offset = 0
        for layer in self._dense:
            offset = layer._place(self._theta, self._grad, offset)
        self._packed = self.parameters()

    def _flat(self) -> tuple[list[np.ndarray], list[np.ndarray]] | None:
        """([θ], [∂E/∂θ]) while every parameter still is its view of θ, else None (say a layer joined another
        network, which re-initialised it)."""
        params = self.parameters()
        if len(params) != len(self._packed) or any(p is not q or p.base is not self._theta
                                                    for p, q in zip(params, self._packed)):
            return None
        return [self._theta], [self._grad]

    def __setstate__(self, state: dict[str, Any]) -> None:
        # pickle and copy.deepcopy give each array its own memory, so the views of θ are views no more: lay
        # the copied values out in a vector of the copy's own
        self.__dict__.update(state)
        self._pack()

    def _check_output(self) -> None:
        out = self.layers[-1]
        assert isinstance(out, Dense)
        self._fused = self.loss_fn.fuses_with(out.activation)

    # ----------------------------------------------------------------- shapes and parameters
    @property
    def n_in(self) -> int:
        return self.layers[0].n_in

    @property
    def n_out(self) -> int:
        return self.layers[-1].n_out

    def parameters(self) -> list[np.ndarray]:
        """The live parameter arrays W1, b1, W2, b2, … (absent biases skipped); optimizers update them in place."""
        return [p for layer in self.layers for p in layer.parameters()]

    def parameter_names(self) -> list[str]:
        """Names aligned with ``parameters()``: "W1", "b1", "W2", … (numbered over Dense layers from 1)."""
        names = []
        for i, layer in enumerate(self._dense, start=1):
            names.append(f"W{i}")
            if layer.b is not None:
                names.append(f"b{i}")
        return names

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
        return sum(p.size for p in self.parameters())

    # ----------------------------------------------------------------- forward, loss, gradients
    def _forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def _check_x(self, X: Any, name: str = "X") -> np.ndarray:
        return as_2d_array(name, X, self.dtype, n_cols=self.n_in)

    def _check_xy(self, X: Any, y: Any, sample_weight: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        x = self._check_x(X)
        t = self.loss_fn.prepare_targets(y, self.n_out, self.dtype)
        if len(t) != len(x):
            raise ValueError(f"X has {len(x)} samples but y has {len(t)}; they must match")
        return x, t, self._sample_factors(sample_weight, len(x))

    def _sample_factors(self, sample_weight: Any, n: int) -> np.ndarray | None:
        """Sample weights scaled to average 1, or None."""
        if sample_weight is None:
            return None
        w = np.asarray(sample_weight, dtype=np.float64)
        if w.ndim != 1 or len(w) != n:
            raise ValueError(f"sample_weight must have shape ({n},), got {w.shape}")
        if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
            raise ValueError("sample_weight must be finite, >= 0, and not all zero")
        return (w * (n / w.sum())).astype(self.dtype)

    def forward(self, X: Any) -> np.ndarray:
        """o, the output for inputs ``X`` (n, n_in) -> (n, n_out), without dropout. Layers keep x, net, o."""
        return self._forward(self._check_x(X))

    def predict(self, X: Any) -> np.ndarray:
        """The network's output for ``X`` (n, n_in) -> (n, n_out): values, or probabilities after sigmoid/softmax."""
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

    def _data_loss(self, x: np.ndarray, t: np.ndarray, w: np.ndarray | None = None) -> float:
        """E of the outputs alone, without penalties (fused from the logits where the loss fuses)."""
        o = self._forward(x)
        out = self.layers[-1]
        return self.loss_fn.value_from_net(out.net, t, w) if self._fused else self.loss_fn.value(o, t, w)

    def _loss(self, x: np.ndarray, t: np.ndarray, w: np.ndarray | None = None) -> float:
        e = self._data_loss(x, t, w)
        return e + self._penalty() if (self.l1 or self.l2) else e

    def loss(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """E on (X, y), penalties included, without dropout."""
        return self._loss(*self._check_xy(X, y, sample_weight))

    def _backprop(self, x: np.ndarray, t: np.ndarray, w: np.ndarray | None, training: bool) -> float:
        """Forward and backward pass; every layer then holds its δ and gradients. Returns E."""
        o = self._forward(x, training)
        layers = self.layers
        out = layers[-1]
        last = len(layers) - 1
        loss = self.loss_fn
        if self._fused:
            e, delta = loss.value_and_delta_from_net(out.net, o, t, w)
            grad = out.backward_delta(delta, last > 0)
        else:
            e, g = loss.value_and_gradient(o, t, w)
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

    def _gradients(self) -> list[np.ndarray]:
        return [g for layer in self.layers for g in layer.gradients()]

    def loss_and_gradients(self, X: Any, y: Any, sample_weight: Any = None) -> tuple[float, list[np.ndarray]]:
        """(E, [∂E/∂W1, ∂E/∂b1, …]) aligned with ``parameters()``, without dropout; the arrays are fresh copies."""
        e = self._backprop(*self._check_xy(X, y, sample_weight), training=False)
        return e, [g.copy() for g in self._gradients()]

    # ----------------------------------------------------------------- training
    def fit(self, X: Any, y: Any, epochs: int, batch_size: int | None = None,
            optimizer: Optimizer | str | dict[str, Any] | None = None, shuffle: bool = True,
            seed: int | None = None, validation_data: tuple[Any, ...] | None = None,
            validation_split: float = 0.0, callbacks: Sequence[Callback] = (),
            early_stopping: int | EarlyStopping | None = None, metrics: Sequence[str] = (),
            sample_weight: Any = None, progress: bool = False) -> History:
        """Train with mini-batch gradient descent; see ``lucidnet.training.fit`` for every argument."""
        from .training import fit

        return fit(self, X, y, epochs, batch_size=batch_size, optimizer=optimizer, shuffle=shuffle, seed=seed,
                   validation_data=validation_data, validation_split=validation_split, callbacks=callbacks,
                   early_stopping=early_stopping, metrics=metrics, sample_weight=sample_weight, progress=progress)

    def trace(self, X: Any, y: Any, lr: float = 0.1) -> Any:
        """Every quantity of one forward and backward pass (x, net, o, δ, grad_W, grad_b, −η·grad), weights unchanged.

        See ``lucidnet.trace.trace``; ``trace.to_text()`` prints it in the lessons' notation.
        """
        from .trace import trace

        return trace(self, X, y, lr=lr)

    def save(self, path: Any, **extra: Any) -> Any:
        """Write this network to a ``.safetensors`` model file, atomically; see ``lucidnet.io.save_model``."""
        from .io import save_model

        return save_model(self, path, **extra)

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
            layers = [layer_from_config(c) for c in config["layers"]]
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

