"""5-fold score and time of lucidnet's estimators against scikit-learn's MLP, with equal hyper-parameters.

score = mean over seeds × 5 folds (accuracy for digits and breast cancer, R² for diabetes) ± the standard
error of that mean over the seeds; time = mean fit time of one fold (fit only, the scalers included). Both
estimators get the same pipeline (StandardScaler on X; on diabetes also on y) and the same
hyper-parameters (SETTINGS below: scikit-learn's defaults, written out), and each fold is repeated with the
seeds in SEEDS so that the comparison is not one draw of the initial weights.

Usage::

    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/sklearn_compare.py   # prints a markdown table
    OPENBLAS_NUM_THREADS=1 PYTHONPATH=src python benchmarks/sklearn_compare.py --seeds 1  # quicker, noisier

One BLAS thread gives both libraries the same resources and steady timings on a shared machine.

This is a benchmark, not a test: the tests check correctness, this script reports speed and score.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import time
import warnings

import numpy as np
import sklearn
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from lucidnet.sklearn import NeuralNetClassifier, NeuralNetRegressor

SETTINGS = {
    "hidden_layer_sizes": (100,), "activation": "relu", "solver": "adam", "alpha": 1e-4, "batch_size": "auto",
    "learning_rate_init": 1e-3, "max_iter": 200, "tol": 1e-4, "n_iter_no_change": 10, "shuffle": True,
}
DATASETS = {  # name: (loader, task)
    "digits": (load_digits, "classification"),
    "breast cancer": (load_breast_cancer, "classification"),
    "diabetes": (load_diabetes, "regression"),
}


def _model(kind: str, task: str, seed: int):
    if task == "classification":
        est = (NeuralNetClassifier if kind == "lucidnet" else MLPClassifier)(random_state=seed, **SETTINGS)
        return make_pipeline(StandardScaler(), est)
    est = (NeuralNetRegressor if kind == "lucidnet" else MLPRegressor)(random_state=seed, **SETTINGS)
    return TransformedTargetRegressor(make_pipeline(StandardScaler(), est), transformer=StandardScaler())


def run(seeds: int) -> list[dict]:
    rows = []
    for name, (loader, task) in DATASETS.items():
        X, y = loader(return_X_y=True)
        cv = (StratifiedKFold if task == "classification" else KFold)(5, shuffle=True, random_state=0)
        folds = list(cv.split(X, y))
        for kind in ("lucidnet", "scikit-learn"):
            scores, times, epochs = [], [], []
            for seed in range(seeds):
                for train, test in folds:
                    model = _model(kind, task, seed)
                    start = time.perf_counter()
                    model.fit(X[train], y[train])
                    times.append(time.perf_counter() - start)
                    scores.append(model.score(X[test], y[test]))
                    fitted = model.regressor_ if task == "regression" else model
                    epochs.append(fitted[-1].n_iter_)
            # spread of the mean over seeds: the 5-fold mean of each seed, then their standard deviation
            per_seed = np.asarray(scores).reshape(seeds, len(folds)).mean(axis=1)
            rows.append({"dataset": name, "shape": X.shape, "estimator": kind, "metric":
                         "accuracy" if task == "classification" else "R²", "score": float(np.mean(scores)),
                         "sem": float(np.std(per_seed, ddof=1) / np.sqrt(seeds)) if seeds > 1 else float("nan"),
                         "time": float(np.mean(times)), "epochs": float(np.mean(epochs))})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="initial-weight seeds per fold (default 10)")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    rows = run(args.seeds)
    print(f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; "
          f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} logical CPUs, "
          f"Python {platform.python_version()}, NumPy {np.__version__}, scikit-learn {sklearn.__version__}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}; seeds per fold: {args.seeds}")
    print(f"settings (both estimators): {SETTINGS}")
    print()
    print("| data set (n × d) | metric | lucidnet score | scikit-learn score | difference (points) "
          "| lucidnet fit time | scikit-learn fit time | epochs (lucidnet / scikit-learn) |")
    # score: mean over seeds × folds ± standard error of that mean over the seeds
    print("|---|---|---|---|---|---|---|---|")
    for ours, theirs in zip(rows[::2], rows[1::2]):
        diff = 100 * (ours["score"] - theirs["score"])
        n, d = ours["shape"]
        print(f"| {ours['dataset']} ({n} × {d}) | {ours['metric']} | {ours['score']:.4f} ± {ours['sem']:.4f} "
              f"| {theirs['score']:.4f} ± {theirs['sem']:.4f} | {diff:+.2f} | {ours['time']:.3f} s "
              f"| {theirs['time']:.3f} s | {ours['epochs']:.0f} / {theirs['epochs']:.0f} |")


if __name__ == "__main__":
    main()
