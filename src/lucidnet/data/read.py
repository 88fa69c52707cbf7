"""Reading any data file: :func:`read_table` picks the reader by the file's content (CSV, NPY, NPZ, IDX or an
MNIST folder), and :func:`read_for_model` reads data for a trained model in the order of its features.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .arrays import read_npy, read_npz, split_target
from .csvfile import read_csv, read_csv_cells, table_from_cells
from .idx import GZIP_MAGIC, IDX_DTYPES, labels_path_for, load_mnist, pair_images_labels, read_idx
from .table import DataError, PathLike, Table

__all__ = ["read_for_model", "read_table"]


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
        arr = read_npy(p)
        return split_target(np.asarray(arr), target, str(p))
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return read_npz(p, target)
    is_idx = head[:2] == b"\x00\x00" and len(head) >= 4 and head[2] in IDX_DTYPES
    if head[:2] == GZIP_MAGIC or is_idx:
        arr = read_idx(p)
        if target is False:
            return Table(
                np.asarray(arr.reshape(arr.shape[0], -1), dtype=np.float64),
                None,
                _pixel_names(arr),
                None,
                str(p),
            )
        lp = Path(labels) if labels is not None else labels_path_for(p)
        if lp is None:
            raise DataError(f"{p}: an IDX images file needs its labels file; pass --labels FILE")
        X, y = pair_images_labels(arr, read_idx(lp), p, lp)
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
    is_array = head.startswith((b"\x93NUMPY", b"PK\x03\x04", b"PK\x05\x06", GZIP_MAGIC)) or (
        len(head) >= 4 and head[:2] == b"\x00\x00" and head[2] in IDX_DTYPES
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
    header, cells, source = read_csv_cells(p)
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
    return table_from_cells(header, cells, target, source, features=feats)
