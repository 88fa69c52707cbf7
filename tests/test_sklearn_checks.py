"""scikit-learn's own estimator checks, every one of them, with no expected failures."""

from __future__ import annotations

import os

import pytest

if os.environ.get("CI") == "true":
    import sklearn  # noqa: F401  (required in CI)
else:
    pytest.importorskip("sklearn")

from sklearn.utils.estimator_checks import parametrize_with_checks

from lucidnet.sklearn import NeuralNetClassifier, NeuralNetRegressor


@parametrize_with_checks([NeuralNetClassifier(), NeuralNetRegressor()])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
