"""``lucidnet train``'s defaults against what a practitioner writes by hand in scikit-learn, over seeds: the tables of
docs/cli.md ("How good are the defaults"). tests/test_defaults_figures.py checks one seed of each.

    python -m benchmarks.tables            # diabetes splits 0-9 and churn seeds 0-5, as Markdown
    python -m benchmarks.tables --diabetes-seeds 12 --train-seeds 3 --churn-seeds 0 [--l2 0]
                                           # 12 splits × 3 training seeds: the L2 figure of docs/cli.md

- diabetes: examples/messy_tables.py's split ``seed`` (350 training rows), ``lucidnet train --drop patient_id
  --seed <seed>`` against StandardScaler + RidgeCV(alphas 10^-3 … 10^3), R² on the 92 held-out rows;
- churn: 1500 training rows of ``seed``, 2000 test rows of ``seed + 500``; ``lucidnet train --seed <seed>`` against
  SimpleImputer (median; most frequent) + OneHotEncoder + StandardScaler + MLPClassifier(early_stopping=True,
  random_state=seed), accuracy on the test rows.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib.util
import io
import tempfile
from pathlib import Path

import numpy as np

from lucidnet import cli

ROOT = Path(__file__).resolve().parents[1]


def messy_tables():
    """examples/messy_tables.py, loaded as a module (examples are not a package)."""
    spec = importlib.util.spec_from_file_location("messy_tables", ROOT / "examples" / "messy_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _lucidnet(train: Path, test: Path, key: str, *options: str) -> float:
    model = str(train.with_suffix(".safetensors"))
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert cli.main(["train", "--data", str(train), "--quiet", "--out", model, *options]) == 0
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert cli.main(["evaluate", model, str(test)]) == 0
    return float(out.getvalue().split(f"{key}: ")[1].split()[0])


def diabetes(folder: Path, seed: int, train_seed: int | None = None, options: tuple[str, ...] = ()
             ) -> tuple[float, float]:
    """(ridge R², lucidnet R²) on split ``seed``; lucidnet trains with ``--seed train_seed`` (default ``seed``)."""
    import pandas as pd
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    train, test = messy_tables().write_diabetes(folder, seed=seed)
    tr, te = pd.read_csv(train), pd.read_csv(test)
    cols = [c for c in tr.columns if c not in ("patient_id", "progression")]
    ridge = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-3, 3, 13))).fit(tr[cols], tr["progression"])
    seed_option = str(seed if train_seed is None else train_seed)
    return ridge.score(te[cols], te["progression"]), _lucidnet(train, test, "R²", "--drop", "patient_id",
                                                              "--seed", seed_option, *options)


def churn(folder: Path, seed: int) -> tuple[float, float]:
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    mt = messy_tables()
    train, _ = mt.write_churn(folder, n=1500, seed=seed)
    test = folder / "churn_test.csv"
    with open(test, "w", newline="") as f:
        csv.writer(f).writerows([mt.CHURN_COLUMNS, *mt.churn_rows(2000, seed=seed + 500)])
    numbers, text = ["age", "tenure_months", "monthly_charges", "support_calls"], ["contract", "payment", "region"]
    tr, te = pd.read_csv(train, na_values=["?"]), pd.read_csv(test, na_values=["?"])
    columns = ColumnTransformer([
        ("numbers", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), numbers),
        ("text", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                           ("one_hot", OneHotEncoder(handle_unknown="ignore"))]), text)])
    model = Pipeline([("columns", columns), ("mlp", MLPClassifier(early_stopping=True, max_iter=500,
                                                                  random_state=seed))])
    theirs = model.fit(tr[numbers + text], tr["churned"]).score(te[numbers + text], te["churned"])
    return theirs, _lucidnet(train, test, "accuracy", "--seed", str(seed))


def _table(name: str, theirs_name: str, rows: list[tuple[object, float, float]], limit: float) -> str:
    lines = [f"| {name} seed | {theirs_name} | lucidnet defaults | difference |", "|---|---|---|---|"]
    lines += [f"| {s} | {a:.4f} | {b:.4f} | {b - a:+.4f} |" for s, a, b in rows]
    d = np.array([b - a for _, a, b in rows])
    lines.append(f"| all | | | mean {d.mean():+.4f}, worst {d.min():+.4f}; {int((d >= -limit).sum())} of {len(d)} "
                 f"within {limit} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--diabetes-seeds", type=int, default=10)
    p.add_argument("--churn-seeds", type=int, default=6)
    p.add_argument("--train-seeds", type=int, default=0,
                   help="train each diabetes split with --seed 0 … N−1 (default: the split's own seed)")
    p.add_argument("--l2", help="pass --l2 VALUE to lucidnet train on diabetes (default: train's own)")
    args = p.parse_args(argv)
    options = ("--l2", args.l2) if args.l2 is not None else ()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.train_seeds:
            d: list[tuple[object, float, float]] = [
                (f"{s}, --seed {t}", *diabetes(folder, s, t, options))
                for s in range(args.diabetes_seeds) for t in range(args.train_seeds)]
        else:
            d = [(s, *diabetes(folder, s, None, options)) for s in range(args.diabetes_seeds)]
        c = [(s, *churn(folder, s)) for s in range(args.churn_seeds)]
    if d:
        print(_table("diabetes", "ridge R²", d, 0.06))
    if c:
        print()
        print(_table("churn", "scikit-learn pipeline accuracy", c, 0.03))


if __name__ == "__main__":
    main()
