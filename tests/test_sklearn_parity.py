"""lucidnet's estimators against scikit-learn's MLP: the same first epochs, the same fitted attributes, and
each batch's gradient equal to that of MLP's weighted objective written out in NumPy."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import require

require("sklearn", "pip install lucidnet[sklearn]")

from benchmarks.sklearn_first_epochs import data_sets  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402
from sklearn.utils.class_weight import compute_sample_weight  # noqa: E402

from lucidnet.optimizers import Adam  # noqa: E402
from lucidnet.sklearn import NeuralNetClassifier, NeuralNetRegressor  # noqa: E402

RNG = np.random.default_rng(0)
X40 = RNG.normal(size=(40, 5))
Y3 = RNG.integers(0, 3, 40)
Y2 = np.where(RNG.integers(0, 2, 40) == 1, "yes", "no")
YML = RNG.integers(0, 2, (40, 3))
YR = RNG.normal(size=40)
YR3 = RNG.normal(size=(40, 3))
SW = RNG.integers(0, 4, 40).astype(float)


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


# ----------------------------------------------------------------------------------------- the first epochs
def _data_sets():
    """The issue's four data sets, as benchmarks/sklearn_first_epochs.py builds them; digits cut to 500 rows."""
    for name, *rest in data_sets(digits_rows=500):
        yield (name.split(" (")[0], *rest)


@pytest.mark.parametrize("epochs", [10, 30])
def test_the_first_epochs_score_as_scikit_learns_mlp(epochs):
    # The issue measured R² −0.07 (lucidnet) against 0.14 (MLP) after 10 epochs on make_regression (medians of
    # seeds 0, 1, 2). The cause: the same random_state drew different initial weights in the two libraries,
    # and after 10 full-batch Adam steps of η = 1e-3 the score is mostly the draw's (its spread over seeds is
    # 0.16). Now both draw the same weights and batches; what is left is where Adam's ε sits.
    for name, X, y, theirs, ours in _data_sets():
        sk = [theirs(max_iter=epochs, random_state=seed).fit(X, y).score(X, y) for seed in (0, 1, 2)]
        me = [ours(max_iter=epochs, random_state=seed).fit(X, y).score(X, y) for seed in (0, 1, 2)]
        assert abs(np.median(me) - np.median(sk)) <= 0.05, (name, sk, me)  # the bar
        np.testing.assert_allclose(me, sk, atol=1e-3, err_msg=name)  # what the same draws give


@pytest.mark.parametrize("activation, factor", [("relu", 6), ("logistic", 2)])
def test_the_same_random_state_draws_mlps_initial_weights(activation, factor, monkeypatch):
    from sklearn.neural_network import _multilayer_perceptron

    # MLP's initial weights: its fit without the solver (the solver is replaced by a no-op)
    monkeypatch.setattr(_multilayer_perceptron.BaseMultilayerPerceptron, "_fit_stochastic", lambda *a, **k: None)
    sk = MLPClassifier((6, 4), activation=activation, random_state=7).fit(X40, Y3)
    monkeypatch.undo()
    me = NeuralNetClassifier((6, 4), activation=activation, random_state=7, max_iter=1, learning_rate_init=1e-300)
    me.fit(X40, Y3)  # one step of η = 1e-300 leaves the draw as it is
    for a, b in zip(me.coefs_ + me.intercepts_, sk.coefs_ + sk.intercepts_):
        np.testing.assert_array_equal(a, b)
    bound = np.sqrt(factor / (5 + 6))
    assert np.abs(me.intercepts_[0]).max() <= bound and np.all(me.intercepts_[0] != 0)  # b drawn, as W


# ----------------------------------------------------------------------------------------- fitted attributes
CASES = {
    "multi-class": (MLPClassifier, NeuralNetClassifier, Y3),
    "binary": (MLPClassifier, NeuralNetClassifier, Y2),
    "multilabel": (MLPClassifier, NeuralNetClassifier, YML),
    "one output": (MLPRegressor, NeuralNetRegressor, YR),
    "three outputs": (MLPRegressor, NeuralNetRegressor, YR3),  # MLP reports the squared error averaged over them
}
EXACT = ("n_iter_", "t_", "n_layers_", "n_outputs_", "out_activation_", "n_features_in_")


def _assert_same_attributes(me, sk):
    for name in EXACT:
        assert getattr(me, name) == getattr(sk, name), name
    if hasattr(sk, "classes_"):
        np.testing.assert_array_equal(me.classes_, sk.classes_)
    assert [W.shape for W in me.coefs_] == [W.shape for W in sk.coefs_]
    assert [b.shape for b in me.intercepts_] == [b.shape for b in sk.intercepts_]
    # solver "sgd" has no ε, so the same draws give the same steps and the values agree to rounding
    np.testing.assert_allclose(me.loss_curve_, sk.loss_curve_, rtol=1e-10)
    assert me.loss_ == pytest.approx(sk.loss_, rel=1e-10) and me.loss_ == me.loss_curve_[-1]
    for name in ("best_loss_", "best_validation_score_"):
        if getattr(sk, name) is None:
            assert getattr(me, name) is None, name
        else:
            assert getattr(me, name) == pytest.approx(getattr(sk, name), rel=1e-10), name
    if sk.validation_scores_ is None:
        assert me.validation_scores_ is None
    else:
        np.testing.assert_allclose(me.validation_scores_, sk.validation_scores_, rtol=1e-10)
    for a, b in zip(me.coefs_ + me.intercepts_, sk.coefs_ + sk.intercepts_):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-10)


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("case", CASES)
def test_fitted_attributes_are_mlps(case, weighted, early_stopping):
    theirs, ours, y = CASES[case]
    kw = {"hidden_layer_sizes": (7, 5), "solver": "sgd", "max_iter": 15, "batch_size": 12, "alpha": 0.01,
          "learning_rate_init": 0.05, "early_stopping": early_stopping, "validation_fraction": 0.25,
          "n_iter_no_change": 4, "random_state": 3}
    sw = SW if weighted else None
    sk = theirs(**kw).fit(X40, y, sample_weight=sw)
    me = ours(**kw).fit(X40, y, sample_weight=sw)
    _assert_same_attributes(me, sk)
    assert sk.n_iter_ == len(sk.loss_curve_) and me.t_ == me.n_iter_ * (30 if early_stopping else 40)


@pytest.mark.parametrize("case", ["multi-class", "three outputs"])
def test_attributes_after_partial_fit_and_warm_start_are_mlps(case):
    theirs, ours, y = CASES[case]
    kw = {"hidden_layer_sizes": (6,), "solver": "sgd", "batch_size": 16, "max_iter": 5, "tol": 0.0,
          "random_state": 1}
    extra = {"classes": np.unique(y)} if ours is NeuralNetClassifier else {}
    sk, me = theirs(**kw), ours(**kw)
    for est in (sk, me):
        for i in range(3):
            est.partial_fit(X40, y, **(extra if i == 0 else {}))
    _assert_same_attributes(me, sk)  # n_iter_ 1 (the last call's), t_ 120, three losses
    assert me.n_iter_ == 1 and me.t_ == 120 and len(me.loss_curve_) == 3
    for est in (sk, me):
        est.set_params(warm_start=True).fit(X40, y)
    _assert_same_attributes(me, sk)  # n_iter_ 5, t_ 320, eight losses
    assert me.n_iter_ == 5 and me.t_ == 320 and len(me.loss_curve_) == 8


def test_feature_names_are_kept_as_mlps():
    pd = require("pandas", "pip install pandas")
    frame = pd.DataFrame(X40, columns=[f"x{i}" for i in range(5)])
    sk = MLPRegressor(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(frame, YR)
    me = NeuralNetRegressor(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(frame, YR)
    np.testing.assert_array_equal(me.feature_names_in_, sk.feature_names_in_)
    np.testing.assert_allclose(me.predict(frame), sk.predict(frame), atol=1e-6)


# ----------------------------------------------------------------------------------------- each batch's gradient
def _mlp_objective(theta, shapes, X, Y, w, alpha, out):
    """scikit-learn's MLP batch objective, written out: (1/Σw)·Σ_i w_i·ℓ_i + α/(2·Σw)·Σ‖W‖², tanh hidden units.

    ℓ_i: the log-loss summed over outputs ("softmax", "logistic") or ½·Σ_j (ŷ_ij − y_ij)² ("identity"): the
    objective MLP takes its gradient of (its reported squared error averages over the outputs instead).
    """
    params, at = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        params.append(theta[at:at + size].reshape(shape))
        at += size
    Ws, bs = params[0::2], params[1::2]
    a = X
    for W, b in zip(Ws[:-1], bs[:-1]):
        a = np.tanh(a @ W + b)
    z = a @ Ws[-1] + bs[-1]
    if out == "softmax":
        z = z - z.max(axis=1, keepdims=True)
        ell = -(Y * (z - np.log(np.exp(z).sum(axis=1, keepdims=True)))).sum(axis=1)
    elif out == "logistic":
        p = 1 / (1 + np.exp(-z))
        ell = -(Y * np.log(p) + (1 - Y) * np.log(1 - p)).sum(axis=1)
    else:
        ell = 0.5 * ((z - Y) ** 2).sum(axis=1)
    S = w.sum()
    return float(w @ ell) / S + alpha / (2 * S) * sum(float(np.vdot(W, W)) for W in Ws)


def _central_differences(f, theta, *args, h=1e-6):
    """∂f/∂θ_i ≈ (f(θ + h·e_i, *args) − f(θ − h·e_i, *args)) / 2h, float64."""
    grad = np.empty_like(theta)
    for i in range(len(theta)):
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (f(up, *args) - f(down, *args)) / (2 * h)
    return grad


GRADIENT_CASES = {  # estimator, y, encoded targets Y, output activation, C = lucidnet's objective / MLP's
    "multi-class, class_weight balanced": (NeuralNetClassifier, Y3, np.eye(3)[Y3], "softmax", 1.0),
    "binary": (NeuralNetClassifier, Y2, (Y2 == "yes").astype(float)[:, None], "logistic", 1.0),
    "multilabel": (NeuralNetClassifier, YML, YML.astype(float), "logistic", 1 / 3),  # bce means over 3 labels
    "three outputs": (NeuralNetRegressor, YR3, YR3, "identity", 2 / 3),  # mse = (2/m)·(½ Σ_j squared error)
}


@pytest.mark.parametrize("case", GRADIENT_CASES)
def test_every_batch_steps_on_the_gradient_of_mlps_weighted_objective(case, monkeypatch):
    ours, y, Y, out, C = GRADIENT_CASES[case]
    steps = []  # (parameters before the step, gradient) of every Adam step that fit takes
    adam_step = Adam.step

    def recorded(self, params, grads):
        steps.append(([p.copy() for p in params], [g.copy() for g in grads]))
        adam_step(self, params, grads)

    monkeypatch.setattr(Adam, "step", recorded)
    alpha = 0.7
    params = {"hidden_layer_sizes": (4, 3), "activation": "tanh", "alpha": alpha, "batch_size": 16, "max_iter": 1,
              "shuffle": False, "random_state": 0}
    if ours is NeuralNetClassifier and out == "softmax":
        params["class_weight"] = "balanced"
    est = ours(**params).fit(X40, y, sample_weight=SW)
    w_all = SW * (compute_sample_weight("balanced", y) if "class_weight" in params else 1.0)
    net = est.network_
    shapes = [p.shape for p in net.parameters()]
    assert len(steps) == 3  # batches of 16, 16 and a short one of 8
    for j, (before, grads) in enumerate(steps):
        rows = slice(16 * j, 16 * j + 16)
        X, Yb, w = X40[rows], Y[rows], w_all[rows]
        theta = np.concatenate([p.ravel() for p in before])
        expected = C * _central_differences(_mlp_objective, theta, shapes, X, Yb, w, alpha, out)
        # the network's own loss_and_gradients on the batch, with its weights and l2 = C·α/Σ_b w, is the same
        net.set_weights(before)
        net.l2 = C * alpha / w.sum()
        _, by_network = net.loss_and_gradients(X, Yb, w)
        for got in (np.concatenate([g.ravel() for g in grads]), np.concatenate([g.ravel() for g in by_network])):
            np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9, err_msg=f"batch {j}")
