"""A table as read, before any modelling decision: :class:`Columns`, one typed column per header name.

A column is **numbers** (:class:`NumberColumn`: float64, NaN where a cell is missing) when every cell that is
not missing reads as a number, else **text** (:class:`TextColumn`). Text is stored compactly, as in a
categorical: one int32 code per row into a list of the distinct cells, so a repeated category costs 4 bytes a
row and one long cell widens nothing but itself (never a fixed-width NumPy string array).

A cell is missing when, stripped and lower-cased, it is one of :data:`MISSING`. Text cells are kept as written
(``"?"`` or ``"NA"`` included); :meth:`TextColumn.missing` says which are missing in the features' sense, and a
target uses the narrower :data:`MISSING_TARGET` (``"?"`` and ``"-"`` can be class names).

>>> import numpy as np
>>> cols = Columns([NumberColumn("age", np.array([41.0, np.nan])), TextColumn.encode("plan", ["basic", "pro"])])
>>> cols
Columns('<columns>', 2 rows: age (numbers, 1 missing), plan (text, 2 values))
>>> cols["plan"].cells().tolist(), cols.n_rows
(['basic', 'pro'], 2)
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from ..checks import did_you_mean
from .table import DataError

__all__ = ["MISSING", "MISSING_TARGET", "Column", "Columns", "NumberColumn", "TextColumn", "is_number"]

#: cells that mean "no value" in a feature column (compared stripped and lower-cased)
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?", "-", "#n/a", "<na>"})
#: cells that mean "no value" in a target column: "?" and "-" may be class names there
MISSING_TARGET = frozenset({"", "na", "n/a", "nan", "null", "none", "#n/a", "<na>"})


def is_number(cell: str) -> bool:
    """Whether a (stripped) cell reads as a number: what ``float`` reads, without ``_`` digit groups.

    >>> is_number("-1.5e3"), is_number("1_000"), is_number("1,5"), is_number("")
    (True, False, False, False)
    """
    try:
        float(cell)
    except ValueError:
        return False
    return "_" not in cell


@dataclass
class NumberColumn:
    """A column of numbers: ``values`` (n,) float64, NaN where the cell was missing."""

    name: str
    values: np.ndarray
    kind = "numbers"

    @property
    def n_missing(self) -> int:
        return int(np.isnan(self.values).sum())

    @property
    def nbytes(self) -> int:
        return int(self.values.nbytes)

    def take(self, rows: np.ndarray) -> NumberColumn:
        return NumberColumn(self.name, self.values[rows])

    def describe(self) -> str:
        return f"{self.name} (numbers" + (f", {self.n_missing} missing)" if self.n_missing else ")")


@dataclass
class TextColumn:
    """A column of text: ``codes`` (n,) int32 into ``categories``, the distinct cells as written (stripped)."""

    name: str
    codes: np.ndarray
    categories: list[str]
    kind = "text"

    @classmethod
    def encode(cls, name: str, cells: Iterable[str]) -> TextColumn:
        """The column of ``cells``, each distinct cell stored once."""
        index: dict[str, int] = {}
        codes = np.fromiter((index.setdefault(c, len(index)) for c in cells), dtype=np.int32)
        return cls(name, codes, list(index))

    def cells(self, rows: np.ndarray | None = None) -> np.ndarray:
        """The cells as an object array (n,) of str (references to the stored categories, no copies)."""
        cats = np.empty(len(self.categories), dtype=object)
        cats[:] = self.categories
        return cats[self.codes if rows is None else self.codes[rows]]

    def missing(self, markers: frozenset[str] = MISSING) -> np.ndarray:
        """A mask (n,) of the rows whose cell is one of ``markers`` (stripped, lower-cased)."""
        is_marker = np.array([c.lower() in markers for c in self.categories] + [False], dtype=bool)
        return is_marker[self.codes]

    @property
    def n_missing(self) -> int:
        return int(self.missing().sum())

    def first_text_row(self) -> int:
        """The first row whose cell is neither missing nor a number (0 if there is none)."""
        text = np.array([not (is_number(c) or c.lower() in MISSING) for c in self.categories], dtype=bool)
        return int(np.argmax(text[self.codes]))

    @property
    def nbytes(self) -> int:
        """The codes, the distinct strings and the list that holds them."""
        return int(self.codes.nbytes + sys.getsizeof(self.categories) + sum(map(sys.getsizeof, self.categories)))

    def take(self, rows: np.ndarray) -> TextColumn:
        return TextColumn(self.name, self.codes[rows], self.categories)

    def describe(self) -> str:
        return f"{self.name} (text, {len(self.categories)} values)"


Column = NumberColumn | TextColumn


@dataclass
class Columns:
    """The columns of a table in header order, all of ``n_rows`` rows, and where each row is in the file.

    Attributes
    ----------
    columns : list of NumberColumn or TextColumn
    source : str
        The file (or the name given for bytes), for messages.
    rows : ndarray (n,) of int or None
        Each row's number as a spreadsheet shows it (the header is row 1; a quoted cell with line breaks is one
        row); None when row i is simply i + 2.
    lines : ndarray (n,) of int or None
        The line each row starts on in a text editor, where that differs from its row number.
    notes : list of str
        What reading decided that a user should know (a nameless empty column left out, say).
    """

    columns: list[Column]
    source: str = "<columns>"
    rows: np.ndarray | None = None
    lines: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        sizes = {len(c.values if isinstance(c, NumberColumn) else c.codes) for c in self.columns}
        if len(sizes) > 1:
            raise ValueError(f"columns of different lengths: {sorted(sizes)}")
        names = self.names
        if len(set(names)) != len(names):
            raise ValueError(f"column names must be distinct, got {names}")
        self._by_name = {c.name: c for c in self.columns}

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def n_rows(self) -> int:
        if not self.columns:
            return 0
        c = self.columns[0]
        return len(c.values if isinstance(c, NumberColumn) else c.codes)

    @property
    def nbytes(self) -> int:
        """The memory the columns hold, in bytes (values, codes and distinct strings; row numbers included)."""
        extra = sum(a.nbytes for a in (self.rows, self.lines) if a is not None)
        return sum(c.nbytes for c in self.columns) + extra

    def __getitem__(self, name: str) -> Column:
        try:
            return self._by_name[name]
        except KeyError:
            raise DataError(self.unknown(name)) from None

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self) -> Iterator[Column]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)

    def unknown(self, name: str, what: str = "column") -> str:
        """The message for a column name that is not here: the columns there are and the one probably meant."""
        hint = did_you_mean(name, self.names)
        return f"{self.source}: unknown {what} {name!r}; columns are: {', '.join(self.names)}" + (
            f".{hint}" if hint else "")

    def number_values(self, name: str, why: str) -> np.ndarray:
        """The values (n,) of column ``name`` when it holds numbers (NaN in gaps, infinities as read), else a
        DataError naming the first text cell, its row and column, and ending in ``why`` (what needs numbers)."""
        column = self[name]
        if isinstance(column, TextColumn):
            i = column.first_text_row()
            raise DataError(f"{self.source}: {self.row(i)}, column {name!r}: {column.cells()[i]!r} is not a number; "
                            + why)
        return column.values

    def row(self, i: int) -> str:
        """Where data row ``i`` (0-based) is, for messages: ``row 17``, or ``row 17 (line 20)``."""
        number = int(self.rows[i]) if self.rows is not None else i + 2
        line = int(self.lines[i]) if self.lines is not None else number
        return f"row {number}" + (f" (line {line})" if line != number else "")

    def take(self, rows: np.ndarray) -> Columns:
        """The same columns for the data rows ``rows`` (indices), row numbers kept for messages."""
        rows = np.asarray(rows)
        numbers = self.rows[rows] if self.rows is not None else rows + 2
        lines = self.lines[rows] if self.lines is not None else None
        return Columns([c.take(rows) for c in self.columns], self.source, numbers, lines)

    def __repr__(self) -> str:
        shown = ", ".join(c.describe() for c in self.columns[:8])
        more = f", … {len(self.columns) - 8} more" if len(self.columns) > 8 else ""
        return f"Columns({self.source!r}, {self.n_rows} rows: {shown}{more})"
