"""The tables of the classic lessons, written out in full (they are tiny): XOR, house prices, the gender network's
four people, the neuron lesson's two records."""

from __future__ import annotations

from typing import Any

import numpy as np

from .record import Dataset

__all__ = ["HEIGHT_SHIFT_IN", "WEIGHT_SHIFT_LB", "gender_inputs", "gender_names", "load_gender", "load_house_prices",
           "load_two_records", "load_two_records_multilabel", "load_xor", "load_xor_ordered"]


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
