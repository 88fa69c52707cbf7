"""scikit-learn's own estimator checks, every one of them, with no expected failures: with the defaults, and
with max_iter=30, where check_regressors_train (R² > 0.5 after 30 epochs from random_state=0) shows that
the first epochs learn as fast as scikit-learn's MLP."""

from __future__ import annotations

from conftest import require

require("sklearn", "pip install lucidnet[sklearn]")

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from lucidnet.sklearn import NeuralNetClassifier, NeuralNetRegressor  # noqa: E402


@parametrize_with_checks([NeuralNetClassifier(), NeuralNetRegressor(),
                          NeuralNetClassifier(max_iter=30), NeuralNetRegressor(max_iter=30)])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
