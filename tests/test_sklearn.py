"""NeuralNetClassifier / NeuralNetRegressor: same steps as scikit-learn's MLP, and life inside scikit-learn."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest
from conftest import require

require("sklearn", "pip install lucidnet[sklearn]")

from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import ConvergenceWarning, NotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.class_weight import compute_sample_weight  # noqa: E402

from lucidnet.network import Network  # noqa: E402
from lucidnet.sklearn import NeuralNetClassifier, NeuralNetRegressor  # noqa: E402

RNG = np.random.default_rng(0)
X40 = RNG.normal(size=(40, 5))
Y3 = RNG.integers(0, 3, 40)
Y2 = RNG.integers(0, 2, 40)
YR = RNG.normal(size=40)
YR3 = RNG.normal(size=(40, 3))
YML = RNG.integers(0, 2, (40, 3))
SW = RNG.integers(0, 4, 40).astype(float)


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _blobs(n=120, seed=0):
    from sklearn.datasets import make_blobs

    X, y = make_blobs(n_samples=n, centers=3, cluster_std=0.5, random_state=seed)
    return StandardScaler().fit_transform(X), y


# ----------------------------------------------------------------------------------------- same steps
# scikit-learn's SGD step is  W ← W − η·(Σ_i w_i ∂ℓ_i/∂W + α·W)/Σ_b w  on every batch b.  lucidnet's batch objective is
# C times scikit-learn's (C = k, the loss factor: 1 for cross_entropy and one-output bce, 1/m for m-label bce, 2/m
# for mse) and the estimators give SGD η/C: with the same random_state (same initial weights, same batches) the
# steps are the same, the short last batch and sample weights included.
@pytest.mark.parametrize(
    "ours, theirs, y, sw, batch_size",
    [
        (NeuralNetClassifier, MLPClassifier, Y3, None, "auto"),  # softmax + cross_entropy
        (NeuralNetClassifier, MLPClassifier, Y3, SW, "auto"),  # ... with sample weights
        (NeuralNetClassifier, MLPClassifier, Y2, SW, "auto"),  # sigmoid + bce, one output
        (NeuralNetClassifier, MLPClassifier, YML, None, "auto"),  # multilabel: lucidnet means over 3 labels
        (NeuralNetRegressor, MLPRegressor, YR, SW, "auto"),  # mse = 2·(½ squared error)
        (NeuralNetRegressor, MLPRegressor, YR3, None, "auto"),  # mse over 3 outputs
        (NeuralNetClassifier, MLPClassifier, Y3, SW, 12),  # shuffled batches of 12, 12, 12, 4
        (NeuralNetRegressor, MLPRegressor, YR, SW, 7),  # 5 batches of 7 and one of 5
        (NeuralNetRegressor, MLPRegressor, YR3, None, 16),  # 16, 16, 8
    ],
)
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_takes_scikit_learns_steps_from_the_same_random_state(ours, theirs, y, sw, batch_size, momentum):
    params = {"hidden_layer_sizes": (7,), "activation": "tanh", "solver": "sgd", "momentum": momentum,
              "alpha": 0.3, "batch_size": batch_size, "learning_rate_init": 0.1, "max_iter": 3, "random_state": 0}
    sk = theirs(**params).fit(X40, y, sample_weight=sw)
    me = ours(**params).fit(X40, y, sample_weight=sw)
    for a, b in zip(me.coefs_ + me.intercepts_, sk.coefs_ + sk.intercepts_):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    np.testing.assert_allclose(me.loss_curve_, sk.loss_curve_, rtol=1e-12)


def test_adam_training_follows_scikit_learn_from_the_same_random_state():
    # Adam does not see the factor C (ε is given as C·ε); what is left is where ε sits: scikit-learn adds it to √v
    # before the bias correction, PyTorch's form (lucidnet's) after it
    X, y = _blobs()
    params = {"hidden_layer_sizes": (10,), "alpha": 1e-2, "learning_rate_init": 0.01, "batch_size": 50, "tol": 0.0,
              "max_iter": 30, "random_state": 0}
    sk = MLPClassifier(**params).fit(X, y)
    me = NeuralNetClassifier(**params).fit(X, y)
    for a, b in zip(me.coefs_ + me.intercepts_, sk.coefs_ + sk.intercepts_):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-4)
    np.testing.assert_allclose(me.loss_curve_, sk.loss_curve_, rtol=1e-5)
    np.testing.assert_allclose(me.predict_proba(X), sk.predict_proba(X), atol=1e-5)


# ----------------------------------------------------------------------------------------- scikit-learn
def test_pipeline_grid_search_cross_val_score_and_clone():
    X, y = _blobs()
    pipe = make_pipeline(StandardScaler(), NeuralNetClassifier((8,), learning_rate_init=0.02, random_state=0))
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.9

    grid = GridSearchCV(pipe, {"neuralnetclassifier__alpha": [1e-4, 1e-1],
                               "neuralnetclassifier__activation": ["relu", "logistic"]}, cv=3)
    grid.fit(X, y)
    assert set(grid.best_params_) == {"neuralnetclassifier__alpha", "neuralnetclassifier__activation"}
    assert grid.best_score_ > 0.9

    est = NeuralNetRegressor((5, 3), activation="tanh", dropout=[0.1, 0.0], random_state=3)
    twin = clone(est)
    assert twin.get_params() == est.get_params() and twin is not est
    assert not hasattr(twin, "network_")


def test_reproducible_with_random_state_and_different_without():
    X, y = _blobs()
    a = NeuralNetClassifier((6,), max_iter=20, random_state=1).fit(X, y)
    b = NeuralNetClassifier((6,), max_iter=20, random_state=1).fit(X, y)
    c = NeuralNetClassifier((6,), max_iter=20, random_state=2).fit(X, y)
    for wa, wb in zip(a.network_.get_weights(), b.network_.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])
    assert a.loss_curve_ == b.loss_curve_


def test_fitted_attributes_and_network():
    X, y = _blobs()
    clf = NeuralNetClassifier((6, 4), activation="logistic", random_state=0).fit(X, y)
    assert isinstance(clf.network_, Network)
    assert [W.shape for W in clf.coefs_] == [(2, 6), (6, 4), (4, 3)]
    assert [b.shape for b in clf.intercepts_] == [(6,), (4,), (3,)]
    assert clf.coefs_[0] is clf.network_.layers[0].W  # live views
    assert [layer.activation.name for layer in clf.network_.layers] == ["sigmoid", "sigmoid", "softmax"]
    assert clf.out_activation_ == "softmax" and clf.network_.loss_fn.name == "cross_entropy"
    assert clf.n_features_in_ == 2 and list(clf.classes_) == [0, 1, 2]
    assert len(clf.loss_curve_) == clf.n_iter_ and clf.best_loss_ == min(clf.loss_curve_)
    assert clf.validation_scores_ is None and clf.validation_loss_curve_ is None
    p = clf.predict_proba(X)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(p))
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[p.argmax(axis=1)])

    binary = NeuralNetClassifier((4,), random_state=0).fit(X[y < 2], np.where(y[y < 2] == 1, "b", "a"))
    assert binary.out_activation_ == "logistic" and binary.network_.n_out == 1  # scikit-learn's name
    assert binary.predict_proba(X).shape == (len(X), 2) and set(binary.predict(X)) <= {"a", "b"}

    multilabel = NeuralNetClassifier((4,), random_state=0).fit(X40, YML)
    assert multilabel.predict(X40).shape == (40, 3) and multilabel.network_.loss_fn.name == "bce"
    with pytest.raises(NotFittedError):
        NeuralNetRegressor().predict(X)


def test_lucidnet_parameters_reach_the_network():
    reg = NeuralNetRegressor((5, 4), activations=["elu", "tanh"], dropout=0.2, init="he_uniform",
                             loss="huber", out_activation="identity", dtype="float32", solver="rmsprop",
                             random_state=0).fit(X40, YR)
    kinds = [type(layer).__name__ for layer in reg.network_.layers]
    assert kinds == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert [reg.network_.layers[i].activation.name for i in (0, 2, 4)] == ["elu", "tanh", "identity"]
    assert reg.network_.loss_fn.name == "huber" and reg.network_.dtype == np.float32
    assert reg.predict(X40).dtype == np.float32 and reg.predict(X40).shape == (40,)
    assert type(reg._optimizer).__name__ == "RMSprop"


@pytest.mark.parametrize(
    "params, message",
    [
        ({"solver": "lbfgs"}, "solver='lbfgs' is not offered"),
        ({"solver": "newton"}, "unknown solver 'newton'"),
        ({"alpha": -1.0}, r"alpha must be a number in \[0.0, inf\), got -1.0"),
        ({"learning_rate_init": 0}, "learning_rate_init must be a number in"),
        ({"batch_size": 0}, "batch_size must be 'auto' or an int >= 1, got 0"),
        ({"hidden_layer_sizes": (10, 0)}, r"hidden_layer_sizes must be an int >= 1 .* got \(10, 0\)"),
        ({"activations": ["relu", "tanh"]}, "activations has 2 entries but there are 1 hidden layers"),
        ({"dtype": "float16"}, "dtype must be 'float64' or 'float32'"),
    ],
)
def test_bad_parameters_get_clear_errors(params, message):
    with pytest.raises(ValueError, match=message):
        NeuralNetRegressor(**params).fit(X40, YR)


def test_one_class_is_refused_with_a_message_naming_the_class():
    with pytest.raises(ValueError, match="at least 2 classes to learn; got 1 class"):
        NeuralNetClassifier().fit(X40, np.zeros(40))
    with pytest.raises(ValueError, match="only one class has a non-zero sample weight"):
        NeuralNetClassifier().fit(X40, Y2, sample_weight=Y2)


# ----------------------------------------------------------------------------------------- weights
def test_class_weight_equals_the_matching_sample_weight():
    X, y = _blobs()
    kw = {"hidden_layer_sizes": (6,), "max_iter": 15, "random_state": 0}
    for cw in ("balanced", {0: 3.0, 1: 0.5, 2: 1.0}):
        a = NeuralNetClassifier(class_weight=cw, **kw).fit(X[:100], y[:100])
        b = NeuralNetClassifier(**kw).fit(X[:100], y[:100], sample_weight=compute_sample_weight(cw, y[:100]))
        for wa, wb in zip(a.network_.get_weights(), b.network_.get_weights()):
            np.testing.assert_allclose(wa, wb, rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match="cannot be used with partial_fit"):
        NeuralNetClassifier(class_weight="balanced").partial_fit(X, y, classes=[0, 1, 2])


def test_zero_and_integer_weights_equal_removed_and_repeated_samples():
    kw = {"hidden_layer_sizes": (6,), "max_iter": 30, "random_state": 0, "tol": 0.0}
    a = NeuralNetRegressor(**kw).fit(X40, YR, sample_weight=SW)
    b = NeuralNetRegressor(**kw).fit(np.repeat(X40, SW.astype(int), axis=0), np.repeat(YR, SW.astype(int)))
    np.testing.assert_allclose(a.predict(X40), b.predict(X40), rtol=1e-9, atol=1e-12)


# ----------------------------------------------------------------------------------------- incremental
def test_partial_fit_needs_classes_first_and_counts_epochs():
    X, y = _blobs()
    clf = NeuralNetClassifier((8,), learning_rate_init=0.02, random_state=0)
    with pytest.raises(ValueError, match="pass classes="):
        clf.partial_fit(X, y)
    clf.partial_fit(X[:40], y[:40], classes=[0, 1, 2])
    for start in range(40, 120, 40):
        clf.partial_fit(X[start:start + 40], y[start:start + 40])
    assert clf.n_iter_ == 1 and len(clf.loss_curve_) == 3 and clf.t_ == 120  # n_iter_: epochs of the last call
    with pytest.raises(ValueError, match=r"labels \[7\] not in classes_"):
        clf.partial_fit(X[:3], [0, 1, 7])
    with pytest.raises(ValueError, match="X has 3 features, but NeuralNetClassifier is expecting 2"):
        clf.partial_fit(np.ones((3, 3)), [0, 1, 2])


def test_warm_start_continues_from_the_current_weights():
    X, y = _blobs()
    clf = NeuralNetClassifier((8,), max_iter=10, tol=0.0, random_state=0).fit(X, y)
    end = clf.loss_curve_[-1]
    clf.set_params(warm_start=True).fit(X, y)
    assert len(clf.loss_curve_) == 20 and clf.loss_curve_[10] < end


def test_early_stopping_in_fit_restores_the_best_weights():
    X, y = _blobs(300, seed=1)
    clf = NeuralNetClassifier((16,), early_stopping=True, validation_fraction=0.2, n_iter_no_change=3,
                              learning_rate_init=0.05, random_state=0).fit(X, y)
    assert clf.n_iter_ < 200
    assert len(clf.validation_scores_) == len(clf.validation_loss_curve_) == len(clf.loss_curve_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_) and clf.best_loss_ is None
    X_val, _, y_val, _ = clf._stopping.validation
    assert len(y_val) == 60
    assert clf.score(X_val, y_val) == clf.best_validation_score_


def test_early_stopping_works_with_partial_fit():
    X, y = _blobs(300, seed=1)
    clf = NeuralNetClassifier((16,), early_stopping=True, n_iter_no_change=2, validation_fraction=0.3,
                              learning_rate_init=0.05, random_state=0)
    calls = 0
    while not calls or not clf.stopped_early_:
        clf.partial_fit(X[:200], y[:200], classes=[0, 1, 2])
        calls += 1
        assert calls < 100
    assert clf.n_iter_ == 1 and calls == len(clf.validation_scores_) == len(clf.loss_curve_)
    X_val, _, y_val, _ = clf._stopping.validation
    assert len(y_val) == 60  # 30 % of the first call's 200 samples
    assert clf.score(X_val, y_val) == clf.best_validation_score_  # best weights restored
    before = clf.network_.get_weights()
    clf.partial_fit(X[200:], y[200:])  # stopped: no more training
    assert all(np.array_equal(a, b) for a, b in zip(before, clf.network_.get_weights()))
    assert clf.n_iter_ == 0 and len(clf.loss_curve_) == calls


def test_partial_fit_goes_on_after_fit_and_without_early_stopping():
    X, y = _blobs(300, seed=1)
    clf = NeuralNetClassifier((8,), early_stopping=True, n_iter_no_change=2, random_state=0).fit(X, y)
    n = len(clf.loss_curve_)
    clf.partial_fit(X, y)
    assert clf.n_iter_ == 1 and len(clf.loss_curve_) == n + 1 and not clf.stopped_early_
    plain = NeuralNetRegressor((4,), tol=1.0, n_iter_no_change=1, random_state=0)
    for _ in range(5):  # the tol rule would stop fit() here; partial_fit keeps training
        plain.partial_fit(X40, YR)
    assert len(plain.loss_curve_) == 5 and not plain.stopped_early_


# ----------------------------------------------------------------------------------------- packaging
def test_missing_scikit_learn_names_the_extra(monkeypatch):
    for name in [m for m in sys.modules if m == "sklearn" or m.startswith(("sklearn.", "lucidnet.sklearn"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "sklearn", None)  # makes "import sklearn" fail
    with pytest.raises(ImportError, match=r"pip install lucidnet\[sklearn\]"):
        import lucidnet.sklearn  # noqa: F401



@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's overflow warnings on the way to inf
def test_divergence_raises_the_core_error_with_advice():
    from lucidnet.errors import TrainingDivergedError

    reg = NeuralNetRegressor((8,), solver="sgd", learning_rate_init=1e8, random_state=0)
    with pytest.raises(TrainingDivergedError, match="Lower the learning rate"):
        reg.fit(X40, 1e3 * YR)
    assert all(np.isfinite(W).all() for W in reg.coefs_)  # the last finite weights are kept


def test_network_is_saved_traced_and_loaded_with_lucidnets_tools(tmp_path):
    from lucidnet.io import load_model, save_model
    from lucidnet.trace import trace

    X, y = _blobs()
    clf = NeuralNetClassifier((6,), max_iter=30, random_state=0).fit(X, y)
    bundle = load_model(save_model(clf.network_, tmp_path / "clf.safetensors"))
    np.testing.assert_array_equal(bundle.network.predict(X), clf.predict_proba(X))
    t = trace(clf.network_, X[:4], y[:4])
    assert len(t.layers) == 2 and t.loss == "cross_entropy"
    assert t.E == pytest.approx(clf.network_.loss(X[:4], y[:4]), rel=1e-12)


def test_decision_function_is_the_logits_and_ranks_like_predict_proba():
    from sklearn.datasets import load_iris

    from lucidnet.sklearn import NeuralNetClassifier

    X, y = load_iris(return_X_y=True)
    multi = NeuralNetClassifier(hidden_layer_sizes=(8,), max_iter=50, random_state=0).fit(X, y)
    d = multi.decision_function(X)
    assert d.shape == (150, 3)
    np.testing.assert_array_equal(multi.classes_[d.argmax(axis=1)], multi.predict(X))
    np.testing.assert_allclose(multi.predict_proba(X), np.exp(d) / np.exp(d).sum(axis=1, keepdims=True), rtol=1e-12)
    binary = NeuralNetClassifier(hidden_layer_sizes=(8,), max_iter=50, random_state=0).fit(X, y == 2)
    d = binary.decision_function(X)
    assert d.shape == (150,)
    np.testing.assert_array_equal(binary.classes_[(d > 0).astype(int)], binary.predict(X))
