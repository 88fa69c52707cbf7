"""scikit-learn's callback protocol (sklearn.callback, scikit-learn >= 1.9) in lucidnet's estimators: fit and
partial_fit as tasks with one subtask per epoch, ProgressBar and ScoringMonitor, propagation through Pipeline
and GridSearchCV; and, without sklearn.callback, estimators that import and train as before."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest
from conftest import require

require("sklearn", "pip install lucidnet[sklearn]")
require("sklearn.callback", "pip install 'scikit-learn>=1.9'")

from sklearn.callback import ProgressBar, ScoringMonitor  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from lucidnet.sklearn import NeuralNetClassifier, NeuralNetRegressor  # noqa: E402

X, Y = load_iris(return_X_y=True)
X = StandardScaler().fit_transform(X)


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


class Recorder:
    """A FitCallback that keeps what each hook saw; ``stop_after`` epochs makes an epoch's end hook ask to stop."""

    def __init__(self, stop_after=None):
        self.events = []
        self.stop_after = stop_after

    def setup(self, estimator, context):
        self.events.append(("setup", context.task_name))

    def teardown(self, estimator, context):
        self.events.append(("teardown", context.task_name))

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None, metadata=None):
        self.events.append(("begin", context.task_name))

    def on_fit_task_end(self, estimator, context, *, X=None, y=None, metadata=None, fitted_estimator=None):
        proba = fitted_estimator.predict_proba(X) if hasattr(fitted_estimator, "predict_proba") else None
        self.events.append(("end", context.task_name, len(X) if X is not None else None, metadata, proba))
        ends = sum(1 for e in self.events if e[:2] == ("end", "epoch"))
        return self.stop_after is not None and context.task_name == "epoch" and ends >= self.stop_after


class PropagatedRecorder(Recorder):
    max_propagation_depth = None  # auto-propagated from meta-estimators to every level


def test_fit_is_a_task_with_one_subtask_per_epoch():
    rec = Recorder()
    w = np.linspace(0.5, 2.0, len(X))
    clf = NeuralNetClassifier((8,), max_iter=4, tol=0.0, random_state=0).set_callbacks(rec)
    clf.fit(X, Y, sample_weight=w)
    names = [e[:2] for e in rec.events]
    assert names == ([("setup", "fit"), ("begin", "fit")] + [("begin", "epoch"), ("end", "epoch")] * 4
                     + [("end", "fit"), ("teardown", "fit")])
    epoch_ends = [e for e in rec.events if e[:2] == ("end", "epoch")]
    assert all(e[2] == 150 and e[3]["sample_weight"] is w for e in epoch_ends)  # the data and weights of fit
    # each epoch's fitted_estimator predicts with that epoch's weights; the last one's are the final weights
    assert not np.allclose(epoch_ends[0][4], epoch_ends[-1][4])
    np.testing.assert_array_equal(epoch_ends[-1][4], clf.predict_proba(X))
    assert not hasattr(clf, "_callback_fit_ctx")  # the context is gone after fit

    # with early stopping too the hooks get the data given to fit, not the part left after the hold-out
    monitor = ScoringMonitor(scoring="accuracy")
    clf = NeuralNetClassifier((8,), max_iter=3, early_stopping=True, random_state=0).set_callbacks(rec, monitor)
    rec.events.clear()
    clf.fit(X, Y, sample_weight=w)
    assert all(e[2] == 150 for e in rec.events if e[0] == "end")
    epochs = [r["accuracy"] for r in monitor.get_logs().data if r["task_name"] == "epoch"]
    best = int(np.argmax(clf.validation_scores_))  # fit ends with the best epoch's weights
    assert len(epochs) == 3 and epochs[best] == clf.score(X, Y, sample_weight=w)


def test_an_end_hook_returning_true_stops_fit_after_that_epoch():
    clf = NeuralNetClassifier((8,), max_iter=50, tol=0.0, random_state=0).set_callbacks(Recorder(stop_after=3))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # stopped by the callback: no convergence warning
        clf.fit(X, Y)
    assert clf.n_iter_ == 3 and len(clf.loss_curve_) == 3


def test_scoring_monitor_during_fit_and_partial_fit():
    monitor = ScoringMonitor(scoring="accuracy")
    clf = NeuralNetClassifier((8,), max_iter=5, tol=0.0, random_state=0).set_callbacks(monitor)
    clf.fit(X, Y)
    rows = monitor.get_logs().data
    epochs = [r for r in rows if r["task_name"] == "epoch"]
    assert [r["task_id"] for r in epochs] == [0, 1, 2, 3, 4]
    assert epochs[-1]["accuracy"] == clf.score(X, Y) == [r for r in rows if r["task_name"] == "fit"][0]["accuracy"]
    assert len({r["accuracy"] for r in epochs}) > 1  # the scores of the epochs, not five times the last one

    monitor = ScoringMonitor(scoring="r2")
    reg = NeuralNetRegressor((8,), random_state=0).set_callbacks(monitor)
    for _ in range(3):
        reg.partial_fit(X, X[:, 0])
    runs = monitor.get_logs(select="all")
    assert [log.estimator_name for log in runs] == ["NeuralNetRegressor"] * 3
    last = runs[-1].data
    assert [r["task_name"] for r in last] == ["partial_fit", "epoch"]
    assert last[1]["r2"] == pytest.approx(reg.score(X, X[:, 0]), rel=1e-12)


def test_progress_bar_during_fit_and_partial_fit(capsys):
    require("rich", "pip install rich")
    clf = NeuralNetClassifier((8,), max_iter=3, random_state=0).set_callbacks(ProgressBar())
    clf.fit(X, Y)
    clf.partial_fit(X, Y)
    out = capsys.readouterr().out
    assert re.search(r"NeuralNetClassifier - fit .*100%", out)
    assert re.search(r"NeuralNetClassifier - partial_fit .*100%", out)


def test_callbacks_propagate_through_pipeline_and_grid_search(capsys):
    rec = PropagatedRecorder()
    pipe = make_pipeline(StandardScaler(), NeuralNetClassifier((8,), max_iter=3, tol=0.0, random_state=0))
    grid = GridSearchCV(pipe, {"neuralnetclassifier__alpha": [1e-4, 1e-2]}, cv=2).set_callbacks(rec)
    grid.fit(X, Y)
    epochs = [e for e in rec.events if e[:2] == ("end", "epoch")]
    assert len(epochs) == (2 * 2 + 1) * 3  # 2 candidates × 2 folds + the refit, 3 epochs each
    assert [e[:2] for e in rec.events].count(("setup", "fit")) == 1  # set up once, on the outermost estimator

    monitor = ScoringMonitor(scoring="accuracy")  # not auto-propagated: set on the estimator, kept by clone
    pipe = make_pipeline(StandardScaler(), NeuralNetClassifier((8,), max_iter=2, tol=0.0, random_state=0)
                         .set_callbacks(monitor))
    GridSearchCV(pipe, {"neuralnetclassifier__alpha": [1e-4, 1e-2]}, cv=2).fit(X, Y)
    assert sum(r["task_name"] == "epoch" for log in monitor.get_logs(select="all") for r in log.data) == 10

    require("rich", "pip install rich")
    grid.set_callbacks(ProgressBar(max_propagation_depth=None)).fit(X, Y)
    out = capsys.readouterr().out
    assert re.search(r"Pipeline - fit-final-estimator \| NeuralNetClassifier - fit", out)


def test_without_sklearn_callback_the_estimators_import_and_train():
    # scikit-learn < 1.9 has no sklearn.callback: hide the module (after importing what scikit-learn itself needs)
    code = """
import sys
import numpy as np
import sklearn.base, sklearn.model_selection, sklearn.utils.estimator_checks
sys.modules["sklearn.callback"] = None  # "from sklearn.callback import ..." now raises ImportError
from lucidnet.sklearn import NeuralNetClassifier, _callbacks
X = np.random.default_rng(0).normal(size=(30, 3)); y = (X[:, 0] > 0).astype(int)
clf = NeuralNetClassifier((4,), max_iter=5, random_state=0).fit(X, y).partial_fit(X, y)
print(_callbacks.HAS_CALLBACKS, hasattr(clf, "set_callbacks"), clf.n_iter_, len(clf.loss_curve_))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "PYTHONWARNINGS": "ignore"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False", "1", "6"]
