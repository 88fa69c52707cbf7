"""Numerical gradient checking: backpropagation against central differences, in float64.

For each parameter entry θ_i:  ∂E/∂θ_i ≈ (E(θ_i + ε) − E(θ_i − ε)) / 2ε,  with error O(ε²).
Per parameter array, the relative error is  ‖g_backprop − g_numeric‖ / (‖g_backprop‖ + ‖g_numeric‖)
(0 when both are 0), the measure the Stanford UFLDL notes use. A parameter passes when that error is at most
``tol``, or when every entry differs by at most ``atol``: a gradient that is exactly 0 (a bias that cannot
change E, say) meets finite differences of about 1e−11, rounding noise, whose relative error is 1.
The check runs on a float64 copy of the network, so a float32 network is checked without changing it.

>>> import numpy as np
>>> from lucidnet import Network, Dense
>>> net = Network([Dense(2, 3, activation="tanh"), Dense(3, 1)], loss="half_sse", seed=0)
>>> report = gradcheck(net, np.array([[0.1, 0.2], [0.3, -0.4]]), np.array([0.0, 1.0]))
>>> report.passed
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .checks import check_positive
from .display.reports import gradcheck_html

if TYPE_CHECKING:
    from .network import Network


@dataclass
class GradcheckReport:
    """The outcome of ``gradcheck``: one row per parameter array and the verdict against ``tol``."""

    rows: list[dict[str, Any]]
    tol: float
    eps: float
    atol: float = 1e-9

    @property
    def max_rel_error(self) -> float:
        return max((r["rel_error"] for r in self.rows), default=0.0)

    def row_passed(self, row: dict[str, Any]) -> bool:
        """A parameter passes on relative error <= tol, or on every entry within atol."""
        return bool(row["rel_error"] <= self.tol or row["max_abs_error"] <= self.atol)

    @property
    def passed(self) -> bool:
        return all(self.row_passed(r) for r in self.rows)

    def _repr_html_(self) -> str:
        return str(gradcheck_html(self))

    def __str__(self) -> str:
        lines = [f"{'parameter':<10} {'shape':<12} {'checked':>8} {'rel. error':>11} {'max |Δ|':>10}  verdict"]
        for r in self.rows:
            lines.append(
                f"{r['parameter']:<10} {tuple(r['shape'])!s:<12} {r['checked']:>8} "
                f"{r['rel_error']:>11.2e} {r['max_abs_error']:>10.2e}  {'ok' if self.row_passed(r) else 'FAILED'}"
            )
        verdict = "passed" if self.passed else "FAILED"
        lines.append(
            f"{verdict}: max relative error {self.max_rel_error:.2e} (tolerance {self.tol:.0e}, ε = {self.eps:.0e})"
        )
        floor = [r["parameter"] for r in self.rows if r["rel_error"] > self.tol and r["max_abs_error"] <= self.atol]
        if floor:
            lines.append(
                f"{', '.join(floor)}: every entry within {self.atol:.0e} of the finite difference "
                "(a gradient that is exactly 0 meets rounding noise, so its relative error means nothing)"
            )
        return "\n".join(lines)


def gradcheck(net: Network, X: Any, y: Any, eps: float = 1e-6, tol: float = 1e-6,
              sample_weight: Any = None, max_entries: int | None = None, seed: int = 0,
              atol: float = 1e-9) -> GradcheckReport:
    """Compare ``net``'s backpropagated gradients with central differences, in float64.

    Parameters
    ----------
    net : Network (left unchanged)
    X, y : the data the loss E is evaluated on (dropout is off)
    eps : ε of the central difference
    tol : the largest relative error that passes
    atol : a parameter whose entries all differ by at most this also passes (exactly-zero gradients)
    max_entries : check at most this many entries per parameter array, chosen at random with ``seed``
        (all when None): a big network then costs 2·max_entries loss evaluations per array

    Returns
    -------
    GradcheckReport with ``passed``, ``max_rel_error``, ``rows`` and a printable table.
    """
    eps = check_positive("eps", eps)
    tol = check_positive("tol", tol)
    atol = check_positive("atol", atol, allow_zero=True)
    copy = type(net).from_config(net.get_config(), dtype="float64")
    copy.set_weights([p.astype(np.float64) for p in net.parameters()])
    x, y, w = copy.prepare(X, y, sample_weight)  # the targets as the loss sees them
    copy.backprop(x, y, w, training=False)
    grads = [g.copy() for g in copy.gradients()]
    rng = np.random.default_rng(seed)
    rows = []
    for name, p, g in zip(copy.parameter_names(), copy.parameters(), grads):
        flat = p.reshape(-1)  # a view: writing to it perturbs the live parameter
        idx = np.arange(flat.size)
        if max_entries is not None and flat.size > max_entries:
            idx = np.sort(rng.choice(flat.size, size=max_entries, replace=False))
        numeric = np.empty(len(idx))
        for j, i in enumerate(idx):
            old = flat[i]
            flat[i] = old + eps
            e_plus = copy.evaluate(x, y, w)  # on the prepared arrays, unchecked
            flat[i] = old - eps
            e_minus = copy.evaluate(x, y, w)
            flat[i] = old
            numeric[j] = (e_plus - e_minus) / (2 * eps)
        analytic = g.reshape(-1)[idx]
        denom = np.linalg.norm(analytic) + np.linalg.norm(numeric)
        diff = np.linalg.norm(analytic - numeric)
        rows.append({
            "parameter": name,
            "shape": list(p.shape),
            "checked": len(idx),
            "rel_error": float(diff / denom) if denom > 0 else 0.0,
            "max_abs_error": float(np.max(np.abs(analytic - numeric), initial=0.0)),
        })
    return GradcheckReport(rows=rows, tol=tol, eps=eps, atol=atol)
