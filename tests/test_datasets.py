"""The built-in data sets: the lesson tables exactly, the generators' shapes, seeding and validation."""

import numpy as np
import pytest

from lucidnet.data import datasets
from lucidnet.data.datasets import DATASETS, GENERATORS, Dataset, gender_inputs, list_datasets, load


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_dataset_has_the_contract_fields(name):
    ds = load(name, seed=0) if name in GENERATORS else load(name)
    assert isinstance(ds, Dataset) and ds.name == name
    assert ds.X.dtype == np.float64 and ds.X.ndim == 2
    assert ds.y.shape[0] == ds.X.shape[0] and ds.y.ndim in (1, 2)
    assert len(ds.feature_names) == ds.X.shape[1]
    assert len(ds.target_names) == (1 if ds.y.ndim == 1 else ds.y.shape[1])
    assert ds.task in ("classification", "regression")
    assert ds.description and "\n" not in ds.description
    assert np.all(np.isfinite(ds.X)) and np.all(np.isfinite(ds.y))
    X, y = ds
    assert X is ds.X and y is ds.y
    assert repr(ds) == f"Dataset({name!r}, {ds.n}×{ds.d}, {ds.task})"


def test_dataset_is_frozen():
    ds = load("xor")
    with pytest.raises(AttributeError):
        ds.name = "other"  # type: ignore[misc]


def test_list_datasets_rows():
    rows = list_datasets()
    assert [r[0] for r in rows] == list(DATASETS)
    assert ("house_prices", 10, 2, "regression") == rows[2][:4]
    assert {r[0] for r in rows} >= {
        "xor",
        "xor_ordered",
        "house_prices",
        "gender",
        "two_records",
        "two_records_multilabel",
        "circle",
        "xor2d",
        "gauss",
        "spiral",
        "moons",
        "plane",
        "multi_gaussian",
    }


def test_xor_tables_exactly():
    X, y = load("xor")
    assert X.tolist() == [[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]]
    assert y.tolist() == [0, 1, 1, 0] and y.dtype == np.float64
    X, y = load("xor_ordered")
    assert X.tolist() == [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]]
    assert y.tolist() == [0, 1, 1, 0]
    assert np.array_equal(y, np.logical_xor(X[:, 0], X[:, 1]))


def test_house_prices_table():
    X, y = load("house_prices")
    rows = np.column_stack([X, y]).tolist()
    assert rows == [
        [2104, 3, 399900],
        [1600, 3, 329900],
        [2400, 3, 369000],
        [1416, 2, 232000],
        [3000, 4, 539900],
        [1985, 4, 299900],
        [1534, 3, 314900],
        [1427, 3, 198999],
        [1380, 3, 212000],
        [1494, 3, 242500],
    ]


def test_gender_table_and_helper():
    ds = load("gender")
    # Alice 133 lb 65 in F; Bob 160 72 M; Charlie 152 70 M; Diana 120 60 F; shifted by (-135, -66)
    assert ds.X.tolist() == [[-2, -1], [25, 6], [17, 4], [-15, -6]]
    assert ds.y.tolist() == [1, 0, 0, 1]
    assert datasets.gender_names() == ["Alice", "Bob", "Charlie", "Diana"]
    assert gender_inputs(weight_lb=128, height_in=63).tolist() == [-7, -3]  # Emily
    # 1 lb = 0.45359237 kg, 1 in = 2.54 cm exactly
    assert np.allclose(gender_inputs(weight_kg=133 * 0.45359237, height_cm=65 * 2.54), [-2, -1], atol=1e-12)
    both = gender_inputs(weight_lb=[133, 160], height_cm=[165.1, 182.88])
    assert both.shape == (2, 2) and np.allclose(both, [[-2, -1], [25, 6]])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"height_in": 60}, "exactly one of weight_kg or weight_lb"),
        ({"weight_kg": 1, "weight_lb": 2, "height_in": 60}, "exactly one of weight_kg or weight_lb"),
        ({"weight_lb": 1}, "exactly one of height_cm or height_in"),
        ({"weight_lb": [1, 2], "height_in": [60]}, "one length"),
        ({"weight_lb": float("nan"), "height_in": 60}, "finite"),
    ],
)
def test_gender_inputs_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        gender_inputs(**kwargs)


def test_two_records():
    X, y = load("two_records")
    assert X.tolist() == [[1, 2, 3], [4, 5, 6]] and y.tolist() == [1.0, 0.7]
    X, y = load("two_records_multilabel")
    assert X.tolist() == [[1, 2, 3], [4, 5, 6]] and y.tolist() == [[1, 0, 0], [0, 1, 0]]


@pytest.mark.parametrize("name", GENERATORS)
def test_generators_are_seeded_and_shaped(name):
    a = load(name, n=101, noise=0.2, seed=7)
    b = load(name, n=101, noise=0.2, seed=7)
    c = load(name, n=101, noise=0.2, seed=8)
    assert a.X.shape == (101, 2) and a.y.shape == (101,)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)
    assert np.abs(a.X).max() < 9
    if a.task == "classification":
        assert a.y.dtype == np.int64 and set(np.unique(a.y)) == {0, 1}
    else:
        assert a.y.dtype == np.float64 and np.abs(a.y).max() <= 2


def test_generators_leave_global_state_alone():
    np.random.seed(123)
    before = np.random.random()
    np.random.seed(123)
    load("spiral", seed=1)
    assert np.random.random() == before


def test_noise_free_labels_follow_the_shapes():
    ds = load("circle", n=300, seed=0)
    r = np.hypot(*ds.X.T)
    assert np.array_equal(ds.y, (r < 2.5).astype(int)) and ds.y.sum() == 150
    ds = load("xor2d", n=300, seed=0)
    assert np.array_equal(ds.y, (ds.X[:, 0] * ds.X[:, 1] < 0).astype(int))
    assert np.abs(ds.X).min() >= 0.3
    ds = load("gauss", n=300, seed=0)
    assert np.allclose(ds.X[ds.y == 1].mean(axis=0), [2, 2], atol=0.2)
    assert np.allclose(ds.X[ds.y == 0].mean(axis=0), [-2, -2], atol=0.2)
    ds = load("plane", n=50, seed=0)
    assert np.allclose(ds.y, ds.X.sum(axis=1) / 10)
    ds = load("multi_gaussian", n=500, seed=0)
    assert np.abs(ds.y).max() <= 1 and ds.y.max() > 0.5 and ds.y.min() < -0.5
    # the bump at (0, 2.5) is negative, the one at (0, -2.5) positive
    near = np.hypot(ds.X[:, 0], ds.X[:, 1] - 2.5) < 0.5
    assert np.all(ds.y[near] < 0)


def test_noise_moves_labels():
    clean = load("circle", n=400, seed=3, noise=0.0)
    noisy = load("circle", n=400, seed=3, noise=0.5)
    r = np.hypot(*noisy.X.T)
    assert np.mean(noisy.y != (r < 2.5)) > 0.05
    assert np.mean(clean.y != (np.hypot(*clean.X.T) < 2.5)) == 0


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown data set 'xr'.*xor, xor_ordered"):
        load("xr")


def test_fixed_tables_take_no_arguments():
    with pytest.raises(TypeError, match="fixed table"):
        load("xor", seed=1)


@pytest.mark.parametrize("bad", [{"n": 1}, {"n": 2.5}, {"noise": -0.1}, {"noise": float("inf")}])
def test_generator_validation(bad):
    with pytest.raises(ValueError, match="n must be|noise must be"):
        load("moons", **bad)
