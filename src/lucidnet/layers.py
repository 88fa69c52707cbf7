"""Layers: ``Dense`` (net = x W + b, o = φ(net)) and ``Dropout``.

A layer keeps what the math names, as public attributes, so a learner can look at any of them after a step:

- after ``forward(x)``: ``x`` (n, n_in), ``net`` (n, n_out·k), ``o`` (n, n_out)
- after ``backward(grad_o)``: ``delta`` = ∂E/∂net (n, n_out·k), ``grad_W`` = xᵀδ (n_in, n_out·k),
  ``grad_b`` = Σ_rows δ (n_out·k,); the return value is ∂E/∂x = δ Wᵀ, the ``grad_o`` of the layer below.

Gradients are overwritten by each ``backward``, never accumulated, so nothing needs zeroing. Inside a
``Network`` the overwriting is in place, as with PyTorch's ``.grad``: W and b are views of one parameter
vector θ and grad_W, grad_b of one gradient vector (so an optimizer without per-parameter state updates
the whole network in one call); copy a gradient to keep it past the next step. Layers hold no
links to each other; the ``Network`` passes values between them. Samples are rows. Note that PyTorch's
``nn.Linear`` stores its weight transposed, as (n_out, n_in): ``W = linear.weight.T``.

>>> import numpy as np
>>> layer = Dense(2, 1, activation="sigmoid", init=np.array([[0.0], [1.0]]))
>>> layer
Dense(2 → 1, sigmoid)
>>> layer.forward(np.array([[2.0, 3.0]]))
array([[0.95257413]])
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from .activations import Activation, get_activation
from .checks import check_finite, check_int, check_positive
from .initializers import Initializer, get_initializer
from .registry import from_spec


class Layer:
    """Base class of the layers a ``Network`` chains; ``name`` is its registry name (:data:`LAYERS`)."""

    name: ClassVar[str] = ""
    #: input and output widths (set for Dropout by the Network)
    n_in: int
    n_out: int

    def initialize(self, rng: np.random.Generator, dtype: Any) -> None:
        """Draw the parameters (if any) from ``rng`` in ``dtype``; called by ``Network``."""

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """x (n, n_in) -> o (n, n_out)."""
        raise NotImplementedError

    def backward(self, grad_o: np.ndarray, need_grad_x: bool = True) -> np.ndarray | None:
        """∂E/∂o (n, n_out) -> ∂E/∂x (n, n_in); stores this layer's gradients."""
        raise NotImplementedError

    def parameters(self) -> list[np.ndarray]:
        """The live parameter arrays (updated in place by optimizers)."""
        return []

    def gradients(self) -> list[np.ndarray]:
        """The gradients from the last ``backward``, aligned with ``parameters()``."""
        return []

    def get_config(self) -> dict[str, Any]:
        """``{"name": ..., **constructor arguments}`` (no weights), which :func:`get_layer` builds back."""
        raise NotImplementedError


class Dense(Layer):
    """A fully connected layer: net = x W + b, o = φ(net).

    Parameters
    ----------
    n_in, n_out : int
        Input and output widths.
    activation : str, dict or Activation
        A registry name (``lucidnet.ACTIVATIONS``), a config dict or an object such as ``LeakyReLU(alpha=0.1)``.
    bias : bool
        Whether the layer has a bias b.
    init : str, Initializer or array of shape (n_in, n_out·k)
        How W is drawn when the layer joins a ``Network`` (from the network's seeded generator), or the
        explicit starting weights.
    bias_init : None, str, float or array of shape (n_out·k,)
        None: the initializer's own rule (see ``lucidnet.initializers``); a registry name: that initializer's
        bias rule; a number or array: explicit starting biases.

    Attributes
    ----------
    W : ndarray (n_in, n_out·k)
        The weights, writable; k = 1 except for maxout (k pieces per unit).
    b : ndarray (n_out·k,) or None
    """

    name = "dense"

    def __init__(
        self,
        n_in: int,
        n_out: int,
        activation: str | dict[str, Any] | Activation = "sigmoid",
        bias: bool = True,
        init: str | Initializer | np.ndarray | list[Any] = "glorot_uniform",
        bias_init: str | float | np.ndarray | list[Any] | None = None,
    ) -> None:
        self.n_in = check_int("n_in", n_in)
        self.n_out = check_int("n_out", n_out)
        self.activation = get_activation(activation)
        self.bias = bool(bias)
        width = self.n_out * self.activation.k
        self._W0: np.ndarray | None = None
        self._b0: np.ndarray | None = None
        if isinstance(init, (str, Initializer)):
            self.init: Initializer | str = get_initializer(init)
        else:
            self._W0 = _explicit("init", init, (self.n_in, width))
            self.init = "explicit"
        self._bias_rule: Initializer | None = None
        if bias_init is not None:
            if isinstance(bias_init, (str, Initializer)):
                self._bias_rule = get_initializer(bias_init)
            elif np.ndim(bias_init) == 0:
                self._b0 = np.full(width, check_finite("bias_init", bias_init))
            else:
                self._b0 = _explicit("bias_init", bias_init, (width,))
        self.W: Any = None  # ndarray once initialised
        self.b: Any = None
        # where backward writes grad_W and grad_b: views of the network's ∂E/∂θ (see ``place``)
        self._grad_W_out: np.ndarray | None = None
        self._grad_b_out: np.ndarray | None = None
        if self._W0 is not None:  # explicit weights: usable at once, before joining a network
            self.initialize(np.random.default_rng(0), np.float64)
        self._clear()

    def _clear(self) -> None:
        # what the last forward and backward computed (None before them)
        self.x: Any = None
        self.net: Any = None
        self.o: Any = None
        self.delta: Any = None
        self.grad_W: Any = None
        self.grad_b: Any = None

    def initialize(self, rng: np.random.Generator, dtype: Any) -> None:
        """Draw W and b from ``rng`` (or take the explicit ones) in ``dtype``."""
        width = self.n_out * self.activation.k
        if self._W0 is not None:
            self.W = self._W0.astype(dtype, copy=True)
        else:
            assert isinstance(self.init, Initializer)
            self.W = np.ascontiguousarray(self.init.weights((self.n_in, width), rng, dtype))
        if not self.bias:
            self.b = None
        elif self._b0 is not None:
            self.b = self._b0.astype(dtype, copy=True)
        else:
            rule = self._bias_rule or (self.init if isinstance(self.init, Initializer) else None)
            self.b = (
                rule.bias(self.n_in, width, rng, dtype) if rule is not None else np.zeros(width, dtype=dtype)
            )
        self._grad_W_out = self._grad_b_out = None
        self._clear()

    def place(self, theta: np.ndarray, grad: np.ndarray, offset: int) -> int:
        """Move W and b into the vector ``theta`` from ``offset`` on (as views, values unchanged), and take the
        same places of ``grad`` for grad_W and grad_b; returns the offset after them. Called by
        :class:`~lucidnet.parameters.Parameters`, which owns the layout."""
        for name, out in (("W", "_grad_W_out"), ("b", "_grad_b_out")):
            p = getattr(self, name)
            if p is None:
                continue
            view = theta[offset:offset + p.size].reshape(p.shape)
            view[...] = p
            setattr(self, name, view)
            setattr(self, out, grad[offset:offset + p.size].reshape(p.shape))
            offset += p.size
        return offset

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """o = φ(x W + b). Stores ``x``, ``net`` and ``o``."""
        if self.W is None:
            raise RuntimeError(f"{self!r} has no weights yet: add it to a Network (or call initialize(rng, dtype))")
        self.x = x
        net = np.dot(x, self.W)  # np.dot: the same BLAS product as x @ W, with 0.4 µs less overhead per call
        if self.b is not None:
            net += self.b
        self.net = net
        self.o = self.activation.forward(net)
        return self.o

    def backward(self, grad_o: np.ndarray, need_grad_x: bool = True) -> np.ndarray | None:
        """δ = ∂E/∂net = φ'-VJP(grad_o); then the gradients of W, b and x (see ``backward_delta``)."""
        if self.net is None:
            raise RuntimeError("backward() called before forward(): run forward(x) first so the layer has x, net and o")
        return self.backward_delta(self.activation.backward(self.net, self.o, grad_o), need_grad_x)

    def backward_delta(self, delta: np.ndarray, need_grad_x: bool = True) -> np.ndarray | None:
        """Given δ = ∂E/∂net: grad_W = xᵀδ, grad_b = Σ_rows δ, and return ∂E/∂x = δ Wᵀ (None if not needed)."""
        if self.x is None:
            raise RuntimeError("backward() called before forward(): run forward(x) first so the layer has x, net and o")
        self.delta = delta
        x, gW = self.x, self._grad_W_out
        try:  # into the network's ∂E/∂θ (lucidnet.parameters), when this layer is in one
            self.grad_W = np.dot(x.T, delta, out=gW)
        except ValueError:  # called by hand with another dtype than the network's: a fresh array
            self.grad_W = np.dot(x.T, delta)
            gW = None
        if self.b is not None:  # = delta.sum(axis=0), without its Python wrapper
            gb = self._grad_b_out if gW is not None else None
            self.grad_b = np.add.reduce(delta, axis=0, out=gb)
        return np.dot(delta, self.W.T) if need_grad_x else None  # type: ignore[union-attr]

    def parameters(self) -> list[np.ndarray]:
        assert self.W is not None
        return [self.W] if self.b is None else [self.W, self.b]

    def gradients(self) -> list[np.ndarray]:
        if self.grad_W is None:
            raise RuntimeError("no gradients yet: run forward and backward first")
        return [self.grad_W] if self.b is None else [self.grad_W, self.grad_b]  # type: ignore[list-item]

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "n_in": self.n_in,
            "n_out": self.n_out,
            "activation": self.activation.get_config(),
            "bias": self.bias,
        }

    def __repr__(self) -> str:
        act = self.activation.name
        if self.activation.params():
            act = repr(self.activation)
        extra = "" if self.bias else ", bias=False"
        return f"Dense({self.n_in} → {self.n_out}, {act}{extra})"


class Dropout(Layer):
    """Inverted dropout: while fitting, o = x ⊙ m / (1 − p) with m_ij ~ Bernoulli(1 − p); otherwise o = x.

    Scaling by 1/(1 − p) during training keeps the expected activation unchanged, so nothing is rescaled at
    inference. The mask is drawn from the network's seeded generator.
    """

    name = "dropout"

    def __init__(self, p: float) -> None:
        p = check_positive("dropout p", p, allow_zero=True)
        if p >= 1:
            raise ValueError(f"dropout p must be in [0, 1), got {p}")
        self.p = p
        self.n_in = self.n_out = 0  # set by the Network from the layer before
        self._rng: np.random.Generator | None = None
        self.x: Any = None
        self.o: Any = None
        self.mask: Any = None

    def initialize(self, rng: np.random.Generator, dtype: Any) -> None:
        self._rng = rng
        self.x = self.o = self.mask = None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self.x = x
        if training and self.p > 0:
            if self._rng is None:
                raise RuntimeError("Dropout has no random generator yet: add it to a Network")
            keep = self._rng.random(x.shape) >= self.p
            self.mask = keep.astype(x.dtype) * x.dtype.type(1 / (1 - self.p))
            self.o = x * self.mask
        else:
            self.mask = None
            self.o = x
        return self.o

    def backward(self, grad_o: np.ndarray, need_grad_x: bool = True) -> np.ndarray | None:
        if self.x is None:
            raise RuntimeError("backward() called before forward()")
        return grad_o if self.mask is None else grad_o * self.mask

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "p": self.p}

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"


def _explicit(name: str, value: Any, shape: tuple[int, ...]) -> np.ndarray:
    arr = np.array(value, dtype=np.float64)
    if arr.shape != shape:
        raise ValueError(f"{name} array has shape {arr.shape}, expected {shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} array contains NaN or infinity")
    return arr


#: name -> class; the layers a network (and a model file) can hold
LAYERS: dict[str, type[Layer]] = {cls.name: cls for cls in (Dense, Dropout)}


def get_layer(spec: str | dict[str, Any] | Layer) -> Layer:
    """A layer from a ``get_config()`` dict (weights are set separately) or a layer (returned as is)."""
    return from_spec("layer", spec, LAYERS, Layer)
