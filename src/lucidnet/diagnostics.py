"""Training diagnostics: the failure modes the lessons warn about, detected while a network trains.

ρ_ℓ = ‖∂E/∂W⁽ℓ⁾‖ / ‖W⁽ℓ⁾‖ per layer and epoch, the fraction of saturated sigmoid/tanh units, the fraction of
dead ReLUs, and the loss curve. ``Diagnostics`` is a ``Callback``: it reads what the layers stored during each
step (``net``, ``o``, ``grad_W``), changes nothing, and after training holds a :class:`DiagnosticsReport`
whose findings each carry a one-line explanation and a fix.

=====================  ===========================================================================
finding                when
=====================  ===========================================================================
vanishing_gradients    ρ₁ < 10⁻² × ρ_L (median over epochs: shrinking towards the input), or
                       ρ₁ < 10⁻⁴ in the first epoch (tiny relative to the weights), dead ReLUs aside
exploding_gradients    ρ₁ > 10² × ρ_L (median over epochs), or a gradient not finite
saturated_units        > 50 % of a bounded layer's outputs within 0.01 of its bounds (``Activation.bounds``:
                       σ < 0.01 or > 0.99; |tanh| > 0.99) in the last epoch
dead_relus             > 50 % of the units of a layer that can die (``Activation.can_die``: relu) output 0
                       for every sample of the last epoch
loss_rising            the last loss exceeds the best by > 10 % and by > 10 % of the drop before it
loss_non_finite        training stopped on a NaN or infinite loss (``TrainingDivergedError``)
=====================  ===========================================================================

>>> import numpy as np
>>> from lucidnet import Dense, Network
>>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
>>> net = Network([Dense(2, 4, activation="relu", bias_init=-10.0), Dense(4, 1)], seed=0)
>>> report = diagnose(net, X, [0, 1, 1, 0], epochs=5)
>>> report.kinds
['dead_relus']
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .callbacks import Callback, TrainState
from .display.reports import diagnostics_callback_html, diagnostics_html
from .errors import TrainingDivergedError
from .layers import Dense

__all__ = ["FINDINGS", "Diagnostics", "DiagnosticsReport", "Finding", "diagnose"]

#: kind -> (why it matters, what to do): one line each
FINDINGS: dict[str, tuple[str, str]] = {
    "vanishing_gradients": (
        ("each layer multiplies δ by φ'(net) (at most ¼ for sigmoid) and by W on the way down, so the layers "
        "near the input barely learn"),
        ("start from smaller weights (init='glorot_uniform' or 'he_normal'), scale the inputs, or use relu/tanh "
        "hidden units"),
    ),
    "exploding_gradients": (
        "δ grows layer by layer on the way down, so the steps of the first layers are far too large",
        "lower η, start from smaller weights (init='glorot_uniform'), scale the inputs",
    ),
    "saturated_units": (
        "where σ(net) is near 0 or 1 (tanh near ±1) φ'(net) ≈ 0, so δ and every gradient through the unit vanish",
        ("scale the inputs (lucidnet.data.preprocessing.Standardizer), start from smaller weights "
        "(init='glorot_uniform'), lower η"),
    ),
    "dead_relus": (
        "relu'(net) = 0 for net ≤ 0, so a unit that is off for every sample gets no gradient and never recovers",
        "start the biases at 0 or slightly positive, lower η, or use leaky_relu",
    ),
    "loss_rising": (
        "the steps overshoot the minimum: η is too large for the curvature of E",
        "lower η (try a tenth), scale the inputs, or add ReduceLROnPlateau",
    ),
    "loss_non_finite": (
        "the updates grew the weights until net or E overflowed the floating-point range",
        "lower η (try a tenth), scale the inputs, start from smaller weights",
    ),
}


@dataclass(frozen=True)
class Finding:
    """One problem seen in a run: ``kind`` (a key of :data:`FINDINGS`), what was measured, why, and a fix."""

    kind: str
    message: str
    layer: int | None = None
    epoch: int | None = None

    @property
    def explanation(self) -> str:
        """Why it matters, in one line."""
        return FINDINGS[self.kind][0]

    @property
    def fix(self) -> str:
        """What to do, in one line."""
        return FINDINGS[self.kind][1]

    def __str__(self) -> str:
        where = f" (layer {self.layer})" if self.layer is not None else ""
        return f"{self.kind}{where}: {self.message}\n  why: {self.explanation}\n  fix: {self.fix}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "layer": self.layer, "epoch": self.epoch,
                "explanation": self.explanation, "fix": self.fix}


@dataclass(frozen=True, eq=False)
class DiagnosticsReport:
    """What ``Diagnostics`` measured, per epoch (rows) and Dense layer (columns, layer ℓ = column ℓ−1).

    Attributes
    ----------
    findings : list of Finding
    activations : list of str
        φ of each Dense layer.
    grad_norm : ndarray (epochs, L)
        Mean over the epoch's steps of ‖∂E/∂W⁽ℓ⁾‖ (Frobenius).
    ratio : ndarray (epochs, L)
        Mean over the epoch's steps of ρ_ℓ = ‖∂E/∂W⁽ℓ⁾‖ / ‖W⁽ℓ⁾‖.
    saturated : ndarray (epochs, L)
        Fraction of saturated outputs; NaN for layers without bounds (not sigmoid or tanh).
    dead : ndarray (epochs, L)
        Fraction of units with o = 0 for every sample of the epoch; NaN for layers that cannot die (not relu).
    loss : list of float
        The epoch losses (``History.loss``).
    diverged : bool
        True when training stopped on a non-finite loss.
    """

    findings: list[Finding]
    activations: list[str]
    grad_norm: np.ndarray
    ratio: np.ndarray
    saturated: np.ndarray
    dead: np.ndarray
    loss: list[float] = field(default_factory=list)
    diverged: bool = False

    @property
    def healthy(self) -> bool:
        """True when nothing was found."""
        return not self.findings

    @property
    def kinds(self) -> list[str]:
        """The kinds found, each once, in the order of :data:`FINDINGS`."""
        found = {f.kind for f in self.findings}
        return [k for k in FINDINGS if k in found]

    def __repr__(self) -> str:
        return f"DiagnosticsReport(epochs={len(self.grad_norm)}, findings={self.kinds})"

    def _repr_html_(self) -> str:
        return str(diagnostics_html(self))

    def __str__(self) -> str:
        lines = [f"Diagnostics after {len(self.grad_norm)} epoch(s): "
                 + ("healthy" if self.healthy else f"{len(self.findings)} finding(s)")]
        if len(self.grad_norm):
            lines.append("layer  φ           ‖∂E/∂W‖     ‖∂E/∂W‖/‖W‖  saturated  dead")
            for j, act in enumerate(self.activations):
                sat, dead = self.saturated[-1, j], self.dead[-1, j]
                sat_text = "-" if math.isnan(sat) else f"{sat:.0%}"
                dead_text = "-" if math.isnan(dead) else f"{dead:.0%}"
                lines.append(f"{j + 1:<6} {act:<11} {self.grad_norm[-1, j]:<11.3g} {self.ratio[-1, j]:<12.3g} "
                             f"{sat_text:<10} {dead_text}")
        for kind in self.kinds:  # each finding on its line, then why and fix once per kind
            for f in self.findings:
                if f.kind == kind:
                    where = f" (layer {f.layer})" if f.layer is not None else ""
                    lines.append(f"{kind}{where}: {f.message}")
            why, fix = FINDINGS[kind]
            lines += [f"  why: {why}", f"  fix: {fix}"]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: NaN becomes None."""

        def rows(a: np.ndarray) -> list[list[float | None]]:
            return [[None if math.isnan(v) else float(v) for v in row] for row in a]

        return {"findings": [f.to_dict() for f in self.findings], "activations": list(self.activations),
                "grad_norm": rows(self.grad_norm), "ratio": rows(self.ratio), "saturated": rows(self.saturated),
                "dead": rows(self.dead), "loss": [float(v) for v in self.loss], "diverged": self.diverged,
                "healthy": self.healthy}


class Diagnostics(Callback):
    """A callback that measures gradients, saturation, dead units and the loss, and reports what is wrong.

    Parameters
    ----------
    vanishing_ratio : float
        Flag vanishing (exploding) gradients when ρ₁/ρ_L falls below this (rises above its inverse).
    tiny_gradient : float
        Flag vanishing gradients when ρ₁ is below this in the first epoch.
    saturation_limit, dead_limit : float
        Flag a layer when more than this fraction of its outputs is saturated / of its units is dead.
    rise_tolerance : float
        Relative rise of the loss above its best that counts as rising.

    Attributes
    ----------
    report : DiagnosticsReport or None
        Set when training ends (also when it ends on a non-finite loss).
    """

    def __init__(self, vanishing_ratio: float = 1e-2, tiny_gradient: float = 1e-4, saturation_limit: float = 0.5,
                 dead_limit: float = 0.5, rise_tolerance: float = 0.1) -> None:
        for name, v in (("vanishing_ratio", vanishing_ratio), ("tiny_gradient", tiny_gradient),
                        ("saturation_limit", saturation_limit),
                        ("dead_limit", dead_limit), ("rise_tolerance", rise_tolerance)):
            if not (isinstance(v, (int, float)) and 0 < v < 1) or isinstance(v, bool):
                raise ValueError(f"{name} must be a number in (0, 1), got {v!r}")
        self.vanishing_ratio = float(vanishing_ratio)
        self.tiny_gradient = float(tiny_gradient)
        self.saturation_limit = float(saturation_limit)
        self.dead_limit = float(dead_limit)
        self.rise_tolerance = float(rise_tolerance)
        self.report: DiagnosticsReport | None = None
        self._reset([])

    def __repr__(self) -> str:
        return (f"Diagnostics(vanishing_ratio={self.vanishing_ratio:g}, tiny_gradient={self.tiny_gradient:g}, "
                f"saturation_limit={self.saturation_limit:g}, "
                f"dead_limit={self.dead_limit:g}, rise_tolerance={self.rise_tolerance:g})")

    def _repr_html_(self) -> str:
        return str(diagnostics_callback_html(self))

    def _reset(self, layers: list[Dense]) -> None:
        self._layers = layers
        self._rows: dict[str, list[np.ndarray]] = {"grad_norm": [], "ratio": [], "saturated": [], "dead": []}
        self._start_epoch()

    def _start_epoch(self) -> None:
        n = len(self._layers)
        self._steps = 0
        self._g = np.zeros(n)
        self._r = np.zeros(n)
        self._sat = np.zeros(n)
        self._seen = np.zeros(n)
        self._alive = [None] * n  # per relu layer: units with o > 0 somewhere in this epoch

    def on_train_begin(self, state: TrainState) -> None:
        self.report = None
        self._reset([layer for layer in state.network.layers if isinstance(layer, Dense)])

    def on_batch_end(self, state: TrainState) -> None:
        self._steps += 1
        for j, layer in enumerate(self._layers):
            if layer.grad_W is None or layer.o is None or layer.W is None:
                continue
            with np.errstate(over="ignore", invalid="ignore"):
                g = float(np.linalg.norm(layer.grad_W))
                w = float(np.linalg.norm(layer.W))
            self._g[j] += g
            self._r[j] += g / w if w > 0 else (math.inf if g > 0 else 0.0)
            act, o = layer.activation, layer.o
            if act.bounds is not None:  # sigmoid, tanh: saturated within 0.01 of an asymptote
                low, high = act.bounds
                self._sat[j] += np.count_nonzero((o < low + 0.01) | (o > high - 0.01))
                self._seen[j] += o.size
            elif act.can_die:  # relu: a unit that outputs 0 for every sample gets no gradient
                on = (o > 0).any(axis=0)
                prev = self._alive[j]
                self._alive[j] = on if prev is None else (prev | on)

    def on_epoch_end(self, state: TrainState) -> None:
        self._close_epoch()

    def _close_epoch(self) -> None:
        if not self._steps:
            return
        sat = np.where(self._seen > 0, self._sat / np.maximum(self._seen, 1), np.nan)
        dead = np.array([np.nan if a is None else 1.0 - float(np.mean(a)) for a in self._alive])
        for key, value in (("grad_norm", self._g / self._steps), ("ratio", self._r / self._steps),
                           ("saturated", sat), ("dead", dead)):
            self._rows[key].append(value)
        self._start_epoch()

    def on_train_end(self, state: TrainState) -> None:
        history = state.history
        # fit calls on_train_end before raising TrainingDivergedError: the running epoch is then unrecorded
        diverged = history.epochs == state.epoch and not history.interrupted and state.epochs > 0
        if diverged:
            self._close_epoch()  # the steps of the epoch that diverged still say something
        n = len(self._layers)
        arrays = {k: np.array(v) if v else np.zeros((0, n)) for k, v in self._rows.items()}
        acts = [layer.activation.name for layer in self._layers]
        findings = self._findings(arrays, list(history.loss), diverged, state.epoch)
        self.report = DiagnosticsReport(findings=findings, activations=acts, loss=list(history.loss),
                                        diverged=diverged, **arrays)

    # ------------------------------------------------------------------------------------ the rules
    def _findings(self, a: dict[str, np.ndarray], loss: list[float], diverged: bool, epoch: int) -> list[Finding]:
        found: list[Finding] = []
        ratio = a["ratio"]
        n_layers = ratio.shape[1]
        last = len(ratio) - 1
        for j in range(n_layers):
            d = a["dead"][last, j] if last >= 0 else math.nan
            if not math.isnan(d) and d > self.dead_limit:
                units, act = self._layers[j].n_out, self._layers[j].activation.name
                found.append(Finding("dead_relus", f"{round(d * units)} of {units} {act} units output 0 for every "
                                     "sample of the epoch", layer=j + 1, epoch=last))
        if len(ratio) and n_layers > 1:
            with np.errstate(divide="ignore", invalid="ignore"):
                rel = ratio[:, 0] / ratio[:, -1]
            rel = rel[np.isfinite(rel) & (rel > 0)]
            if len(rel):
                med = float(np.median(rel))
                if med < self.vanishing_ratio:
                    found.append(Finding("vanishing_gradients", f"ρ₁/ρ_L = {med:.2g} (median over epochs, "
                                         "ρ = ‖∂E/∂W‖/‖W‖): the first layer learns "
                                         f"{1 / med:.2g}× slower than the last", layer=1))
                elif med > 1 / self.vanishing_ratio:
                    found.append(Finding("exploding_gradients", f"ρ₁/ρ_L = {med:.2g} (median over epochs, "
                                         "ρ = ‖∂E/∂W‖/‖W‖): the gradients grow towards the input", layer=1))
        dead = any(f.kind == "dead_relus" for f in found)
        if len(ratio) and not dead and not any(f.kind == "vanishing_gradients" for f in found):
            r1 = float(ratio[0, 0])
            if r1 < self.tiny_gradient:
                found.append(Finding("vanishing_gradients", f"‖∂E/∂W⁽¹⁾‖/‖W⁽¹⁾‖ = {r1:.2g} in the first epoch "
                                     f"(< {self.tiny_gradient:g}): the first layer hardly moves", layer=1, epoch=0))
        if len(a["grad_norm"]) and not np.all(np.isfinite(a["grad_norm"])) and not diverged:
            found.append(Finding("exploding_gradients", "a gradient became NaN or infinite"))
        for j in range(n_layers - 1):  # hidden layers: a saturated output layer may just be confident
            s = a["saturated"][last, j] if last >= 0 else math.nan
            if not math.isnan(s) and s > self.saturation_limit:
                found.append(Finding("saturated_units", f"{s:.0%} of the {self._layers[j].activation.name} outputs "
                                     "of this layer are within 0.01 of their bounds", layer=j + 1, epoch=last))
        finite = [v for v in loss if math.isfinite(v)]
        if len(finite) >= 3:
            best = min(finite)
            first, final = finite[0], finite[-1]
            drop = first - best
            if final > best * (1 + self.rise_tolerance) + 1e-300 and final - best > self.rise_tolerance * drop:
                found.append(Finding("loss_rising", f"E rose from its best {best:.4g} (epoch "
                                     f"{finite.index(best) + 1}) to {final:.4g} (epoch {len(finite)})",
                                     epoch=len(finite) - 1))
        if diverged:
            found.append(Finding("loss_non_finite", f"E became NaN or infinite during epoch {epoch + 1}; "
                                 "training stopped", epoch=epoch))
        return found


def diagnose(net: Any, X: Any, y: Any, epochs: int, diagnostics: Diagnostics | None = None,
             **fit_kwargs: Any) -> DiagnosticsReport:
    """Train ``net`` with a :class:`Diagnostics` callback and return its report.

    A ``TrainingDivergedError`` does not propagate: it becomes the ``loss_non_finite`` finding (the network keeps
    its last finite weights, as ``fit`` guarantees). Other arguments go to ``net.fit``.
    """
    diag = diagnostics or Diagnostics()
    callbacks = list(fit_kwargs.pop("callbacks", ())) + [diag]
    try:
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging run is reported, not warned about
            net.fit(X, y, epochs=epochs, callbacks=callbacks, **fit_kwargs)
    except TrainingDivergedError:
        pass
    assert diag.report is not None
    return diag.report
