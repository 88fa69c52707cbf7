"""Seeded 2-D generators in the shapes of the TensorFlow Playground (points in roughly [-6, 6]²), each drawing
from its own ``np.random.default_rng(seed)``, never from global state; noise on the playground's 0-0.5 scale."""

from __future__ import annotations

import numpy as np

from .record import Dataset

__all__ = ["make_circle", "make_gauss", "make_moons", "make_multi_gaussian", "make_plane", "make_spiral", "make_xor"]


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
