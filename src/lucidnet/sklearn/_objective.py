"""scikit-learn's MLP objective on lucidnet's core, batch by batch: the sample factors and l2 of each batch.

scikit-learn's MLP takes, on each mini-batch b of n_b rows with sample weights w (1 without them),
S_b = Σ_b w, a gradient step on

    J_b = (1/S_b)·[Σ_{i∈b} w_i·ℓ_i + (α/2)·Σ_layers ‖W‖²]

with ℓ_i the sample's cross-entropy (summed over outputs) or half its squared error summed over outputs.
lucidnet's core takes its step on

    E_b = (1/ρ_b)·Σ_{i∈b} f_i·k·ℓ_i + (l2/2)·Σ_layers ‖W‖²,    ρ_b = n_b (mean-reduced loss) or 1 (summed),

k being the ratio of lucidnet's loss to scikit-learn's (the estimators' loss factor) and f the sample factors
the core is given. With, for the batch b,

    f_i = w_i·ρ_b·s / S_b,   l2 = C·α / S_b,   s = n / Σ_b ρ_b,   C = k·s,

E_b = C·J_b on every batch, the last short one and weighted ones included: the gradient is C times
scikit-learn's, with one C for the whole epoch (C = k for the mean-reduced losses, which all the default
losses are). The factors average 1 over the epoch, which is what the core's ``fit`` scales sample weights
to, so it uses them as they are. A batch whose weights are all zero gets factors 0 and l2 = 0 (no data, no
penalty: a zero gradient, where scikit-learn divides by S_b = 0).

``loss_curve_`` records scikit-learn's value, J_b per batch weighted by n_b/n over the epoch, except that
MLPRegressor reports its squared error *averaged* over the m outputs while stepping on the sum (its gradient
is m times that of the loss it reports): L_b = (J_b − P_b)/m + P_b, P_b = α/(2·S_b)·Σ‖W‖².
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..callbacks import Callback, TrainState


@dataclass
class EpochPlan:
    """The factors and penalties of the batches [0, n_b), [n_b, 2n_b), … of one epoch's (ordered) rows.

    Attributes
    ----------
    factors : ndarray (n,) or None
        The sample factors f to give the core's ``fit`` (None: all 1, the unweighted mean-reduced case).
    l2 : ndarray (n_batches,)
        The core's penalty for each batch, C·α/S_b.
    sizes, weight_sums : ndarray (n_batches,)
        n_b and S_b.
    scale : float
        C, lucidnet's batch objective over scikit-learn's.
    """

    factors: np.ndarray | None
    l2: np.ndarray
    sizes: np.ndarray
    weight_sums: np.ndarray
    scale: float


def plan_epoch(w: np.ndarray | None, n: int, batch_size: int, *, summed: bool, k: float, alpha: float) -> EpochPlan:
    """The ``EpochPlan`` for ``n`` rows with sample weights ``w`` (n,) or None, in batches of ``batch_size``.

    ``summed``: the core's loss is sum-reduced (ρ_b = 1); ``k``: lucidnet's loss over scikit-learn's.
    """
    starts = np.arange(0, n, batch_size)
    sizes = np.minimum(batch_size, n - starts)
    sums = sizes.astype(np.float64) if w is None else np.add.reduceat(w, starts)
    rho = np.ones(len(sizes)) if summed else sizes.astype(np.float64)
    s = n / rho.sum()
    positive = sums > 0
    per_batch = np.divide(rho * s, sums, out=np.zeros(len(sums)), where=positive)  # ρ_b·s/S_b
    l2 = np.divide(k * s * alpha, sums, out=np.zeros(len(sums)), where=positive)
    if w is None and not summed:
        factors = None  # ρ_b·s/S_b = 1
    else:
        factors = np.repeat(per_batch, sizes) * (1.0 if w is None else w)
    return EpochPlan(factors, l2, sizes, sums, k * s)


def squared_norm(net: Any) -> float:
    """Σ_layers ‖W‖² of the network's Dense layers (biases are not penalised)."""
    return float(sum(np.vdot(layer.W, layer.W) for layer in net.layers if getattr(layer, "W", None) is not None))


def reported(J: float, penalty: float, m_averaged: int) -> float:
    """scikit-learn's reported loss from J_b and its penalty part P_b: J_b, or (J_b − P_b)/m + P_b."""
    return J if m_averaged == 1 else (J - penalty) / m_averaged + penalty


class SklearnBatches(Callback):
    """Gives the core the l2 of each batch of an ``EpochPlan`` and sums scikit-learn's loss over the epoch.

    The core's ``fit`` calls ``on_batch_end`` after the step of batch j and before batch j + 1 is computed, so
    the l2 set there is the one batch j + 1 is trained with; ``on_train_begin`` sets batch 0's.
    """

    def __init__(self, plan: EpochPlan, alpha: float, m_averaged: int) -> None:
        self.plan = plan
        self.alpha = alpha
        self.m_averaged = m_averaged
        self.total = 0.0  # Σ_b L_b·n_b
        self._norm = 0.0  # Σ‖W‖² before the current batch's step (needed only when m_averaged > 1)

    def _next(self, state: TrainState, j: int) -> None:
        state.network.l2 = float(self.plan.l2[j])
        if self.m_averaged > 1:
            self._norm = squared_norm(state.network)

    def on_train_begin(self, state: TrainState) -> None:
        self._next(state, 0)

    def on_batch_end(self, state: TrainState) -> None:
        j = state.step - 1
        plan = self.plan
        S = plan.weight_sums[j]
        penalty = self.alpha * self._norm / (2 * S) if S > 0 else 0.0
        self.total += reported(state.batch_loss / plan.scale, penalty, self.m_averaged) * plan.sizes[j]
        if state.step < len(plan.l2):
            self._next(state, state.step)

    def epoch_loss(self) -> float:
        """Σ_b L_b·n_b / n: scikit-learn's ``loss_`` of the epoch."""
        return self.total / float(self.plan.sizes.sum())


def sklearn_loss(net: Any, X: np.ndarray, Y: np.ndarray, w: np.ndarray | None, *, summed: bool, k: float,
                 alpha: float, m_averaged: int) -> float:
    """scikit-learn's loss of the current weights on (X, Y, w) taken as one batch (penalty included).

    The network's l2 is set for the evaluation and put back.
    """
    plan = plan_epoch(w, len(X), len(X), summed=summed, k=k, alpha=alpha)
    S = plan.weight_sums[0]
    if not S > 0:
        return float("nan")  # no weight: scikit-learn's 0/0
    kept = net.l2
    net.l2 = float(plan.l2[0])
    try:
        J = net.loss(X, Y, plan.factors) / plan.scale
    finally:
        net.l2 = kept
    return reported(J, alpha * squared_norm(net) / (2 * S), m_averaged)
