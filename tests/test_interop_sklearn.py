"""lucidnet.from_sklearn: a fitted scikit-learn MLP (or lucidnet's own estimator) as a ModelBundle that answers as
the estimator does (to 1e-10), and that ``lucidnet explain`` shows."""

import contextlib
import csv
import io
import warnings

import numpy as np
import pytest
from conftest import require

import lucidnet as ln
from lucidnet.cli import main
from lucidnet.io import save_model
from lucidnet.trace import trace

require("sklearn", "pip install 'lucidnet[sklearn]'")
from sklearn.decomposition import PCA  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import log_loss  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from lucidnet.sklearn import NeuralNetClassifier, NeuralNetRegressor  # noqa: E402

TOL = 1e-10


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(17)
    X = rng.normal(size=(80, 4)) * [1, 10, 100, 0.1] + [0, 50, 1000, 3]  # raw units
    z = (X - X.mean(0)) / X.std(0)
    return {
        "X": X,
        "Z": z,  # for the MLPs without a scaler before them
        "binary": np.where(z[:, 0] + z[:, 1] > 0, "yes", "no"),
        "multiclass": np.array(["cat", "dog", "emu"])[np.digitize(z[:, 0] - z[:, 2], [-0.5, 0.5])],
        "multilabel": np.c_[z[:, 0] > 0, z[:, 1] > 0, z[:, 3] > 0.5].astype(int),
        "values": z @ [1.0, 2.0, -1.0, 0.5] * 100 + 400,
        "two values": np.c_[z @ [1.0, 2.0, -1.0, 0.5], z[:, 0] ** 2],
    }


def _fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


def _close(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    assert a.shape == b.shape
    assert np.abs(a - b).max() <= TOL, np.abs(a - b).max()


def _check_answers(bundle, est, X, kind):
    if kind in ("values", "two values"):
        _close(bundle.predict(X), est.predict(X))
    elif kind == "multilabel":  # no classes: the bundle's answers are the label probabilities
        _close(bundle.predict(X), est.predict_proba(X))
        assert np.array_equal(bundle.predict(X) > 0.5, est.predict(X).astype(bool))
    else:
        _close(bundle.predict_proba(X), est.predict_proba(X))
        assert bundle.predict(X).tolist() == est.predict(X).tolist()
        assert len(set(est.predict(X))) > 1


@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel", "values", "two values"])
@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
def test_an_mlp_answers_as_scikit_learn(data, activation, kind):
    cls = MLPRegressor if "values" in kind else MLPClassifier
    est = _fit(cls(hidden_layer_sizes=(6, 4), activation=activation, max_iter=200,
                   learning_rate_init=0.02, random_state=0), data["Z"],
               data[kind])
    bundle = ln.from_sklearn(est)
    _check_answers(bundle, est, data["Z"], kind)
    hidden = {"identity": "identity", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu"}[activation]
    assert [layer.activation.name for layer in bundle.network.layers] == [hidden, hidden, {
        "binary": "sigmoid", "multiclass": "softmax", "multilabel": "sigmoid"}.get(kind, "identity")]
    assert bundle.network.loss_fn.name == {"binary": "bce", "multiclass": "cross_entropy",
                                           "multilabel": "bce"}.get(kind, "mse")
    assert bundle.preprocessing.task == ("regression" if "values" in kind else "classification")
    if kind in ("binary", "multiclass"):
        assert bundle.preprocessing.classes == est.classes_.tolist()
    est.coefs_[0][0, 0] += 1.0  # the bundle holds copies
    assert bundle.network.layers[0].W[0, 0] != est.coefs_[0][0, 0]


@pytest.mark.parametrize("scaler", [StandardScaler(), StandardScaler(with_mean=False), StandardScaler(with_std=False)])
def test_a_pipeline_standard_scaler_becomes_the_bundles_standardiser(data, scaler):
    mlp = MLPClassifier((5,), max_iter=200, learning_rate_init=0.02, random_state=1)
    est = _fit(make_pipeline(scaler, mlp), data["X"], data["multiclass"])
    bundle = ln.from_sklearn(est)
    assert bundle.preprocessing.x_scaler is not None
    _check_answers(bundle, est, data["X"], "multiclass")


@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel", "values", "two values"])
def test_lucidnets_own_estimators_convert_too(data, kind):
    cls = NeuralNetRegressor if "values" in kind else NeuralNetClassifier
    est = _fit(cls((5,), max_iter=15, random_state=2), data["Z"], data[kind])
    bundle = ln.from_sklearn(est)
    _check_answers(bundle, est, data["Z"], kind)
    assert bundle.network is not est.network_
    assert bundle.network.get_config() == est.network_.get_config()


def test_the_step_explained_is_scikit_learns_loss(data, tmp_path):
    X, y = data["X"], data["multiclass"]
    est = _fit(make_pipeline(StandardScaler(), MLPClassifier((5,), max_iter=80, random_state=3)), X, y)
    bundle = ln.from_sklearn(est, feature_names=["a", "b", "c", "d"], target_name="animal")
    step = trace(bundle.network, bundle.preprocessing.transform_X(X), bundle.preprocessing.encode_y(y))
    assert abs(step.E - log_loss(y, est.predict_proba(X))) <= TOL  # E = cross-entropy, as scikit-learn's loss
    model = save_model(bundle.network, tmp_path / "mlp.safetensors", preprocessing=bundle.preprocessing)
    path = tmp_path / "animals.csv"
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["animal", "d", "c", "b", "a"])  # found by name, in any order
        w.writerows([label, *row[::-1]] for label, row in zip(y, X.tolist()))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["explain", "--model", str(model), "--data", str(path), "--sample", "2"]) == 0
    text = out.getvalue()
    assert "δ" in text and f"{step.E:.4g}"[:5] in text


def test_what_is_not_an_mlp_is_one_clear_error(data):
    X, y = data["X"], data["binary"]
    with pytest.raises(ValueError, match="LogisticRegression is not a network lucidnet reads; supported: .*MLP"):
        ln.from_sklearn(LogisticRegression().fit(X, y))
    with pytest.raises(ValueError, match="not fitted yet: call fit first"):
        ln.from_sklearn(MLPClassifier())
    with pytest.raises(ValueError, match="steps before the network are PCA; lucidnet reads at most one StandardScaler"):
        ln.from_sklearn(_fit(make_pipeline(PCA(2), MLPClassifier((3,), max_iter=5)), X, y))
    poisson = _fit(MLPRegressor(loss="poisson", hidden_layer_sizes=(3,), max_iter=5, random_state=0), X,
                   np.abs(data["values"]))  # seeded: an unlucky start once overflowed exp to non-finite weights
    with pytest.raises(ValueError, match="activation 'exp' has no lucidnet counterpart"):
        ln.from_sklearn(poisson)
    with pytest.raises(ValueError, match="classes must be a list of distinct strings or numbers"):
        ln.from_sklearn(_fit(MLPClassifier((3,), max_iter=5), X, y == "yes"))  # True / False labels


def test_a_converted_model_exports_to_onnx(data, tmp_path):
    ort = require("onnxruntime", "pip install 'lucidnet[onnx]'")
    X, y = data["X"], data["multiclass"]
    est = _fit(make_pipeline(StandardScaler(), MLPClassifier((8,), max_iter=100, random_state=4)), X, y)
    path = ln.to_onnx(ln.from_sklearn(est), tmp_path / "mlp.onnx")
    p, label = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": X})
    np.testing.assert_allclose(p, est.predict_proba(X), rtol=1e-12, atol=1e-15)
    assert label.tolist() == est.predict(X).tolist()
