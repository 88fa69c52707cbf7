"""What a target column asks for: classes or values. One rule, used by the CLI, the playground and the docs.

A target is **classes** when its values are text or booleans, when its dtype is an integer type, or when it is a
single column of whole numbers with at most :data:`MAX_INTEGER_CLASSES` distinct values (a note then says so,
with how to change it); a 2-D target of classes is multi-label. Any other numbers are **values** (regression).

>>> import numpy as np
>>> infer_task(np.array(["cat", "dog"]))
('classification', None)
>>> infer_task(np.array([0.5, 1.25, 3.0]))
('regression', None)
>>> infer_task(np.array([1.0, 2.0, 3.0]))[1]
'target has 3 integer values: treated as classes (--task regression to change)'
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["MAX_INTEGER_CLASSES", "TASKS", "held_count", "infer_task", "split_rows"]

#: the tasks a target can be
TASKS = ("classification", "regression")
#: a float column of whole numbers with at most this many distinct values is read as class labels
MAX_INTEGER_CLASSES = 10


def infer_task(y: Any, task: str = "auto", known: str | None = None) -> tuple[str, str | None]:
    """``(task, note)`` for targets ``y`` (n,) or (n, k): ``task`` is "classification" or "regression".

    Parameters
    ----------
    y : array-like (n,) or (n, k)
    task : "auto", "classification" or "regression"
        Anything but "auto" is returned as it is (the user said so).
    known : str or None
        The task a built-in data set declares; it wins over the values.

    Returns
    -------
    (task, note) where note is a sentence for the user when the values alone decided something they may not
    expect (whole numbers read as classes), else None.
    """
    if task not in ("auto", *TASKS):
        raise ValueError(f"task must be 'auto', 'classification' or 'regression', got {task!r}")
    if task != "auto":
        return task, None
    if known is not None:
        return known, None
    arr = np.asarray(y)
    if arr.dtype == object or arr.dtype.kind in "biuUS":
        return "classification", None
    if arr.ndim == 1 and np.all(arr == np.round(arr)):
        k = len(np.unique(arr))
        if k <= MAX_INTEGER_CLASSES:
            return "classification", f"target has {k} integer values: treated as classes (--task regression to change)"
    return "regression", None


def held_count(n: int, fraction: float) -> int:
    """How many of n rows a held-out ``fraction`` is: round(n · fraction), a half going to the even count as
    Python rounds. ``lucidnet train`` counts its test and validation rows so, and the playground its test rows;
    each decides what to do when the count leaves no row on one side.

    >>> held_count(10, 0.2), held_count(5, 0.5), held_count(3, 0.1)
    (2, 2, 0)
    """
    return round(n * fraction)


def split_rows(n: int, n_held: int, seed: int, stream: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(kept, held) row indices of a seeded shuffle of n rows, the last ``n_held`` of it held out (validation or
    test rows). The shuffle has a stream of its own, ``default_rng([seed, stream])`` (1 for validation rows, 2 for
    test rows), so a network seeded with the same ``seed`` draws the same initial weights and batches with or
    without a split.

    >>> kept, held = split_rows(5, 2, seed=0)
    >>> sorted(kept.tolist() + held.tolist()), len(held)
    ([0, 1, 2, 3, 4], 2)
    """
    if not 0 <= n_held <= n:
        raise ValueError(f"cannot hold out {n_held} of {n} rows")
    order = np.random.default_rng([seed, stream]).permutation(n)
    return order[: n - n_held], order[n - n_held :]
