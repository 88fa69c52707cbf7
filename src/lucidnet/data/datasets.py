"""Built-in data sets: the tables of the classic lessons and seeded 2-D generators.

(X, y) = load(name)  with X (n, d) float64 and y (n,) or (n, k).

Every data set is listed by name in :data:`DATASETS`; the CLI, the playground and the tests read that
registry. The lesson tables are written out here in full (they are tiny), so nothing is read from disk.
The generators follow the shapes of the TensorFlow Playground (points in roughly [-6, 6]²) and draw from
their own ``np.random.default_rng(seed)``, never from global state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "DATASETS",
    "GENERATORS",
    "Dataset",
    "gender_inputs",
    "gender_names",
    "list_datasets",
    "load",
    "load_gender",
    "load_house_prices",
    "load_two_records",
    "load_two_records_multilabel",
    "load_xor",
    "load_xor_ordered",
    "make_circle",
    "make_gauss",
    "make_moons",
    "make_multi_gaussian",
    "make_plane",
    "make_spiral",
    "make_xor",
    "make_xor2d",
]


@dataclass(frozen=True, eq=False)
class Dataset:
    """A named table of samples: X (n, d) inputs and y (n,) or (n, k) targets.

    Attributes
    ----------
    name : str
        Registry name, e.g. ``"xor"``.
    X : ndarray of shape (n, d), float64
        Inputs, one sample per row.
    y : ndarray of shape (n,) or (n, k)
        Targets: float64 for regression and for the 0/1 targets the lessons train with squared error;
        int64 class labels for the 2-D classification generators.
    feature_names : list of str
        One name per column of ``X``.
    target_names : list of str
        One name per target column (one entry when y is 1-D).
    task : {"classification", "regression"}
    description : str
        One line, naming the lesson the data comes from.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    feature_names: list[str] = field(default_factory=list)
    target_names: list[str] = field(default_factory=list)
    task: str = "classification"
    description: str = ""

    def __post_init__(self) -> None:
        if self.task not in ("classification", "regression"):
            raise ValueError(f"task must be 'classification' or 'regression', got {self.task!r}")
        if self.X.ndim != 2 or self.X.shape[0] != self.y.shape[0]:
            raise ValueError(f"X must be (n, d) and y (n,) or (n, k), got X {self.X.shape} and y {self.y.shape}")
        if len(self.feature_names) != self.X.shape[1]:
            raise ValueError(f"{len(self.feature_names)} feature names for {self.X.shape[1]} columns")

    @property
    def n(self) -> int:
        """Number of samples (rows of X)."""
        return int(self.X.shape[0])

    @property
    def d(self) -> int:
        """Number of input features (columns of X)."""
        return int(self.X.shape[1])

    def __iter__(self):
        """Unpack as ``X, y = dataset``."""
        return iter((self.X, self.y))

    def __repr__(self) -> str:
        return f"Dataset({self.name!r}, {self.n}×{self.d}, {self.task})"


# ---------------------------------------------------------------------------------------------------------
# The lesson tables
# ---------------------------------------------------------------------------------------------------------

def load_xor() -> Dataset:
    """The four rows of the "neural network in nine lines" lesson: y = x₁ (third column constant 1).

    Inputs [[0,0,1],[1,1,1],[1,0,1],[0,1,1]], targets [0,1,1,0]. Note that in this order the target equals
    the first input (the table is linearly separable); the XOR of the first two inputs is
    :func:`load_xor_ordered`.

    >>> X, y = load_xor()
    >>> X.tolist(), y.tolist()
    ([[0.0, 0.0, 1.0], [1.0, 1.0, 1.0], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]], [0.0, 1.0, 1.0, 0.0])
    """
    X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]], dtype=np.float64)
    y = np.array([0, 1, 1, 0], dtype=np.float64)
    return Dataset("xor", X, y, ["x1", "x2", "x3 (constant 1)"], ["y"], "classification",
                   "4 rows, third column constant; y equals x1 in this order (nine-lines neuron lesson)")


def load_xor_ordered() -> Dataset:
    """XOR of the first two inputs, in truth-table order: y = x₁ ⊕ x₂ (third column constant 1).

    Inputs [[0,0,1],[0,1,1],[1,0,1],[1,1,1]], targets [0,1,1,0], as in the 3-4-1 and 3-4-5-1 lessons.

    >>> X, y = load_xor_ordered()
    >>> (X[:, 0].astype(int) ^ X[:, 1].astype(int)).tolist() == y.tolist()
    True
    """
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64)
    y = np.array([0, 1, 1, 0], dtype=np.float64)
    return Dataset("xor_ordered", X, y, ["x1", "x2", "x3 (constant 1)"], ["x1 xor x2"], "classification",
                   "XOR in truth-table order, third column constant (3-4-1 tanh and 3-4-5-1 sigmoid lessons)")


_HOUSES = np.array([
    (2104, 3, 399900), (1600, 3, 329900), (2400, 3, 369000), (1416, 2, 232000), (3000, 4, 539900),
    (1985, 4, 299900), (1534, 3, 314900), (1427, 3, 198999), (1380, 3, 212000), (1494, 3, 242500),
], dtype=np.float64)


def load_house_prices() -> Dataset:
    """Ten house sales: (size, bedrooms) -> sold price.

    The lesson labels the first column "price per square metre"; its values (1380-3000) read as the floor
    area. The lesson z-scores inputs and target before training a 2-5-1 network.

    >>> ds = load_house_prices()
    >>> ds.X.shape, float(ds.y.max())
    ((10, 2), 539900.0)
    """
    return Dataset("house_prices", _HOUSES[:, :2].copy(), _HOUSES[:, 2].copy(), ["size", "bedrooms"],
                   ["price"], "regression", "10 house sales: size, bedrooms -> price (2-5-1 house-price lesson)")


# Shifts of the gender lesson: inputs are centred by hand on 135 lb and 66 in.
WEIGHT_SHIFT_LB = 135.0
HEIGHT_SHIFT_IN = 66.0
_KG_PER_LB = 0.45359237  # exact, by definition of the pound
_CM_PER_IN = 2.54  # exact, by definition of the inch

_PEOPLE = [("Alice", 133, 65, 1), ("Bob", 160, 72, 0), ("Charlie", 152, 70, 0), ("Diana", 120, 60, 1)]


def gender_inputs(weight_kg: Any = None, height_cm: Any = None, weight_lb: Any = None,
                  height_in: Any = None) -> np.ndarray:
    """The shifted inputs of the gender lesson: (weight_lb − 135, height_in − 66).

    Give the weight in kg or lb and the height in cm or in (scalars or equal-length arrays).

    Returns
    -------
    ndarray of shape (2,) for scalars, (n, 2) for arrays of length n.

    >>> gender_inputs(weight_lb=128, height_in=63).tolist()
    [-7.0, -3.0]
    >>> np.round(gender_inputs(weight_kg=60, height_cm=170), 3).tolist()
    [-2.723, 0.929]
    """
    if (weight_kg is None) == (weight_lb is None):
        raise ValueError("give exactly one of weight_kg or weight_lb, "
                         f"got weight_kg={weight_kg!r} and weight_lb={weight_lb!r}")
    if (height_cm is None) == (height_in is None):
        raise ValueError("give exactly one of height_cm or height_in, "
                         f"got height_cm={height_cm!r} and height_in={height_in!r}")
    lb = (np.asarray(weight_kg, dtype=np.float64) / _KG_PER_LB if weight_lb is None
          else np.asarray(weight_lb, dtype=np.float64))
    inch = (np.asarray(height_cm, dtype=np.float64) / _CM_PER_IN if height_in is None
            else np.asarray(height_in, dtype=np.float64))
    if lb.shape != inch.shape or lb.ndim > 1:
        raise ValueError(f"weight and height must be scalars or 1-D arrays of one length, "
                         f"got shapes {lb.shape} and {inch.shape}")
    if not (np.all(np.isfinite(lb)) and np.all(np.isfinite(inch))):
        raise ValueError("weight and height must be finite numbers")
    return np.stack([lb - WEIGHT_SHIFT_LB, inch - HEIGHT_SHIFT_IN], axis=-1)


def load_gender() -> Dataset:
    """Alice, Bob, Charlie and Diana: shifted (weight, height) -> female (F = 1).

    >>> ds = load_gender()
    >>> ds.X.tolist(), ds.y.tolist()
    ([[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]], [1.0, 0.0, 0.0, 1.0])
    """
    lb = np.array([p[1] for p in _PEOPLE], dtype=np.float64)
    inch = np.array([p[2] for p in _PEOPLE], dtype=np.float64)
    y = np.array([p[3] for p in _PEOPLE], dtype=np.float64)
    return Dataset("gender", gender_inputs(weight_lb=lb, height_in=inch), y,
                   ["weight_lb - 135", "height_in - 66"], ["female"], "classification",
                   "Alice, Bob, Charlie, Diana: shifted weight and height -> F=1 (2-2-1 gender lesson)")


def gender_names() -> list[str]:
    """Names of the four rows of :func:`load_gender`, in order."""
    return [p[0] for p in _PEOPLE]


def load_two_records() -> Dataset:
    """Two records with one target each: [[1,2,3],[4,5,6]] -> [1.0, 0.7] (neuron lesson exercises).

    >>> load_two_records().y.tolist()
    [1.0, 0.7]
    """
    X = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float64)
    return Dataset("two_records", X, np.array([1.0, 0.7]), ["x1", "x2", "x3"], ["y"], "regression",
                   "[[1,2,3],[4,5,6]] -> [1.0, 0.7] (neuron lesson exercises)")


def load_two_records_multilabel() -> Dataset:
    """The two records with three targets each: [[1,2,3],[4,5,6]] -> [[1,0,0],[0,1,0]].

    >>> load_two_records_multilabel().y.shape
    (2, 3)
    """
    X = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float64)
    y = np.array([[1, 0, 0], [0, 1, 0]], dtype=np.float64)
    return Dataset("two_records_multilabel", X, y, ["x1", "x2", "x3"], ["y1", "y2", "y3"], "classification",
                   "[[1,2,3],[4,5,6]] -> [[1,0,0],[0,1,0]] (neuron lesson, multi-label exercise)")


# ---------------------------------------------------------------------------------------------------------
# 2-D generators (TensorFlow-Playground shapes; noise on the playground's 0-0.5 scale)
# ---------------------------------------------------------------------------------------------------------

def _check(n: int, noise: float) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")


def _shuffled(rng: np.random.Generator, name: str, X: np.ndarray, y: np.ndarray, task: str,
              target: str, description: str) -> Dataset:
    order = rng.permutation(len(y))
    return Dataset(name, X[order], y[order], ["x1", "x2"], [target], task, description)


def make_circle(n: int = 200, noise: float = 0.0, seed: int | None = None) -> Dataset:
    """A disc of class 1 (radius < 2.5) inside a ring of class 0 (radius 3.5-5).

    Labels come from the noisy position: ‖p + ε‖ < 2.5, ε ~ U(−5, 5)²·noise.

    >>> ds = make_circle(100, seed=0)
    >>> ds.X.shape, int(ds.y.sum()), bool(np.abs(ds.X).max() <= 5)
    ((100, 2), 50, True)
    """
    _check(n, noise)
    rng = np.random.default_rng(seed)
    radius = 5.0
    n_in = n // 2
    r = np.concatenate([rng.uniform(0, radius * 0.5, n_in), rng.uniform(radius * 0.7, radius, n - n_in)])
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    moved = X + rng.uniform(-radius, radius, (n, 2)) * noise
    y = (np.hypot(moved[:, 0], moved[:, 1]) < radius * 0.5).astype(np.int64)
    return _shuffled(rng, "circle", X, y, "classification", "inside",
                     "2-D disc inside a ring, label 1 inside (playground shape)")


def make_xor(n: int = 200, noise: float = 0.0, seed: int | None = None) -> Dataset:
    """Noisy 2-D XOR: label 1 where the signs of x₁ and x₂ differ (x₁·x₂ < 0).

    Points are uniform in [−5, 5]² pushed 0.3 away from the axes.

    >>> ds = make_xor(100, seed=0)
    >>> bool(np.all(ds.y == (ds.X[:, 0] * ds.X[:, 1] < 0)))
    True
    """
    _check(n, noise)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-5, 5, (n, 2))
    X += np.where(X > 0, 0.3, -0.3)
    moved = X + rng.uniform(-5, 5, (n, 2)) * noise
    y = (moved[:, 0] * moved[:, 1] < 0).astype(np.int64)
    return Dataset("xor2d", X, y, ["x1", "x2"], ["signs differ"], "classification",
                   "2-D noisy XOR, label 1 where the signs of x1 and x2 differ (playground shape)")


def make_gauss(n: int = 200, noise: float = 0.0, seed: int | None = None) -> Dataset:
    """Two Gaussian blobs: class 1 around (2, 2), class 0 around (−2, −2).

    The variance grows with the noise as in the playground: σ² = 0.5 + 7·noise.

    >>> ds = make_gauss(100, seed=0)
    >>> bool(ds.X[ds.y == 1].mean() > 0 > ds.X[ds.y == 0].mean())
    True
    """
    _check(n, noise)
    rng = np.random.default_rng(seed)
    sd = np.sqrt(0.5 + 7.0 * noise)
    n1 = n // 2
    centres = np.where(np.arange(n)[:, None] < n1, 2.0, -2.0)
    X = centres + rng.normal(0.0, sd, (n, 2))
    y = (np.arange(n) < n1).astype(np.int64)
    return _shuffled(rng, "gauss", X, y, "classification", "blob at (2, 2)",
                     "2-D two Gaussian blobs, label 1 around (2, 2) (playground shape)")


def make_spiral(n: int = 200, noise: float = 0.0, seed: int | None = None) -> Dataset:
    """Two interleaved spirals: r = 5·i/m, θ = 3.5π·i/m (+π for class 0), plus U(−1, 1)·noise.

    >>> ds = make_spiral(100, seed=0)
    >>> ds.X.shape, int(ds.y.sum())
    ((100, 2), 50)
    """
    _check(n, noise)
    rng = np.random.default_rng(seed)
    parts = []
    for count, shift, label in ((n // 2, 0.0, 1), (n - n // 2, np.pi, 0)):
        t = np.arange(count) / count
        r, theta = 5.0 * t, 1.75 * 2 * np.pi * t + shift
        pts = np.column_stack([r * np.sin(theta), r * np.cos(theta)]) + rng.uniform(-1, 1, (count, 2)) * noise
        parts.append((pts, np.full(count, label, dtype=np.int64)))
    X = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    return _shuffled(rng, "spiral", X, y, "classification", "first arm",
                     "2-D two interleaved spirals (playground shape)")


def make_moons(n: int = 200, noise: float = 0.0, seed: int | None = None) -> Dataset:
    """Two interleaving half circles (scikit-learn's moons, scaled ×3.5 and centred on the origin).

    Class 0 is the upper moon, class 1 the lower; noise is Gaussian with σ = 3.5·noise.

    >>> ds = make_moons(100, seed=0)
    >>> bool(np.abs(ds.X).max() < 6)
    True
    """
    _check(n, noise)
    rng = np.random.default_rng(seed)
    n0 = n - n // 2
    a0, a1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n // 2)
    raw = np.concatenate([np.column_stack([np.cos(a0), np.sin(a0)]),
                          np.column_stack([1 - np.cos(a1), 0.5 - np.sin(a1)])])
    raw = raw - [0.5, 0.25] + rng.normal(0.0, noise, (n, 2))
    y = (np.arange(n) >= n0).astype(np.int64)
    return _shuffled(rng, "moons", 3.5 * raw, y, "classification", "lower moon",
                     "2-D two interleaving half circles")


def make_plane(n: int = 200, noise: float = 0.0, seed: int | None = None) -> Dataset:
    """A tilted plane: y = (x₁ + x₂)/10 in [−1.2, 1.2], x uniform in [−6, 6]², noise U(−6, 6)·noise.

    >>> ds = make_plane(50, seed=0)
    >>> bool(np.allclose(ds.y, ds.X.sum(axis=1) / 10))
    True
    """
    _check(n, noise)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-6, 6, (n, 2))
    moved = X + rng.uniform(-6, 6, (n, 2)) * noise
    y = (moved[:, 0] + moved[:, 1]) / 10.0
    return Dataset("plane", X, y, ["x1", "x2"], ["y"], "regression",
                   "2-D regression: y = (x1 + x2)/10 (playground shape)")


_GAUSSIANS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]],
                      dtype=np.float64)


def make_multi_gaussian(n: int = 200, noise: float = 0.0, seed: int | None = None) -> Dataset:
    """Six signed bumps on a 3×2 grid: y = the largest-magnitude of ±max(0, 1 − d/2) over the bumps.

    d is the distance to each bump centre; x uniform in [−6, 6]², noise U(−6, 6)·noise; y in [−1, 1].

    >>> ds = make_multi_gaussian(100, seed=0)
    >>> bool(np.all(np.abs(ds.y) <= 1)), ds.task
    (True, 'regression')
    """
    _check(n, noise)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-6, 6, (n, 2))
    moved = X + rng.uniform(-6, 6, (n, 2)) * noise
    dist = np.hypot(moved[:, :1] - _GAUSSIANS[:, 0], moved[:, 1:] - _GAUSSIANS[:, 1])  # (n, 6)
    signed = _GAUSSIANS[:, 2] * np.clip(1.0 - dist / 2.0, 0.0, 1.0)
    y = signed[np.arange(n), np.argmax(np.abs(signed), axis=1)]
    return Dataset("multi_gaussian", X, y, ["x1", "x2"], ["y"], "regression",
                   "2-D regression: six signed bumps (playground shape)")


# ---------------------------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------------------------

#: name -> loader; lesson tables take no arguments, generators take (n, noise, seed).
DATASETS: dict[str, Callable[..., Dataset]] = {
    "xor": load_xor,
    "xor_ordered": load_xor_ordered,
    "house_prices": load_house_prices,
    "gender": load_gender,
    "two_records": load_two_records,
    "two_records_multilabel": load_two_records_multilabel,
    "circle": make_circle,
    "xor2d": make_xor,
    "gauss": make_gauss,
    "spiral": make_spiral,
    "moons": make_moons,
    "plane": make_plane,
    "multi_gaussian": make_multi_gaussian,
}

make_xor2d = make_xor  # the generator's registry name

#: the seeded 2-D generators (the playground's data sets).
GENERATORS = ("circle", "xor2d", "gauss", "spiral", "moons", "plane", "multi_gaussian")


def load(name: str, **kwargs: Any) -> Dataset:
    """The data set registered under ``name``; generators take ``n``, ``noise`` and ``seed``.

    >>> load("xor_ordered")
    Dataset('xor_ordered', 4×3, classification)
    >>> load("circle", n=10, noise=0.1, seed=1).X.shape
    (10, 2)
    """
    if not isinstance(name, str) or name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of: {', '.join(DATASETS)}")
    if kwargs and name not in GENERATORS:
        raise TypeError(f"data set {name!r} is a fixed table and takes no arguments, got {sorted(kwargs)}")
    return DATASETS[name](**kwargs)


def list_datasets() -> list[tuple[str, int, int, str, str]]:
    """(name, n, d, task, description) for every registered data set (generators at their defaults).

    >>> [row[0] for row in list_datasets()][:3]
    ['xor', 'xor_ordered', 'house_prices']
    """
    rows = []
    for name in DATASETS:
        ds = load(name, seed=0) if name in GENERATORS else load(name)
        rows.append((name, ds.n, ds.d, ds.task, ds.description))
    return rows
