"""CSV text as it comes, read into :class:`~lucidnet.data.columns.Columns`: the one CSV reader of lucidnet (the
CLI, :func:`read_csv` and the playground's uploads all use :func:`read_columns`).

What it accepts: a path or the bytes of a file; UTF-8 with or without a byte-order mark; ``\\n``, ``\\r\\n`` or old
``\\r`` line ends; the separator ``,`` ``;`` tab or ``|``, detected from the first rows (or given); quoted cells
with separators, quotes (``""``) and line breaks inside; blank lines. A cell is missing when it is one of
:data:`~lucidnet.data.columns.MISSING` (empty, ``NA``, ``NaN``, ``?``, …). Numbers are read as Python reads them
(``1e-3``, ``-4.5``); ``1,234.5`` or ``3,5`` are not guessed: a column of them is an error that says so.

What it refuses, each with one :class:`~lucidnet.errors.DataError` naming the file and the row (as a spreadsheet
numbers it, the header is row 1; the editor's line too where it differs): an empty, binary or non-UTF-8 file, a
header without data, a missing or repeated column name, a row with more or fewer cells than the header, a quote
that never closes, text after a closing quote, a carriage return inside an unquoted cell, a cell over
:data:`MAX_CELL` characters, and a column of numbers with a few cells that are not.

The file is read as a stream in chunks of :data:`CHUNK_ROWS` rows: only one chunk's cells exist as Python strings
at a time.
"""

from __future__ import annotations

import array
import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from typing import IO

import numpy as np

from ..errors import DataLimitError
from .columns import MISSING, Column, Columns, NumberColumn, TextColumn, is_number
from .roles import numeric_features, target_column, target_values
from .table import DataError, PathLike, Table, existing_file

__all__ = ["CHUNK_ROWS", "MAX_CELL", "SEPARATORS", "Source", "detect_separator", "read_columns", "read_csv"]

#: a path, or the bytes of a file
Source = PathLike | bytes | bytearray | memoryview
#: the separators :func:`detect_separator` chooses from, in the order ties go
SEPARATORS = (",", ";", "\t", "|")
#: the longest cell read, in characters (the standard library's csv field limit)
MAX_CELL = 131_072
#: rows converted to typed columns at a time
CHUNK_ROWS = 65_536
_SAMPLE_BYTES = 65_536
_COMMA_NUMBER = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?|[+-]?\d+,\d+")


def read_columns(source: Source, *, name: str | None = None, sep: str | None = None,
                 max_rows: int | None = None, max_columns: int | None = None) -> Columns:
    """Read CSV text with a header row into typed columns.

    Parameters
    ----------
    source : str, PathLike, bytes, bytearray or memoryview
        A file's path, or its contents.
    name : str, optional
        How messages name the source (default: the path, or ``<bytes>``).
    sep : str, optional
        The separator; default: detected among :data:`SEPARATORS`.
    max_rows : int, optional
        Refuse a file with more data rows than this (before reading the rest of it).
    max_columns : int, optional
        Refuse a file whose header names more columns than this (before reading any data row).

    Returns
    -------
    Columns
        One NumberColumn (float64, NaN where missing) or TextColumn (int32 codes into the distinct cells) per
        header name, in header order; ``nbytes`` says how much memory they hold.

    Raises
    ------
    DataError
        For every problem listed in this module's docstring, naming the file, the row and the column;
        :class:`~lucidnet.errors.DataLimitError` for a file over ``max_rows`` or ``max_columns``.
    """
    label, head, opener, everything = _open(source, name)
    _check_head(head, label)
    sample = head.decode("utf-8-sig", errors="ignore")
    if sep is None:
        sep = detect_separator(sample)
    elif len(sep) != 1 or sep in "\"\r\n":
        raise DataError(f"{label}: the separator must be one character other than a quote or line end, got {sep!r}")
    newline = "\r" if "\r" in sample and "\n" not in sample and len(head) < _SAMPLE_BYTES else "\n"
    with opener(newline) as text:
        try:
            return _read(_records(text, sep, label), label, max_rows, max_columns)
        except UnicodeDecodeError:
            raise DataError(_not_utf8(label, everything())) from None


def read_csv(source: Source, target: str | int | None | bool = None, *, sep: str | None = None,
             name: str | None = None) -> Table:
    """Read a CSV file whose feature columns are all numbers: X (n, d) float64, y (n,) the target column.

    For tables with text columns, gaps or IDs, :func:`read_columns` and :mod:`lucidnet.data.roles` (what
    ``lucidnet train`` does) say what to do with each column.

    Parameters
    ----------
    source : str, PathLike or bytes
    target : str, int, None or False
        The target column by name or by index (negative counts from the end); None: the last column;
        False: no target, every column is a feature (``predict`` input).
    sep, name
        As in :func:`read_columns`.

    Returns
    -------
    Table
        ``y`` is float64 when every target cell is a finite number, else the cells as text (classes).

    Raises
    ------
    DataError
        Every error of :func:`read_columns`; a text, missing or infinite feature cell, a missing target value
        (the message names the row and column); an unknown target column.
    """
    table = read_columns(source, name=name, sep=sep)
    t = target_column(table, target)
    features = [n for n in table.names if n != t]
    if t is not None and not features:
        raise DataError(f"{table.source}: needs at least one feature column besides the target {t!r}")
    X = numeric_features(table, features)
    y = None
    if t is not None:
        y, missing = target_values(table, t)
        if missing.any():
            i = int(np.argmax(missing))
            cell = "" if y.dtype.kind == "f" else y[i]
            raise DataError(f"{table.source}: {table.row(i)}, column {t!r}: missing target value {cell!r}; remove the "
                            "row or fill it in")
    return Table(X, y, features, t, table.source)


def detect_separator(sample: str) -> str:
    """The separator of CSV text, from its first rows: the one of :data:`SEPARATORS` that splits the header into
    the most cells (2 or more) and every sampled row into as many; failing that, the one that splits the most rows
    like the header; ``,`` for a single column.

    >>> detect_separator("alcohol;malic_acid\\n14,2;1,7\\n"), detect_separator("a,b\\n1,2\\n")
    (';', ',')
    """
    lines = sample.splitlines()[:30] if "\n" in sample or "\r" in sample else [sample]
    if len(sample) >= _SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut
    best, best_score = ",", (-1.0, 0)
    for sep in SEPARATORS:
        try:
            rows = [r for r in csv.reader(lines, delimiter=sep) if r]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        agree = sum(len(r) == width for r in rows) / len(rows)
        score = (agree, width)
        if score > best_score:
            best, best_score = sep, score
    return best


# ------------------------------------------------------------------------------------------------ the text
def _open(source: Source, name: str | None) -> tuple[str, bytes, Callable[[str], IO[str]], Callable[[], bytes]]:
    """(label, the first bytes, a function opening the text as a stream with the given line end, one giving all
    the bytes)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw = bytes(source)
        return (name or "<bytes>", raw[:_SAMPLE_BYTES],
                lambda nl: io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline=nl), lambda: raw)
    p = existing_file(source, "a CSV file")
    with open(p, "rb") as fh:
        head = fh.read(_SAMPLE_BYTES)
    return name or str(p), head, lambda nl: open(p, encoding="utf-8-sig", newline=nl), p.read_bytes


def _not_utf8(label: str, raw: bytes) -> str:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return (f"{label}: line {line}: byte 0x{raw[exc.start]:02x} is not UTF-8 text; save the file as UTF-8 (in a "
                "spreadsheet: CSV UTF-8)")
    return f"{label}: is not UTF-8 text; save the file as UTF-8"


def _check_head(head: bytes, label: str) -> None:
    if not head.strip():
        raise DataError(f"{label}: file is empty; expected a header row and at least one data row")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DataError(f"{label}: is UTF-16 text; save it as UTF-8 CSV")
    if b"\x00" in head[:8192] or _undecodable(head[:8192]):
        raise DataError(f"{label}: looks like a binary file, not CSV text; give a CSV, .npy, .npz or IDX file")


def _undecodable(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is still text; a few stray bytes are not binary
        return exc.start < len(head) - 4 and sum(b > 127 for b in head) > len(head) // 4
    return False


Record = tuple[int, int, list[str]]  # (row as a spreadsheet numbers it, line it starts on, cells)


def _records(text: IO[str], sep: str, label: str) -> Iterator[Record]:
    """The records of CSV text, each with its row and starting line; csv errors as DataError."""
    reader = csv.reader(text, delimiter=sep, strict=True)
    row, line = 0, 1
    while True:
        row += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataError(_csv_problem(label, row, line, reader.line_num, str(exc))) from None
        yield row, line, cells
        line = reader.line_num + 1


def _csv_problem(label: str, row: int, line: int, line_now: int, message: str) -> str:
    where = f"{label}: row {row}" + (f" (line {line})" if line != row else "")
    if "field larger than field limit" in message:
        return (f"{where}: a cell longer than {MAX_CELL:,} characters, the most lucidnet reads (a quote left "
                "open makes the rest of the file one cell)")
    if "unexpected end of data" in message:
        return (f"{where}: a quote opens a cell and never closes, so the rest of the file ({line_now - line + 1} "
                "lines) would be one cell; close the quote or remove it")
    if "new-line character seen in unquoted field" in message:
        return f"{where}: a carriage return (\\r) inside a cell; remove it, or put the cell in quotes"
    if "expected after" in message:
        return f'{where}: text after the closing quote of a cell; quote the whole cell and double the quotes in it ("")'
    if "NUL" in message:
        return f"{where}: contains a NUL byte; this is not a CSV text file"
    return f"{where}: not valid CSV ({message})"


# ------------------------------------------------------------------------------------------------ the columns
def _read(records: Iterator[Record], label: str, max_rows: int | None, max_columns: int | None) -> Columns:
    header_row, header = _header(records, label)
    width = len(header)
    if max_columns is not None and width > max_columns:
        raise DataLimitError(f"{label}: {width} columns, more than the {max_columns} allowed here")
    builders = [_Builder(h) for h in header]
    rows, lines = array.array("q"), array.array("q")
    chunk: list[list[str]] = []
    for row, line, cells in records:
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(cells) != width:
            where = f"row {row}" + (f" (line {line})" if line != row else "")
            raise DataError(f"{label}: {where} has {len(cells)} fields but the header has {width}; every row needs "
                            f"{width}" + (" (is a quote left open above?)" if len(cells) < width else ""))
        chunk.append(cells)
        rows.append(row)
        lines.append(line)
        if max_rows is not None and len(rows) > max_rows:
            raise DataLimitError(f"{label}: more than {max_rows} data rows, the most allowed here")
        if len(chunk) == CHUNK_ROWS:
            _add_chunk(builders, chunk, len(rows) - len(chunk), rows, lines, label)
            chunk = []
    if chunk:
        _add_chunk(builders, chunk, len(rows) - len(chunk), rows, lines, label)
    if not rows:
        raise DataError(f"{label}: has a header row but no data rows")
    rows_np, lines_np = np.frombuffer(rows, dtype=np.int64), np.frombuffer(lines, dtype=np.int64)
    trivial = bool(rows_np[0] == 2 and (np.diff(rows_np) == 1).all())
    columns = Columns([], label, None if trivial else rows_np.copy(),
                      None if (lines_np == rows_np).all() else lines_np.copy())
    kept: list[Column] = []
    for j, b in enumerate(builders):
        column = b.column()
        if not b.name:
            if column.n_missing < len(rows):
                raise DataError(f"{label}: row {header_row}: column {j + 1} has no name in the header; give it one")
            columns.notes.append(f"column {j + 1} has no name and no values: left out")
            continue
        if isinstance(column, TextColumn):
            _check_text_column(column, columns)
        kept.append(column)
    return Columns(kept, label, columns.rows, columns.lines, columns.notes)


def _header(records: Iterator[Record], label: str) -> tuple[int, list[str]]:
    for row, _, cells in records:
        if any(c.strip() for c in cells):
            header = [c.strip() for c in cells]
            seen: dict[str, int] = {}
            for j, h in enumerate(header):
                if h and h in seen:
                    raise DataError(f"{label}: row {row} (the header) names column {h!r} twice (columns "
                                    f"{seen[h] + 1} and {j + 1}); every column needs a name of its own")
                seen.setdefault(h, j)
            return row, header
    raise DataError(f"{label}: file is empty; expected a header row and at least one data row")


def _add_chunk(builders: list[_Builder], chunk: list[list[str]], start: int, rows: array.array,
               lines: array.array, label: str) -> None:
    for j, b in enumerate(builders):
        bad = b.add([r[j].strip() for r in chunk])
        if bad is not None:
            i = start + bad
            where = f"row {rows[i]}" + (f" (line {lines[i]})" if lines[i] != rows[i] else "")
            raise DataError(f"{label}: {where}, column {b.name!r}: {chunk[bad][j].strip()!r} is not a number, and "
                            f"the {start} rows above hold numbers; fix the cell, or leave it empty for a missing value")


class _Builder:
    """One column, chunk by chunk: numbers while every cell that is not missing reads as one, then text."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.numbers: list[np.ndarray] = []
        self.index: dict[str, int] | None = None  # text: cell -> code
        self.codes: list[np.ndarray] = []

    def add(self, cells: list[str]) -> int | None:
        """Add a chunk's cells; the index of a cell that is not a number in a column of numbers, else None."""
        if self.index is None:
            values = _numbers(cells)
            if values is not None:
                self.numbers.append(values)
                return None
            if any(not np.isnan(v).all() for v in self.numbers):  # numbers above, text here
                return next(i for i, c in enumerate(cells) if not _is_number_or_missing(c))
            before = sum(len(v) for v in self.numbers)  # rows above, all missing
            self.numbers, self.index = [], {}
            if before:
                self.codes.append(np.full(before, self.index.setdefault("", 0), dtype=np.int32))
        index = self.index
        self.codes.append(np.fromiter((index.setdefault(c, len(index)) for c in cells), np.int32, len(cells)))
        return None

    def column(self) -> Column:
        if self.index is None:
            return NumberColumn(self.name, np.concatenate(self.numbers) if self.numbers else np.empty(0))
        return TextColumn(self.name, np.concatenate(self.codes), list(self.index))


def _numbers(cells: list[str]) -> np.ndarray | None:
    """The cells as float64, NaN where missing, when every other cell reads as a number; else None."""
    if "_" in "".join(cells):  # float() reads 1_000 as 1000: not a guess lucidnet makes
        return None
    try:
        return np.array(cells, dtype=np.float64)
    except ValueError:
        pass
    out = np.empty(len(cells), dtype=np.float64)
    for i, c in enumerate(cells):
        if c.lower() in MISSING:
            out[i] = np.nan
            continue
        try:
            out[i] = float(c)
        except ValueError:
            return None
    return out


def _is_number_or_missing(cell: str) -> bool:
    return cell.lower() in MISSING or is_number(cell)


def _check_text_column(column: TextColumn, table: Columns) -> None:
    """A text column that is really numbers with a few bad cells (or with thousands separators or decimal commas)
    is an error naming the first such cell; a column of words is fine."""
    cats = column.categories
    counts = np.bincount(column.codes, minlength=len(cats))
    missing = np.array([c.lower() in MISSING for c in cats])
    number = np.array([_is_number_or_missing(c) for c in cats]) & ~missing
    comma = np.array([_COMMA_NUMBER.fullmatch(c) is not None for c in cats])
    filled = counts[~missing].sum()
    if comma.any() and counts[number | comma].sum() * 2 > filled:
        code = int(np.flatnonzero(comma)[0])
        i = int(np.argmax(column.codes == code))
        raise DataError(f"{table.source}: {table.row(i)}, column {column.name!r}: {cats[code]!r} looks like a number "
                        "written with a comma (a thousands separator or a decimal comma), which lucidnet does not "
                        "guess; write numbers with a decimal point and no separators (1234.5)")
    if counts[number].sum() * 2 > filled:
        i = column.first_text_row()
        raise DataError(f"{table.source}: {table.row(i)}, column {column.name!r}: {cats[column.codes[i]]!r} is not a "
                        f"number, and {counts[number].sum()} of the column's {filled} cells are; fix the cell, or "
                        "leave it empty for a missing value")
