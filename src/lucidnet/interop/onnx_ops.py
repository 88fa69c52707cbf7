"""ONNX graph pieces: a small builder over ``onnx.helper``, and each lucidnet activation as core ONNX operators.

Every activation of :data:`lucidnet.ACTIVATIONS` is written with the operators that compute lucidnet's own formula
(``activations.py``) in the model's dtype, so ONNX Runtime gives lucidnet's numbers:

- identity:    o = net  (no operator)
- sigmoid:     o = 1/(1 + e^min(−net, B)), B = 708 (float64) or 88 (float32)  (Neg, Min, Exp, Add, Reciprocal)
- tanh:        o = tanh(net)  (Tanh)
- relu:        o = max(0, net)  (Relu)
- leaky_relu:  o = net if net > 0 else α·net  (Greater, Mul, Where)
- elu:         o = net if net > 0 else α(e^min(net, 0) − 1)  (Greater, Min, Exp, Sub, Mul, Where)
- softplus:    o = max(net, 0) + ln(1 + e^(−|net|))  (Relu, Abs, Neg, Exp, Add, Log)
- silu:        o = net·σ(net), σ as for sigmoid  (Mul)
- gelu:        o = ½·net·(1 + tanh(√(2/π)·(net + 0.044715·net³))), the tanh form  (Mul, Add, Tanh)
- softmax:     o_j = e^(net_j) / Σ_l e^(net_l) per row  (Softmax, axis −1)
- maxout(k):   o_j = the largest of the k adjacent columns of unit j  (Reshape to (n, units, k), ReduceMax)

The operators follow lucidnet's formulas rather than ONNX's ready-made kernels where those differ: ONNX's
LeakyRelu and Elu take α as a float32 attribute (a float64 model's output would move in the 8th digit), and ONNX
Runtime's Sigmoid is a rational approximation whose float32 tail (o < 1e-7) is wrong by up to 100 %; written as
below, each activation is within a few ulps of lucidnet's. Three have a tail where lucidnet's own formula
cancels and only the absolute difference is small: ONNX has no expm1 or log1p, so elu computes e^net − 1 (near
net = 0) and softplus ln(1 + e^(−|net|)) (for |net| above ~17 in float32, ~37 in float64) to within one
rounding of 1, and gelu's 1 + tanh u cancels for net below about −5 in both.

The builder is NumPy-only until it runs: ``onnx`` is imported when a :class:`GraphBuilder` is made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..activations import EXP_MAX, Activation
from .extras import require

__all__ = ["ACTIVATION_EXPORTS", "GraphBuilder", "export_activation"]


class GraphBuilder:
    """The nodes and initializers of one ONNX graph; every value gets a fresh, readable name.

    Parameters
    ----------
    dtype : numpy dtype
        The model's float dtype: constants made by :meth:`const` and :meth:`scalar` have it unless told otherwise.
    """

    def __init__(self, dtype: Any) -> None:
        self.onnx = require("onnx", "ONNX export")
        self.dtype = np.dtype(dtype)
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._names: set[str] = set()
        self._scalars: dict[float, str] = {}

    def __repr__(self) -> str:
        return f"GraphBuilder({self.dtype}, {len(self.nodes)} nodes, {len(self.initializers)} initializers)"

    def fresh(self, hint: str) -> str:
        """``hint``, or ``hint_2``, ``hint_3`` … when taken: a name no other value of the graph has."""
        name, i = hint, 1
        while name in self._names:
            i += 1
            name = f"{hint}_{i}"
        self._names.add(name)
        return name

    def claim(self, name: str) -> str:
        """Reserve an exact name (a graph input or output); it must still be free."""
        if name in self._names:
            raise AssertionError(f"graph value name {name!r} is taken")
        self._names.add(name)
        return name

    def elem_type(self, dtype: Any = None) -> int:
        """The ONNX element type (TensorProto.DOUBLE, …) of ``dtype``, by default the model's."""
        dt = np.dtype(object) if dtype is str else np.dtype(self.dtype if dtype is None else dtype)
        return int(self.onnx.helper.np_dtype_to_tensor_dtype(dt))

    def const(self, hint: str, value: Any, dtype: Any = None, exact: bool = False) -> str:
        """An initializer holding ``value`` (cast to ``dtype``, by default the model's); returns its name."""
        arr = np.asarray(value, dtype=self.dtype if dtype is None else dtype)
        name = self.claim(hint) if exact else self.fresh(hint)
        self.initializers.append(self.onnx.numpy_helper.from_array(arr, name))
        return name

    def scalar(self, value: float) -> str:
        """A 0-d constant of the model's dtype, made once per value (broadcast by the elementwise operators)."""
        if value not in self._scalars:
            self._scalars[value] = self.const(f"c_{value:g}".replace("-", "minus").replace(".", "_"), value)
        return self._scalars[value]

    def op(self, op_type: str, inputs: Sequence[str], hint: str, exact: bool = False, **attrs: Any) -> str:
        """A node ``op_type(inputs)`` of the core ONNX domain with one output; returns the output's name."""
        out = self.claim(hint) if exact else self.fresh(hint)
        self.nodes.append(self.onnx.helper.make_node(op_type, list(inputs), [out], name=out, **attrs))
        return out


# --------------------------------------------------------------------------------------- the activations
# each: (graph, net, activation, where) -> the name of o; ``where`` prefixes the names ("layers.0")
Emitter = Callable[[GraphBuilder, str, Any, str], str]


def _identity(g: GraphBuilder, net: str, act: Any, where: str) -> str:
    return net


def _sigmoid(g: GraphBuilder, net: str, act: Any, where: str, out: str = "o") -> str:
    # lucidnet's stable form 1/(1 + e^min(−net, B)), B = activations.EXP_MAX: 708 (float64) or 88 (float32):
    # ONNX Runtime's Sigmoid kernel is a rational approximation whose float32 tail (o < 1e-7) is off by 100 %
    t = g.op("Min", [g.op("Neg", [net], f"{where}.neg_net"), g.scalar(float(EXP_MAX[g.dtype]))], f"{where}.t")
    one_plus = g.op("Add", [g.op("Exp", [t], f"{where}.exp_t"), g.scalar(1.0)], f"{where}.one_plus_exp_t")
    return g.op("Reciprocal", [one_plus], f"{where}.{out}")


def _tanh(g: GraphBuilder, net: str, act: Any, where: str) -> str:
    return g.op("Tanh", [net], f"{where}.o")


def _relu(g: GraphBuilder, net: str, act: Any, where: str) -> str:
    return g.op("Relu", [net], f"{where}.o")


def _leaky_relu(g: GraphBuilder, net: str, act: Any, where: str) -> str:
    positive = g.op("Greater", [net, g.scalar(0.0)], f"{where}.positive")
    scaled = g.op("Mul", [net, g.scalar(float(act.alpha))], f"{where}.alpha_net")
    return g.op("Where", [positive, net, scaled], f"{where}.o")


def _elu(g: GraphBuilder, net: str, act: Any, where: str) -> str:
    positive = g.op("Greater", [net, g.scalar(0.0)], f"{where}.positive")
    low = g.op("Min", [net, g.scalar(0.0)], f"{where}.min_net_0")  # e^net only where it cannot overflow
    em1 = g.op("Sub", [g.op("Exp", [low], f"{where}.exp"), g.scalar(1.0)], f"{where}.exp_minus_1")
    scaled = g.op("Mul", [em1, g.scalar(float(act.alpha))], f"{where}.alpha_exp_minus_1")
    return g.op("Where", [positive, net, scaled], f"{where}.o")


def _softplus(g: GraphBuilder, net: str, act: Any, where: str) -> str:
    relu = g.op("Relu", [net], f"{where}.relu")
    e = g.op("Exp", [g.op("Neg", [g.op("Abs", [net], f"{where}.abs")], f"{where}.neg_abs")], f"{where}.exp")
    log1p = g.op("Log", [g.op("Add", [e, g.scalar(1.0)], f"{where}.one_plus_exp")], f"{where}.log1p")
    return g.op("Add", [relu, log1p], f"{where}.o")


def _silu(g: GraphBuilder, net: str, act: Any, where: str) -> str:
    return g.op("Mul", [net, _sigmoid(g, net, act, where, "sigmoid")], f"{where}.o")


def _gelu(g: GraphBuilder, net: str, act: Any, where: str) -> str:
    # lucidnet's GELU: ½·net·(1 + tanh u), u = C·(net + A·net³), C = √(2/π), A = 0.044715 (GELU.C, GELU.A),
    # PyTorch's approximate="tanh"
    cube = g.op("Mul", [g.op("Mul", [net, net], f"{where}.net2"), net], f"{where}.net3")
    inner = g.op("Add", [net, g.op("Mul", [cube, g.scalar(act.A)], f"{where}.a_net3")], f"{where}.inner")
    t = g.op("Tanh", [g.op("Mul", [inner, g.scalar(act.C)], f"{where}.u")], f"{where}.tanh")
    half_net = g.op("Mul", [net, g.scalar(0.5)], f"{where}.half_net")
    return g.op("Mul", [half_net, g.op("Add", [t, g.scalar(1.0)], f"{where}.one_plus_tanh")], f"{where}.o")


def _softmax(g: GraphBuilder, net: str, act: Any, where: str) -> str:
    return g.op("Softmax", [net], f"{where}.o", axis=-1)


def _maxout(g: GraphBuilder, net: str, act: Any, where: str) -> str:
    # the k pieces of unit j are the adjacent columns j·k … j·k+k−1: (n, units·k) → (n, units, k) → max over k
    shape = g.const(f"{where}.pieces_shape", [0, -1, int(act.k)], dtype=np.int64)
    pieces = g.op("Reshape", [net, shape], f"{where}.pieces")
    axis = g.const(f"{where}.piece_axis", [2], dtype=np.int64)
    return g.op("ReduceMax", [pieces, axis], f"{where}.o", keepdims=0)


#: registry name -> how that activation is written in ONNX; the tests check it covers ``lucidnet.ACTIVATIONS``
ACTIVATION_EXPORTS: dict[str, Emitter] = {
    "identity": _identity, "sigmoid": _sigmoid, "tanh": _tanh, "relu": _relu, "leaky_relu": _leaky_relu,
    "elu": _elu, "softplus": _softplus, "silu": _silu, "gelu": _gelu, "softmax": _softmax, "maxout": _maxout,
}


def export_activation(g: GraphBuilder, net: str, act: Activation, where: str) -> str:
    """Add o = φ(net) to ``g`` for the activation object ``act``; returns the name of o."""
    emit = ACTIVATION_EXPORTS.get(act.name)
    if emit is None:
        raise ValueError(f"activation {act.name!r} has no ONNX export yet; exported are: "
                         f"{', '.join(ACTIVATION_EXPORTS)}")
    return emit(g, net, act, where)
