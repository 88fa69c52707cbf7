"""The record of a built-in data set: :class:`Dataset` (X, y, names, task, one line of description)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Dataset"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """A named table of samples: X (n, d) inputs and y (n,) or (n, k) targets.

    Attributes
    ----------
    name : str
        Registry name, e.g. ``"xor"``.
    X : ndarray of shape (n, d), float64
        Inputs, one sample per row.
    y : ndarray of shape (n,) or (n, k)
        Targets: float64 for regression and for the 0/1 targets the lessons train with squared error;
        int64 class labels for the 2-D classification generators.
    feature_names : list of str
        One name per column of ``X``.
    target_names : list of str
        One name per target column (one entry when y is 1-D).
    task : {"classification", "regression"}
    description : str
        One line, naming the lesson the data comes from.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    feature_names: list[str] = field(default_factory=list)
    target_names: list[str] = field(default_factory=list)
    task: str = "classification"
    description: str = ""

    def __post_init__(self) -> None:
        if self.task not in ("classification", "regression"):
            raise ValueError(f"task must be 'classification' or 'regression', got {self.task!r}")
        if self.X.ndim != 2 or self.X.shape[0] != self.y.shape[0]:
            raise ValueError(f"X must be (n, d) and y (n,) or (n, k), got X {self.X.shape} and y {self.y.shape}")
        if len(self.feature_names) != self.X.shape[1]:
            raise ValueError(f"{len(self.feature_names)} feature names for {self.X.shape[1]} columns")

    @property
    def n(self) -> int:
        """Number of samples (rows of X)."""
        return int(self.X.shape[0])

    @property
    def d(self) -> int:
        """Number of input features (columns of X)."""
        return int(self.X.shape[1])

    def __iter__(self):
        """Unpack as ``X, y = dataset``."""
        return iter((self.X, self.y))

    def __repr__(self) -> str:
        return f"Dataset({self.name!r}, {self.n}×{self.d}, {self.task})"
