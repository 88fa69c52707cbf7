"""Every metric of lucidnet.metrics against scikit-learn's, on labels, scores and ties."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require

from lucidnet import metrics
from lucidnet.metrics import METRICS


def _cases():
    rng = np.random.default_rng(0)
    for k, n in ((2, 50), (3, 80), (5, 40)):
        t = rng.integers(0, k, size=n)
        p = np.where(rng.random(n) < 0.6, t, rng.integers(0, k, size=n))
        yield t, p
    yield np.array([0, 0, 2, 2]), np.array([0, 2, 2, 2])  # class 1 absent from both: not averaged
    yield np.array([0, 1, 2, 3]), np.array([0, 0, 0, 0])  # classes never predicted: precision 0


@pytest.mark.parametrize("name, theirs", [
    ("f1_macro", lambda sk, t, p: sk.f1_score(t, p, average="macro", zero_division=0)),
    ("precision_macro", lambda sk, t, p: sk.precision_score(t, p, average="macro", zero_division=0)),
    ("recall_macro", lambda sk, t, p: sk.recall_score(t, p, average="macro", zero_division=0)),
    ("accuracy", lambda sk, t, p: sk.accuracy_score(t, p)),
])
def test_class_metrics_equal_scikit_learns(name, theirs):
    sk = require("sklearn.metrics", "pip install 'lucidnet[sklearn]'")
    for t, p in _cases():
        assert METRICS[name](t, p) == pytest.approx(theirs(sk, t, p), abs=1e-12), (name, t, p)


def test_precision_and_recall_per_class_equal_scikit_learns():
    sk = require("sklearn.metrics", "pip install 'lucidnet[sklearn]'")
    for t, p in _cases():
        k = int(max(t.max(), p.max())) + 1
        ours = metrics.precision_recall(t, p, n_classes=k)
        theirs = sk.precision_recall_fscore_support(t, p, labels=range(k), zero_division=0)[:2]
        np.testing.assert_allclose(ours, theirs, atol=1e-12)


def test_macro_averages_are_precision_recall_over_the_classes_present():
    for t, p in _cases():  # the macro metrics build one confusion matrix; the numbers are precision_recall's
        prec, rec = metrics.precision_recall(t, p)
        present = np.isin(np.arange(len(prec)), np.concatenate([t, p]))
        f1 = np.divide(2 * prec * rec, prec + rec, out=np.zeros_like(prec), where=(prec + rec) > 0)
        assert metrics.precision_macro(t, p) == float(prec[present].mean())
        assert metrics.recall_macro(t, p) == float(rec[present].mean())
        assert metrics.f1_macro(t, p) == float(f1[present].mean())
    with pytest.raises(ValueError, match="y_true has 3 samples but y_pred has 2"):
        metrics.f1_macro([0, 1, 1], [0, 1])


def test_class_metrics_read_network_outputs():
    t = np.array([0, 1, 1, 0])
    o = np.array([[0.2], [0.7], [0.4], [0.1]])  # one sigmoid unit: thresholded at 0.5
    assert metrics.f1_macro(t, o) == metrics.f1_macro(t, np.array([0, 1, 0, 0]))
    soft = np.array([[0.9, 0.1], [0.3, 0.7], [0.6, 0.4], [0.8, 0.2]])  # softmax rows: argmax
    assert metrics.recall_macro(t, soft) == 0.75


def test_roc_auc_equals_scikit_learns_with_ties_and_every_score_shape():
    sk = require("sklearn.metrics", "pip install 'lucidnet[sklearn]'")
    rng = np.random.default_rng(1)
    for n in (10, 101, 500):
        t = rng.integers(0, 2, size=n)
        t[:2] = [0, 1]
        s = np.round(rng.random(n) * 0.6 + 0.3 * t, 1)  # rounded: many ties
        expected = sk.roc_auc_score(t, s)
        assert metrics.roc_auc(t, s) == pytest.approx(expected, abs=1e-12)
        assert metrics.roc_auc(t.reshape(-1, 1).astype(float), s.reshape(-1, 1)) == pytest.approx(expected, abs=1e-12)
        assert metrics.roc_auc(np.eye(2)[t], np.column_stack([1 - s, s])) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("t, s, message", [
    ([0, 0, 0], [0.1, 0.2, 0.3], "needs samples of both classes"),
    ([0, 1, 2], [0.1, 0.2, 0.3], "two classes 0 and 1"),
    ([0, 1], [[0.1, 0.2, 0.7], [0.3, 0.3, 0.4]], "roc_auc is for two classes; y_score has 3 columns"),
])
def test_roc_auc_refuses_what_it_cannot_score(t, s, message):
    with pytest.raises(ValueError, match=message):
        metrics.roc_auc(np.array(t), np.array(s))


def test_regression_metrics_equal_scikit_learns():
    sk = require("sklearn.metrics", "pip install 'lucidnet[sklearn]'")
    rng = np.random.default_rng(2)
    t, p = rng.normal(size=40), rng.normal(size=40)
    assert metrics.r2_score(t, p) == pytest.approx(sk.r2_score(t, p), abs=1e-12)
    assert metrics.mean_absolute_error(t, p) == pytest.approx(sk.mean_absolute_error(t, p), abs=1e-12)
    assert metrics.root_mean_squared_error(t, p) == pytest.approx(np.sqrt(sk.mean_squared_error(t, p)), abs=1e-12)


def test_fit_records_the_new_metrics():
    import lucidnet as ln

    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] > 0).astype(float).reshape(-1, 1)
    net = ln.Network([ln.Dense(2, 4, "tanh"), ln.Dense(4, 1, "sigmoid")], loss="bce", seed=0)
    h = net.fit(X, y, epochs=3, optimizer="adam", metrics=["f1_macro", "roc_auc"], seed=0)
    assert h["roc_auc"][-1] == metrics.roc_auc(y, net.predict(X))
    assert h["f1_macro"][-1] == metrics.f1_macro(y, net.predict(X))
