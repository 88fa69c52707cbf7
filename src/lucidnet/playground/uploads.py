"""Uploaded tables: read by lucidnet's one CSV reader, kept in the server's memory, capped by count and by bytes.

An upload is read by :func:`lucidnet.data.read_columns`, the reader of ``lucidnet train --data``, with the
server's limits on bytes, rows and columns, so a bad cell is named as the command line names it (``wine.csv: row
17, column 'hue': 'oops' is not a number, …``). What the page suggests (the target, the inputs, the plot's axes)
comes from :func:`lucidnet.data.assign_roles`: the last column is the target and columns that look like IDs are
not inputs, as on the command line.

The size of an upload is counted in one place, :func:`stored_bytes`, from the table that was kept
(:attr:`lucidnet.data.Columns.nbytes`: numbers 8 bytes a cell, text 4 bytes a cell plus each distinct string
once). :class:`UploadStore` refuses an upload that alone exceeds the budget and otherwise forgets the least
recently used ones until the new one fits.
"""

from __future__ import annotations

import secrets
import sys
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from lucidnet.data import Columns, DataError, NumberColumn, assign_roles, read_columns
from lucidnet.errors import DataLimitError
from lucidnet.playground.config import Limits, PlaygroundError

MIB = 1024 * 1024


@dataclass
class Upload:
    """A CSV file as the reader read it, its name, and what the page suggests doing with its columns."""

    table: Columns
    filename: str = ""
    target: str = ""
    inputs: list[str] = field(default_factory=list)
    id: str | None = None  # a column that looks like an ID: not an input, copied into predictions
    notes: list[str] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return self.table.n_rows

    def numeric(self) -> list[str]:
        """The columns of numbers (the ones the plot can draw)."""
        return [c.name for c in self.table if isinstance(c, NumberColumn)]

    def describe(self) -> dict[str, Any]:
        """The JSON answer to an upload: columns, their kinds, the notes of reading, and the suggested roles."""
        numeric = self.numeric()
        drawn = [c for c in self.inputs if c in numeric][:2]
        return {
            "columns": self.table.names,
            "numeric": numeric,
            "kinds": {c.name: c.kind for c in self.table},
            "n_rows": self.n_rows,
            "id": self.id,
            "notes": self.notes,
            "suggested": {
                "target": self.target,
                "inputs": self.inputs,
                "x1": drawn[0] if drawn else "",
                "x2": drawn[1] if len(drawn) > 1 else "",
            },
        }

    def __repr__(self) -> str:
        return f"Upload({self.filename or 'unnamed'}: {self.n_rows} rows × {len(self.table)} columns)"


def read_upload(raw: bytes, filename: str = "", limits: Limits | None = None) -> Upload:
    """Read an uploaded CSV file with :func:`lucidnet.data.read_columns` within ``limits``.

    Raises :class:`PlaygroundError`: 413 for a file over the limits on bytes, rows or columns (checked before
    reading the rows beyond them), 400 with the reader's message (the row and the column) for a file it refuses.

    >>> up = read_upload(b"length,width,kind\\n1,2,a\\n3,4,b\\n", "f.csv")
    >>> up.describe()["suggested"]
    {'target': 'kind', 'inputs': ['length', 'width'], 'x1': 'length', 'x2': 'width'}
    """
    limits = limits or Limits()
    if len(raw) > limits.max_upload_bytes:
        raise PlaygroundError(
            f"the file has {len(raw)} bytes, more than the limit of {limits.max_upload_bytes} bytes", 413
        )
    try:
        table = read_columns(raw, name=filename or "the file", max_rows=limits.max_points,
                             max_columns=limits.max_columns)
    except DataLimitError as e:
        raise PlaygroundError(f"{e}; keep at most {limits.max_points} rows and {limits.max_columns} columns",
                              413) from None
    except DataError as e:
        raise PlaygroundError(str(e)) from None
    if len(table) < 2:
        raise PlaygroundError(f"{table.source}: the CSV needs at least 2 columns (inputs and a target), "
                              f"got {len(table)}")
    upload = Upload(table, filename, notes=list(table.notes))
    try:
        roles = assign_roles(table, keep_hint="tick it to use it")
    except DataError:  # no input left besides the target: the page lets the user choose
        upload.target, upload.inputs = table.names[-1], table.names[:-1]
        return upload
    upload.target, upload.id = roles.target or "", roles.id
    upload.notes += roles.notes
    upload.inputs, left = _within(table, roles.features, limits.max_inputs)
    if left:
        upload.notes.append(f"not ticked, to stay within the playground's {limits.max_inputs} network inputs (a "
                            f"text column gives one per category): {', '.join(left)}")
    return upload


def _within(table: Columns, names: list[str], limit: int) -> tuple[list[str], list[str]]:
    """(the columns of ``names``, in order, whose network inputs fit in ``limit``; the others): a column of numbers
    is one input, a text column at most one per distinct cell."""
    kept, left, width = [], [], 0
    for name in names:
        column = table[name]
        w = 1 if isinstance(column, NumberColumn) else len(column.categories)
        if width + w <= limit:
            kept.append(name)
            width += w
        else:
            left.append(name)
    return kept, left


def stored_bytes(table: Columns) -> int:
    """Bytes held by an upload's table as the server keeps it: :attr:`~lucidnet.data.Columns.nbytes` (values,
    codes, each distinct string once, row numbers) and the column names.

    >>> from lucidnet.data import read_columns
    >>> stored_bytes(read_columns(b"a,b\\n" + b"1,2\\n" * 1000)) >= 16_000  # two columns of 1,000 float64
    True
    """
    return table.nbytes + sum(sys.getsizeof(n) for n in table.names)


class UploadStore:
    """At most ``max_count`` uploads holding at most ``max_bytes`` together; the least recently used go first."""

    def __init__(self, max_count: int, max_bytes: int) -> None:
        self.max_count = max_count
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, tuple[Upload, int]] = OrderedDict()

    @property
    def nbytes(self) -> int:
        """Bytes held by the kept uploads, as :func:`stored_bytes` counts them."""
        return sum(size for _, size in self._items.values())

    def add(self, upload: Upload) -> str:
        """Keep ``upload`` and return its key; 413 if it alone is over the budget."""
        size = stored_bytes(upload.table)
        if size > self.max_bytes:
            raise PlaygroundError(
                f"the file takes {size / MIB:.1f} MiB in memory once read, more than the limit of "
                f"{self.max_bytes / MIB:.0f} MiB; upload fewer rows or columns",
                413,
            )
        while self._items and (len(self._items) >= self.max_count or self.nbytes + size > self.max_bytes):
            self._items.popitem(last=False)
        key = secrets.token_urlsafe(9)
        self._items[key] = (upload, size)
        return key

    def get(self, key: str) -> Upload | None:
        """The upload kept under ``key`` (now the most recently used), or None when it is gone."""
        item = self._items.get(key)
        if item is None:
            return None
        self._items.move_to_end(key)
        return item[0]

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return (
            f"UploadStore({len(self)} of {self.max_count} uploads, "
            f"{self.nbytes / MIB:.1f} of {self.max_bytes / MIB:.0f} MiB)"
        )
