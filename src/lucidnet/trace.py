"""One step of backpropagation, every quantity shown: ``trace(net, X, y)`` and ``lucidnet explain``.

For each Dense layer ℓ = 1 … L (layer 0 is the input, o⁽⁰⁾ = x) and sample k:

    net_j = Σ_i w_ij·o_i + b_j,   o_j = φ(net_j)
    output units:  δ_j = ∂E/∂o_j · φ'(net_j)        hidden units:  δ_j = (Σ_l δ_l·w_jl)·φ'(net_j)
    ∂E/∂w_ij = Σ_k δ_j·o_i,   ∂E/∂b_j = Σ_k δ_j,   and the update Δw = −η·∂E/∂w.

The quantities are the engine's own: ``trace`` runs ``net.loss_and_gradients`` (which changes no weight) and
reads what each layer stored (``x``, ``net``, ``o``, ``delta``, ``grad_W``, ``grad_b``). Indices in the text
follow the lessons: layers and units count from 1, and w_0j is the bias b_j (its input o_0 = 1), so weight
(ℓ, i, j) is ``trace.layers[ℓ-1].W[i-1, j-1]``. Samples are rows and count from 0.

>>> import numpy as np
>>> from lucidnet import Dense, Network
>>> net = Network([Dense(2, 1, init=np.array([[0.0], [1.0]]), bias_init=0.0)], loss="half_sse")
>>> t = trace(net, [[2.0, 3.0]], [1.0], lr=0.5)
>>> round(t.E, 6), t.layers[0].grad_W.ravel().round(6).tolist()
(0.001125, [-0.004285, -0.006428])
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from .errors import check_positive
from .layers import Dense

__all__ = ["LayerTrace", "Trace", "configure_explain_parser", "run_explain", "trace"]


@dataclass(frozen=True, eq=False)
class LayerTrace:
    """The quantities of one Dense layer in one forward and backward pass (rows are samples).

    Attributes
    ----------
    index : int
        ℓ, counting Dense layers from 1.
    layer : str
        The layer's repr, e.g. ``Dense(2 → 2, sigmoid)``.
    activation : str
        Registry name of φ.
    W : ndarray (n_in, n_out·k);  b : ndarray (n_out·k,) or None
        The weights used (copies).
    x : ndarray (n, n_in)
        The layer's input o⁽ℓ⁻¹⁾.
    net : ndarray (n, n_out·k);  o : ndarray (n, n_out)
    delta : ndarray (n, n_out·k)
        δ = ∂E/∂net.
    grad_W : ndarray (n_in, n_out·k);  grad_b : ndarray (n_out·k,) or None
        ∂E/∂W = xᵀδ (plus the l1/l2 penalty terms), ∂E/∂b = Σ_rows δ.
    update_W, update_b
        −η·grad_W and −η·grad_b: what one plain gradient-descent step adds.
    """

    index: int
    layer: str
    activation: str
    W: np.ndarray
    b: np.ndarray | None
    x: np.ndarray
    net: np.ndarray
    o: np.ndarray
    delta: np.ndarray
    grad_W: np.ndarray
    grad_b: np.ndarray | None
    update_W: np.ndarray
    update_b: np.ndarray | None
    elementwise: bool = True
    derivative: np.ndarray | None = None  # φ'(net), (n, n_out), for elementwise activations

    def __repr__(self) -> str:
        return f"LayerTrace({self.index}, {self.layer}, n={len(self.x)})"


@dataclass(frozen=True, eq=False)
class Trace:
    """One forward and backward pass: ``layers`` (one :class:`LayerTrace` per Dense layer), E and η.

    Attributes
    ----------
    layers : list of LayerTrace
    E : float
        The loss of the whole batch, penalties included.
    eta : float
        η, the learning rate of the updates.
    loss : str
        Registry name of the loss.
    y : ndarray (n, m)
        The targets as the loss sees them (one-hot rows for class indices under cross_entropy).
    dE_do : ndarray (n, m)
        ∂E/∂o of the output layer (for a fused loss the engine uses δ directly; this is shown for reference).
    fused : bool
        True when the loss is fused with the output activation (bce + sigmoid, cross_entropy + softmax).
    network : str
        The network's repr.
    l1, l2 : float
        The network's penalties (their gradients are part of ``grad_W``).
    """

    layers: list[LayerTrace]
    E: float
    eta: float
    loss: str
    y: np.ndarray
    dE_do: np.ndarray
    fused: bool
    network: str
    l1: float = 0.0
    l2: float = 0.0

    @property
    def n(self) -> int:
        """Number of samples in the batch."""
        return int(self.y.shape[0])

    def __repr__(self) -> str:
        return f"Trace({self.network}, n={self.n}, E={self.E:.6g}, eta={self.eta:g})"

    def to_dict(self) -> dict[str, Any]:
        """Every quantity as plain lists and floats (JSON-able), layers in order."""

        def arr(a: np.ndarray | None) -> Any:
            return None if a is None else np.asarray(a, dtype=np.float64).tolist()

        return {
            "network": self.network, "loss": self.loss, "E": float(self.E), "eta": float(self.eta),
            "n": self.n, "fused": self.fused, "l1": self.l1, "l2": self.l2,
            "y": arr(self.y), "dE_do": arr(self.dE_do),
            "layers": [
                {"index": t.index, "layer": t.layer, "activation": t.activation, "W": arr(t.W), "b": arr(t.b),
                 "x": arr(t.x), "net": arr(t.net), "o": arr(t.o), "delta": arr(t.delta),
                 "grad_W": arr(t.grad_W), "grad_b": arr(t.grad_b), "update_W": arr(t.update_W),
                 "update_b": arr(t.update_b)}
                for t in self.layers
            ],
        }

    def to_text(self, sample: int = 0, weight: tuple[int, int, int] | None = None, max_items: int = 12) -> str:
        """The pass in the lessons' notation, per neuron, for sample ``sample``; optionally the chain rule of
        one weight ``(ℓ, i, j)`` (counting from 1, i = 0 for the bias b_j) written out with its numbers.

        Wide layers are cut short: at most ``max_items`` units per layer and terms per sum, and 4·max_items
        gradient lines per layer (``to_dict()`` has every number)."""
        if isinstance(max_items, bool) or not isinstance(max_items, (int, np.integer)) or max_items < 1:
            raise ValueError(f"max_items must be an integer >= 1, got {max_items!r}")
        return _Text(self, check_sample(self, sample), check_weight(self, weight), int(max_items)).render()


def check_sample(t: Trace, sample: Any) -> int:
    """Return ``sample`` as a valid row index of the traced batch, or raise a clear error."""
    if isinstance(sample, bool) or not isinstance(sample, (int, np.integer)):
        raise TypeError(f"sample must be an integer row index, got {sample!r}")
    if not 0 <= sample < t.n:
        raise ValueError(f"sample must be in 0 … {t.n - 1} (the batch has {t.n} rows), got {sample}")
    return int(sample)


def check_weight(t: Trace, weight: Any) -> tuple[int, int, int] | None:
    """Return ``(ℓ, i, j)`` after checking it names a weight (1-based; i = 0 is the bias), or raise."""
    if weight is None:
        return None
    try:
        layer, i, j = (int(v) for v in weight)
    except (TypeError, ValueError):
        raise ValueError(f"weight must be three integers (layer, i, j), got {weight!r}") from None
    if not 1 <= layer <= len(t.layers):
        raise ValueError(f"weight layer must be in 1 … {len(t.layers)} (Dense layers, counted from 1), got {layer}")
    lt = t.layers[layer - 1]
    n_in, width = lt.W.shape
    low = 0 if lt.b is not None else 1
    if not low <= i <= n_in:
        extra = " (0 is the bias)" if lt.b is not None else " (this layer has no bias)"
        raise ValueError(f"weight i must be in {low} … {n_in} for layer {layer}{extra}, got {i}")
    if not 1 <= j <= width:
        raise ValueError(f"weight j must be in 1 … {width} for layer {layer}, got {j}")
    return layer, i, j


def trace(net: Any, X: Any, y: Any, lr: float = 0.1) -> Trace:
    """The quantities of one forward and backward pass of ``net`` on (X, y); no weight changes.

    Parameters
    ----------
    net : Network
    X : array (n, n_in);  y : targets as ``Network.fit`` takes them
    lr : float > 0
        η, for the updates ``update_W = −η·grad_W``.

    Returns
    -------
    Trace
    """
    eta = check_positive("learning rate", lr)
    E, _ = net.loss_and_gradients(X, y)  # runs the engine's forward and backward; layers keep the values
    dense = [layer for layer in net.layers if isinstance(layer, Dense)]
    out = dense[-1]
    t = net.loss_fn.prepare_targets(y, net.n_out, net.dtype)
    if t.ndim == 1:  # class indices under cross_entropy: the one-hot rows the loss compares with
        t = np.eye(net.n_out, dtype=net.dtype)[t.astype(np.int64)]
    fused = net.loss_fn.fuses_with(out.activation)
    with np.errstate(divide="ignore", invalid="ignore"):
        dE_do = np.asarray(net.loss_fn.gradient(out.o, t))
    layers: list[LayerTrace] = []
    for index, layer in enumerate(dense, start=1):
        act = layer.activation
        elementwise = bool(act.elementwise and act.k == 1)
        x, net_, o, delta, gW, W = layer.x, layer.net, layer.o, layer.delta, layer.grad_W, layer.W
        assert x is not None and net_ is not None and o is not None and delta is not None
        assert gW is not None and W is not None
        gb = None if layer.grad_b is None or layer.b is None else np.array(layer.grad_b)
        layers.append(LayerTrace(
            index=index, layer=repr(layer), activation=act.name, W=W.copy(),
            b=None if layer.b is None else layer.b.copy(), x=np.array(x), net=np.array(net_), o=np.array(o),
            delta=np.array(delta), grad_W=gW.copy(), grad_b=gb, update_W=-eta * gW,
            update_b=None if gb is None else -eta * gb,
            elementwise=elementwise, derivative=act.derivative(net_, o) if elementwise else None,
        ))
    return Trace(layers=layers, E=float(E), eta=eta, loss=net.loss_fn.name, y=np.array(t), dE_do=dE_do,
                 fused=fused, network=repr(net), l1=float(net.l1), l2=float(net.l2))


# ------------------------------------------------------------------------------------------------ the text

_LOSS_TEXT = {  # E and ∂E/∂o_j in the lessons' notation (k: samples, j: outputs, n samples, m outputs)
    "sse": ("E = Σ_k Σ_j (o_kj − y_kj)²", "2·(o_j − y_j)"),
    "half_sse": ("E = ½·Σ_k Σ_j (o_kj − y_kj)²", "o_j − y_j"),
    "mse": ("E = (1/(n·m))·Σ_k Σ_j (o_kj − y_kj)²", "2·(o_j − y_j)/(n·m)"),
    "mae": ("E = (1/(n·m))·Σ_k Σ_j |o_kj − y_kj|", "sign(o_j − y_j)/(n·m)"),
    "huber": ("E = (1/(n·m))·Σ_k Σ_j h(o_kj − y_kj)", "h'(o_j − y_j)/(n·m)"),
    "bce": ("E = −(1/(n·m))·Σ_k Σ_j (y·ln o + (1 − y)·ln(1 − o))", "(o_j − y_j)/(o_j·(1 − o_j)·n·m)"),
    "cross_entropy": ("E = −(1/n)·Σ_k Σ_j y_kj·ln o_kj", "−y_j/(n·o_j)"),
}
_PHI = {"sigmoid": ("σ", "σ'(net) = o·(1 − o)"), "tanh": ("tanh", "tanh'(net) = 1 − o²"),
        "relu": ("relu", "relu'(net) = 1 if net > 0 else 0"), "identity": ("id", "id'(net) = 1")}
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sup(layer: int) -> str:
    return "⁽" + str(layer).translate(_SUP) + "⁾"


def _sub(*idx: int) -> str:
    sep = "," if any(i >= 10 for i in idx) else ""
    return sep.join(str(i).translate(_SUB) for i in idx)


def _num(v: float) -> str:
    return f"{float(v) + 0.0:.6g}"  # + 0.0 turns −0 into 0


def _factor(v: float) -> str:
    """A number as a factor of a product: negatives in parentheses."""
    s = _num(v)
    return f"({s})" if s.startswith("-") else s


class _Text:
    """Builds the text of :meth:`Trace.to_text` (one method per section)."""

    def __init__(self, t: Trace, k: int, weight: tuple[int, int, int] | None, max_items: int = 12) -> None:
        self.t, self.k, self.weight, self.max = t, k, weight, max_items
        self.lines: list[str] = []

    def units(self, n: int) -> range:
        return range(min(n, self.max))

    def more(self, n: int, what: str, indent: str = "    ") -> None:
        if n > self.max:
            self.lines.append(f"{indent}… {n - self.max} more {what} (trace.to_dict() has them all)")

    def sum_of(self, terms: list[str]) -> str:
        if len(terms) <= self.max:
            return " + ".join(terms)
        return " + ".join(terms[:self.max]) + f" + … ({len(terms) - self.max} more terms)"

    def render(self) -> str:
        t, k = self.t, self.k
        formula, _ = _LOSS_TEXT.get(t.loss, (f"E = {t.loss}(o, y)", ""))
        penalty = (" + λ₁·Σ|w|" if t.l1 else "") + (" + ½λ₂·Σw²" if t.l2 else "")
        x0 = t.layers[0].x[k]
        plural = "s" if t.n > 1 else ""
        self.lines += [
            f"One step of backpropagation: {t.network}",
            f"{formula}{penalty} = {_num(t.E)}   (loss {t.loss}, n = {t.n} sample{plural})   η = {t.eta:g}",
            f"sample k = {k}:  x = {_vec(x0, self.max)}   y = {_vec(t.y[k], self.max)}",
            ("indices: layer ℓ (0 is the input), units i, j from 1; w_ij joins unit i of layer ℓ−1 to unit j "
             "of layer ℓ; w_0j is the bias b_j"),
            "",
            "Forward   net_j = Σ_i w_ij·o_i + b_j,   o_j = φ(net_j)",
        ]
        for lt in t.layers:
            self.forward(lt)
        self.lines += ["", "Backward   δ_j = ∂E/∂net_j"]
        for lt in reversed(t.layers):
            self.backward(lt)
        self.lines += ["", (f"Gradients   ∂E/∂w_ij = Σ_k δ_j·o_i,   ∂E/∂b_j = Σ_k δ_j,   update Δw = −η·∂E/∂w "
                            f"(η = {t.eta:g})")]
        if t.n > 1:
            self.lines.append(f"  (each line: sample {k}'s term δ_j·o_i, then the sum over the {t.n} samples)")
        if t.l1 or t.l2:
            self.lines.append("  (the batch gradients include the penalty terms"
                              + (f" λ₁·sign(w), λ₁ = {t.l1:g}" if t.l1 else "")
                              + (f" λ₂·w, λ₂ = {t.l2:g}" if t.l2 else "") + ")")
        for lt in t.layers:
            self.gradients(lt)
        if self.weight is not None:
            self.lines.append("")
            self.chain(*self.weight)
        return "\n".join(self.lines)

    # -- forward
    def forward(self, lt: LayerTrace) -> None:
        k, s = self.k, _sup(lt.index)
        self.lines.append(f"  layer {lt.index}: {lt.layer}" + ("   (inputs o_i⁽⁰⁾ = x_i)" if lt.index == 1 else ""))
        sym = _PHI.get(lt.activation, (lt.activation, ""))[0]
        if not lt.elementwise:
            self.lines.append(f"    net{s} = {_vec(lt.net[k], self.max)}")
            self.lines.append(f"    o{s} = {lt.activation}(net{s}) = {_vec(lt.o[k], self.max)}")
            return
        n_in, n_out = lt.W.shape
        for j in self.units(n_out):
            terms = [f"{_factor(lt.W[i, j])}·{_factor(lt.x[k, i])}" for i in range(n_in)]
            bias = f" + {_factor(lt.b[j])}" if lt.b is not None else ""
            self.lines.append(f"    net{_sub(j + 1)}{s} = {self.sum_of(terms)}{bias} = {_num(lt.net[k, j])}")
            self.lines.append(f"    o{_sub(j + 1)}{s}   = {sym}({_num(lt.net[k, j])}) = {_num(lt.o[k, j])}")
        self.more(n_out, "units")

    # -- backward
    def backward(self, lt: LayerTrace) -> None:
        t, k, s = self.t, self.k, _sup(lt.index)
        last = lt.index == len(t.layers)
        phi_text = _PHI.get(lt.activation, (lt.activation, f"{lt.activation}'(net)"))[1]
        if last:
            if t.fused:
                self.lines.append(f"  layer {lt.index} (output), {t.loss} fused with {lt.activation}: δ_j = ∂E/∂net_j "
                                  "computed from net directly (exact where o saturates)")
            elif lt.elementwise:
                _, d_text = _LOSS_TEXT.get(t.loss, ("", "∂E/∂o_j"))
                self.lines.append(f"  layer {lt.index} (output): δ_j = ∂E/∂o_j · φ'(net_j),  ∂E/∂o_j = {d_text},  "
                                  f"{phi_text}")
            else:
                self.lines.append(f"  layer {lt.index} (output): δ = (∂o/∂net)ᵀ·∂E/∂o  ({lt.activation} is not "
                                  "elementwise: each o depends on the whole row of net)")
        else:
            above = t.layers[lt.index]
            if lt.elementwise:
                self.lines.append(f"  layer {lt.index} (hidden): δ_j = (Σ_l δ_l{_sup(lt.index + 1)}·w_jl"
                                  f"{_sup(lt.index + 1)})·φ'(net_j),  {phi_text}")
            else:
                self.lines.append(f"  layer {lt.index} (hidden): δ = (∂o/∂net)ᵀ·(δ{_sup(above.index)}·"
                                  f"W{_sup(above.index)}ᵀ)  ({lt.activation} is not elementwise)")
        if not lt.elementwise:
            self.lines.append(f"    δ{s} = {_vec(lt.delta[k], self.max)}")
            return
        for j in self.units(lt.W.shape[1]):
            self.lines.append(f"    δ{_sub(j + 1)}{s} = {self.delta_expression(lt, j)} = {_num(lt.delta[k, j])}")
        self.more(lt.W.shape[1], "units")

    def delta_expression(self, lt: LayerTrace, j: int) -> str:
        """δ_j written with its numbers: ∂E/∂o_j·φ'(net_j) (output) or (Σ_l δ_l·w_jl)·φ'(net_j) (hidden)."""
        t, k = self.t, self.k
        assert lt.derivative is not None
        d = _factor(lt.derivative[k, j])
        if lt.index == len(t.layers):
            if t.fused:
                return f"∂E/∂net{_sub(j + 1)}"
            return f"{_factor(t.dE_do[k, j])}·{d}"
        above = t.layers[lt.index]
        terms = [f"{_factor(above.delta[k, m])}·{_factor(above.W[j, m])}" for m in range(above.W.shape[1])]
        inner = self.sum_of(terms)
        return f"({inner})·{d}" if len(terms) > 1 else f"{inner}·{d}"

    # -- gradients
    def gradients(self, lt: LayerTrace) -> None:
        t, k, s = self.t, self.k, _sup(lt.index)
        self.lines.append(f"  layer {lt.index}")
        n_in, width = lt.W.shape
        rows = [(i + 1, j, lt.x[k, i], lt.grad_W[i, j], lt.update_W[i, j]) for i in range(n_in) for j in range(width)]
        if lt.b is not None:
            assert lt.grad_b is not None and lt.update_b is not None
            rows += [(0, j, 1.0, lt.grad_b[j], lt.update_b[j]) for j in range(width)]
        limit = 4 * self.max
        for i, j, o_i, g, u in rows[:limit]:
            name = f"∂E/∂w{_sub(i, j + 1)}{s}" if i else f"∂E/∂b{_sub(j + 1)}{s}"
            term = lt.delta[k, j] * o_i
            if i:
                product = f"δ{_sub(j + 1)}{s}·o{_sub(i)}{_sup(lt.index - 1)} = " \
                          f"{_factor(lt.delta[k, j])}·{_factor(o_i)} = {_num(term)}"
            else:
                product = f"δ{_sub(j + 1)}{s} = {_num(term)}"
            if t.n > 1:
                self.lines.append(f"    {name}: {product};  Σ_k = {_num(g)};  Δ = {_num(u)}")
            else:
                self.lines.append(f"    {name} = {product};  Δ = −η·{name} = {_num(u)}")
        if len(rows) > limit:
            self.lines.append(f"    … {len(rows) - limit} more parameters (trace.to_dict() has them all)")

    # -- the chain rule of one weight
    def chain(self, layer: int, i: int, j: int) -> None:
        t, k = self.t, self.k
        lt = t.layers[layer - 1]
        s, sj = _sup(layer), _sub(j)
        name = f"w{_sub(i, j)}{s}" if i else f"b{sj}{s}"
        o_i = 1.0 if i == 0 else lt.x[k, i - 1]
        o_name = "1" if i == 0 else f"o{_sub(i)}{_sup(layer - 1)}"
        self.lines.append(f"Chain rule for {name}, sample {k}:")
        self.lines.append(f"  ∂E/∂{name} = ∂E/∂net{sj}{s} · ∂net{sj}{s}/∂{name} = δ{sj}{s} · {o_name}")
        self.lines.append(" " * len(f"  ∂E/∂{name} ") + f"= {_factor(lt.delta[k, j - 1])} · {_factor(o_i)} = {_num(lt.delta[k, j - 1] * o_i)}"
                          + (f"   (this sample's term; Σ_k over the batch = "
                             f"{_num(lt.grad_W[i - 1, j - 1] if i else lt.grad_b[j - 1])})"  # type: ignore[index]
                             if t.n > 1 else ""))
        # δ of unit j, then of every unit above it, back to the output
        self.lines.append("  where")
        for m in range(layer, len(t.layers) + 1):
            cur = t.layers[m - 1]
            units = [j - 1] if m == layer else self.units(cur.W.shape[1])
            for u in units:
                if not cur.elementwise:
                    how = (f"{t.loss} fused with {cur.activation}: ∂E/∂net directly"
                           if m == len(t.layers) and t.fused else f"{cur.activation}: Jacobian product")
                    self.lines.append(f"    δ{_sup(m)} = {_vec(cur.delta[k], self.max)}  ({how})")
                    break
                at = f"{_sub(u + 1)}{_sup(m)}"
                sym = f"∂E/∂o{at}" if m == len(t.layers) else f"(Σ_l δₗ{_sup(m + 1)}·w{_sub(u + 1)}ₗ{_sup(m + 1)})"
                form = f"∂E/∂net{at} (fused)" if (m == len(t.layers) and t.fused) else f"{sym}·φ'(net{at})"
                self.lines.append(f"    δ{_sub(u + 1)}{_sup(m)} = {form} = {self.delta_expression(cur, u)} "
                                  f"= {_num(cur.delta[k, u])}")
            if m > layer and cur.elementwise:
                self.more(cur.W.shape[1], f"units of layer {m}")
        path = self.single_path(layer, j)
        if path:
            pad = " " * len(f"    ∂E/∂{name} ")
            self.lines.append("  one path leads to the output, so the whole product is")
            self.lines.append(f"    ∂E/∂{name} = {path[0]} · {o_name}")
            self.lines.append(f"{pad}= {path[1]} · {_factor(o_i)} = {_num(lt.delta[k, j - 1] * o_i)}")

    def single_path(self, layer: int, j: int) -> tuple[str, str] | None:
        """When every layer above has one unit: ∂E/∂o·φ'·w·φ'·…·o_i written out, symbols and numbers."""
        t, k = self.t, self.k
        above = t.layers[layer:]
        if not above or any(a.W.shape[1] != 1 for a in above) or not all(a.elementwise for a in t.layers[layer - 1:]):
            return None
        out = t.layers[-1]
        symbols = ["∂E/∂net⁽ᴸ⁾" if t.fused else "∂E/∂o⁽ᴸ⁾·φ'(net⁽ᴸ⁾)"]
        numbers = [_factor(out.delta[k, 0]) if t.fused else f"{_factor(t.dE_do[k, 0])}·{_factor(out.derivative[k, 0])}"]  # type: ignore[index]
        unit = 0
        for m in range(len(t.layers) - 1, layer - 1, -1):  # walk down: w from layer m to m+1, then φ' of layer m
            cur, nxt = t.layers[m - 1], t.layers[m]
            unit = (j - 1) if m == layer else 0
            symbols.append(f"w{_sub(unit + 1, 1)}{_sup(m + 1)}·φ'(net{_sub(unit + 1)}{_sup(m)})")
            numbers.append(f"{_factor(nxt.W[unit, 0])}·{_factor(cur.derivative[k, unit])}")  # type: ignore[index]
        return " · ".join(symbols), " · ".join(numbers)


def _vec(v: np.ndarray, limit: int | None = None) -> str:
    flat = np.ravel(v)
    shown = ", ".join(_num(x) for x in flat[:limit])
    return "[" + shown + (f", … ({len(flat) - limit} more)" if limit is not None and len(flat) > limit else "") + "]"


# ------------------------------------------------------------------------------------------- lucidnet explain

def configure_explain_parser(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``lucidnet explain`` to ``parser`` (an argparse subcommand parser)."""
    parser.description = ("Show one forward and backward pass in the lessons' notation: net, o, δ, ∂E/∂w and "
                          "the update −η·∂E/∂w for every neuron of one sample, and the chain rule of one weight.")
    src = parser.add_argument_group("what to explain (a built-in data set, or a model file with data)")
    src.add_argument("--dataset", metavar="NAME",
                     help="built-in data set (see 'lucidnet datasets'); explained on a fresh small network")
    src.add_argument("--model", metavar="FILE", help="a model file saved by 'lucidnet train'")
    src.add_argument("--data", metavar="FILE", help="data for --model: CSV/NPY/NPZ with the target column")
    parser.add_argument("--sample", type=int, default=0, metavar="K", help="row to show, from 0 (default 0)")
    parser.add_argument("--weight", metavar="LAYER,I,J",
                        help="write out the chain rule for this weight; layers and units from 1, I = 0 for the bias")
    parser.add_argument("--lr", type=float, default=0.1, help="η for the update −η·∂E/∂w (default 0.1)")
    net = parser.add_argument_group("the fresh network for --dataset")
    net.add_argument("--hidden", type=int, default=2, metavar="N", help="hidden units (default 2; 0: none)")
    net.add_argument("--activation", default="sigmoid", help="activation of every layer (default sigmoid)")
    net.add_argument("--loss", default="half_sse", help="loss (default half_sse, the lessons' ½·Σ(o − y)²)")
    net.add_argument("--seed", type=int, default=0, help="seed of the initial weights (default 0)")
    net.add_argument("--n", type=int, default=8, help="samples drawn from a generated data set (default 8)")
    net.add_argument("--standardize", action="store_true", help="z-score X (and a regression target) first")
    parser.add_argument("--max-items", type=int, default=12, metavar="N",
                        help="show at most N units per layer and terms per sum (default 12)")
    parser.add_argument("--json", action="store_true", help="print Trace.to_dict() as JSON instead of text")


def _parse_weight(text: str | None) -> tuple[int, int, int] | None:
    if text is None:
        return None
    parts = text.replace(" ", "").split(",")
    try:
        if len(parts) != 3:
            raise ValueError
        return int(parts[0]), int(parts[1]), int(parts[2])
    except ValueError:
        raise ValueError(f"--weight must be LAYER,I,J (three integers, e.g. 2,1,1), got {text!r}") from None


def _from_dataset(args: argparse.Namespace) -> tuple[Any, np.ndarray, np.ndarray]:
    from . import datasets
    from .network import Network
    from .preprocessing import Standardizer

    name = args.dataset
    ds = datasets.load(name, n=args.n, seed=args.seed) if name in datasets.GENERATORS else datasets.load(name)
    X, y = ds.X, np.asarray(ds.y, dtype=np.float64)
    if args.standardize:
        X = Standardizer().fit_transform(X)
        if ds.task == "regression":
            y = Standardizer().fit_transform(y).reshape(y.shape)
    n_out = 1 if y.ndim == 1 else y.shape[1]
    if args.hidden < 0:
        raise ValueError(f"--hidden must be >= 0, got {args.hidden}")
    sizes = [ds.d] + ([args.hidden] if args.hidden else []) + [n_out]
    layers = [Dense(a, b, activation=args.activation) for a, b in pairwise(sizes)]
    return Network(layers, loss=args.loss, seed=args.seed), X, y


def _from_model(args: argparse.Namespace) -> tuple[Any, np.ndarray, np.ndarray]:
    try:
        from .data import read_for_model
        from .io import load_model
    except ImportError:  # pragma: no cover - the io module ships with the CLI
        raise ValueError("--model needs lucidnet.io and lucidnet.data, which this installation lacks; "
                         "use --dataset NAME") from None
    if not args.data:
        raise ValueError("--model needs --data FILE: the samples (with their target) to explain")
    bundle = load_model(args.model)
    pre = bundle.preprocessing
    table = read_for_model(args.data, bundle.n_features, pre.feature_names, pre.target_name, need_target=True)
    return bundle.network, pre.transform_X(table.X), pre.encode_y(table.y)


def run_explain(args: argparse.Namespace) -> int:
    """Run ``lucidnet explain``: print the text (or JSON) of one step; return the exit status (0, or 2)."""
    try:
        if (args.dataset is None) == (args.model is None):
            raise ValueError("give either --dataset NAME or --model FILE --data FILE")
        if args.data and not args.model:
            raise ValueError("--data goes with --model FILE")
        weight = _parse_weight(args.weight)
        net, X, y = _from_dataset(args) if args.dataset is not None else _from_model(args)
        result = trace(net, X, y, lr=args.lr)
        text = json.dumps(result.to_dict()) if args.json else result.to_text(sample=args.sample, weight=weight, max_items=args.max_items)
    except (ValueError, TypeError, OSError) as exc:
        sys.stderr.write(f"lucidnet explain: error: {exc}\n")
        return 2
    sys.stdout.write(text + "\n")
    return 0
