"""Built-in data sets: the tables of the classic lessons and seeded 2-D generators.

(X, y) = load(name)  with X (n, d) float64 and y (n,) or (n, k).

Every data set is listed by name in :data:`DATASETS`; the CLI, the playground and the tests read that
registry. :mod:`.lessons` writes the lesson tables out in full (they are tiny), so nothing is read from disk;
:mod:`.generators` draws the 2-D sets in the shapes of the TensorFlow Playground (points in roughly [-6, 6]²),
each from its own ``np.random.default_rng(seed)``, never from global state; :mod:`.record` holds
:class:`Dataset`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .generators import make_circle, make_gauss, make_moons, make_multi_gaussian, make_plane, make_spiral, make_xor
from .lessons import (
    HEIGHT_SHIFT_IN,
    WEIGHT_SHIFT_LB,
    gender_inputs,
    gender_names,
    load_gender,
    load_house_prices,
    load_two_records,
    load_two_records_multilabel,
    load_xor,
    load_xor_ordered,
)
from .record import Dataset

__all__ = [
    "DATASETS",
    "GENERATORS",
    "HEIGHT_SHIFT_IN",
    "WEIGHT_SHIFT_LB",
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
