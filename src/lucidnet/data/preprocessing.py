"""Preparing data for a network: z-score standardisation, label encoding, one-hot rows, and
:class:`Preprocessing`, the fitted steps a model file keeps so that raw rows go in and answers come out (the
column steps before it, gaps filled and categories one-hot, are :class:`~lucidnet.data.encoding.Inputs`).

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

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..checks import as_2d_array
from ..errors import DataError
from ..losses import one_hot
from .columns import Columns
from .encoding import Inputs
from .roles import numeric_features

__all__ = ["LabelEncoder", "Preprocessing", "Standardizer", "TextTargetError", "as_label", "class_labels",
           "fit_preprocessing", "one_hot"]


class TextTargetError(DataError):
    """A target of text asked to be values (regression): it can only be classes. Each front end adds what to
    change in its own words (an option, a control of the page)."""


class Standardizer:
    """Per-column z-score: ``transform(X) = (X − mean_) / scale_``; ``inverse_transform`` undoes it."""

    def __init__(self) -> None:
        self.mean_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None

    def fit(self, X: Any, keep: Any = None) -> Standardizer:
        """μ and σ of each column of X (n, d); columns where the mask ``keep`` (d,) is True are left as they are
        (μ = 0, σ = 1: one-hot inputs stay 0 and 1)."""
        x = as_2d_array("X", X, np.dtype(np.float64))
        self.mean_ = x.mean(axis=0)
        std = x.std(axis=0)
        self.scale_ = np.where(std > 0, std, 1.0)
        if keep is not None:
            self.mean_[keep], self.scale_[keep] = 0.0, 1.0
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
        # a scale below the smallest normal float64 (2.2e-308) has an infinite reciprocal: no input would map
        # to a finite x', and Standardizer.fit never makes one (a constant column gets 1)
        if (mean.ndim != 1 or mean.shape != scale.shape or not np.isfinite(mean).all()
                or not np.isfinite(scale).all() or not (scale >= np.finfo(np.float64).tiny).all()):
            raise ValueError("a standardizer needs equal-length lists 'mean' (finite) and 'scale' (finite, > 0 and "
                             "not subnormal: >= 2.2e-308)")
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


@dataclass
class Preprocessing:
    """What turns raw user data into network inputs and targets, and network outputs back into answers.

    x' = (x − mean) / scale per feature column (``x_scaler``); for regression y' = (y − mean) / scale
    (``y_scaler``) and answers are y = y' · scale + mean; for classes y' = the label's index in ``classes``
    and answers are ``classes[argmax o]`` (or ``classes[o > 0.5]`` for one sigmoid output).

    Attributes
    ----------
    task : {"classification", "regression"} or None
    feature_names : list of str or None, length n_in
    target_name : str or None
    x_scaler : Standardizer or None
        None: inputs go to the network unchanged.
    y_scaler : Standardizer or None
    classes : list or None
        Labels as they were in the training data (str, int or float), in output-unit order.
    inputs : Inputs or None
        The raw columns read and how they become the n_in inputs (gaps filled, categories one-hot), before
        ``x_scaler``; None: the inputs are given as numbers, in ``feature_names`` order.
    id_name : str or None
        The column that identifies a row, copied into predictions.
    """

    task: str | None = None
    feature_names: list[str] | None = None
    target_name: str | None = None
    x_scaler: Any = None
    y_scaler: Any = None
    classes: list[Any] | None = None
    inputs: Inputs | None = None
    id_name: str | None = None

    def __repr__(self) -> str:
        parts = [f"task={self.task!r}"]
        if self.inputs is not None:
            parts.append(f"columns={len(self.inputs.columns)}")
        if self.feature_names is not None:
            parts.append(f"features={len(self.feature_names)}")
        parts.append(f"standardize={self.x_scaler is not None}")
        if self.classes is not None:
            parts.append(f"classes={self.classes!r}")
        return f"Preprocessing({', '.join(parts)})"

    @property
    def head_kind(self) -> str:
        """The kind of output head (``heads.KINDS``) these targets have: binary or multiclass with ``classes``,
        multilabel for 0/1 label columns, regression otherwise."""
        if self.classes is not None:
            return "binary" if len(self.classes) == 2 else "multiclass"
        return "multilabel" if self.task == "classification" else "regression"

    def transform_columns(self, table: Columns) -> tuple[np.ndarray, list[str]]:
        """Raw columns as the inputs X (n, n_in) that :meth:`transform_X` scales, and the lines to tell the user
        (gaps filled, unseen categories); without ``inputs``, the ``feature_names`` columns as numbers."""
        if self.inputs is not None:
            return self.inputs.transform(table)
        return numeric_features(table, self.feature_names or table.names), []

    def transform_X(self, X: np.ndarray, dtype: Any = np.float64) -> np.ndarray:
        """x' = (x − mean) / scale, shape (n, n_in) → (n, n_in); ValueError where a finite x gives an x' beyond
        the range of ``dtype`` (the network's: float32 ends at 3.4e38)."""
        if self.x_scaler is None:
            return np.asarray(X, dtype=np.float64)
        x = self.x_scaler._check(X)
        with np.errstate(over="ignore"):
            z = np.asarray(self.x_scaler.transform(x))
        bad = ~(np.abs(z) <= np.finfo(dtype).max) & np.isfinite(x)
        if bad.any():
            i, j = (int(v) for v in np.argwhere(bad)[0])
            raise ValueError(f"row {i}, column {j}: standardising overflows {np.dtype(dtype)}: (x − mean) / scale = "
                             f"{z[i, j]:.3g} with mean {self.x_scaler.mean_[j]:.3g}, scale "
                             f"{self.x_scaler.scale_[j]:.3g}: the input is far outside what the model was trained on")
        return z

    def encode_y(self, y: Any) -> np.ndarray:
        """Targets as the network learns them: class indices (n,) int64, or scaled values (n, k)."""
        if self.classes is not None:
            index = {c: i for i, c in enumerate(self.classes)}
            try:
                return np.array(
                    [index[as_label(v)] for v in np.asarray(y, dtype=object).ravel()], dtype=np.int64
                )
            except KeyError as exc:
                raise ValueError(
                    f"label {exc.args[0]!r} was not seen in training; known labels: {self.classes}"
                ) from None
        y = np.asarray(y, dtype=np.float64)
        y = y.reshape(-1, 1) if y.ndim == 1 else y
        return y if self.y_scaler is None else np.asarray(self.y_scaler.transform(y))

    def decode(self, o: np.ndarray) -> np.ndarray:
        """Network outputs (n, n_out) as answers: labels (n,) object, or values (n,) / (n, k) in original units."""
        if self.classes is not None:
            idx = (o[:, 0] > 0.5).astype(np.int64) if o.shape[1] == 1 else np.argmax(o, axis=1)
            return np.array(self.classes, dtype=object)[idx]
        y = o if self.y_scaler is None else np.asarray(self.y_scaler.inverse_transform(o))
        return y[:, 0] if y.shape[1] == 1 else y

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "feature_names": self.feature_names,
            "target_name": self.target_name,
            "x_scaler": None if self.x_scaler is None else self.x_scaler.to_dict(),
            "y_scaler": None if self.y_scaler is None else self.y_scaler.to_dict(),
            "classes": self.classes,
            "inputs": None if self.inputs is None else self.inputs.to_dict(),
            "id_name": self.id_name,
        }

    @classmethod
    def from_dict(cls, d: Any, n_in: int, n_out: int) -> Preprocessing:
        """Rebuild from :meth:`to_dict`, checking every field against the network sizes (ValueError)."""
        if not isinstance(d, dict):
            raise TypeError("preprocessing must be an object")
        task = d.get("task")
        if task not in (None, "classification", "regression"):
            raise ValueError(f"unknown task {task!r}")
        names = d.get("feature_names")
        if names is not None and (
            not isinstance(names, list) or len(names) != n_in or not all(isinstance(s, str) for s in names)
        ):
            raise ValueError(f"feature_names must be {n_in} strings")
        target = d.get("target_name")
        if target is not None and not isinstance(target, str):
            raise ValueError("target_name must be a string")

        def scaler(key: str, size: int) -> Any:
            v = d.get(key)
            if v is None:
                return None
            ok = isinstance(v, dict) and all(
                isinstance(v.get(k), list) and len(v[k]) == size and all(_is_number(x) for x in v[k])
                for k in ("mean", "scale")
            )
            if not ok:
                raise ValueError(f"{key} must hold 'mean' and 'scale' lists of {size} numbers")
            return Standardizer.from_dict(v)

        classes = d.get("classes")
        if classes is not None:
            ok = isinstance(classes, list) and all(_is_number(c) or isinstance(c, str) for c in classes)
            if not ok or len({as_label(c) for c in classes}) != len(classes):
                raise ValueError("classes must be a list of distinct strings or numbers")
            if len(classes) != (2 if n_out == 1 else n_out):
                raise ValueError(f"{len(classes)} classes for a network with {n_out} outputs")
        inputs = None if d.get("inputs") is None else Inputs.from_dict(d["inputs"])
        if inputs is not None and (inputs.n_inputs != n_in or (names is not None and names != inputs.feature_names)):
            raise ValueError(f"inputs give {inputs.n_inputs} network inputs ({', '.join(inputs.feature_names)}); "
                             f"the network has {n_in}" + (f" ({', '.join(names)})" if names else ""))
        id_name = d.get("id_name")
        if id_name is not None and not isinstance(id_name, str):
            raise ValueError("id_name must be a string")
        return cls(task, names, target, scaler("x_scaler", n_in), scaler("y_scaler", n_out), classes, inputs, id_name)


def fit_preprocessing(X: np.ndarray, y: np.ndarray, task: str, rows: np.ndarray, *, standardize: bool = True,
                      feature_names: list[str] | None = None, target_name: str | None = None,
                      inputs: Inputs | None = None, id_name: str | None = None) -> Preprocessing:
    """The :class:`Preprocessing` of a model trained on rows ``rows`` of (X, y), fitted as ``lucidnet train`` fits it
    (the playground fits its uploads with it too).

    x' = (x − μ) / σ with μ, σ of the training rows (``standardize``; the one-hot inputs of ``inputs`` stay 0 and
    1); for a 1-D target of classes, the labels of every row in :func:`class_labels` order (so a class met only in
    held-out rows still has an output); for values, y' = (y − μ) / σ of the training rows (``standardize``).

    Parameters
    ----------
    X : ndarray (n, n_in)
        Inputs as numbers (after ``inputs``, before standardising).
    y : ndarray (n,) or (n, k)
        Targets: labels, 0/1 rows (multi-label) or values.
    task : "classification" or "regression"
    rows : ndarray of int
        The training rows.

    Raises
    ------
    TextTargetError
        A target of text (object or string dtype) for regression.
    DataError
        A target of classes with one class only.
    """
    if task == "regression" and (y.dtype == object or y.dtype.kind in "US"):
        raise TextTargetError(f"the target {target_name!r} holds text ({y[0]!r}): it can only be classes")
    pre = Preprocessing(task=task, feature_names=feature_names, target_name=target_name, inputs=inputs,
                        id_name=id_name)
    if standardize:
        pre.x_scaler = Standardizer().fit(X[rows], keep=inputs.one_hot if inputs is not None else None)
    if task == "classification":
        if np.ndim(y) == 1:
            pre.classes = class_labels(y, target_name)
    elif standardize:
        pre.y_scaler = Standardizer().fit(np.asarray(y, dtype=np.float64).reshape(len(y), -1)[rows])
    return pre


def class_labels(y: Any, target: str | None = None) -> list[Any]:
    """The distinct labels of ``y`` in sorted order (by type first when they mix numbers and text): the order of a
    classifier's outputs.

    >>> class_labels(np.array([2.0, 1.0, 2.0])), class_labels(np.array(["b", "a"], dtype=object))
    ([1, 2], ['a', 'b'])
    """
    labels = [as_label(v) for v in np.asarray(y, dtype=object).ravel()]
    kinds = {type(v) for v in labels}
    classes = sorted(set(labels), key=lambda v: (str(type(v)), v)) if len(kinds) > 1 else sorted(set(labels))
    if len(classes) < 2:
        raise DataError(f"the target {target!r} has one class only ({classes[0]!r}); need two or more")
    return classes


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def as_label(v: Any) -> Any:
    """A label as a plain Python str, int or float (NumPy scalars unwrapped; 3.0 and 3 are one label)."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v
