"""Loss functions E(o, y), each beside its gradient ∂E/∂o, with its reduction written as a formula.

Shapes: ``o`` and ``y`` are ``(n, m)``: n samples (rows), m outputs. ``w`` is an optional ``(n,)`` vector of
per-sample factors (sample weights, already scaled by the caller to average 1 over the data set); it multiplies
each sample's terms and leaves the reduction's denominator alone, so ``w = 1`` is the unweighted loss.

Two pairs are *fused*: ``bce`` after a sigmoid output layer and ``cross_entropy`` after a softmax output layer.
The network then computes E from the pre-activation ``net`` (the logits) and uses ``δ = ∂E/∂net`` directly,
which is both exact where o saturates to 0 or 1 and cheaper:

- bce + sigmoid:   E = mean(max(net,0) − net·y + ln(1 + e^(−|net|))),   δ = (o − y)/(n·m)
- cross_entropy + softmax:   E = (1/n)·Σ_i (logsumexp(net_i)·Σ_k y_ik − Σ_k y_ik·net_ik),   δ = (o·Σ_k y_k − y)/n

These equal PyTorch's ``BCEWithLogitsLoss`` and ``CrossEntropyLoss`` on the pre-activation. The generic
(unfused) paths clamp the logarithm as PyTorch does (documented on each class), and the tests check that the
fused and generic paths agree wherever the generic one is finite.

>>> import numpy as np
>>> HalfSSE().value(np.array([[0.5], [1.0]]), np.array([[0.0], [1.0]]))
0.125
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from .activations import Activation, Sigmoid, Softmax
from .checks import as_numeric, check_positive
from .registry import Configurable, from_spec


def _rows(x: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """Multiply each row of ``x`` by the sample factor w_i (no-op when w is None)."""
    return x if w is None else x * w[:, None]


class Loss(Configurable):
    """Base class: a loss E(o, y) with ``value`` and ``gradient`` side by side.

    Each class carries its own text (what traces, ``lucidnet explain``, the playground and the docs print) and
    the facts about itself that other parts decide on, so adding a loss is a change to this file only.
    """

    #: "mean" (divided by the number of samples or elements) or "sum"
    reduction: ClassVar[str] = "mean"
    #: the output activation whose combination with this loss is fused (computed from net), if any
    fused_activation: ClassVar[type[Activation] | None] = None
    #: E in the lessons' notation (k: samples, j: outputs; n samples, m outputs), without sample weights
    formula: ClassVar[str] = ""
    #: ∂E/∂o_j of one sample, in the same notation
    gradient_formula: ClassVar[str] = ""
    #: the tasks the loss suits: "classification", "regression"
    tasks: ClassVar[tuple[str, ...]] = ("classification", "regression")
    #: True when the targets may be class indices (n,) and the output needs one unit per class
    one_unit_per_class: ClassVar[bool] = False
    #: E = scale·ℓ, divided by m when ``over_outputs``, where ℓ is the textbook loss summed over outputs and
    #: averaged (reduction "mean") or summed ("sum") over samples: ½‖o − y‖² for the squared errors,
    #: −Σ_j y_j·ln o_j for the log-losses, Σ_j |o − y| for mae, Σ_j h(o − y) for huber (see sample_factor)
    scale: ClassVar[float] = 1.0
    #: True when E also averages over the m outputs
    over_outputs: ClassVar[bool] = True

    def sample_factor(self, n_outputs: int) -> float:
        """c in E = c·ℓ (see ``scale``) for ``n_outputs`` outputs: what comparing this loss with another
        library's reduction of the same textbook loss needs (scikit-learn's MLP reduces ℓ with c = 1)."""
        return self.scale / n_outputs if self.over_outputs else self.scale

    def value(self, o: np.ndarray, y: np.ndarray, w: np.ndarray | None = None) -> float:
        """E(o, y) as a Python float."""
        raise NotImplementedError

    def gradient(self, o: np.ndarray, y: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
        """∂E/∂o, shape (n, m)."""
        raise NotImplementedError

    def value_and_gradient(
        self, o: np.ndarray, y: np.ndarray, w: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]:
        """(E, ∂E/∂o) in one call; subclasses share the work where they can."""
        return self.value(o, y, w), self.gradient(o, y, w)

    def fuses_with(self, activation: Activation) -> bool:
        """True when this loss after ``activation`` takes the fused path (E and δ from net)."""
        return self.fused_activation is not None and type(activation) is self.fused_activation

    def value_from_net(self, net: np.ndarray, y: np.ndarray, w: np.ndarray | None = None) -> float:
        """Fused E computed from the output layer's pre-activation ``net``."""
        raise NotImplementedError(f"{self.name} has no fused form")

    def delta_from_net(
        self, net: np.ndarray, o: np.ndarray, y: np.ndarray, w: np.ndarray | None = None
    ) -> np.ndarray:
        """Fused δ = ∂E/∂net of the output layer."""
        raise NotImplementedError(f"{self.name} has no fused form")

    def value_and_delta_from_net(
        self, net: np.ndarray, o: np.ndarray, y: np.ndarray, w: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]:
        """(E, δ) of the fused form in one call, ``o`` being the output activation of ``net``; subclasses
        share the work where they can."""
        return self.value_from_net(net, y, w), self.delta_from_net(net, o, y, w)

    def prepare_targets(self, y: Any, n_out: int, dtype: np.dtype) -> np.ndarray:
        """Check ``y`` and return it as an (n, n_out) array of ``dtype``.

        A 1-D ``y`` is one column when the network has one output.
        """
        y = _as_numeric("y", y)
        if y.ndim == 1 and n_out == 1:
            y = y.reshape(-1, 1)
        if y.ndim != 2 or y.shape[1] != n_out:
            raise ValueError(
                f"y has shape {y.shape} but the network has {n_out} output(s); "
                f"expected ({len(y)}, {n_out})" + (" or a 1-D array" if n_out == 1 else "")
            )
        return _finite("y", np.ascontiguousarray(y, dtype=dtype))


class SSE(Loss):
    """E = Σ_i w_i Σ_j (o_ij − y_ij)²  (sum of squared errors);  ∂E/∂o = 2·w·(o − y)."""

    name = "sse"
    formula = "E = Σ_k Σ_j (o_kj − y_kj)²"
    gradient_formula = "2·(o_j − y_j)"
    scale = 2.0
    over_outputs = False
    reduction = "sum"

    def value(self, o, y, w=None):
        d = o - y
        return float(np.vdot(_rows(d, w), d))

    def gradient(self, o, y, w=None):
        return _rows(2 * (o - y), w)

    def value_and_gradient(self, o, y, w=None):
        d = o - y
        g = _rows(d, w)
        e = float(np.vdot(g, d))
        g *= 2
        return e, g


class HalfSSE(Loss):
    """E = ½·Σ_i w_i Σ_j (o_ij − y_ij)²  (the lessons' E);  ∂E/∂o = w·(o − y)."""

    name = "half_sse"
    formula = "E = ½·Σ_k Σ_j (o_kj − y_kj)²"
    gradient_formula = "o_j − y_j"
    over_outputs = False
    reduction = "sum"

    def value(self, o, y, w=None):
        d = o - y
        return 0.5 * float(np.vdot(_rows(d, w), d))

    def gradient(self, o, y, w=None):
        return _rows(o - y, w)

    def value_and_gradient(self, o, y, w=None):
        d = o - y
        g = _rows(d, w)
        return 0.5 * float(np.vdot(g, d)), g


class MSE(Loss):
    """E = (1/(n·m))·Σ_i w_i Σ_j (o_ij − y_ij)²  (PyTorch's MSELoss);  ∂E/∂o = 2·w·(o − y)/(n·m)."""

    name = "mse"
    formula = "E = (1/(n·m))·Σ_k Σ_j (o_kj − y_kj)²"
    gradient_formula = "2·(o_j − y_j)/(n·m)"
    scale = 2.0

    def value(self, o, y, w=None):
        d = o - y
        return float(np.vdot(_rows(d, w), d)) / d.size

    def gradient(self, o, y, w=None):
        d = o - y
        return _rows(d * (2 / d.size), w)

    def value_and_gradient(self, o, y, w=None):
        d = o - y
        g = _rows(d, w)
        e = float(np.vdot(g, d)) / d.size
        g *= 2 / d.size
        return e, g


class MAE(Loss):
    """E = (1/(n·m))·Σ_i w_i Σ_j |o_ij − y_ij|  (PyTorch's L1Loss);  ∂E/∂o = w·sign(o − y)/(n·m), 0 where o = y."""

    name = "mae"
    formula = "E = (1/(n·m))·Σ_k Σ_j |o_kj − y_kj|"
    gradient_formula = "sign(o_j − y_j)/(n·m)"

    def value(self, o, y, w=None):
        return float(_rows(np.abs(o - y), w).sum()) / o.size

    def gradient(self, o, y, w=None):
        return _rows(np.sign(o - y) / o.size, w)


class Huber(Loss):
    """E = (1/(n·m))·Σ w_i·h(o − y),  h(d) = ½d² if |d| < δ else δ(|d| − ½δ)  (PyTorch's HuberLoss);
    ∂E/∂o = w·clip(o − y, −δ, δ)/(n·m)."""

    name = "huber"
    formula = "E = (1/(n·m))·Σ_k Σ_j h(o_kj − y_kj)"
    gradient_formula = "h'(o_j − y_j)/(n·m)"

    def __init__(self, delta: float = 1.0) -> None:
        self.delta = check_positive("huber delta", delta)

    def params(self) -> dict[str, Any]:
        return {"delta": self.delta}

    def value(self, o, y, w=None):
        d = np.abs(o - y)
        h = np.where(d < self.delta, 0.5 * d * d, self.delta * (d - 0.5 * self.delta))
        return float(_rows(h, w).sum()) / o.size

    def gradient(self, o, y, w=None):
        return _rows(np.clip(o - y, -self.delta, self.delta) / o.size, w)


class BCE(Loss):
    """E = −(1/(n·m))·Σ w_i·(y·ln o + (1 − y)·ln(1 − o))  (binary cross-entropy, mean over elements);
    ∂E/∂o = w·(o − y) / (o(1 − o)) / (n·m).

    Unfused, as PyTorch's BCELoss: each logarithm is clamped to ≥ −100 and o(1 − o) to ≥ 1e−12. After a
    sigmoid output layer the fused form (module docstring) is used instead.
    """

    name = "bce"
    formula = "E = −(1/(n·m))·Σ_k Σ_j (y·ln o + (1 − y)·ln(1 − o))"
    gradient_formula = "(o_j − y_j)/(o_j·(1 − o_j)·n·m)"
    tasks = ("classification",)
    fused_activation = Sigmoid

    def prepare_targets(self, y, n_out, dtype):
        y = super().prepare_targets(y, n_out, dtype)
        if (y < 0).any() or (y > 1).any():
            raise ValueError(
                f"bce targets must lie in [0, 1], got values from {y.min()} to {y.max()}; "
                "for class labels use cross_entropy with a softmax output"
            )
        return y

    def value(self, o, y, w=None):
        with np.errstate(divide="ignore"):  # ln 0 = −inf, then clamped to −100
            log_o = np.maximum(np.log(o), -100)
            log_1o = np.maximum(np.log1p(-o), -100)
        return -float(_rows(y * log_o + (1 - y) * log_1o, w).sum()) / o.size

    def gradient(self, o, y, w=None):
        return _rows((o - y) / np.maximum(o * (1 - o), 1e-12) / o.size, w)

    def value_from_net(self, net, y, w=None):
        e = np.maximum(net, 0) - net * y + np.log1p(np.exp(-np.abs(net)))
        return float(_rows(e, w).sum()) / net.size

    def delta_from_net(self, net, o, y, w=None):
        d = o - y
        d *= 1 / d.size
        return _rows(d, w)


class CrossEntropy(Loss):
    """E = −(1/n)·Σ_i w_i Σ_k y_ik·ln o_ik  (categorical cross-entropy, mean over samples);
    ∂E/∂o = −w·y/o/n.

    Targets are class indices ``(n,)`` or one-hot (or probability) rows ``(n, K)``. Unfused, ln o is taken
    of max(o, smallest normal number) so it stays finite. After a softmax output layer the fused form
    (module docstring) is used instead; it equals PyTorch's CrossEntropyLoss on the logits.
    """

    name = "cross_entropy"
    formula = "E = −(1/n)·Σ_k Σ_j y_kj·ln o_kj"
    gradient_formula = "−y_j/(n·o_j)"
    over_outputs = False
    tasks = ("classification",)
    one_unit_per_class = True
    fused_activation = Softmax

    def prepare_targets(self, y, n_out, dtype):
        arr = _as_numeric("y", y)
        if n_out < 2:
            raise ValueError(
                "cross_entropy needs an output layer of at least 2 units (one per class); "
                "for two classes with one output use bce with a sigmoid output"
            )
        if arr.ndim == 2 and arr.shape[1] == 1:
            arr = arr.ravel()
        if arr.ndim == 1:
            if not np.isfinite(arr).all() or (arr != np.round(arr)).any():
                raise ValueError("cross_entropy class labels must be whole numbers 0 … K−1")
            idx = arr.astype(np.int64)
            if idx.min() < 0 or idx.max() >= n_out:
                raise ValueError(
                    f"class labels must lie in 0 … {n_out - 1} for {n_out} outputs, "
                    f"got values from {idx.min()} to {idx.max()}"
                )
            return one_hot(idx, n_out, dtype)
        return super().prepare_targets(arr, n_out, dtype)

    def value(self, o, y, w=None):
        log_o = np.log(np.maximum(o, np.finfo(o.dtype).tiny))
        return -float(_rows(y * log_o, w).sum()) / o.shape[0]

    def gradient(self, o, y, w=None):
        return _rows(-y / np.maximum(o, np.finfo(o.dtype).tiny) / o.shape[0], w)

    def value_from_net(self, net, y, w=None):
        m = net.max(axis=1)
        lse = m + np.log(np.exp(net - m[:, None]).sum(axis=1))
        e = lse * y.sum(axis=1) - np.einsum("ij,ij->i", y, net)  # one value per sample
        return float(e.sum() if w is None else np.dot(w, e)) / net.shape[0]

    def delta_from_net(self, net, o, y, w=None):
        return self._delta(o, y, y.sum(axis=1), w)

    @staticmethod
    def _delta(o, y, ys, w):
        """δ = (o·Σ_k y_k − y)/n, given the row sums ``ys`` (n,) of y."""
        d = o * ys[:, None]
        d -= y
        d *= 1 / d.shape[0]
        return _rows(d, w)

    def value_and_delta_from_net(self, net, o, y, w=None):
        """(E, δ) from the logits and o = softmax(net), reading each row's logsumexp off o.

        With k the row's largest logit, o_k = 1/Σ_l e^(net_l − net_k) ≥ 1/K, so logsumexp(net) = net_k − ln o_k:
        as stable as the max-shifted form of ``value_from_net``, without its second exp pass and its two row
        reductions: 25 µs for E and δ of a 128 × 10 output, against 39 for the two separate calls.
        """
        n = net.shape[0]
        rows = np.arange(n)
        k = net.argmax(axis=1)
        lse = net[rows, k] - np.log(o[rows, k])
        ys = y.sum(axis=1)  # 1 for class labels; the total mass of probability rows
        e = lse * ys - np.einsum("ij,ij->i", y, net)  # one value per sample
        return float(e.sum() if w is None else np.dot(w, e)) / n, self._delta(o, y, ys, w)


def one_hot(indices: np.ndarray, n_classes: int, dtype: Any = np.float64) -> np.ndarray:
    """Rows e_(indices[i]): ``indices`` (n,) ints in 0 … n_classes−1 -> (n, n_classes) array of 0 and 1.

    >>> one_hot(np.array([2, 0]), 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    out = np.zeros((len(indices), n_classes), dtype=dtype)
    out[np.arange(len(indices)), indices] = 1
    return out


def _as_numeric(name: str, a: Any) -> np.ndarray:
    arr = as_numeric(name, a, hint="; encode class labels as 0 … K−1 first (lucidnet.data.preprocessing.LabelEncoder)")
    if arr.ndim == 0 or arr.ndim > 2:
        raise ValueError(f"{name} must be 1-D or 2-D, got shape {arr.shape}")
    return arr


def _finite(name: str, arr: np.ndarray) -> np.ndarray:
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinity; remove or impute those values first")
    return arr


#: name -> class; every loss lucidnet knows
LOSSES: dict[str, type[Loss]] = {cls.name: cls for cls in (SSE, HalfSSE, MSE, MAE, Huber, BCE, CrossEntropy)}


def get_loss(spec: str | dict[str, Any] | Loss) -> Loss:
    """Return a loss object from a registry name, a ``get_config()`` dict or an object (returned as is)."""
    return from_spec("loss", spec, LOSSES, Loss)
