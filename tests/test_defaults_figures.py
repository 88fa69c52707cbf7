"""The defaults of ``lucidnet train`` against what a practitioner writes by hand in scikit-learn, on the tables of
examples/messy_tables.py (docs/cli.md tabulates the same comparisons over more seeds).

- diabetes (350 training rows, ``--drop patient_id``): held-out R² within 0.06 of a ridge regression's;
- churn (a text ID, gaps, text categories): accuracy within 0.03 of SimpleImputer + OneHotEncoder +
  StandardScaler + MLPClassifier(early_stopping=True).
"""

from __future__ import annotations

import csv
import importlib.util

import numpy as np
from conftest import ROOT, require

from lucidnet import cli


def messy_tables():
    spec = importlib.util.spec_from_file_location("messy_tables", ROOT / "examples" / "messy_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lucidnet_score(capsys, train, test, *options, key):
    """Train with the defaults (and ``options``), then ``lucidnet evaluate`` on the test file: the ``key`` line."""
    assert cli.main(["train", "--data", str(train), "--quiet", "--out", str(train.with_suffix(".safetensors")),
                     *options]) == 0
    capsys.readouterr()
    assert cli.main(["evaluate", str(train.with_suffix(".safetensors")), str(test)]) == 0
    out = capsys.readouterr().out
    return float(out.split(f"{key}: ")[1].split()[0])


def test_defaults_reach_ridge_regression_on_diabetes(tmp_path, capsys):
    require("sklearn", "pip install 'lucidnet[sklearn]'")
    pd = require("pandas", "pip install pandas")
    from sklearn.linear_model import RidgeCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    train, test = messy_tables().write_diabetes(tmp_path, n_train=350, seed=0)
    tr, te = pd.read_csv(train), pd.read_csv(test)
    features = [c for c in tr.columns if c not in ("patient_id", "progression")]
    ridge = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-3, 3, 13)))
    ridge_r2 = ridge.fit(tr[features], tr["progression"]).score(te[features], te["progression"])
    r2 = lucidnet_score(capsys, train, test, "--drop", "patient_id", key="R²")
    assert len(tr) == 350 and 0.3 < ridge_r2 < 0.6
    assert r2 >= ridge_r2 - 0.06, (r2, ridge_r2)


def test_defaults_reach_the_hand_written_pipeline_on_churn(tmp_path, capsys):
    require("sklearn", "pip install 'lucidnet[sklearn]'")
    pd = require("pandas", "pip install pandas")
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    mt = messy_tables()
    train, _ = mt.write_churn(tmp_path, n=1500, seed=0)
    test = tmp_path / "churn_test.csv"
    with open(test, "w", newline="") as f:
        csv.writer(f).writerows([mt.CHURN_COLUMNS, *mt.churn_rows(2000, seed=500)])
    numbers = ["age", "tenure_months", "monthly_charges", "support_calls"]
    text = ["contract", "payment", "region"]
    tr, te = pd.read_csv(train, na_values=["?"]), pd.read_csv(test, na_values=["?"])
    steps = ColumnTransformer([
        ("numbers", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), numbers),
        ("text", Pipeline([("impute", SimpleImputer(strategy="most_frequent")),
                           ("one_hot", OneHotEncoder(handle_unknown="ignore"))]), text),
    ])
    model = Pipeline([("columns", steps), ("mlp", MLPClassifier(early_stopping=True, max_iter=500, random_state=0))])
    theirs = model.fit(tr[numbers + text], tr["churned"]).score(te[numbers + text], te["churned"])
    ours = lucidnet_score(capsys, train, test, key="accuracy")
    assert 0.7 < theirs < 0.9
    assert ours >= theirs - 0.03, (ours, theirs)
