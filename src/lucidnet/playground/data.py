"""The playground's points: a built-in data set of :mod:`lucidnet.data.datasets`, or an uploaded CSV file.

Either way a session gets the network inputs X of its training and test rows, each row's (x₁, x₂) in the drawn
plane, and a map from points of the plane to network inputs (for the decision boundary and the neurons' pictures).

An upload takes the path of ``lucidnet train --data FILE --features …``, through the same functions of
:mod:`lucidnet.data`: the columns' roles (:func:`~lucidnet.data.assign_roles`), the rows that have a target
(:func:`~lucidnet.data.roles.rows_with_target`), the held-out rows (:func:`~lucidnet.data.tasks.split_rows`, so the
page's test rows are ``lucidnet train``'s validation rows for the same seed and ratio), gaps filled with the
training median and text one-hot (:class:`~lucidnet.data.Inputs`), and z-scores fitted on the training rows
(:func:`~lucidnet.data.preprocessing.fit_preprocessing`). That :class:`~lucidnet.data.Preprocessing` is what the
model file keeps, so ``lucidnet predict`` on the raw file answers as the page does. x₁ and x₂ are two numeric
inputs, drawn in z-units; in the plane every other input is held at its training median (numbers) or its most
common category (text).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lucidnet.data import DataError, Inputs, NumberColumn, Preprocessing, assign_roles
from lucidnet.data.preprocessing import TextTargetError, fit_preprocessing
from lucidnet.data.roles import rows_with_target
from lucidnet.data.tasks import held_count, infer_task, split_rows
from lucidnet.playground.config import Limits, PlaygroundConfig, PlaygroundError
from lucidnet.playground.features import feature_matrix
from lucidnet.playground.uploads import Upload

#: the most classes the page draws (one colour each)
MAX_CLASSES = 10


@dataclass(frozen=True)
class Plane:
    """Network inputs for points of the drawn plane: every input at ``base``, inputs ``axes`` at (x₁, x₂)."""

    base: np.ndarray  # (d,) the inputs of a typical row, as the network sees them
    axes: tuple[int, int]  # the input columns of x₁ and x₂

    def __call__(self, points: np.ndarray) -> np.ndarray:
        """X (m, d) for plane points (m, 2)."""
        X = np.tile(self.base, (len(points), 1))
        X[:, self.axes[0]], X[:, self.axes[1]] = points[:, 0], points[:, 1]
        return X

    def __repr__(self) -> str:
        return f"Plane({len(self.base)} inputs, x₁ = input {self.axes[0]}, x₂ = input {self.axes[1]})"


@dataclass(frozen=True)
class Features:
    """Network inputs for points of the drawn plane: the built-in data sets' features φ(x₁, x₂)."""

    names: tuple[str, ...]

    def __call__(self, points: np.ndarray) -> np.ndarray:
        return feature_matrix(points, self.names)


@dataclass
class Points:
    """The rows a session learns from, and how to draw them.

    ``X_train`` (n, d) are the network inputs, ``p_train`` (n, 2) each row's (x₁, x₂) in the plane, ``y_train``
    (n,) class indices (int) or values (float; z-scores for an upload). ``to_inputs`` maps plane points (m, 2) to
    network inputs (m, d); ``preprocessing`` is what the model file keeps; ``rows_train`` and ``rows_test`` are an
    upload's row numbers as a spreadsheet shows them; ``notes`` what the page should say about the data.
    """

    X_train: np.ndarray
    p_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    p_test: np.ndarray
    y_test: np.ndarray
    problem: str
    to_inputs: Any
    input_names: list[str]
    preprocessing: Preprocessing
    classes: list[Any] = field(default_factory=list)
    domain: tuple[float, float, float, float] = (-6.0, 6.0, -6.0, 6.0)
    axes: tuple[str, str] = ("x₁", "x₂")
    y_scale: float = 1.0
    target: str = "y"
    rows_train: np.ndarray | None = None
    rows_test: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def upload(self) -> bool:
        return isinstance(self.to_inputs, Plane)

    def __repr__(self) -> str:
        return (f"Points({self.problem}, {len(self.X_train)} train, {len(self.X_test)} test, "
                f"{len(self.input_names)} inputs)")


def held_out(n: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(training rows, test rows) of n rows: :func:`~lucidnet.data.tasks.split_rows` holding out as many rows as
    ``lucidnet train --validation-split fraction`` does (:func:`~lucidnet.data.tasks.held_count`), but at least
    one of each: where the CLI would hold out none (with a note), the page still needs a test row and a training
    row."""
    n_test = min(max(held_count(n, fraction), 1), n - 1)
    return split_rows(n, n_test, seed)


def builtin_points(config: PlaygroundConfig) -> Points:
    """Generate a built-in data set with the configuration's size, noise (percent), seed and train/test ratio."""
    from lucidnet.data import datasets

    ds = datasets.load(config.dataset, n=config.n_points, noise=config.noise / 100, seed=config.seed)
    problem = ds.task
    p, y = np.asarray(ds.X, dtype=np.float64), np.asarray(ds.y).reshape(ds.n, -1)[:, 0]
    classes: list[Any] = []
    if problem == "classification":
        values, y = np.unique(y, return_inverse=True)
        classes = values.tolist()
    m = float(np.abs(p).max()) * 1.05 if len(p) else 1.0
    m = m if math.isfinite(m) and m > 0 else 1.0
    y_scale = 1.0 if problem == "classification" else float(np.abs(y).max() or 1.0)
    tr, te = held_out(len(p), config.test_fraction, config.seed)
    target = ds.target_names[0] if ds.target_names else "y"
    features = Features(config.features)
    return Points(
        features(p[tr]), p[tr], y[tr], features(p[te]), p[te], y[te],
        problem=problem,
        to_inputs=features,
        input_names=list(config.features),
        preprocessing=Preprocessing(task=problem, feature_names=list(config.features), target_name=target,
                                    classes=classes if problem == "classification" else None),
        classes=classes,
        domain=(-m, m, -m, m),
        y_scale=y_scale,
        target=target,
    )


def upload_points(config: PlaygroundConfig, upload: Upload, limits: Limits | None = None) -> Points:
    """Points from an uploaded CSV, prepared as ``lucidnet train`` prepares a table (see the module)."""
    limits = limits or Limits()
    names, x1, x2 = chosen_columns(config, upload)
    id_column = upload.id if upload.id not in (*names, config.target) else None
    try:
        roles = assign_roles(upload.table, config.target, names, id=id_column)
        table, y, notes = rows_with_target(upload.table, config.target)
        if table.n_rows < 2:
            raise PlaygroundError(f"{table.source}: {table.n_rows} row with a {config.target!r} value; "
                                  "training and testing need at least 2")
        tr, te = held_out(table.n_rows, config.test_fraction, config.seed)
        inputs, summary = Inputs.fit(table, roles.features, tr)
        if inputs.n_inputs > limits.max_inputs:
            raise PlaygroundError(f"these columns give {inputs.n_inputs} network inputs (a text column gives one "
                                  f"per category), more than the limit of {limits.max_inputs}; choose fewer", 413)
        X, _ = inputs.transform(table)
        problem, task_note = _problem(config, y)
        pre = fit_preprocessing(X, y, problem, tr, feature_names=inputs.feature_names, target_name=config.target,
                                inputs=inputs, id_name=roles.id)
    except TextTargetError as e:
        raise PlaygroundError(f"{e}; choose Problem: classification or another target") from None
    except DataError as e:
        raise PlaygroundError(str(e)) from None
    classes, t = _targets(config.target, problem, pre, y)
    Xs = pre.transform_X(X)
    axes = (_offset(inputs, x1), _offset(inputs, x2))
    p = Xs[:, axes]
    lo, hi = p.min(axis=0), p.max(axis=0)
    pad = np.maximum((hi - lo) * 0.1, 0.5)
    numbers = table.rows if table.rows is not None else np.arange(table.n_rows) + 2
    return Points(
        Xs[tr], p[tr], t[tr], Xs[te], p[te], t[te],
        problem=problem,
        to_inputs=Plane(pre.transform_X(_typical_row(inputs, X[tr]))[0], axes),
        input_names=inputs.feature_names,
        preprocessing=pre,
        classes=classes,
        domain=(float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1])),
        axes=(x1, x2),
        y_scale=1.0 if problem == "classification" else float(np.abs(t).max() or 1.0),
        target=config.target,
        rows_train=numbers[tr],
        rows_test=numbers[te],
        notes=notes + summary + task_note,
    )


def chosen_columns(config: PlaygroundConfig, upload: Upload) -> tuple[list[str], str, str]:
    """The input columns of an upload and its two drawn ones (x₁, x₂), each checked against the file.

    Without ``inputs`` the inputs are x₁ and x₂, or without those too the inputs suggested for the upload
    (:func:`~lucidnet.playground.uploads.read_upload`); without x₁ and x₂ they are the first two numeric inputs.
    """
    table = upload.table
    if config.target not in table:
        raise PlaygroundError(table.unknown(config.target, "target column"))
    names = (list(config.inputs) or [c for c in (config.x1, config.x2) if c]
             or [c for c in upload.inputs if c != config.target])
    for name in names:
        if name not in table:
            raise PlaygroundError(table.unknown(name, "input column"))
    if config.target in names:
        raise PlaygroundError(f"the target {config.target!r} cannot also be an input; untick it or choose "
                              "another target")
    numeric = [n for n in names if isinstance(table[n], NumberColumn)]
    x1 = config.x1 or next((n for n in numeric if n != config.x2), "")
    x2 = config.x2 or next((n for n in numeric if n != x1), "")
    for key, name in (("x₁", x1), ("x₂", x2)):
        if not name:
            raise PlaygroundError("the plot draws two numeric input columns (x₁ and x₂); choose at least two "
                                  f"columns of numbers as inputs (numeric: {', '.join(upload.numeric()) or 'none'})")
        if name not in names:
            raise PlaygroundError(f"the {key} column {name!r} is not one of the inputs ({', '.join(names)})")
        if not isinstance(table[name], NumberColumn):
            raise PlaygroundError(f"the {key} column {name!r} holds text; the plot's axes need columns of numbers")
    if x1 == x2:
        raise PlaygroundError(f"x₁ and x₂ are both {x1!r}; choose two different columns")
    return names, x1, x2


def _problem(config: PlaygroundConfig, y: np.ndarray) -> tuple[str, list[str]]:
    """The task (``config.problem`` or :func:`~lucidnet.data.tasks.infer_task`) and a note when whole numbers
    were taken for classes."""
    if config.problem != "auto":
        return config.problem, []
    problem, note = infer_task(y)
    if note is None:
        return problem, []
    k = len(np.unique(y))
    return problem, [f"the target {config.target!r} has {k} whole-number values: treated as classes (choose "
                     "Problem: regression to change)"]


def _targets(target: str, problem: str, pre: Preprocessing, y: np.ndarray) -> tuple[list[Any], np.ndarray]:
    """(classes, targets as the session learns them: class indices, or z-scores of the values)."""
    if problem == "regression":
        return [], pre.encode_y(y)[:, 0]
    assert pre.classes is not None
    if len(pre.classes) > MAX_CLASSES:
        raise PlaygroundError(f"the target {target!r} has {len(pre.classes)} classes; the playground draws at most "
                              f"{MAX_CLASSES} (choose Problem: regression for a numeric target)")
    return list(pre.classes), pre.encode_y(y)


def _offset(inputs: Inputs, name: str) -> int:
    """The network input of the numeric column ``name``."""
    j = 0
    for spec in inputs.columns:
        if spec.name == name:
            return j
        j += spec.width
    raise KeyError(name)


def _typical_row(inputs: Inputs, X: np.ndarray) -> np.ndarray:
    """(1, d): each number at its training median, each text column at its most common training category."""
    row = np.zeros((1, inputs.n_inputs))
    j = 0
    for spec in inputs.columns:
        if spec.kind == "numbers":
            row[0, j] = spec.median
        else:
            row[0, j + int(np.argmax(X[:, j : j + spec.width].sum(axis=0)))] = 1.0
        j += spec.width
    return row

