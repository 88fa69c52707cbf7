"""Activation functions φ, each beside its derivative.

Notation (docs/notation.md): a layer computes ``net = x W + b`` and ``o = φ(net)``. Every activation offers

- ``forward(net) -> o``
- ``backward(net, o, grad_o) -> grad_net``: the vector-Jacobian product ``∂E/∂net = (∂E/∂o)·(∂o/∂net)``.

For an elementwise φ the Jacobian is diagonal, so ``backward`` is ``grad_o * derivative(net, o)``; softmax
(each output depends on its whole row) and maxout (k pieces per unit) override ``backward`` and fit the same
interface. ``k`` is the number of ``net`` columns per output unit (1, except for maxout).

Derivatives at kinks follow PyTorch: relu'(0) = 0, leaky_relu'(0) = α, elu'(0) = α.

Shapes: ``net`` is ``(n, n_out·k)`` and ``o`` is ``(n, n_out)``, with samples as rows.

>>> import numpy as np
>>> Sigmoid().forward(np.array([[0.0, 3.0]]))
array([[0.5       , 0.95257413]])
>>> get_activation({"name": "leaky_relu", "alpha": 0.1})
LeakyReLU(alpha=0.1)
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from .checks import check_int, check_positive
from .registry import Configurable, from_spec


def _constant(value: float, dtype: Any) -> np.ndarray:
    """``value`` as a read-only 0-d array of ``dtype``.

    NumPy converts a Python scalar operand on every call, which costs about 0.3 µs: as long as the whole
    operation takes on a small array. A 0-d array of the operand's own dtype is used as it is (and, unlike a
    float64 one, never promotes a float32 array).
    """
    a = np.array(value, dtype=dtype)
    a.flags.writeable = False
    return a


_FLOATS = (np.dtype(np.float64), np.dtype(np.float32), np.dtype(np.float16))
#: 1 in each float dtype
_ONE = {dt: _constant(1, dt) for dt in _FLOATS}
#: exp(t) is finite for t <= this bound; sigmoid clamps its exponent there instead of overflowing (the ONNX
#: export's sigmoid reads the same bounds)
EXP_MAX = {dt: _constant(bound, dt) for dt, bound in zip(_FLOATS, (708.0, 88.0, 11.0))}


class Activation(Configurable):
    """Base class: an activation φ with its forward pass and its vector-Jacobian product.

    Each class carries its own text (what traces, ``lucidnet explain``, the playground and the docs print) and
    the facts about itself that other parts decide on, so adding an activation is a change to this file only.
    """

    #: net columns per output unit
    k: int = 1
    #: True when ∂o_i/∂net_j = 0 for i != j, so ``derivative`` exists
    elementwise: ClassVar[bool] = True
    #: the symbol of φ in the lessons' notation
    symbol: ClassVar[str] = "φ"
    #: o = φ(net), written out
    formula: ClassVar[str] = ""
    #: φ'(net), written out (for the non-elementwise ones: the Jacobian)
    derivative_formula: ClassVar[str] = ""
    #: (low, high) when o is bounded by two asymptotes (saturation is o near one of them), else None
    bounds: ClassVar[tuple[float, float] | None] = None
    #: True when φ'(net) = 0 for every net ≤ 0, so a unit that is off for every sample gets no gradient
    can_die: ClassVar[bool] = False
    #: True when the outputs form a distribution over units (one unit per class, at least two units)
    one_unit_per_class: ClassVar[bool] = False

    def forward(self, net: np.ndarray) -> np.ndarray:
        """o = φ(net). ``net`` (n, n_out·k) -> ``o`` (n, n_out)."""
        raise NotImplementedError

    def derivative(self, net: np.ndarray, o: np.ndarray) -> np.ndarray:
        """∂o/∂net, elementwise, from the cached ``net`` and ``o``."""
        raise NotImplementedError

    def backward(self, net: np.ndarray, o: np.ndarray, grad_o: np.ndarray) -> np.ndarray:
        """∂E/∂net = ∂E/∂o ⊙ φ'(net) (elementwise case)."""
        return grad_o * self.derivative(net, o)


class Identity(Activation):
    """o = net;  id'(net) = 1.

    ``forward`` returns ``net`` itself (no copy).
    """

    name = "identity"
    symbol = "id"
    formula = "o = net"
    derivative_formula = "id'(net) = 1"

    def forward(self, net: np.ndarray) -> np.ndarray:
        return net

    def derivative(self, net: np.ndarray, o: np.ndarray) -> np.ndarray:
        return np.ones_like(net)

    def backward(self, net: np.ndarray, o: np.ndarray, grad_o: np.ndarray) -> np.ndarray:
        return grad_o


class Sigmoid(Activation):
    """o = 1/(1 + e^(−net));  σ'(net) = o·(1 − o).

    The exponent is clamped where e^(−net) would overflow (net < −708 in float64), which changes o by less
    than the smallest normal number: no overflow warning, no NaN.
    """

    name = "sigmoid"
    symbol = "σ"
    formula = "o = 1/(1 + e^(−net))"
    derivative_formula = "σ'(net) = o·(1 − o)"
    bounds = (0.0, 1.0)

    def forward(self, net: np.ndarray) -> np.ndarray:
        t = np.negative(net)
        np.minimum(t, EXP_MAX.get(t.dtype, 708.0), out=t)
        np.exp(t, out=t)
        np.add(t, _ONE.get(t.dtype, 1), out=t)
        return np.reciprocal(t, out=t)

    def derivative(self, net: np.ndarray, o: np.ndarray) -> np.ndarray:
        return o * (1 - o)

    def backward(self, net: np.ndarray, o: np.ndarray, grad_o: np.ndarray) -> np.ndarray:
        g = np.subtract(_ONE.get(o.dtype, 1), o)  # 1 − o
        g *= o
        g *= grad_o
        return g


class Tanh(Activation):
    """o = tanh(net);  tanh'(net) = 1 − o²."""

    name = "tanh"
    symbol = "tanh"
    formula = "o = tanh(net)"
    derivative_formula = "tanh'(net) = 1 − o²"
    bounds = (-1.0, 1.0)

    def forward(self, net: np.ndarray) -> np.ndarray:
        return np.tanh(net)

    def derivative(self, net: np.ndarray, o: np.ndarray) -> np.ndarray:
        return 1 - o * o

    def backward(self, net: np.ndarray, o: np.ndarray, grad_o: np.ndarray) -> np.ndarray:
        g = o * o
        np.subtract(_ONE.get(g.dtype, 1), g, out=g)  # 1 − o²
        g *= grad_o
        return g


class ReLU(Activation):
    """o = max(0, net);  relu'(net) = 1 if net > 0 else 0.

    At the kink relu'(0) = 0, as in PyTorch.
    """

    name = "relu"
    symbol = "relu"
    formula = "o = max(0, net)"
    derivative_formula = "relu'(net) = 1 if net > 0 else 0"
    can_die = True

    def forward(self, net: np.ndarray) -> np.ndarray:
        return np.maximum(net, 0)

    def derivative(self, net: np.ndarray, o: np.ndarray) -> np.ndarray:
        return (net > 0).astype(net.dtype)

    def backward(self, net: np.ndarray, o: np.ndarray, grad_o: np.ndarray) -> np.ndarray:
        return grad_o * (net > 0)  # a boolean mask: ~10x faster than np.where(net > 0, grad_o, 0)


class LeakyReLU(Activation):
    """o = net if net > 0 else α·net;  lrelu'(net) = 1 if net > 0 else α.

    At the kink lrelu'(0) = α, as in PyTorch.
    """

    name = "leaky_relu"
    symbol = "lrelu"
    formula = "o = net if net > 0 else α·net"
    derivative_formula = "lrelu'(net) = 1 if net > 0 else α"

    def __init__(self, alpha: float = 0.01) -> None:
        self.alpha = check_positive("leaky_relu alpha", alpha, allow_zero=True)

    def params(self) -> dict[str, Any]:
        return {"alpha": self.alpha}

    def forward(self, net: np.ndarray) -> np.ndarray:
        return np.where(net > 0, net, net * self.alpha)

    def derivative(self, net: np.ndarray, o: np.ndarray) -> np.ndarray:
        one, alpha = net.dtype.type(1), net.dtype.type(self.alpha)
        return np.where(net > 0, one, alpha)

    def backward(self, net: np.ndarray, o: np.ndarray, grad_o: np.ndarray) -> np.ndarray:
        return np.where(net > 0, grad_o, grad_o * self.alpha)


class ELU(Activation):
    """o = net if net > 0 else α·(e^net − 1);  elu'(net) = 1 if net > 0 else o + α.

    e^net is only evaluated on min(net, 0), so it cannot overflow.
    """

    name = "elu"
    symbol = "elu"
    formula = "o = net if net > 0 else α·(e^net − 1)"
    derivative_formula = "elu'(net) = 1 if net > 0 else o + α"

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = check_positive("elu alpha", alpha, allow_zero=True)

    def params(self) -> dict[str, Any]:
        return {"alpha": self.alpha}

    def forward(self, net: np.ndarray) -> np.ndarray:
        return np.where(net > 0, net, self.alpha * np.expm1(np.minimum(net, 0)))

    def derivative(self, net: np.ndarray, o: np.ndarray) -> np.ndarray:
        return np.where(net > 0, net.dtype.type(1), o + self.alpha)


class Softplus(Activation):
    """o = ln(1 + e^net);  softplus'(net) = σ(net).

    Computed as max(net, 0) + ln(1 + e^(−|net|)), which cannot overflow.
    """

    name = "softplus"
    symbol = "softplus"
    formula = "o = ln(1 + e^net)"
    derivative_formula = "softplus'(net) = σ(net)"

    def forward(self, net: np.ndarray) -> np.ndarray:
        return np.maximum(net, 0) + np.log1p(np.exp(-np.abs(net)))

    def derivative(self, net: np.ndarray, o: np.ndarray) -> np.ndarray:
        return _SIGMOID.forward(net)


class SiLU(Activation):
    """o = net·σ(net);  silu'(net) = σ(net)·(1 + net·(1 − σ(net))).

    Also called swish; PyTorch's ``nn.SiLU``.
    """

    name = "silu"
    symbol = "silu"
    formula = "o = net·σ(net)"
    derivative_formula = "silu'(net) = σ(net)·(1 + net·(1 − σ(net)))"

    def forward(self, net: np.ndarray) -> np.ndarray:
        return net * _SIGMOID.forward(net)

    def derivative(self, net: np.ndarray, o: np.ndarray) -> np.ndarray:
        s = _SIGMOID.forward(net)
        return s * (1 + net * (1 - s))


class GELU(Activation):
    """o = ½·net·(1 + tanh u),  u = √(2/π)·(net + 0.044715·net³);
    gelu'(net) = ½·(1 + tanh u) + ½·net·(1 − tanh² u)·√(2/π)·(1 + 3·0.044715·net²).

    PyTorch's ``GELU(approximate="tanh")``.
    """

    name = "gelu"
    symbol = "gelu"
    formula = "o = ½·net·(1 + tanh u),  u = √(2/π)·(net + 0.044715·net³)"
    derivative_formula = "gelu'(net) = ½·(1 + tanh u) + ½·net·(1 − tanh² u)·√(2/π)·(1 + 3·0.044715·net²)"
    #: u = C·(net + A·net³): the constants of the tanh approximation (the ONNX export reads them too)
    C: ClassVar[float] = math.sqrt(2.0 / math.pi)
    A: ClassVar[float] = 0.044715

    def forward(self, net: np.ndarray) -> np.ndarray:
        t = np.tanh(self.C * (net + self.A * net**3))
        return 0.5 * net * (1 + t)

    def derivative(self, net: np.ndarray, o: np.ndarray) -> np.ndarray:
        t = np.tanh(self.C * (net + self.A * net**3))
        return 0.5 * (1 + t) + 0.5 * net * (1 - t * t) * self.C * (1 + 3 * self.A * net * net)


class Softmax(Activation):
    """o_j = e^(net_j) / Σ_l e^(net_l);  ∂o_j/∂net_i = o_j·(1[i = j] − o_i).

    The row maximum is subtracted before exp, so it never overflows. The Jacobian is not diagonal, so
    ``backward`` is the row-wise product  grad_net = o ⊙ (grad_o − Σ_l grad_o_l·o_l).
    """

    name = "softmax"
    symbol = "softmax"
    formula = "o_j = e^(net_j) / Σ_l e^(net_l)"
    derivative_formula = "∂o_j/∂net_i = o_j·(1[i = j] − o_i)"
    one_unit_per_class = True
    elementwise = False

    def forward(self, net: np.ndarray) -> np.ndarray:
        e = net - net.max(axis=1, keepdims=True)
        np.exp(e, out=e)
        e /= e.sum(axis=1, keepdims=True)
        return e

    def backward(self, net: np.ndarray, o: np.ndarray, grad_o: np.ndarray) -> np.ndarray:
        s = np.einsum("ij,ij->i", grad_o, o)[:, None]
        return o * (grad_o - s)


class Maxout(Activation):
    """o_j = max_p net_(j,p);  ∂o_j/∂net_(j,p) = 1 for the (first) largest piece p, else 0.

    The pieces of unit j are the k adjacent columns j·k … j·k+k−1 of ``net``, so a maxout ``Dense(n_in, n_out)``
    has ``W`` of shape (n_in, n_out·k).
    """

    name = "maxout"
    symbol = "maxout"
    formula = "o_j = max_p net_(j,p)"
    derivative_formula = "∂o_j/∂net_(j,p) = 1 for the (first) largest piece p, else 0"
    elementwise = False

    def __init__(self, k: int = 2) -> None:
        self.k = check_int("maxout k", k, minimum=1)

    def params(self) -> dict[str, Any]:
        return {"k": self.k}

    def forward(self, net: np.ndarray) -> np.ndarray:
        n, width = net.shape
        return net.reshape(n, width // self.k, self.k).max(axis=2)

    def backward(self, net: np.ndarray, o: np.ndarray, grad_o: np.ndarray) -> np.ndarray:
        n, width = net.shape
        pieces = net.reshape(n, width // self.k, self.k)
        winner = pieces.argmax(axis=2)[:, :, None]
        grad = np.zeros_like(pieces)
        np.put_along_axis(grad, winner, grad_o[:, :, None], axis=2)
        return grad.reshape(n, width)


_SIGMOID = Sigmoid()

#: name -> class; every activation lucidnet knows, read by the tests, the CLI, model files and the playground
ACTIVATIONS: dict[str, type[Activation]] = {
    cls.name: cls
    for cls in (Identity, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Softplus, SiLU, GELU, Softmax, Maxout)
}


def get_activation(spec: str | dict[str, Any] | Activation) -> Activation:
    """Return an activation object from a registry name, a ``get_config()`` dict or an object (returned as is)."""
    return from_spec("activation", spec, ACTIVATIONS, Activation)
