"""Reading data files: CSV, NPY/NPZ and IDX (MNIST), validated at the boundary.

Every reader returns plain NumPy arrays, samples as rows. Bad input raises :class:`DataError` (a
``ValueError``) whose message names the file, the row and the column, and says what to do.

The CSV reader uses the standard library ``csv`` module; pandas is never required (a DataFrame is accepted
by :func:`from_dataframe` when pandas happens to be installed). NumPy files are read with
``allow_pickle=False``: reading data never runs code.

Where each part lives (every name is importable from here as well):

- :mod:`lucidnet.table`: :class:`Table`, the record every reader returns, and :class:`DataError`;
- :mod:`lucidnet.csvfile`: :func:`read_csv`;
- :mod:`lucidnet.arrays`: :func:`split_target`, :func:`from_dataframe`, and the NPY/NPZ readers;
- :mod:`lucidnet.idx`: :func:`read_idx`, :func:`read_idx_pair`, :func:`find_mnist`, :func:`load_mnist`;
- here: :func:`read_table`, which picks the reader by the file's content, and :func:`read_for_model`, which
  reads data for a trained model in the order of its features.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .arrays import _load_npy, _read_npz, from_dataframe, split_target
from .csvfile import _csv_cells, _table_from_cells, read_csv
from .idx import (
    _GZIP_MAGIC,
    _IDX_DTYPES,
    _idx_pair,
    _labels_path_for,
    find_mnist,
    load_mnist,
    read_idx,
    read_idx_pair,
)
from .table import DataError, PathLike, Table

__all__ = [
    "DataError",
    "Table",
    "find_mnist",
    "from_dataframe",
    "load_mnist",
    "read_csv",
    "read_for_model",
    "read_idx",
    "read_idx_pair",
    "read_table",
    "split_target",
]


def read_table(
    path: PathLike, target: str | int | None | bool = None, labels: PathLike | None = None
) -> Table:
    """Read features (and a target) from CSV, NPY, NPZ or an IDX pair, chosen by the file's content.

    Parameters
    ----------
    path : str or PathLike
        CSV with a header row; ``.npy`` (2-D, target = last column unless ``target`` says otherwise); ``.npz``
        with arrays ``X`` and ``y`` (or one 2-D array); an IDX images file (labels from ``labels`` or the
        ``…labels-idx1…`` file beside it); or a folder holding MNIST.
    target : str, int, None or False
        As in :func:`read_csv`; False reads features only.
    labels : str or PathLike, optional
        The IDX labels file that goes with an IDX images file.
    """
    p = Path(path)
    if not p.exists():
        raise DataError(f"{p}: no such file")
    if p.is_dir():
        return Table(*_as_xy(*load_mnist(p, "train")), source=str(p))  # type: ignore[misc]
    with open(p, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\x93NUMPY"):
        arr = _load_npy(p)
        return split_target(np.asarray(arr), target, str(p))
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _read_npz(p, target)
    is_idx = head[:2] == b"\x00\x00" and len(head) >= 4 and head[2] in _IDX_DTYPES
    if head[:2] == _GZIP_MAGIC or is_idx:
        arr = read_idx(p)
        if target is False:
            return Table(
                np.asarray(arr.reshape(arr.shape[0], -1), dtype=np.float64),
                None,
                _pixel_names(arr),
                None,
                str(p),
            )
        lp = Path(labels) if labels is not None else _labels_path_for(p)
        if lp is None:
            raise DataError(f"{p}: an IDX images file needs its labels file; pass --labels FILE")
        X, y = _idx_pair(arr, read_idx(lp), p, lp)
        return Table(X.astype(np.float64), y.astype(np.int64), _pixel_names(arr), "label", str(p))
    return read_csv(p, target)


def _pixel_names(arr: np.ndarray) -> list[str]:
    return [f"pixel{j}" for j in range(math.prod(arr.shape[1:]))]


def _as_xy(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str], str]:
    return X.astype(np.float64), y.astype(np.int64), [f"pixel{j}" for j in range(X.shape[1])], "label"


def read_for_model(
    path: PathLike,
    n_features: int,
    feature_names: Sequence[str] | None = None,
    target_name: str | None = None,
    need_target: bool = False,
    labels: PathLike | None = None,
) -> Table:
    """Read data for a trained model: the features it was trained on, in its order, and the target if asked.

    A CSV is matched by column names when it has all of ``feature_names`` (other columns, the target among
    them, are ignored), else by position when it has exactly ``n_features`` columns. An array file must have
    ``n_features`` columns, or one more: the target, last.

    Raises
    ------
    DataError
        Wrong number of columns (expected vs got), a missing target column when ``need_target``, and every
        error of :func:`read_csv` / :func:`read_table`.
    """
    p = Path(path)
    if not p.exists():
        raise DataError(f"{p}: no such file")
    names = list(feature_names) if feature_names is not None else None
    with open(p, "rb") as fh:
        head = fh.read(8)
    is_array = head.startswith((b"\x93NUMPY", b"PK\x03\x04", b"PK\x05\x06", _GZIP_MAGIC)) or (
        len(head) >= 4 and head[:2] == b"\x00\x00" and head[2] in _IDX_DTYPES
    )
    if is_array or p.is_dir():
        t = read_table(p, target=False if not need_target and labels is None else None, labels=labels)
        if t.y is None and t.X.shape[1] == n_features + 1:
            t = split_target(t.X, None, t.source)
        if t.X.shape[1] != n_features:
            raise DataError(
                f"{p}: wrong number of feature columns: the model expects {n_features}, got {t.X.shape[1]}"
            )
        if need_target and t.y is None:
            raise DataError(f"{p}: no target column; give {n_features} feature columns plus the target, last")
        if names is not None:
            t.feature_names = names
        return t
    header, cells, source = _csv_cells(p)
    if names is not None and all(n in header for n in names):
        feats = [header.index(n) for n in names]
    elif len(header) == n_features or (len(header) == n_features + 1 and target_name in header):
        feats = [j for j in range(len(header)) if header[j] != target_name][:n_features]
    else:
        shown = f" ({', '.join(names)})" if names is not None else ""
        raise DataError(
            f"{source}: wrong number of feature columns: the model expects {n_features}{shown}, "
            f"got {len(header)} ({', '.join(header)})"
        )
    target: str | bool = False
    if need_target:
        if target_name is None or target_name not in header:
            raise DataError(f"{source}: no target column {target_name!r}; columns are: {', '.join(header)}")
        target = target_name
    return _table_from_cells(header, cells, target, source, features=feats)
