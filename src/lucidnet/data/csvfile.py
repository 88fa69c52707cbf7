"""Reading CSV files with a header row into a :class:`~lucidnet.data.table.Table`, every cell validated.

The reader uses the standard library ``csv`` module; pandas is never required. A bad file, row or cell raises
:class:`~lucidnet.data.table.DataError` naming the file, the row (as an editor numbers it, the header is row 1)
and the column, and saying what to do.
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np

from .table import DataError, PathLike, Table, existing_file, target_index

__all__ = ["read_csv"]


def _looks_binary(raw: bytes) -> bool:
    head = raw[:8192]
    if b"\x00" in head:
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the 8 KiB boundary is still text
        return exc.start < len(head) - 4
    return False


_MISSING = {"", "na", "n/a", "nan", "null", "none", "?", "-"}
# "?" and "-" may be class names, so a target cell is missing only when clearly so
_MISSING_TARGET = {"", "na", "n/a", "nan", "null", "none"}


def _parse_float(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def read_csv_cells(path: PathLike) -> tuple[list[str], list[list[str]], str]:
    """Header, data cells (stripped) and the source name of a CSV file, after the file-level checks."""
    p = existing_file(path, "a CSV file")
    raw = p.read_bytes()
    if not raw.strip():
        raise DataError(f"{p}: file is empty; expected a header row and at least one data row")
    if _looks_binary(raw):
        raise DataError(f"{p}: looks like a binary file, not CSV text; give a CSV, .npy, .npz or IDX file")
    text = raw.decode("utf-8-sig", errors="replace")
    rows = [r for r in csv.reader(io.StringIO(text)) if r and any(c.strip() for c in r)]
    header = [h.strip() for h in rows[0]]
    body = rows[1:]
    if not body:
        raise DataError(f"{p}: has a header row but no data rows")
    width = len(header)
    for i, r in enumerate(body):
        if len(r) != width:
            # line numbers as an editor shows them: the header is line 1
            raise DataError(
                f"{p}: row {i + 2} has {len(r)} fields but the header has {width}; every row needs {width}"
            )
    return header, [[c.strip() for c in r] for r in body], str(p)


def read_csv(path: PathLike, target: str | int | None | bool = None) -> Table:
    """Read a CSV file with a header row: X (n, d) float64 features, y (n,) the target column.

    Parameters
    ----------
    path : str or PathLike
    target : str, int, None or False
        The target column by name or by index (negative counts from the end); None: the last column;
        False: no target, every column is a feature (``predict`` input).

    Returns
    -------
    Table
        ``y`` is float64 when every target cell parses as a finite number, else the raw strings (classes).

    Raises
    ------
    DataError
        Missing, empty or binary file, header only, ragged rows, a non-numeric, missing, NaN or infinite
        feature cell (the message names the row and column), unknown target column.
    """
    header, cells, source = read_csv_cells(path)
    return table_from_cells(header, cells, target, source)


def table_from_cells(
    header: list[str],
    cells: list[list[str]],
    target: str | int | None | bool,
    source: str,
    features: list[int] | None = None,
) -> Table:
    t = target_index(header, target, source)
    if t is not None and len(header) < 2:
        raise DataError(f"{source}: needs at least one feature column besides the target {header[t]!r}")
    feat_idx = [j for j in range(len(header)) if j != t] if features is None else features
    X = np.empty((len(cells), len(feat_idx)), dtype=np.float64)
    for i, row in enumerate(cells):
        for k, j in enumerate(feat_idx):
            X[i, k] = _feature_value(row[j], i + 2, header[j], source)
    y = None
    if t is not None:
        col = [row[t] for row in cells]
        for i, c in enumerate(col):
            if c.lower() in _MISSING_TARGET:
                raise DataError(
                    f"{source}: row {i + 2}, column {header[t]!r}: missing target value {c!r}; "
                    "remove the row or fill it in"
                )
        vals = [_parse_float(c) for c in col]
        if all(v is not None for v in vals):
            y = np.array(vals, dtype=np.float64)
            bad = ~np.isfinite(y)
            if bad.any():
                i = int(np.argmax(bad))
                raise DataError(
                    f"{source}: row {i + 2}, column {header[t]!r}: target is {col[i]}; must be finite"
                )
        else:
            y = np.array(col, dtype=object)
    return Table(X, y, [header[j] for j in feat_idx], header[t] if t is not None else None, source)


def _feature_value(cell: str, row: int, col: str, source: str) -> float:
    v = _parse_float(cell)
    where = f"{source}: row {row}, column {col!r}"
    if v is None:
        if cell.lower() in _MISSING:
            raise DataError(f"{where}: missing value {cell!r}; remove the row or fill it in")
        raise DataError(f"{where}: {cell!r} is not a number; feature columns must be numeric")
    if math.isnan(v):
        raise DataError(f"{where}: value is NaN; remove the row or fill it in")
    if math.isinf(v):
        raise DataError(f"{where}: value is {cell}; features must be finite numbers")
    return v
