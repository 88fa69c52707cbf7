"""Grid search over lucidnet estimators on a Dask cluster equals the single-process search."""

from __future__ import annotations

import warnings

import numpy as np
from conftest import require

require("sklearn", "pip install lucidnet[dask]")
require("dask.distributed", "pip install lucidnet[dask]")

import joblib  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from lucidnet.sklearn import NeuralNetClassifier  # noqa: E402


def _search() -> GridSearchCV:
    pipe = make_pipeline(StandardScaler(), NeuralNetClassifier((8,), max_iter=60, random_state=0))
    grid = {"neuralnetclassifier__alpha": [1e-4, 1.0], "neuralnetclassifier__learning_rate_init": [1e-3, 2e-2]}
    return GridSearchCV(pipe, grid, cv=3, n_jobs=-1)


def test_grid_search_on_a_dask_cluster_equals_the_single_process_search():
    from dask.distributed import Client, LocalCluster, get_task_stream

    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        local = _search().set_params(n_jobs=1).fit(X, y)

        # Two worker processes on loopback; a real cluster is Client("tcp://scheduler-address:8786").
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None) as cluster, Client(cluster) as client:
            with get_task_stream(client) as stream, joblib.parallel_backend("dask"):
                remote = _search().fit(X, y)
            workers = set(client.scheduler_info()["workers"])

    assert remote.best_params_ == local.best_params_
    for key in ("mean_test_score", "std_test_score", *(f"split{i}_test_score" for i in range(3))):
        np.testing.assert_allclose(remote.cv_results_[key], local.cv_results_[key], rtol=0, atol=1e-12)
    # the 12 fits (4 candidates x 3 folds) ran as tasks on the cluster's workers
    assert len(stream.data) >= 12 and {task["worker"] for task in stream.data} <= workers
