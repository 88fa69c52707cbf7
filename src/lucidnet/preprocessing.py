"""Preparing data for a network: z-score standardisation, label encoding, one-hot rows.

z-score:  x' = (x − μ) / σ  per column, with μ and σ from the training data (σ = 1 for a constant column,
so it maps to 0 instead of dividing by zero). Fit on training data only, then apply the same μ and σ to
anything predicted later: a saved model keeps them.

>>> import numpy as np
>>> s = Standardizer().fit(np.array([[1.0, 10.0], [3.0, 10.0]]))
>>> s.transform(np.array([[2.0, 10.0]]))
array([[0., 0.]])
>>> LabelEncoder().fit(["cat", "dog", "cat"]).transform(["dog", "cat"])
array([1, 0])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .checks import as_2d_array
from .losses import one_hot

__all__ = ["LabelEncoder", "Standardizer", "one_hot"]


class Standardizer:
    """Per-column z-score: ``transform(X) = (X − mean_) / scale_``; ``inverse_transform`` undoes it."""

    def __init__(self) -> None:
        self.mean_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None

    def fit(self, X: Any) -> Standardizer:
        x = as_2d_array("X", X, np.dtype(np.float64))
        self.mean_ = x.mean(axis=0)
        std = x.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        return self

    def _check(self, X: Any) -> np.ndarray:
        if self.mean_ is None or self.scale_ is None:
            raise RuntimeError("this Standardizer is not fitted yet: call fit(X) first")
        arr = np.asarray(X, dtype=np.float64) if not hasattr(X, "to_numpy") else X.to_numpy(dtype=np.float64)
        if arr.ndim == 1 and len(self.mean_) == 1:
            arr = arr.reshape(-1, 1)
        if arr.ndim != 2 or arr.shape[1] != len(self.mean_):
            raise ValueError(f"X has shape {arr.shape}; this Standardizer was fitted on {len(self.mean_)} columns")
        return arr

    def transform(self, X: Any) -> np.ndarray:
        return (self._check(X) - self.mean_) / self.scale_

    def fit_transform(self, X: Any) -> np.ndarray:
        return self.fit(X).transform(X)

    def inverse_transform(self, Z: Any) -> np.ndarray:
        return self._check(Z) * self.scale_ + self.mean_

    def to_dict(self) -> dict[str, Any]:
        if self.mean_ is None or self.scale_ is None:
            raise RuntimeError("this Standardizer is not fitted yet")
        return {"mean": self.mean_.tolist(), "scale": self.scale_.tolist()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Standardizer:
        s = cls()
        mean = np.asarray(data["mean"], dtype=np.float64)
        scale = np.asarray(data["scale"], dtype=np.float64)
        if mean.ndim != 1 or mean.shape != scale.shape or not np.isfinite(mean).all() or not (scale > 0).all():
            raise ValueError("a standardizer needs equal-length finite 'mean' and positive 'scale' lists")
        s.mean_, s.scale_ = mean, scale
        return s

    def __repr__(self) -> str:
        return "Standardizer()" if self.mean_ is None else f"Standardizer(n_features={len(self.mean_)})"


class LabelEncoder:
    """Maps class labels (strings or numbers) to 0 … K−1 in sorted order, and back."""

    def __init__(self) -> None:
        self.classes_: np.ndarray | None = None

    def fit(self, y: Any) -> LabelEncoder:
        arr = np.asarray(y)
        if arr.ndim != 1:
            raise ValueError(f"labels must be 1-D, got shape {arr.shape}")
        self.classes_ = np.unique(arr)
        return self

    def transform(self, y: Any) -> np.ndarray:
        if self.classes_ is None:
            raise RuntimeError("this LabelEncoder is not fitted yet: call fit(y) first")
        arr = np.asarray(y)
        idx = np.searchsorted(self.classes_, arr)
        idx = np.clip(idx, 0, len(self.classes_) - 1)
        unknown = self.classes_[idx] != arr
        if unknown.any():
            raise ValueError(f"unknown label {arr[unknown][0]!r}; known labels are {list(self.classes_)}")
        return idx.astype(np.int64)

    def fit_transform(self, y: Any) -> np.ndarray:
        return self.fit(y).transform(y)

    def inverse_transform(self, idx: Any) -> np.ndarray:
        if self.classes_ is None:
            raise RuntimeError("this LabelEncoder is not fitted yet: call fit(y) first")
        return self.classes_[np.asarray(idx, dtype=np.int64)]

    def __repr__(self) -> str:
        return "LabelEncoder()" if self.classes_ is None else f"LabelEncoder(classes={list(self.classes_)})"
