"""Reading any data file: :func:`read_table` picks the reader by the file's content (CSV, NPY, NPZ, IDX or an
MNIST folder), and :func:`read_for_model` reads data for a trained model in the order of its features.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..checks import did_you_mean
from .arrays import read_npy, read_npz, split_target
from .columns import Columns, TextColumn
from .csvfile import read_columns, read_csv
from .encoding import Inputs
from .idx import GZIP_MAGIC, IDX_DTYPES, labels_path_for, load_mnist, pair_images_labels, read_idx
from .roles import numeric_features, require_columns, rows_with_target
from .table import DataError, PathLike, Table

__all__ = ["format_number", "is_array_file", "read_for_model", "read_table"]


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
    return _read_kind(p, _file_kind(p), target, labels)


def _file_kind(p: Path) -> str:
    """What ``p`` holds by its first bytes: ``"mnist"`` (a folder), ``"npy"``, ``"npz"``, ``"idx"`` (maybe
    gzipped) or ``"csv"`` (anything else)."""
    if p.is_dir():
        return "mnist"
    with open(p, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\x93NUMPY"):
        return "npy"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "npz"
    if head[:2] == GZIP_MAGIC or (head[:2] == b"\x00\x00" and len(head) >= 4 and head[2] in IDX_DTYPES):
        return "idx"
    return "csv"


def _read_kind(p: Path, kind: str, target: str | int | None | bool, labels: PathLike | None) -> Table:
    """:func:`read_table` for a file whose :func:`_file_kind` is known."""
    if kind == "mnist":
        return Table(*_as_xy(*load_mnist(p, "train")), source=str(p))  # type: ignore[misc]
    if kind == "npy":
        arr = read_npy(p)
        return split_target(np.asarray(arr), target, str(p))
    if kind == "npz":
        return read_npz(p, target)
    if kind == "idx":
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


def is_array_file(path: PathLike) -> bool:
    """Whether ``path`` is a folder (MNIST) or a NumPy or IDX file by its first bytes (else it is read as CSV)."""
    return _file_kind(Path(path)) != "csv"


def read_for_model(
    path: PathLike,
    n_features: int,
    feature_names: Sequence[str] | None = None,
    target_name: str | None = None,
    need_target: bool = False,
    labels: PathLike | None = None,
    *,
    inputs: Inputs | None = None,
    id_name: str | None = None,
    sep: str | None = None,
) -> Table:
    """Read data for a trained model: the inputs it was trained on, in its order, and the target if asked.

    A CSV is matched by column name: a column the model reads and the file lacks is an error naming it; the
    other columns are ignored, with a note naming them. With ``inputs`` (a model trained on raw columns) the
    columns are encoded as in training (gaps filled, categories one-hot; a category not seen in training gives a
    warning). A model without ``inputs`` reads numeric columns; when the file has none of their names but their
    number, they are taken by position, with a note saying so. An array file must have ``n_features`` columns,
    or one more: the target, last.

    Returns
    -------
    Table
        ``X`` (n, n_features) the network's inputs before standardising; ``ids`` the ``id_name`` column when the
        file has it; ``notes`` what the user should hear of. Rows without a target are left out (with a note)
        when ``need_target``, before the columns are encoded: gaps filled and unseen categories are counted, and
        cells checked, in the rows kept.

    Raises
    ------
    DataError
        A missing column (named), a missing target column when ``need_target``, and every error of
        :func:`~lucidnet.data.csvfile.read_columns` / :func:`read_table`.
    """
    p = Path(path)
    if not p.exists():
        raise DataError(f"{p}: no such file")
    kind = _file_kind(p)
    if kind != "csv":
        return _array_for_model(p, kind, n_features, feature_names, need_target, labels)
    table = read_columns(p, sep=sep)
    notes = list(table.notes)
    y, left_out = None, 0
    if need_target and target_name is not None and target_name in table:  # before encoding: only the rows kept
        kept, y, _ = rows_with_target(table, target_name)
        left_out, table = table.n_rows - kept.n_rows, kept
    if inputs is not None:
        X, more = inputs.transform(table)
        used, names = inputs.names, inputs.feature_names
        notes += more
    else:
        used = _numeric_columns_for_model(table, n_features, feature_names, target_name, notes)
        X, names = numeric_features(table, used), list(feature_names) if feature_names is not None else used
    ignored = [n for n in table.names if n not in used and n not in (target_name, id_name)]
    if ignored:
        notes.append(f"{table.source}: columns the model does not read, ignored: {', '.join(ignored)}")
    ids = _ids(table, id_name) if id_name is not None and id_name in table else None
    if need_target and y is None:
        hint = did_you_mean(target_name, table.names) if target_name is not None else ""
        raise DataError(f"{table.source}: no column {target_name!r}, the target the model predicts, which scoring it "
                        f"needs; columns are: {', '.join(table.names)}" + (f".{hint}" if hint else ""))
    if left_out:
        notes.append(f"{table.source}: {left_out} rows without a {target_name!r} value left out")
    return Table(X, y, names, target_name if need_target else None, table.source, ids=ids,
                 id_name=id_name if ids is not None else None, notes=notes)


def _numeric_columns_for_model(table: Columns, n_features: int, feature_names: Sequence[str] | None,
                               target_name: str | None, notes: list[str]) -> list[str]:
    """The columns a model without ``inputs`` reads: its feature names, or (when the file has none of them) as
    many columns by position, said in a note."""
    names = list(feature_names) if feature_names is not None else None
    if names is not None and any(n in table for n in names):
        require_columns(table, names)
        return names
    candidates = [n for n in table.names if n != target_name]
    if len(candidates) != n_features:
        shown = f" ({', '.join(names)})" if names is not None else ""
        raise DataError(f"{table.source}: wrong number of feature columns: the model expects {n_features}{shown}, "
                        f"got {len(candidates)} ({', '.join(candidates)})")
    if names is not None:
        notes.append(f"{table.source}: none of the model's column names ({', '.join(names)}) is in the file: its "
                     f"columns {', '.join(candidates)} are taken in that order")
    return candidates


def _ids(table: Columns, name: str) -> np.ndarray:
    column = table[name]
    if isinstance(column, TextColumn):
        return column.cells()
    return np.array([format_number(v) for v in column.values], dtype=object)


def format_number(v: float) -> str:
    """A number as it reads best in a CSV cell: whole numbers without ``.0``, "" for NaN.

    >>> format_number(7.0), format_number(0.25), format_number(float("nan"))
    ('7', '0.25', '')
    """
    if math.isnan(v):
        return ""
    return str(int(v)) if float(v).is_integer() and abs(v) < 2**53 else repr(float(v))


def _array_for_model(p: Path, kind: str, n_features: int, feature_names: Sequence[str] | None, need_target: bool,
                     labels: PathLike | None) -> Table:
    t = _read_kind(p, kind, False if not need_target and labels is None else None, labels)
    if t.y is None and t.X.shape[1] == n_features + 1:
        t = split_target(t.X, None, t.source)
    if t.X.shape[1] != n_features:
        raise DataError(f"{p}: wrong number of feature columns: the model expects {n_features}, got {t.X.shape[1]}")
    if need_target and t.y is None:
        raise DataError(f"{p}: no target column; give {n_features} feature columns plus the target, last")
    if feature_names is not None:
        t.feature_names = list(feature_names)
    return t
