"""The playground's points: a built-in data set from :mod:`lucidnet.data.datasets`, or an uploaded CSV file.

Uploads are parsed in memory (nothing is written to disk); their two drawn columns and a numeric target
are standardised so that one learning rate suits any units.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lucidnet.data.tasks import infer_task
from lucidnet.playground.config import Limits, PlaygroundConfig, PlaygroundError


@dataclass
class Upload:
    """A parsed CSV file: column names and one array per column (float64, or object holding str when not numeric)."""

    columns: list[str]
    values: dict[str, np.ndarray]
    filename: str = ""

    @property
    def n_rows(self) -> int:
        return len(next(iter(self.values.values())))

    def numeric(self) -> list[str]:
        return [c for c in self.columns if self.values[c].dtype.kind == "f"]

    def describe(self) -> dict:
        """The JSON answer to an upload: columns, which are numeric, and a suggested x₁, x₂ and target."""
        numeric = self.numeric()
        target = self.columns[-1]
        drawn = [c for c in numeric if c != target][:2]
        return {
            "columns": self.columns,
            "numeric": numeric,
            "n_rows": self.n_rows,
            "suggested": {
                "x1": drawn[0] if drawn else "",
                "x2": drawn[1] if len(drawn) > 1 else "",
                "target": target,
            },
        }

    def __repr__(self) -> str:
        return f"Upload({self.n_rows} rows × {len(self.columns)} columns)"


def parse_csv(raw: bytes, limits: Limits | None = None) -> Upload:
    """Parse a CSV file with a header row; raises :class:`PlaygroundError` with the line at fault.

    Numeric columns become float64 arrays; text columns become object arrays in which equal cells share one
    string, so a column costs 8 bytes a row plus its distinct values (a fixed-width NumPy string array would
    make every row as wide as the widest cell). Rows are read one at a time and reading stops at the first
    row over the limit.

    >>> parse_csv(b"a,b,label\\n1,2,yes\\n3,4,no\\n" * 1).describe()["numeric"]
    ['a', 'b']
    """
    limits = limits or Limits()
    if len(raw) > limits.max_upload_bytes:
        raise PlaygroundError(
            f"the file has {len(raw)} bytes, more than the limit of {limits.max_upload_bytes} bytes", 413
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise PlaygroundError(f"the file is not UTF-8 text (byte {e.start}); save it as UTF-8 CSV") from None
    if "\x00" in text:
        raise PlaygroundError("the file contains NUL bytes; upload a CSV text file")
    header, body = _read_rows(text, limits)
    values: dict[str, np.ndarray] = {}
    for j, name in enumerate(header):
        values[name] = _column(name, [r[j].strip() for r in body])
    return Upload(header, values)


def _read_rows(text: str, limits: Limits) -> tuple[list[str], list[list[str]]]:
    """The header and the data rows (blank rows skipped), checked for shape and size as they are read."""
    rows = (r for r in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in r))
    try:
        first = next(rows, None)
        if first is None:
            raise PlaygroundError("the CSV needs a header row and at least one data row")
        header = [h.strip() for h in first]
        if len(header) < 2:
            raise PlaygroundError(
                f"the CSV needs at least 2 columns (two features or a feature and a target), got {len(header)}"
            )
        if len(header) > limits.max_columns:
            raise PlaygroundError(
                f"the CSV has {len(header)} columns, more than the limit of {limits.max_columns}", 413
            )
        if len(set(header)) != len(header) or any(not h for h in header):
            raise PlaygroundError("the header row needs distinct, non-empty column names")
        body: list[list[str]] = []
        for i, r in enumerate(rows, start=2):
            if len(r) != len(header):
                raise PlaygroundError(f"row {i} has {len(r)} fields, the header has {len(header)}")
            if len(body) == limits.max_points:
                raise PlaygroundError(
                    f"the CSV has more than {limits.max_points} rows, the limit; keep at most "
                    f"{limits.max_points}",
                    413,
                )
            body.append(r)
    except csv.Error as e:
        raise PlaygroundError(f"malformed CSV: {e}") from None
    if not body:
        raise PlaygroundError("the CSV needs a header row and at least one data row")
    return header, body


def _column(name: str, cells: list[str]) -> np.ndarray:
    """float64 when every cell is a finite number, else an object array of shared strings."""
    try:
        col = np.array([float(c) for c in cells], dtype=np.float64)
    except ValueError:
        shared: dict[str, str] = {}
        out = np.empty(len(cells), dtype=object)
        out[:] = [shared.setdefault(c, c) for c in cells]
        return out
    if not np.isfinite(col).all():
        i = int(np.flatnonzero(~np.isfinite(col))[0]) + 2
        raise PlaygroundError(f"column {name!r} has a value that is not finite at row {i}")
    return col


@dataclass
class Points:
    """Train and test points in the drawn plane, targets, and how to draw them.

    ``p_train`` (n, 2) are the (x₁, x₂) of each point; ``y_train`` (n,) holds class indices (int) for
    classification or values (float) for regression.
    """

    p_train: np.ndarray
    y_train: np.ndarray
    p_test: np.ndarray
    y_test: np.ndarray
    problem: str
    classes: list[Any] = field(default_factory=list)
    domain: tuple[float, float, float, float] = (-6.0, 6.0, -6.0, 6.0)
    axes: tuple[str, str] = ("x₁", "x₂")
    y_scale: float = 1.0
    x_scaler: Any = None  # the Standardizer of an upload's (x₁, x₂) columns
    y_scaler: Any = None  # the Standardizer of an upload's numeric target
    target: str = "y"

    def __repr__(self) -> str:
        return f"Points({self.problem}, {len(self.p_train)} train, {len(self.p_test)} test)"


def _split(
    p: np.ndarray, y: np.ndarray, ratio: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    order = np.random.default_rng([seed, 1]).permutation(len(p))
    n_train = min(max(round(len(p) * ratio / 100), 1), len(p) - 1)
    tr, te = order[:n_train], order[n_train:]
    return p[tr], y[tr], p[te], y[te]


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
    return Points(
        *_split(p, y, config.train_ratio, config.seed),
        problem=problem,
        classes=classes,
        domain=(-m, m, -m, m),
        y_scale=y_scale,
        target=ds.target_names[0] if ds.target_names else "y",
    )


def upload_points(config: PlaygroundConfig, upload: Upload) -> Points:
    """Points from an uploaded CSV: standardised columns x₁, x₂ and the chosen target."""
    for key in ("x1", "x2", "target"):
        name = getattr(config, key)
        if name not in upload.values:
            raise PlaygroundError(
                f"{key} column {name!r} is not in the file; columns: {', '.join(upload.columns)}"
            )
    for key in ("x1", "x2"):
        if upload.values[getattr(config, key)].dtype.kind != "f":
            raise PlaygroundError(
                f"{key} column {getattr(config, key)!r} is not numeric; choose a numeric column"
            )
    if config.target in (config.x1, config.x2):
        raise PlaygroundError(f"the target {config.target!r} cannot also be a drawn feature")
    from lucidnet.data.preprocessing import Standardizer

    x_scaler = Standardizer()
    p = x_scaler.fit_transform(np.column_stack([upload.values[config.x1], upload.values[config.x2]]))
    t = upload.values[config.target]
    problem = config.problem
    if problem == "auto":
        problem, _ = infer_task(t)
    classes: list[Any] = []
    y_scaler = None
    if problem == "classification":
        values, y = np.unique(t, return_inverse=True)
        if len(values) < 2:
            raise PlaygroundError(f"the target {config.target!r} has a single class; it needs at least 2")
        if len(values) > 10:
            raise PlaygroundError(
                f"the target {config.target!r} has {len(values)} classes; the playground "
                "draws at most 10 (choose problem 'regression' for a numeric target)"
            )
        classes = [int(v) if isinstance(v, float) and v == int(v) else v for v in values.tolist()]
    else:
        if t.dtype.kind != "f":
            raise PlaygroundError(f"the target {config.target!r} is not numeric; regression needs numbers")
        y_scaler = Standardizer()
        y = y_scaler.fit_transform(t.reshape(-1, 1))[:, 0]
    lo, hi = p.min(axis=0), p.max(axis=0)
    pad = np.maximum((hi - lo) * 0.1, 0.5)
    domain = (float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1]))
    y_scale = 1.0 if problem == "classification" else float(np.abs(y).max() or 1.0)
    return Points(
        *_split(p, y, config.train_ratio, config.seed),
        problem=problem,
        classes=classes,
        domain=domain,
        axes=(config.x1, config.x2),
        y_scale=y_scale,
        x_scaler=x_scaler,
        y_scaler=y_scaler,
        target=config.target,
    )
