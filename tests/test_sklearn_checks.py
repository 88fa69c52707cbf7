"""scikit-learn's own estimator checks, every one of them, with no expected failures."""

from __future__ import annotations

from conftest import require

require("sklearn", "pip install lucidnet[sklearn]")

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from lucidnet.sklearn import NeuralNetClassifier, NeuralNetRegressor  # noqa: E402


@parametrize_with_checks([NeuralNetClassifier(), NeuralNetRegressor()])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
