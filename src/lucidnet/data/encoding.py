"""From raw columns to network inputs: :class:`Inputs`, the fitted column steps a model file keeps.

Each feature column becomes one or more input columns, in order:

- **numbers**: the value; a missing cell is filled with the training rows' median m (``missing="impute"``, the
  default, as scikit-learn's ``SimpleImputer(strategy="median")``) or refused (``missing="error"``);
- **categories** (a text column): one 0/1 column per category seen in training, in sorted order (one-hot, as
  ``OneHotEncoder(handle_unknown="ignore")``); a missing cell, or a category not seen in training, is all zeros.

Input names are the column's name for numbers and ``column=category`` for categories. Standardising the inputs
is :class:`~lucidnet.data.preprocessing.Preprocessing`'s next step, not this one's.

>>> import numpy as np
>>> from lucidnet.data.columns import Columns, NumberColumn, TextColumn
>>> t = Columns([NumberColumn("age", np.array([30.0, np.nan, 50.0])), TextColumn.encode("plan", ["b", "a", ""])])
>>> inputs, notes = Inputs.fit(t, ["age", "plan"])
>>> inputs.feature_names, inputs.transform(t)[0].tolist()
(['age', 'plan=a', 'plan=b'], [[30.0, 0.0, 1.0], [40.0, 1.0, 0.0], [50.0, 0.0, 0.0]])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .columns import Columns, NumberColumn, TextColumn
from .roles import require_columns
from .table import DataError

__all__ = ["MANY_CATEGORIES", "MAX_CATEGORIES", "MAX_INPUT_BYTES", "MISSING_POLICIES", "TRAINED_ON_NUMBERS",
           "InputColumn", "Inputs", "as_text"]

#: what to do with a missing feature cell
MISSING_POLICIES = ("impute", "error")
#: a text column with more categories than this is refused (one-hot would make as many inputs)
MAX_CATEGORIES = 1000
#: a text column with more categories than this gets a note (free text or an ID, probably)
MANY_CATEGORIES = 50
#: the largest input matrix :meth:`Inputs.transform` allocates (checked before allocating)
MAX_INPUT_BYTES = 8 * 2**30


@dataclass(frozen=True)
class InputColumn:
    """One feature column and how it becomes inputs: ``median`` for numbers, ``categories`` for text."""

    name: str
    kind: str  # "numbers" or "categories"
    median: float | None = None
    categories: tuple[str, ...] = ()

    @property
    def width(self) -> int:
        return 1 if self.kind == "numbers" else len(self.categories)

    @property
    def input_names(self) -> list[str]:
        return [self.name] if self.kind == "numbers" else [f"{self.name}={c}" for c in self.categories]

    def to_dict(self) -> dict[str, Any]:
        if self.kind == "numbers":
            return {"name": self.name, "kind": "numbers", "median": self.median}
        return {"name": self.name, "kind": "categories", "categories": list(self.categories)}


@dataclass
class Inputs:
    """The feature columns a model reads, in order, and how each becomes network inputs.

    Attributes
    ----------
    columns : list of InputColumn
    missing : "impute" or "error"
    """

    columns: list[InputColumn]
    missing: str = "impute"

    @property
    def names(self) -> list[str]:
        """The raw columns read."""
        return [c.name for c in self.columns]

    @property
    def feature_names(self) -> list[str]:
        """The network's inputs, in order."""
        return [n for c in self.columns for n in c.input_names]

    @property
    def n_inputs(self) -> int:
        return sum(c.width for c in self.columns)

    @property
    def one_hot(self) -> np.ndarray:
        """A mask (n_inputs,) of the 0/1 category inputs (standardising leaves them as they are)."""
        return np.array([c.kind == "categories" for c in self.columns for _ in range(c.width)], dtype=bool)

    def __repr__(self) -> str:
        kinds = [f"{c.name}: {c.kind}" + (f" ({c.width})" if c.kind == "categories" else "") for c in self.columns]
        return f"Inputs({', '.join(kinds)} → {self.n_inputs} inputs, missing={self.missing!r})"

    @classmethod
    def fit(cls, table: Columns, names: Sequence[str], rows: np.ndarray | None = None,
            missing: str = "impute") -> tuple[Inputs, list[str]]:
        """Learn medians and categories from the training rows ``rows`` (default: all) of columns ``names``.

        Returns the fitted Inputs and the lines that say what they will do (gaps filled, categories encoded).
        Raises DataError for a missing cell under ``missing="error"``, an infinite value, or a column with no
        value in the training rows.
        """
        if missing not in MISSING_POLICIES:
            raise ValueError(f"missing must be one of {', '.join(MISSING_POLICIES)}, got {missing!r}")
        rows = np.arange(table.n_rows) if rows is None else np.asarray(rows)
        columns: list[InputColumn] = []
        filled: dict[str, int] = {}
        encoded: list[str] = []
        many: list[str] = []
        for name in names:
            column = table[name]
            if isinstance(column, NumberColumn):
                v = column.values[rows]
                _check_finite(table, column, rows)
                gaps = int(np.isnan(v).sum())
                if missing == "error" and np.isnan(column.values).any():  # the first gap in the file, any row
                    _refuse_gap(table, column, np.arange(table.n_rows))
                if gaps == len(v):
                    raise DataError(f"{table.source}: column {name!r} has no value in the training rows")
                columns.append(InputColumn(name, "numbers", median=float(np.nanmedian(v))))
                if gaps:
                    filled[name] = gaps
            else:
                gap = column.missing()[rows]
                if missing == "error" and column.missing().any():
                    _refuse_gap(table, column, np.arange(table.n_rows))
                seen = np.unique(column.codes[rows][~gap])
                if not len(seen):
                    raise DataError(f"{table.source}: column {name!r} has no value in the training rows")
                cats = tuple(sorted(column.categories[int(k)] for k in seen))
                if len(cats) > MAX_CATEGORIES:
                    raise DataError(f"{table.source}: column {name!r} has {len(cats)} distinct values in the training "
                                    f"rows, more than the {MAX_CATEGORIES} categories one-hot encoding takes (one "
                                    "input each); if it is free text or an ID, --drop it")
                if len(cats) > MANY_CATEGORIES:
                    many.append(f"column {name!r} has {len(cats)} categories in {len(rows)} training rows, one input "
                                "each: if it is free text or an ID, --drop it")
                columns.append(InputColumn(name, "categories", categories=cats))
                encoded.append(f"{name} ({len(cats)}" + (f", {int(gap.sum())} missing" if gap.any() else "") + ")")
        notes = []
        if filled:
            n = sum(filled.values())
            notes.append(f"{n} missing number{'s' * (n != 1)} filled with the training median: "
                         + ", ".join(f"{k} ({v})" for k, v in filled.items()))
        if encoded:
            notes.append(f"text one-hot encoded (one 0/1 input per category; missing: all 0): {', '.join(encoded)}")
        return cls(columns, missing), notes + many

    def transform(self, table: Columns) -> tuple[np.ndarray, list[str]]:
        """The network inputs (n, n_inputs) float64 for the rows of ``table``, and one line per thing the user
        should hear of (gaps filled, categories not seen in training).

        Raises DataError for a column that is not in ``table`` (with the closest name), a text cell in a
        column of numbers, an infinite value, or a missing cell under ``missing="error"``.
        """
        require_columns(table, self.names)
        size = table.n_rows * self.n_inputs * 8
        if size > MAX_INPUT_BYTES:
            raise DataError(f"{table.source}: {table.n_rows} rows of {self.n_inputs} inputs would take {size:,} bytes, "
                            f"more than the {MAX_INPUT_BYTES:,} allowed; use fewer rows or columns")
        X = np.zeros((table.n_rows, self.n_inputs), dtype=np.float64)
        rows = np.arange(table.n_rows)
        filled, unseen, j = [], [], 0
        for spec in self.columns:
            column = table[spec.name]
            if spec.kind == "numbers":
                X[:, j] = _number_values(table, column, rows, self.missing)
                gaps = int(np.isnan(X[:, j]).sum())
                if gaps:
                    X[np.isnan(X[:, j]), j] = spec.median
                    filled.append(f"{spec.name} ({gaps})")
            else:
                unseen += _one_hot(table, column, spec, X[:, j : j + spec.width], self.missing)
            j += spec.width
        notes = []
        if filled:
            notes.append(f"missing numbers filled with the training median: {', '.join(filled)}")
        notes += unseen
        return X, notes

    def to_dict(self) -> dict[str, Any]:
        return {"missing": self.missing, "columns": [c.to_dict() for c in self.columns]}

    @classmethod
    def from_dict(cls, d: Any) -> Inputs:
        """Rebuild from :meth:`to_dict`, every field checked (ValueError)."""
        if not (isinstance(d, dict) and d.get("missing") in MISSING_POLICIES and isinstance(d.get("columns"), list)):
            raise ValueError(f"inputs must hold 'missing' ({' or '.join(MISSING_POLICIES)}) and a 'columns' list")
        columns = [_input_column(c) for c in d["columns"]]
        names = [c.name for c in columns]
        if not columns or len(set(names)) != len(names):
            raise ValueError("inputs must name one or more distinct columns")
        return cls(columns, d["missing"])


def _input_column(c: Any) -> InputColumn:
    if not isinstance(c, dict) or not isinstance(c.get("name"), str) or not c["name"]:
        raise ValueError("each input column needs a 'name'")
    if c.get("kind") == "numbers":
        m = c.get("median")
        if isinstance(m, bool) or not isinstance(m, (int, float)) or not np.isfinite(m):
            raise ValueError(f"input column {c['name']!r} needs a finite 'median'")
        return InputColumn(c["name"], "numbers", median=float(m))
    cats = c.get("categories")
    if c.get("kind") != "categories" or not isinstance(cats, list) or not cats:
        raise ValueError(f"input column {c['name']!r} must be 'numbers' with a median or 'categories' with a list")
    if not all(isinstance(v, str) for v in cats) or len(set(cats)) != len(cats):
        raise ValueError(f"input column {c['name']!r} needs distinct text categories")
    return InputColumn(c["name"], "categories", categories=tuple(cats))


#: the end of the error for text in a column the model read as numbers
TRAINED_ON_NUMBERS = "the model was trained on numbers in this column"


def _number_values(table: Columns, column: Any, rows: np.ndarray, missing: str) -> np.ndarray:
    values = table.number_values(column.name, TRAINED_ON_NUMBERS)
    _check_finite(table, column, rows)
    if missing == "error" and np.isnan(values).any():
        _refuse_gap(table, column, rows)
    return values


def as_text(column: NumberColumn | TextColumn) -> TextColumn:
    """A column as the text a category column compares: text as read, numbers (where the model saw text) as
    ``3`` or ``2.5`` and a missing number as ``""``."""
    if isinstance(column, TextColumn):
        return column
    cells = ["" if np.isnan(v) else (str(int(v)) if float(v).is_integer() else repr(float(v))) for v in column.values]
    return TextColumn.encode(column.name, cells)


def _one_hot(table: Columns, column: Any, spec: InputColumn, out: np.ndarray, missing: str) -> list[str]:
    """Write the one-hot rows of ``column`` into ``out`` (n, width); return the warning for unseen categories."""
    column = as_text(column)
    gap = column.missing()
    if gap.any() and missing == "error":
        _refuse_gap(table, column, np.arange(table.n_rows))
    position = {c: k for k, c in enumerate(spec.categories)}
    code_to_k = np.array([position.get(c, -1) for c in column.categories], dtype=np.int64)
    k = code_to_k[column.codes]
    known = k >= 0
    out[np.flatnonzero(known), k[known]] = 1.0
    new = ~known & ~gap
    if not new.any():
        return []
    counts = np.bincount(column.codes[new], minlength=len(column.categories))
    names = [f"{column.categories[c]!r} ({counts[c]} row{'s' if counts[c] != 1 else ''})"
             for c in np.flatnonzero(counts)]
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return [f"warning: column {column.name!r}: {shown} not seen in training: encoded as no category (all 0)"]


def _check_finite(table: Columns, column: NumberColumn, rows: np.ndarray) -> None:
    bad = np.isinf(column.values[rows])
    if bad.any():
        i = int(rows[np.argmax(bad)])
        raise DataError(f"{table.source}: {table.row(i)}, column {column.name!r}: value is {column.values[i]}; "
                        "features must be finite numbers")


def _refuse_gap(table: Columns, column: Any, rows: np.ndarray) -> None:
    gap = np.isnan(column.values[rows]) if isinstance(column, NumberColumn) else column.missing()[rows]
    i = int(rows[np.argmax(gap)])
    cell = "" if isinstance(column, NumberColumn) else f" {column.cells()[i]!r}"
    raise DataError(f"{table.source}: {table.row(i)}, column {column.name!r}: missing value{cell} (--missing error); "
                    "fill it in, remove the row, or let lucidnet fill gaps (--missing impute)")
