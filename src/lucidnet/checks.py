"""The validation helpers of the public boundary: ``check_*`` for numbers and names, ``as_2d_array`` for data.

Everything a user can get wrong is checked where it enters lucidnet (a constructor, ``fit``, ``predict``),
with a message that names the value and the fix. Past that boundary the engine trusts its inputs, so the hot
path carries no checks. The exceptions themselves live in :mod:`lucidnet.errors`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np


def closest_name(name: object, choices: Iterable[str]) -> str | None:
    """The choice ``name`` was probably meant to be: the one that differs only in case (when only one does), else
    the closest spelling (difflib's ratio >= 0.6), else None.

    >>> closest_name("Relu", ["relu", "tanh"]), closest_name("sigmod", ["sigmoid", "softmax"])
    ('relu', 'sigmoid')
    >>> closest_name("x", ["relu"]) is None
    True
    """
    options = list(choices)
    text = str(name)
    same_case = [c for c in options if c.lower() == text.lower()]
    if len(same_case) == 1:
        return same_case[0]
    by_lower = {c.lower(): c for c in options}
    close = difflib.get_close_matches(text.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[close[0]] if close else None


def did_you_mean(name: object, choices: Iterable[str]) -> str:
    """`` Did you mean 'x'?`` for :func:`closest_name`, or "" when nothing is close."""
    close = closest_name(name, choices)
    return f" Did you mean {close!r}?" if close is not None else ""


def unknown_name(kind: str, name: object, registry: Mapping[str, Any]) -> ValueError:
    """Return the error for a name that is not in ``registry``, listing the valid names and the closest one.

    >>> str(unknown_name("activation", "Relu", {"relu": 0, "tanh": 0}))
    "unknown activation 'Relu'; valid names are: relu, tanh. Did you mean 'relu'?"
    """
    valid = ", ".join(sorted(registry))
    hint = did_you_mean(name, registry)
    return ValueError(f"unknown {kind} {name!r}; valid names are: {valid}" + (f".{hint}" if hint else ""))


def check_positive(name: str, value: object, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float after checking it is a finite number > 0 (or >= 0)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    v = float(value)
    if not np.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return v


def check_finite(name: str, value: object) -> float:
    """Return ``value`` as a float after checking it is a finite number."""
    v = float(value)  # type: ignore[arg-type]
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return v


def check_int(name: str, value: object, *, minimum: int = 1) -> int:
    """Return ``value`` as an int after checking it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


def as_numeric(name: str, a: object, hint: str = "") -> np.ndarray:
    """``a`` as a NumPy array of numbers (no copy when it is one): ragged or non-numeric input is a clear error.

    Accepts pandas objects without importing pandas.
    """
    if hasattr(a, "to_numpy") and not isinstance(a, np.ndarray):
        a = a.to_numpy()
    try:
        arr = np.asarray(a)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {exc}") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must contain numbers, got an array of dtype {arr.dtype}{hint}")
    if arr.dtype.kind == "c":  # casting to float would drop the imaginary parts without a word
        raise TypeError(f"{name} must contain real numbers, got complex ones (dtype {arr.dtype}); "
                        "pass the real parts (x.real) or the magnitudes (abs(x)) explicitly")
    return arr


def as_2d_array(name: str, a: object, dtype: np.dtype, *, n_cols: int | None = None) -> np.ndarray:
    """Return ``a`` as a C-contiguous 2-D array of ``dtype``.

    A 1-D array of ``n_cols`` > 1 values is one sample, a row (``net.predict([2, 3])`` on a 2-input network);
    any other 1-D array is one column, a value per sample. No copy is made when ``a`` already is such an array.
    Raises a clear error for ragged, non-numeric or non-finite input and, when ``n_cols`` is given, for the
    wrong number of columns.
    """
    arr = as_numeric(name, a)
    if arr.ndim == 1:
        if n_cols is not None and n_cols > 1:
            if arr.shape[0] != n_cols:
                raise ValueError(f"{name} is 1-D with {arr.shape[0]} values; the network takes samples of {n_cols} "
                                 f"values: give one sample of {n_cols} values or rows of shape (n, {n_cols})")
            arr = arr.reshape(1, n_cols)
        else:
            arr = arr.reshape(-1, 1)
    elif arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); at least one sample is needed")
    if n_cols is not None and arr.shape[1] != n_cols:
        raise ValueError(f"{name} has {arr.shape[1]} columns but the network expects {n_cols} (shape {arr.shape})")
    exact = arr.dtype.kind in "biu"  # booleans and integers are finite, and stay finite as float32/64
    arr = np.ascontiguousarray(arr, dtype=dtype)
    if exact:
        return arr
    # Finite row sums prove every value finite without a mask the size of the data (47 MB for MNIST): a NaN
    # or an infinity makes its row's sum NaN or infinite. The sums are one matrix-vector product, which BLAS
    # streams at memory speed (as fast as ``arr.sum()`` on one thread, twice as fast on two). Only rows
    # whose sum is not finite (a NaN or an infinity, or large values whose sum overflows) get the elementwise
    # check.
    with np.errstate(over="ignore", invalid="ignore"):  # an overflowing sum is handled just below
        row_sums = arr @ np.ones(arr.shape[1], dtype=arr.dtype)
    suspect = np.flatnonzero(~np.isfinite(row_sums))
    if len(suspect):
        bad = ~np.isfinite(arr[suspect])
        if bad.any():
            row, col = np.argwhere(bad)[0]
            raise ValueError(
                f"{name} contains NaN or infinity (first at row {suspect[row]}, column {col}); "
                "remove or impute those values first"
            )
    return arr
