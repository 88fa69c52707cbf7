"""Metrics: how good the predictions are, in units a person reads.

Each takes ``(y_true, y_pred)``. For the classification metrics either may be class labels ``(n,)`` or
per-class scores / one-hot rows ``(n, K)`` (reduced by argmax), or a single column of probabilities
``(n, 1)`` (thresholded at 0.5), so they read a network's raw output directly.

>>> import numpy as np
>>> accuracy(np.array([0, 1, 1]), np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]))
0.6666666666666666
>>> r2_score(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0]))
1.0
>>> f1_macro(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]))
0.7333333333333334
>>> roc_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
0.75
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
    true, p = _labels(y_true), _labels(y_pred)
    _same_length(true, p)
    return float(np.mean(true == p))


def confusion_matrix(y_true: Any, y_pred: Any, n_classes: int | None = None) -> np.ndarray:
    """C[i, j] = number of samples of true class i predicted as class j (classes 0 … K−1)."""
    true, p = _labels(y_true).astype(np.int64), _labels(y_pred).astype(np.int64)
    _same_length(true, p)
    k = n_classes or int(max(true.max(initial=0), p.max(initial=0)) + 1)
    c = np.zeros((k, k), dtype=np.int64)
    np.add.at(c, (true, p), 1)
    return c


def precision_recall(y_true: Any, y_pred: Any, n_classes: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per class k: precision_k = C[k, k] / Σ_i C[i, k] (of the samples predicted k, the share that are k) and
    recall_k = C[k, k] / Σ_j C[k, j] (of the samples of class k, the share found), C the confusion matrix;
    0 where the denominator is 0 (nothing predicted k, or no sample of class k), as scikit-learn's
    ``zero_division=0``. Returns two arrays of shape (K,)."""
    return _precision_recall(confusion_matrix(y_true, y_pred, n_classes))


def _precision_recall(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(precision, recall) per class from a confusion matrix C (K, K), as :func:`precision_recall` defines them."""
    tp, predicted, actual = np.diag(c).astype(np.float64), c.sum(axis=0), c.sum(axis=1)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, actual, out=np.zeros_like(tp), where=actual > 0)
    return precision, recall


def _present(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(precision, recall, mask of the classes that occur in y_true or y_pred), as scikit-learn's macro averages
    count only those; from one confusion matrix."""
    c = confusion_matrix(y_true, y_pred)
    precision, recall = _precision_recall(c)
    return precision, recall, (c.sum(axis=0) + c.sum(axis=1)) > 0


def f1_macro(y_true: Any, y_pred: Any) -> float:
    """Macro F1 = (1/K) Σ_k F1_k, F1_k = 2 P_k R_k / (P_k + R_k) (0 when P_k + R_k = 0), over the K classes that
    occur in y_true or y_pred: every class counts the same, however rare."""
    p, r, present = _present(y_true, y_pred)
    f1 = np.divide(2 * p * r, p + r, out=np.zeros_like(p), where=(p + r) > 0)
    return float(f1[present].mean())


def precision_macro(y_true: Any, y_pred: Any) -> float:
    """(1/K) Σ_k precision_k over the classes that occur in y_true or y_pred."""
    p, _, present = _present(y_true, y_pred)
    return float(p[present].mean())


def recall_macro(y_true: Any, y_pred: Any) -> float:
    """(1/K) Σ_k recall_k over the classes that occur in y_true or y_pred (the balanced accuracy)."""
    _, r, present = _present(y_true, y_pred)
    return float(r[present].mean())


def roc_auc(y_true: Any, y_score: Any) -> float:
    """Area under the ROC curve of a binary problem: the probability that a random positive scores above a random
    negative, ties counting ½. With ranks of all n scores (tied scores share their mean rank), R₊ the sum of the
    positives' ranks: AUC = (R₊ − n₊(n₊ + 1)/2) / (n₊ n₋) (the Mann–Whitney U statistic over n₊ n₋).

    ``y_true``: labels 0/1 (n,) or (n, 1), or one-hot rows (n, 2); ``y_score``: P(class 1) as (n,) or (n, 1), or
    both classes' probabilities (n, 2).
    """
    true = _labels(y_true).astype(np.int64)
    s = np.asarray(y_score, dtype=np.float64)
    if s.ndim == 2:
        if s.shape[1] > 2:
            raise ValueError(f"roc_auc is for two classes; y_score has {s.shape[1]} columns")
        s = s[:, -1]
    _same_length(true, s)
    if not np.isin(true, (0, 1)).all():
        raise ValueError(f"roc_auc is for two classes 0 and 1; y_true holds {np.unique(true).tolist()}")
    n_pos = int(true.sum())
    n_neg = len(true) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("roc_auc needs samples of both classes in y_true")
    _, inverse, counts = np.unique(s, return_inverse=True, return_counts=True)
    mean_rank = np.cumsum(counts) - (counts - 1) / 2  # ranks 1 … n; a tie group shares its mean rank
    r_pos = mean_rank[inverse.ravel()][true == 1].sum()
    return float((r_pos - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def _values(y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
    true = np.asarray(y_true, dtype=np.float64)
    p = np.asarray(y_pred, dtype=np.float64)
    if true.ndim == 1:
        true = true.reshape(-1, 1)
    if p.ndim == 1:
        p = p.reshape(-1, 1)
    if true.shape != p.shape:
        raise ValueError(f"y_true has shape {true.shape} but y_pred has {p.shape}")
    return true, p


def mean_absolute_error(y_true: Any, y_pred: Any) -> float:
    """MAE = mean |ŷ − y| over all elements."""
    true, p = _values(y_true, y_pred)
    return float(np.mean(np.abs(p - true)))


def root_mean_squared_error(y_true: Any, y_pred: Any) -> float:
    """RMSE = √(mean (ŷ − y)²) over all elements."""
    true, p = _values(y_true, y_pred)
    return float(np.sqrt(np.mean((p - true) ** 2)))


def r2_score(y_true: Any, y_pred: Any) -> float:
    """R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)², averaged over output columns (1.0 is perfect; 0 is predicting the mean)."""
    true, p = _values(y_true, y_pred)
    ss_res = ((true - p) ** 2).sum(axis=0)
    ss_tot = ((true - true.mean(axis=0)) ** 2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(ss_tot > 0, 1 - ss_res / np.where(ss_tot > 0, ss_tot, 1), np.where(ss_res > 0, 0.0, 1.0))
    return float(r2.mean())


def _same_length(true: np.ndarray, p: np.ndarray) -> None:
    if len(true) != len(p):
        raise ValueError(f"y_true has {len(true)} samples but y_pred has {len(p)}")


#: name -> function(y_true, y_pred) -> float; names ``fit(metrics=...)`` accepts
METRICS: dict[str, Callable[[Any, Any], float]] = {
    "accuracy": accuracy,
    "f1_macro": f1_macro,
    "precision_macro": precision_macro,
    "recall_macro": recall_macro,
    "roc_auc": roc_auc,
    "mae": mean_absolute_error,
    "rmse": root_mean_squared_error,
    "r2": r2_score,
}


def get_metric(name: str) -> Callable[[Any, Any], float]:
    if name not in METRICS:
        raise unknown_name("metric", name, METRICS)
    return METRICS[name]
