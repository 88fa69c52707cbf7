"""Training score of lucidnet's estimators and scikit-learn's MLP after 10 and 30 epochs, medians of 3 seeds.

The data of issue 16: make_regression(n_samples=200, n_features=10, n_informative=1, bias=5, noise=20,
random_state=42) with X and y standardised (scikit-learn's ``check_regressors_train`` data), diabetes (X and
y standardised), breast cancer and digits (X standardised). Both libraries get their defaults (adam,
learning_rate_init=1e-3, batch_size="auto", alpha=1e-4, hidden_layer_sizes=(100,)) with max_iter=10 or 30
and random_state 0, 1, 2; the score is the training R² or accuracy (``estimator.score(X, y)``).

Usage::

    PYTHONPATH=src python benchmarks/sklearn_first_epochs.py     # prints a markdown table (a few seconds)
    PYTHONPATH=src python benchmarks/sklearn_first_epochs.py --seeds 60   # make_regression over 60 seeds

``--seeds N`` fits both libraries on the make_regression data with ``random_state`` 0 … N−1 and prints, after
10 and 30 epochs, the mean R² of each, the mean paired difference ± its standard error, and the largest
difference of a seed. Run with ``PYTHONPATH`` at a checkout of 107a7df's ``src`` for the figures before the fix.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler, scale

from lucidnet.sklearn import NeuralNetClassifier, NeuralNetRegressor

SEEDS = (0, 1, 2)


def data_sets(digits_rows: int | None = None):
    """(name, X, y, scikit-learn's class, lucidnet's class) for the issue's four data sets, X standardised (y too
    for the regressions); ``digits_rows`` cuts digits short (the test suite's quick version)."""
    X, y = make_regression(n_samples=200, n_features=10, n_informative=1, bias=5.0, noise=20, random_state=42)
    yield "make_regression (200 × 10)", StandardScaler().fit_transform(X), scale(y), MLPRegressor, NeuralNetRegressor
    X, y = load_diabetes(return_X_y=True)
    yield "diabetes (442 × 10)", StandardScaler().fit_transform(X), scale(y), MLPRegressor, NeuralNetRegressor
    X, y = load_breast_cancer(return_X_y=True)
    yield "breast cancer (569 × 30)", StandardScaler().fit_transform(X), y, MLPClassifier, NeuralNetClassifier
    X, y = load_digits(return_X_y=True)
    X, y = X[:digits_rows], y[:digits_rows]
    yield f"digits ({len(X)} × 64)", StandardScaler().fit_transform(X), y, MLPClassifier, NeuralNetClassifier


def scores(cls, X, y, epochs: int) -> list[float]:
    return [float(cls(max_iter=epochs, random_state=seed).fit(X, y).score(X, y)) for seed in SEEDS]


def over_seeds(n: int) -> None:
    """R² on make_regression over ``random_state`` 0 … n−1: the means, their paired difference, the largest one."""
    _, X, y, theirs, ours = next(iter(data_sets()))
    print(f"make_regression (200 × 10), random_state 0 … {n - 1}")
    print("| epochs | lucidnet mean R² | MLP mean R² | difference (mean ± s.e.) | largest difference |")
    print("|---|---|---|---|---|")
    for epochs in (10, 30):
        a = np.array([ours(max_iter=epochs, random_state=s).fit(X, y).score(X, y) for s in range(n)])
        b = np.array([theirs(max_iter=epochs, random_state=s).fit(X, y).score(X, y) for s in range(n)])
        d = a - b
        print(f"| {epochs} | {a.mean():.3f} | {b.mean():.3f} | {d.mean():+.3f} ± {d.std(ddof=1) / np.sqrt(n):.3f} "
              f"| {np.abs(d).max():.1e} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, help="compare over this many seeds on make_regression instead")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    if args.seeds:
        over_seeds(args.seeds)
        return
    print("| data set | metric | lucidnet, 10 epochs | MLP, 10 epochs | lucidnet, 30 epochs | MLP, 30 epochs |")
    print("|---|---|---|---|---|---|")
    for name, X, y, theirs, ours in data_sets():
        cells = []
        for epochs in (10, 30):
            for cls in (ours, theirs):
                s = scores(cls, X, y, epochs)
                cells.append(f"{np.median(s):.3f} ({', '.join(f'{v:.3f}' for v in s)})")
        metric = "R²" if theirs is MLPRegressor else "accuracy"
        print(f"| {name} | {metric} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
