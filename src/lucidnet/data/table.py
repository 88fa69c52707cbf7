"""The record every data reader returns: :class:`Table` (features, target, names), and :class:`DataError`.

Also the two checks every reader shares: that a path names an existing file, and which column is the target
(by name, by index, the last by default, or none). The readers themselves live in :mod:`lucidnet.data.csvfile`
(CSV), :mod:`lucidnet.data.arrays` (NPY, NPZ, arrays, DataFrames) and :mod:`lucidnet.data.idx` (IDX, MNIST);
:mod:`lucidnet.data` picks one by the file's content.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..checks import did_you_mean
from ..errors import DataError

__all__ = ["DataError", "PathLike", "Table"]

PathLike = str | os.PathLike[str]


def existing_file(path: PathLike, what: str = "a file") -> Path:
    """``path`` as a Path after checking it names an existing file (DataError otherwise)."""
    p = Path(path)
    if not p.exists():
        raise DataError(f"{p}: no such file")
    if p.is_dir():
        raise DataError(f"{p}: is a directory, expected {what}")
    return p


@dataclass
class Table:
    """Features and (optionally) a target read from a file.

    Attributes
    ----------
    X : ndarray, shape (n, d), float64
    y : ndarray, shape (n,) or None
        float64 when every target cell is numeric, else the strings as read (dtype object). None when the
        file has no target (``target=False``).
    feature_names : list of str, length d
    target_name : str or None
    source : str
        Where the data came from, for messages.
    ids : ndarray (n,) or None
        The cells of the ID column (``id_name``), to copy into predictions so that rows can be joined back.
    notes : list of str
        What reading decided that the user should know (columns ignored, gaps filled, …), one line each.
    """

    X: np.ndarray
    y: np.ndarray | None
    feature_names: list[str]
    target_name: str | None = None
    source: str = "<array>"
    extra: dict[str, Any] = field(default_factory=dict)
    ids: np.ndarray | None = None
    id_name: str | None = None
    notes: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        t = f", target={self.target_name!r}" if self.target_name is not None else ""
        return f"Table({self.source!r}, n={self.X.shape[0]}, features={self.X.shape[1]}{t})"


def target_index(header: Sequence[str], target: str | int | None | bool, source: str) -> int | None:
    """The index of the target column in ``header``: by name, by index (an int, or a string of digits that is not
    a column's name), the last for None, none (None) for False; a DataError listing the columns (and the one
    probably meant) for one that is not there."""
    if target is False:
        return None
    if target is None or target is True:
        return len(header) - 1
    if isinstance(target, int):
        if not -len(header) <= target < len(header):
            raise DataError(f"{source}: target column index {target} out of range for {len(header)} columns")
        return target % len(header)
    if target in header:
        return list(header).index(target)
    if str(target).lstrip("-").isdigit():
        return target_index(header, int(target), source)
    hint = did_you_mean(target, header)
    raise DataError(f"{source}: unknown target column {target!r}; columns are: {', '.join(header)}"
                    + (f".{hint}" if hint else ""))
