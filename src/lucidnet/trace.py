"""One step of backpropagation, every quantity shown: ``trace(net, X, y)`` and ``lucidnet explain``.

For each Dense layer ℓ = 1 … L (layer 0 is the input, o⁽⁰⁾ = x) and sample k:

    net_j = Σ_i w_ij·o_i + b_j,   o_j = φ(net_j)
    output units:  δ_j = ∂E/∂o_j · φ'(net_j)        hidden units:  δ_j = (Σ_l δ_l·w_jl)·φ'(net_j)
    ∂E/∂w_ij = Σ_k δ_j·o_i,   ∂E/∂b_j = Σ_k δ_j,   and the update Δw = −η·∂E/∂w.

The quantities are the engine's own: ``trace`` runs ``net.loss_and_gradients`` (which changes no weight) and
reads what each layer stored (``x``, ``net``, ``o``, ``delta``, ``grad_W``, ``grad_b``). Indices in the text
follow the lessons: layers and units count from 1, and w_0j is the bias b_j (its input o_0 = 1), so weight
(ℓ, i, j) is ``trace.layers[ℓ-1].W[i-1, j-1]``. Samples are rows and count from 0.

Here: :func:`trace`, which runs the step, and its record, :class:`Trace` with one :class:`LayerTrace` per Dense
layer. :mod:`lucidnet.trace_text` writes the text of :meth:`Trace.to_text`, the step in the lessons' notation;
the ``lucidnet explain`` command (:mod:`lucidnet.cli.explain`) prints it.

>>> import numpy as np
>>> from lucidnet import Dense, Network
>>> net = Network([Dense(2, 1, init=np.array([[0.0], [1.0]]), bias_init=0.0)], loss="half_sse")
>>> step = trace(net, [[2.0, 3.0]], [1.0], lr=0.5)
>>> round(step.E, 6), step.layers[0].grad_W.ravel().round(6).tolist()
(0.001125, [-0.004285, -0.006428])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .checks import check_positive
from .display.diagram import check_sample as check_row
from .display.trace_html import trace_html
from .layers import Dense
from .trace_text import _Text

__all__ = ["LayerTrace", "Trace", "trace"]


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
    symbol: str = "φ"  # φ's symbol and derivative in the lessons' notation, from the activation's class
    derivative_formula: str = ""

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
    loss_formula, gradient_formula : str
        E and ∂E/∂o_j written out, from the loss's class.
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
    loss_formula: str = ""
    gradient_formula: str = ""

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
            "loss_formula": self.loss_formula, "gradient_formula": self.gradient_formula,
            "y": arr(self.y), "dE_do": arr(self.dE_do),
            "layers": [
                {"index": lt.index, "layer": lt.layer, "activation": lt.activation, "W": arr(lt.W), "b": arr(lt.b),
                 "x": arr(lt.x), "net": arr(lt.net), "o": arr(lt.o), "delta": arr(lt.delta),
                 "grad_W": arr(lt.grad_W), "grad_b": arr(lt.grad_b), "update_W": arr(lt.update_W),
                 "update_b": arr(lt.update_b), "symbol": lt.symbol, "derivative_formula": lt.derivative_formula}
                for lt in self.layers
            ],
        }

    def to_text(self, sample: int = 0, weight: tuple[int, int, int] | None = None, max_items: int = 12) -> str:
        """The pass in the lessons' notation, per neuron, for sample ``sample``; optionally the chain rule of
        one weight ``(ℓ, i, j)`` (counting from 1, i = 0 for the bias b_j) written out with its numbers.

        Wide layers are cut short: at most ``max_items`` units per layer and terms per sum, and 4·max_items
        gradient lines per layer (``to_dict()`` has every number)."""
        return _Text(self, *self._view_args(sample, weight, max_items)).render()

    def to_html(self, sample: int = 0, weight: tuple[int, int, int] | None = (1, 1, 1), max_items: int = 12) -> Any:
        """The pass as HTML tables per layer and the chain rule of ``weight`` (ℓ, i, j), for Jupyter; see
        ``lucidnet.display.trace_html``. The arguments are those of :meth:`to_text`."""
        return trace_html(self, *self._view_args(sample, weight, max_items))

    def _view_args(self, sample: Any, weight: Any, max_items: Any) -> tuple[int, tuple[int, int, int] | None, int]:
        """(sample, weight, max_items) of :meth:`to_text` and :meth:`to_html`, checked, or a clear error."""
        if isinstance(max_items, bool) or not isinstance(max_items, (int, np.integer)) or max_items < 1:
            raise ValueError(f"max_items must be an integer >= 1, got {max_items!r}")
        return check_sample(self, sample), check_weight(self, weight), int(max_items)

    def _repr_html_(self) -> str:
        return str(self.to_html())


def check_sample(record: Trace, sample: Any) -> int:
    """Return ``sample`` as a valid row index of the traced batch, or raise a clear error."""
    return check_row(sample, record.n, "the batch has")


def check_weight(record: Trace, weight: Any) -> tuple[int, int, int] | None:
    """Return ``(ℓ, i, j)`` after checking it names a weight (1-based; i = 0 is the bias), or raise."""
    if weight is None:
        return None
    try:
        layer, i, j = (int(v) for v in weight)
    except (TypeError, ValueError):
        raise ValueError(f"weight must be three integers (layer, i, j), got {weight!r}") from None
    if not 1 <= layer <= len(record.layers):
        raise ValueError(f"weight layer must be in 1 … {len(record.layers)} (Dense layers, counted from 1), "
                         f"got {layer}")
    lt = record.layers[layer - 1]
    n_in, width = lt.W.shape
    low = 0 if lt.b is not None else 1
    if not low <= i <= n_in:
        extra = " (0 is the bias)" if lt.b is not None else " (this layer has no bias)"
        raise ValueError(f"weight i must be in {low} … {n_in} for layer {layer}{extra}, got {i}")
    if not 1 <= j <= width:
        raise ValueError(f"weight j must be in 1 … {width} for layer {layer}, got {j}")
    return layer, i, j


def trace(network: Any, X: Any, y: Any, lr: float = 0.1) -> Trace:
    """The quantities of one forward and backward pass of ``network`` on (X, y); no weight changes.

    Parameters
    ----------
    network : Network
    X : array (n, n_in);  y : targets as ``Network.fit`` takes them
    lr : float > 0
        η, for the updates ``update_W = −η·grad_W``.

    Returns
    -------
    Trace
    """
    eta = check_positive("learning rate", lr)
    x, targets, _ = network.prepare(X, y)  # the targets as the loss sees them (one-hot rows for class indices)
    E = network.backprop(x, targets)  # the engine's own forward and backward; each layer keeps its values
    dense = [layer for layer in network.layers if isinstance(layer, Dense)]
    with np.errstate(divide="ignore", invalid="ignore"):
        dE_do = np.asarray(network.loss_fn.gradient(dense[-1].o, targets))
    layers = [_layer_trace(index, layer, eta) for index, layer in enumerate(dense, start=1)]
    loss = network.loss_fn
    return Trace(layers=layers, E=float(E), eta=eta, loss=loss.name, y=np.array(targets), dE_do=dE_do,
                 fused=network.fused, network=repr(network), l1=float(network.l1), l2=float(network.l2),
                 loss_formula=loss.formula, gradient_formula=loss.gradient_formula)


def _layer_trace(index: int, layer: Dense, eta: float) -> LayerTrace:
    """Copies of what ``layer`` stored in the last pass (its arrays are overwritten by the next one)."""
    act = layer.activation
    elementwise = bool(act.elementwise and act.k == 1)
    x, net, o, delta, grad_W, W = layer.x, layer.net, layer.o, layer.delta, layer.grad_W, layer.W
    assert x is not None and net is not None and o is not None and delta is not None
    assert grad_W is not None and W is not None
    grad_b = None if layer.grad_b is None or layer.b is None else np.array(layer.grad_b)
    return LayerTrace(
        index=index, layer=repr(layer), activation=act.name, W=W.copy(),
        b=None if layer.b is None else layer.b.copy(), x=np.array(x), net=np.array(net), o=np.array(o),
        delta=np.array(delta), grad_W=grad_W.copy(), grad_b=grad_b, update_W=-eta * grad_W,
        update_b=None if grad_b is None else -eta * grad_b,
        elementwise=elementwise, derivative=act.derivative(net, o) if elementwise else None,
        symbol=act.symbol, derivative_formula=act.derivative_formula,
    )
