"""NumPy arrays as a :class:`~lucidnet.data.table.Table`: 2-D arrays, ``.npy`` and ``.npz`` files, DataFrames.

NumPy files are read with ``allow_pickle=False``: reading data never runs code. A DataFrame is accepted by
:func:`from_dataframe` when pandas happens to be installed (pandas is only touched through the object given).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .table import DataError, Table, target_index

__all__ = ["from_dataframe", "split_target"]


def split_target(
    arr: np.ndarray, target: str | int | None | bool, source: str, names: Sequence[str] | None = None
) -> Table:
    """Split a 2-D numeric array into features and the target column (default: the last one)."""
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise DataError(f"{source}: expected a 2-D array (samples as rows), got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise DataError(f"{source}: array has no rows")
    header = list(names) if names is not None else [f"x{j}" for j in range(arr.shape[1])]
    t = target_index(header, target, source)
    if t is not None and arr.shape[1] < 2:
        raise DataError(f"{source}: needs at least one feature column besides the target")
    feat = [j for j in range(arr.shape[1]) if j != t]
    X = _numeric_features(arr[:, feat], source, [header[j] for j in feat])
    y = None if t is None else np.asarray(arr[:, t])
    if y is not None and y.dtype.kind == "f" and not np.isfinite(y).all():
        i = int(np.argmax(~np.isfinite(y)))
        raise DataError(f"{source}: row {i}, target is {y[i]}; must be finite")
    return Table(X, y, [header[j] for j in feat], header[t] if t is not None else None, source)


def _numeric_features(X: np.ndarray, source: str, names: Sequence[str]) -> np.ndarray:
    if X.dtype.kind not in "biuf":
        raise DataError(f"{source}: features must be numeric, got dtype {X.dtype}")
    X = np.asarray(X, dtype=np.float64)
    bad = ~np.isfinite(X)
    if bad.any():
        i, j = (int(k) for k in np.argwhere(bad)[0])
        what = "NaN (a missing value)" if np.isnan(X[i, j]) else str(X[i, j])
        raise DataError(f"{source}: row {i}, column {names[j]!r}: value is {what}; features must be finite")
    return X


def read_npy(p: Path) -> Any:
    try:
        return np.load(p, allow_pickle=False)
    except ValueError as exc:
        raise DataError(f"{p}: cannot read without pickle ({exc}); save numeric arrays only") from None
    except (OSError, EOFError) as exc:
        raise DataError(f"{p}: not a readable NumPy file ({exc})") from None


_NPZ_X = ("X", "x", "features", "data", "images")
_NPZ_Y = ("y", "Y", "target", "labels", "targets")


def read_npz(p: Path, target: str | int | None | bool) -> Table:
    try:
        with np.load(p, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except ValueError as exc:
        raise DataError(f"{p}: cannot read without pickle ({exc}); save numeric arrays only") from None
    except Exception as exc:  # noqa: BLE001 -- zipfile raises many kinds for a corrupt archive
        raise DataError(f"{p}: not a readable .npz file ({type(exc).__name__}: {exc})") from None
    xk = next((k for k in _NPZ_X if k in arrays), None)
    yk = next((k for k in _NPZ_Y if k in arrays), None)
    if xk is None:
        if len(arrays) == 1:
            return split_target(next(iter(arrays.values())), target, str(p))
        raise DataError(f"{p}: expected arrays named X and y, found: {', '.join(arrays) or 'none'}")
    X = arrays[xk]
    X = X.reshape(X.shape[0], -1) if X.ndim > 2 else X
    names = [f"x{j}" for j in range(X.shape[1] if X.ndim == 2 else 1)]
    if yk is None or target is False:
        return split_target(X, False, str(p), names)
    y = arrays[yk]
    if y.shape[0] != X.shape[0]:
        raise DataError(f"{p}: X has {X.shape[0]} rows but y has {y.shape[0]}")
    t = split_target(X, False, str(p), names)
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise DataError(f"{p}: y contains NaN or inf; targets must be finite")
    if y.dtype.kind not in "biufUS":
        raise DataError(f"{p}: y must be numbers or strings, got dtype {y.dtype}")
    t.y = y.astype(object) if y.dtype.kind in "US" else y
    t.target_name = "y"
    return t


def from_dataframe(df: Any, target: str | int | None | bool = None) -> Table:
    """A pandas DataFrame as a :class:`Table` (pandas is only touched through the object given)."""
    header = [str(c) for c in df.columns]
    t = target_index(header, target, "<DataFrame>")
    feats = [c for j, c in enumerate(df.columns) if j != t]
    try:
        X = df[feats].to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        for c in feats:
            try:
                df[c].to_numpy(dtype=np.float64)
            except (TypeError, ValueError):
                raise DataError(
                    f"<DataFrame>: column {c!r} is not numeric; feature columns must be numeric"
                ) from None
        raise
    X = _numeric_features(X, "<DataFrame>", [str(c) for c in feats])
    y = None
    if t is not None:
        col = df[df.columns[t]]
        if col.isna().any():
            raise DataError(f"<DataFrame>: target column {header[t]!r} has missing values")
        y = col.to_numpy()
        y = y.astype(np.float64) if y.dtype.kind in "biuf" else y.astype(object)
    return Table(X, y, [str(c) for c in feats], header[t] if t is not None else None, "<DataFrame>")
