"""A trained network with what it needs to answer in the user's units.

:class:`Preprocessing` turns raw user data into network inputs and targets (feature standardizer, target
scaler, class labels in their original type) and network outputs back into answers; :class:`ModelBundle` holds
a network with its preprocessing, training history and options, as :func:`lucidnet.io.load_model` returns it.
Both live in memory only: :mod:`lucidnet.model_file` writes and reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .display.model import bundle_html

__all__ = ["ModelBundle", "Preprocessing"]

# --------------------------------------------------------------------------------------- preprocessing
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
    """

    task: str | None = None
    feature_names: list[str] | None = None
    target_name: str | None = None
    x_scaler: Any = None
    y_scaler: Any = None
    classes: list[Any] | None = None

    def __repr__(self) -> str:
        parts = [f"task={self.task!r}"]
        if self.feature_names is not None:
            parts.append(f"features={len(self.feature_names)}")
        parts.append(f"standardize={self.x_scaler is not None}")
        if self.classes is not None:
            parts.append(f"classes={self.classes!r}")
        return f"Preprocessing({', '.join(parts)})"

    def transform_X(self, X: np.ndarray) -> np.ndarray:
        """x' = (x − mean) / scale, shape (n, n_in) → (n, n_in)."""
        if self.x_scaler is None:
            return np.asarray(X, dtype=np.float64)
        return np.asarray(self.x_scaler.transform(X))

    def encode_y(self, y: Any) -> np.ndarray:
        """Targets as the network learns them: class indices (n,) int64, or scaled values (n, k)."""
        if self.classes is not None:
            index = {c: i for i, c in enumerate(self.classes)}
            try:
                return np.array(
                    [index[_label(v)] for v in np.asarray(y, dtype=object).ravel()], dtype=np.int64
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
        }

    @classmethod
    def from_dict(cls, d: Any, n_in: int, n_out: int) -> Preprocessing:
        """Rebuild from :meth:`to_dict`, checking every field against the network sizes (ValueError)."""
        from .preprocessing import Standardizer

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
            if not ok or len({_label(c) for c in classes}) != len(classes):
                raise ValueError("classes must be a list of distinct strings or numbers")
            if len(classes) != (2 if n_out == 1 else n_out):
                raise ValueError(f"{len(classes)} classes for a network with {n_out} outputs")
        return cls(task, names, target, scaler("x_scaler", n_in), scaler("y_scaler", n_out), classes)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _label(v: Any) -> Any:
    """A label as a plain Python str, int or float (NumPy scalars unwrapped; 3.0 and 3 are one label)."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


# --------------------------------------------------------------------------------------- the bundle
@dataclass
class ModelBundle:
    """A trained network with what it needs to answer in the user's units.

    Attributes
    ----------
    network : Network
    preprocessing : Preprocessing
    history : dict or None
        ``History.to_dict()`` of the run that made it.
    options : dict or None
        The training options (optimizer, epochs, batch size, seed, …).
    metadata : dict
        The whole ``lucidnet`` metadata object as read from the file.
    """

    network: Any
    preprocessing: Preprocessing = field(default_factory=Preprocessing)
    history: dict[str, Any] | None = None
    options: dict[str, Any] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"ModelBundle({self.network!r}, {self.preprocessing!r})"

    def _repr_html_(self) -> str:
        return str(bundle_html(self))

    @property
    def n_features(self) -> int:
        return int(self.network.n_in)

    def predict_raw(self, X: np.ndarray) -> np.ndarray:
        """o = network(x'), shape (n, n_out): probabilities for softmax/sigmoid outputs, scaled values else."""
        return np.asarray(self.network.predict(self.preprocessing.transform_X(X)))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Answers for raw X (n, n_in): class labels as in the training data, or values in the target's units."""
        return self.preprocessing.decode(self.predict_raw(X))

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """P(class | x), shape (n, n_classes); a single sigmoid output gives columns (1 − o, o)."""
        o = self.predict_raw(X)
        return np.hstack([1 - o, o]) if o.shape[1] == 1 else o
