"""The defaults of ``lucidnet train`` against what a practitioner writes by hand in scikit-learn, on the tables of
examples/messy_tables.py: seed 0 of the comparisons that benchmarks/tables.py runs over more seeds for the tables
of docs/cli.md (the same functions, so the test and the tables cannot drift apart).

- diabetes (350 training rows, ``--drop patient_id``): held-out R² within 0.06 of a ridge regression's;
- churn (a text ID, gaps, text categories): accuracy within 0.03 of SimpleImputer + OneHotEncoder +
  StandardScaler + MLPClassifier(early_stopping=True).
"""

from __future__ import annotations

import sys

from conftest import ROOT, require

sys.path.insert(0, str(ROOT))
from benchmarks import tables  # noqa: E402


def test_defaults_reach_ridge_regression_on_diabetes(tmp_path):
    require("sklearn", "pip install 'lucidnet[sklearn]'")
    pd = require("pandas", "pip install pandas")
    ridge_r2, r2 = tables.diabetes(tmp_path, 0)
    tr = pd.read_csv(tmp_path / "diabetes_train.csv")
    assert len(tr) == 350 and 0.3 < ridge_r2 < 0.6
    assert r2 >= ridge_r2 - 0.06, (r2, ridge_r2)


def test_defaults_reach_the_hand_written_pipeline_on_churn(tmp_path):
    require("sklearn", "pip install 'lucidnet[sklearn]'")
    require("pandas", "pip install pandas")
    theirs, ours = tables.churn(tmp_path, 0)
    assert 0.7 < theirs < 0.9
    assert ours >= theirs - 0.03, (ours, theirs)
