"""scikit-learn in: ``from_sklearn(estimator) -> ModelBundle``, so lucidnet explains and displays a fitted MLP.

Reads a fitted ``MLPClassifier`` or ``MLPRegressor`` (or lucidnet's own ``NeuralNetClassifier`` /
``NeuralNetRegressor``, which hold ``network_``), alone or as the last step of a ``Pipeline`` whose only other
step is a ``StandardScaler``. scikit-learn's weights are already lucidnet's layout: ``coefs_[l]`` is W
(n_in, n_out) and ``intercepts_[l]`` is b, samples as rows.

- ``activation`` identity / logistic / tanh / relu: every hidden Dense layer's identity / sigmoid / tanh / relu;
  ``out_activation_`` identity / logistic / softmax: the output layer's identity / sigmoid / softmax;
- binary (one logistic output): loss bce, ``classes = classes_``, P = (1 − o, o);
- multiclass (softmax): loss cross_entropy, ``classes = classes_``;
- multilabel (k logistic outputs): loss bce and no classes: ``predict`` gives the k probabilities, whose > 0.5
  is scikit-learn's 0/1 ``predict``;
- regression: loss mse (lucidnet's E is twice scikit-learn's halved squared error for one output);
- a ``StandardScaler`` before the network: ``preprocessing.x_scaler`` (mean 0 with ``with_mean=False``,
  scale 1 with ``with_std=False``).

The L2 penalty ``alpha`` is not carried over (lucidnet's ``l2`` adds ½λΣW² to a mean loss, scikit-learn's
alpha/(2n)·ΣW² to a batch of n: set ``net.l2 = alpha / n`` for the n you mean). Nothing is shared with the
estimator: the network holds copies of its weights.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..data.preprocessing import Standardizer
from ..heads import head_for
from ..io import ModelBundle, Preprocessing
from ..layers import Dense
from ..network import Network
from .extras import require

__all__ = ["from_sklearn"]

_SUPPORTED = ("sklearn.neural_network.MLPClassifier, MLPRegressor, lucidnet.sklearn.NeuralNetClassifier, "
              "NeuralNetRegressor, or a Pipeline of an optional StandardScaler and one of them")


def _unwrap(est: Any) -> tuple[Any, Any]:
    """(the network estimator, the StandardScaler before it or None)."""
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    if not isinstance(est, Pipeline):
        return est, None
    *before, (_, last) = est.steps
    scalers = [step for _, step in before if step not in (None, "passthrough")]
    if len(scalers) > 1 or any(type(s) is not StandardScaler for s in scalers):
        kinds = ", ".join(type(s).__name__ for s in scalers)
        raise ValueError(f"from_sklearn: the pipeline's steps before the network are {kinds}; lucidnet reads at "
                         "most one StandardScaler there")
    return last, (scalers[0] if scalers else None)


def _scaler(scaler: Any, n_in: int) -> Standardizer | None:
    if scaler is None:
        return None
    s = Standardizer()
    s.mean_ = np.array(scaler.mean_, dtype=np.float64) if scaler.with_mean else np.zeros(n_in)
    s.scale_ = np.array(scaler.scale_, dtype=np.float64) if scaler.with_std else np.ones(n_in)
    return s


def _mlp_network(est: Any, task: str, n: int) -> Network:
    """A Network holding copies of an MLP's coefs_ and intercepts_, with the loss of
    :func:`~lucidnet.heads.head_for` for ``task`` (``n`` classes, labels or outputs) and its output activation."""
    from ..sklearn import SKLEARN_ACTIVATIONS  # scikit-learn's activation names → lucidnet's

    def name(sk: str) -> str:
        if sk not in SKLEARN_ACTIVATIONS and sk != "softmax":
            raise ValueError(f"from_sklearn: activation {sk!r} has no lucidnet counterpart; supported: "
                             f"{', '.join(SKLEARN_ACTIVATIONS)} (hidden) and softmax (output)")
        return SKLEARN_ACTIVATIONS.get(sk, sk)

    last = len(est.coefs_) - 1
    layers = [Dense(W.shape[0], W.shape[1], activation=name(est.out_activation_ if i == last else est.activation),
                    init=W, bias_init=b) for i, (W, b) in enumerate(zip(est.coefs_, est.intercepts_))]
    head = head_for(task, n, activation=layers[-1].activation)  # logistic: bce, softmax: cross_entropy, else mse
    return Network(layers, loss=head.loss.name, dtype=est.coefs_[0].dtype)


def _copy(net: Network) -> Network:
    copy = Network.from_config(net.get_config(), seed=net.seed)
    copy.set_weights(net.get_weights())
    return copy


def _label(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def from_sklearn(estimator: Any, *, feature_names: list[str] | None = None,
                 target_name: str | None = None) -> ModelBundle:
    """A :class:`~lucidnet.io.ModelBundle` (Network, classes, task, standardiser) of a fitted scikit-learn MLP.

    ``bundle.predict_proba(X)`` equals the estimator's ``predict_proba(X)`` and ``bundle.predict(X)`` its
    ``predict(X)`` (for multilabel targets: its probabilities, whose > 0.5 is ``predict``); see the module
    docstring for the mapping. Save it with ``lucidnet.io.save_model(bundle.network, path,
    preprocessing=bundle.preprocessing)`` and ``lucidnet explain --model`` shows its backprop step.

    Parameters
    ----------
    estimator : fitted MLPClassifier, MLPRegressor, NeuralNetClassifier, NeuralNetRegressor or Pipeline
    feature_names : list of str, optional
        The names of the input columns; default the estimator's ``feature_names_in_`` (fitted on a DataFrame).
        ``lucidnet predict`` and ``explain`` find CSV columns by them.
    target_name : str, optional
        The target column of the data, which ``lucidnet explain --data FILE.csv`` needs.
    """
    require("sklearn", "lucidnet.from_sklearn")
    from sklearn.exceptions import NotFittedError
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.utils.validation import check_is_fitted

    from ..sklearn import NeuralNetClassifier, NeuralNetRegressor

    model, scaler = _unwrap(estimator)
    if not isinstance(model, (MLPClassifier, MLPRegressor, NeuralNetClassifier, NeuralNetRegressor)):
        raise ValueError(f"from_sklearn: {type(model).__name__} is not a network lucidnet reads; "
                         f"supported: {_SUPPORTED}")
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        raise ValueError(f"from_sklearn: this {type(model).__name__} is not fitted yet: call fit first") from None
    is_mlp = isinstance(model, (MLPClassifier, MLPRegressor))
    classifier = isinstance(model, (MLPClassifier, NeuralNetClassifier))
    if classifier:
        multilabel = (model.out_activation_ == "logistic" and model.n_outputs_ > 1) if is_mlp else model.multilabel_
        classes = None if multilabel else [_label(c) for c in model.classes_]
    else:
        multilabel, classes = False, None
    if is_mlp:  # one logistic unit is a binary head, even when fitted on one class (the size check below says so)
        task = "multilabel" if multilabel else "classification" if classifier else "regression"
        net = _mlp_network(model, task, model.n_outputs_ if classes is None else max(len(classes), 2))
    else:
        net = _copy(model.network_)
    names = feature_names if feature_names is not None else getattr(estimator, "feature_names_in_", None)
    pre = Preprocessing(task="classification" if classifier else "regression",
                        feature_names=None if names is None else [str(n) for n in names], target_name=target_name,
                        x_scaler=_scaler(scaler, net.n_in), classes=classes)
    try:  # the checks a model file's preprocessing passes (sizes, distinct string or number labels)
        Preprocessing.from_dict(pre.to_dict(), net.n_in, net.n_out)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"from_sklearn: {exc}") from None
    return ModelBundle(net, pre)
