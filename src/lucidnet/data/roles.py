"""Which column plays which part: the target, the features, an ID; one policy for the CLI and the playground.

:func:`assign_roles` takes what the user said (``target``, ``features``, ``drop``, ``id``) and decides the rest:
the target is the last column unless named; every other column is a feature, except the dropped ones, the ID,
and any column that **looks like an ID** (:func:`id_reason`: unique text in every row, or unique whole numbers
in a sequence) or is empty, which are left out with a note saying why and how to keep them. A column named in
``features`` is always kept. Names are matched exactly; a name that is not there is an error that lists the
columns and the one probably meant.

:func:`target_values` reads the target column (numbers, or labels as text) and which rows lack one;
:func:`rows_with_target` keeps the rows that have one (a note says how many were left out);
:func:`numeric_features` is the strict reading of feature columns as one float64 matrix (no text, no gaps).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..checks import did_you_mean
from .columns import MISSING_TARGET, Columns, NumberColumn, TextColumn
from .table import DataError, target_index

__all__ = ["KEEP_HINT", "MIN_ID_ROWS", "Roles", "assign_roles", "id_reason", "numeric_features", "require_columns",
           "rows_with_target", "target_column", "target_values"]

#: a column is taken for an ID only in a table of at least this many rows
MIN_ID_ROWS = 10
#: how to keep a column that :func:`assign_roles` left out, as the CLI says it
KEEP_HINT = "name it in --features to use it as one"
_ID_NAME = re.compile(r"(^|[^a-z])(id|key|uuid|guid)$|^(id|key)([^a-z]|$)|(^|_)(no|number|num)$", re.IGNORECASE)


@dataclass
class Roles:
    """What each column is for.

    Attributes
    ----------
    target : str or None
    features : list of str
        In header order (or in the order ``features`` named them).
    id : str or None
        The column copied into predictions: the one given, else the first that looked like an ID.
    left_out : dict of str to str
        Columns that are neither, with the reason (``"--drop"``, ``"an ID: unique text in every row"``, …).
    notes : list of str
        One line for each column left out without being asked.
    """

    target: str | None
    features: list[str]
    id: str | None = None
    left_out: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def assign_roles(table: Columns, target: str | int | bool | None = None, features: Sequence[str] | None = None,
                 drop: Sequence[str] = (), id: str | None = None, *, keep_hint: str = KEEP_HINT) -> Roles:
    """Decide the target, the features and the ID column of ``table``.

    Parameters
    ----------
    table : Columns
    target : str, int, None or False
        The target by name or index (negative counts from the end); None: the last column; False: none.
    features : sequence of str, optional
        Only these columns are features, in this order (IDs are not looked for).
    drop : sequence of str
        Columns that are not features.
    id : str, optional
        The ID column: not a feature, copied into predictions.
    keep_hint : str
        How to keep a column left out, ending each note in parentheses (default :data:`KEEP_HINT`, the CLI's).

    Raises
    ------
    DataError
        An unknown column (with the closest name), a column in two roles, or no feature left.
    """
    names = table.names
    t = target_column(table, target)
    for option, given in (("drop", drop), ("features", features or ()), ("id", [id] if id else [])):
        for name in given:
            if name not in table:
                raise DataError(table.unknown(name, f"--{option} column"))
            if name == t:
                raise DataError(f"{table.source}: column {name!r} is the target; it cannot be in --{option} too")
    if id is not None and (id in drop or (features is not None and id in features)):
        raise DataError(f"{table.source}: column {id!r} is the --id column; it cannot also be a feature or dropped")
    roles = Roles(t, [], id)
    if features is not None:
        roles.features = list(dict.fromkeys(features))
        dropped = set(drop) & set(roles.features)
        if dropped:
            raise DataError(f"{table.source}: {', '.join(sorted(dropped))} both in --features and in --drop")
        roles.left_out = {n: "not in --features" for n in names if n not in roles.features and n not in (t, id)}
    else:
        for name in names:
            if name in (t, id):
                continue
            if name in drop:
                roles.left_out[name] = "--drop"
                continue
            reason = id_reason(table, name) or _empty_reason(table, name)
            if reason is None:
                roles.features.append(name)
                continue
            roles.left_out[name] = reason
            what = f"looks like {reason}" if reason.startswith("an ID") else f"is {reason}"
            copied = ""
            if roles.id is None and reason.startswith("an ID"):
                roles.id, copied = name, ", copied into predictions"
            roles.notes.append(f"column {name!r} {what}: not used as a feature{copied} ({keep_hint})")
    if not roles.features:
        raise DataError(f"{table.source}: no feature column left besides the target {t!r}"
                        + (f" (left out: {', '.join(roles.left_out)})" if roles.left_out else ""))
    return roles


def target_column(table: Columns, target: str | int | bool | None) -> str | None:
    """The name of the target column, as :func:`~lucidnet.data.table.target_index` finds it (by name or index,
    the last for None, none for False; DataError for one that is not there)."""
    t = target_index(table.names, target, table.source)
    return None if t is None else table.names[t]


def id_reason(table: Columns, name: str) -> str | None:
    """Why column ``name`` looks like an ID (``"an ID: unique text in every row"``), or None.

    Unique text in every row is an ID; so is a column of distinct whole numbers (no gaps) that run in a sequence:
    within twice as many values as rows, increasing down the file, or under a name like ``id``, ``customer_id`` or
    ``order_no``. Tables under :data:`MIN_ID_ROWS` rows have no IDs.
    """
    column, n = table[name], table.n_rows
    if n < MIN_ID_ROWS:
        return None
    if isinstance(column, TextColumn):
        if len(column.categories) == n and not column.missing().any():
            return "an ID (unique text in every row)"
        return None
    v = column.values
    if np.isnan(v).any() or not np.all(v == np.round(v)) or len(np.unique(v)) != n:
        return None
    if v.max() - v.min() < 2 * n:
        return "an ID (distinct whole numbers in a sequence)"
    if bool(np.all(np.diff(v) > 0)):
        return "an ID (distinct whole numbers, increasing down the file)"
    if _ID_NAME.search(name):
        return "an ID (distinct whole numbers, and its name)"
    return None


def _empty_reason(table: Columns, name: str) -> str | None:
    column = table[name]
    return "empty (no value in any row)" if column.n_missing == table.n_rows else None


def require_columns(table: Columns, wanted: Sequence[str]) -> None:
    """Check that ``table`` has every column of ``wanted`` (the columns a model reads): a DataError naming the
    first it lacks (with the closest name), and how many more."""
    absent = [n for n in wanted if n not in table]
    if not absent:
        return
    hint = did_you_mean(absent[0], [n for n in table.names if n not in wanted])
    more = f" (and {len(absent) - 1} more: {', '.join(absent[1:])})" if len(absent) > 1 else ""
    raise DataError(f"{table.source}: no column {absent[0]!r}{more}, which the model reads ({', '.join(wanted)}); "
                     f"columns are: {', '.join(table.names)}" + (f".{hint}" if hint else ""))


def target_values(table: Columns, name: str) -> tuple[np.ndarray, np.ndarray]:
    """``(y, missing)``: the target column as float64 (numbers) or an object array of str (labels), and a mask
    (n,) of the rows that have no target (:data:`~lucidnet.data.columns.MISSING_TARGET`; NaN for numbers).

    Raises DataError for an infinite target value.
    """
    column = table[name]
    if isinstance(column, NumberColumn):
        y = column.values
        bad = np.isinf(y)
        if bad.any():
            i = int(np.argmax(bad))
            raise DataError(f"{table.source}: {table.row(i)}, column {name!r}: target is {y[i]}; must be finite")
        return y, np.isnan(y)
    return column.cells(), column.missing(MISSING_TARGET)


def rows_with_target(table: Columns, name: str, missing: str = "impute") -> tuple[Columns, np.ndarray, list[str]]:
    """``(table, y, notes)``: the rows of ``table`` that have a target value in column ``name``, their targets
    (:func:`target_values`), and a note on the rows left out (none when every row has one).

    Raises DataError for a row without a target under ``missing="error"`` (naming the first), and for the
    errors of :func:`target_values`.
    """
    y, no_target = target_values(table, name)
    if not no_target.any():
        return table, y, []
    i = int(np.argmax(no_target))
    if missing == "error":
        raise DataError(f"{table.source}: {table.row(i)}, column {name!r}: missing target value (--missing error); "
                        "fill it in or remove the row")
    note = f"{int(no_target.sum())} rows without a {name!r} value (the first: {table.row(i)}) left out"
    return table.take(np.flatnonzero(~no_target)), y[~no_target], [note]


def numeric_features(table: Columns, names: Sequence[str]) -> np.ndarray:
    """The columns ``names`` as one float64 matrix (n, len(names)), every cell a finite number.

    Raises
    ------
    DataError
        A text cell (named, with its row), a missing cell or an infinite value.
    """
    X = np.empty((table.n_rows, len(names)), dtype=np.float64)
    for k, name in enumerate(names):
        X[:, k] = table.number_values(name, "feature columns must be numeric here")
    bad = ~np.isfinite(X)
    if bad.any():
        i, k = (int(v) for v in np.argwhere(bad)[0])
        where = f"{table.source}: {table.row(i)}, column {names[k]!r}"
        if np.isnan(X[i, k]):
            raise DataError(f"{where}: missing value; remove the row or fill it in")
        raise DataError(f"{where}: value is {X[i, k]}; features must be finite numbers")
    return X
