"""Input features of the playground: x₁, x₂ and the transforms the page offers (x₁², x₁·x₂, sin x₁, ...).

The network sees a matrix with one column per chosen feature, computed here in NumPy from the two
coordinates of each point; the page never computes them itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Feature:
    """φ(x₁, x₂): one input column computed from the two coordinates of a point."""

    name: str
    label: str
    fn: Callable[[np.ndarray, np.ndarray], np.ndarray]

    def __repr__(self) -> str:
        return f"Feature({self.name}: {self.label})"


FEATURES: dict[str, Feature] = {
    f.name: f
    for f in (
        Feature("x1", "x₁", lambda x1, x2: x1),
        Feature("x2", "x₂", lambda x1, x2: x2),
        Feature("x1_sq", "x₁²", lambda x1, x2: x1 * x1),
        Feature("x2_sq", "x₂²", lambda x1, x2: x2 * x2),
        Feature("x1_x2", "x₁·x₂", lambda x1, x2: x1 * x2),
        Feature("sin_x1", "sin x₁", lambda x1, x2: np.sin(x1)),
        Feature("sin_x2", "sin x₂", lambda x1, x2: np.sin(x2)),
    )
}


def validate_features(names: Sequence[str]) -> list[str]:
    """Check a list of feature names: known, unique, at least one; returns them in registry order.

    >>> validate_features(["x2", "x1"])
    ['x1', 'x2']
    """
    if isinstance(names, str) or not isinstance(names, (list, tuple)):
        raise TypeError(f"features must be a list of names, got {names!r}")
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"unknown feature {unknown[0]!r}; valid features: {', '.join(FEATURES)}")
    if not names:
        raise ValueError("choose at least one input feature, e.g. ['x1', 'x2']")
    return [n for n in FEATURES if n in names]


def feature_matrix(points: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """X[:, j] = φⱼ(x₁, x₂): the network's input matrix for 2-D points.

    Parameters
    ----------
    points : ndarray, shape (n, 2)
        Coordinates (x₁, x₂), one point per row.
    names : sequence of str
        Feature names from ``FEATURES``, in column order.

    Returns
    -------
    ndarray, shape (n, len(names))

    >>> feature_matrix(np.array([[2.0, 3.0]]), ["x1", "x1_x2", "x2_sq"])
    array([[2., 6., 9.]])
    """
    x1, x2 = points[:, 0], points[:, 1]
    return np.column_stack([FEATURES[n].fn(x1, x2) for n in names]).astype(np.float64, copy=False)
