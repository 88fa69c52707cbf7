"""Metrics: how good the predictions are, in units a person reads.

Each takes ``(y_true, y_pred)``. For the classification metrics either may be class labels ``(n,)`` or
per-class scores / one-hot rows ``(n, K)`` (reduced by argmax), or a single column of probabilities
``(n, 1)`` (thresholded at 0.5), so they read a network's raw output directly.

>>> import numpy as np
>>> accuracy(np.array([0, 1, 1]), np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]))
0.6666666666666666
>>> r2_score(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0]))
1.0
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .checks import unknown_name


def _labels(a: Any) -> np.ndarray:
    a = np.asarray(a)
    if a.ndim == 2 and a.shape[1] > 1:
        return a.argmax(axis=1)
    a = a.reshape(len(a))
    if np.issubdtype(a.dtype, np.floating) and ((a > 0) & (a < 1)).any():
        return (a > 0.5).astype(np.int64)
    return a


def accuracy(y_true: Any, y_pred: Any) -> float:
    """Fraction of samples whose predicted class equals the true class."""
    t, p = _labels(y_true), _labels(y_pred)
    _same_length(t, p)
    return float(np.mean(t == p))


def confusion_matrix(y_true: Any, y_pred: Any, n_classes: int | None = None) -> np.ndarray:
    """C[i, j] = number of samples of true class i predicted as class j (classes 0 … K−1)."""
    t, p = _labels(y_true).astype(np.int64), _labels(y_pred).astype(np.int64)
    _same_length(t, p)
    k = n_classes or int(max(t.max(initial=0), p.max(initial=0)) + 1)
    c = np.zeros((k, k), dtype=np.int64)
    np.add.at(c, (t, p), 1)
    return c


def _values(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(y_true, dtype=np.float64)
    p = np.asarray(y_pred, dtype=np.float64)
    if t.ndim == 1:
        t = t.reshape(-1, 1)
    if p.ndim == 1:
        p = p.reshape(-1, 1)
    if t.shape != p.shape:
        raise ValueError(f"y_true has shape {t.shape} but y_pred has {p.shape}")
    return t, p


def mean_absolute_error(y_true: Any, y_pred: Any) -> float:
    """MAE = mean |ŷ − y| over all elements."""
    t, p = _values(y_true, y_pred)
    return float(np.mean(np.abs(p - t)))


def root_mean_squared_error(y_true: Any, y_pred: Any) -> float:
    """RMSE = √(mean (ŷ − y)²) over all elements."""
    t, p = _values(y_true, y_pred)
    return float(np.sqrt(np.mean((p - t) ** 2)))


def r2_score(y_true: Any, y_pred: Any) -> float:
    """R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)², averaged over output columns (1.0 is perfect; 0 is predicting the mean)."""
    t, p = _values(y_true, y_pred)
    ss_res = ((t - p) ** 2).sum(axis=0)
    ss_tot = ((t - t.mean(axis=0)) ** 2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(ss_tot > 0, 1 - ss_res / np.where(ss_tot > 0, ss_tot, 1), np.where(ss_res > 0, 0.0, 1.0))
    return float(r2.mean())


def _same_length(t: np.ndarray, p: np.ndarray) -> None:
    if len(t) != len(p):
        raise ValueError(f"y_true has {len(t)} samples but y_pred has {len(p)}")


#: name -> function(y_true, y_pred) -> float; names ``fit(metrics=...)`` accepts
METRICS: dict[str, Callable[[Any, Any], float]] = {
    "accuracy": accuracy,
    "mae": mean_absolute_error,
    "rmse": root_mean_squared_error,
    "r2": r2_score,
}


def get_metric(name: str) -> Callable[[Any, Any], float]:
    if name not in METRICS:
        raise unknown_name("metric", name, METRICS)
    return METRICS[name]
