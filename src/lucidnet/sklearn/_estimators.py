"""NeuralNetClassifier and NeuralNetRegressor: scikit-learn's MLP interface on a lucidnet Network."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ..heads import Head, head_for
from ..losses import one_hot
from ._base import BaseNeuralNet
from ._callbacks import with_callbacks

_SHARED_PARAMS = """
    hidden_layer_sizes : int or sequence of int, default=(100,)
        Units of each hidden layer; ``()`` gives no hidden layer.
    activation : str, default="relu"
        Hidden activation for every layer: scikit-learn's "identity", "logistic" (= lucidnet's "sigmoid"),
        "tanh", "relu", or any name of ``lucidnet.ACTIVATIONS`` ("leaky_relu", "elu", "gelu", …).
    solver : {"adam", "sgd", "rmsprop", "adagrad"}, default="adam"
        Optimizer (PyTorch's update equations). "lbfgs" is not offered and raises ValueError.
    alpha : float, default=1e-4
        L2 penalty with scikit-learn's meaning: α/(2·Σ_batch w)·‖W‖² added to each batch's loss (weights only,
        not biases). Each batch's sample factors and the core's ``l2`` are set so that lucidnet's batch objective
        is C·(scikit-learn's) on every batch, C a constant (see ``docs/sklearn.md``).
    batch_size : int or "auto", default="auto"
        Mini-batch size; "auto" is min(200, n_samples).
    learning_rate_init : float, default=1e-3
        Learning rate η, constant, with scikit-learn's meaning: solver "sgd" steps by η·(scikit-learn's
        gradient), as MLP (the core's optimizer gets η/C). Use lucidnet's callbacks on ``network_`` for schedules.
    max_iter : int, default=200
        Maximum number of epochs for ``fit``.
    shuffle : bool, default=True
        Reshuffle the samples every epoch.
    random_state : None, int, RandomState or Generator, default=None
        As in MLP: a RandomState, new at every call for an int, draws the initial weights, the validation split
        and each epoch's order, the same numbers MLP draws (with ``init="mlp_uniform"``: the same initial
        weights as MLP's), then the dropout seed when there is dropout. An int reproduces a fit bit for bit.
    tol : float, default=1e-4
        Improvement below ``tol`` for more than ``n_iter_no_change`` epochs stops training.
    warm_start : bool, default=False
        ``fit`` continues from the current weights instead of re-initialising.
    momentum : float, default=0.9
        Momentum μ of solver "sgd".
    nesterovs_momentum : bool, default=True
        Nesterov momentum for solver "sgd" (when momentum > 0).
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data, stop when its score stops improving and
        restore the best weights. Also works with ``partial_fit``: the hold-out is taken from the first call.
    validation_fraction : float, default=0.1
        Fraction held out for early stopping.
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Adam's β₁, β₂ and ε (ε is also used by "rmsprop" and "adagrad"), ε in units of scikit-learn's gradient
        (the core's optimizer gets C·ε). Unlike MLP, ε is added after the bias correction (PyTorch's Adam):
        MLP's ε acts as ε/√(1 − β₂ᵗ) there, which shows only where a gradient is about ε.
    n_iter_no_change : int, default=10
        Patience, in epochs (``fit``) or calls (``partial_fit``).
    loss : str or None, default=None
        Any name of ``lucidnet.LOSSES``; None picks the task's loss (see ``loss_name_``).
    out_activation : str or None, default=None
        Output activation; None picks the task's.
    activations : sequence of str or None, default=None
        One activation per hidden layer; overrides ``activation``.
    dropout : float or sequence of float, default=0.0
        Inverted-dropout probability after each hidden layer (one value, or one per layer).
    init : str, default="mlp_uniform"
        Weight initializer, a name of ``lucidnet.INITIALIZERS``. "mlp_uniform" is MLP's: W and b ~ U(±a),
        a = √(6/(n_in + n_out)), or √(2/(n_in + n_out)) when the hidden activation is "logistic".
    dtype : {"float64", "float32"}, default="float64"
        Floating-point type of the network and of the arithmetic.
"""

_SHARED_ATTRIBUTES = """
    network_ : lucidnet.Network
        The trained network: save, trace and explain it with lucidnet's tools. Its loss is lucidnet's (see
        the class note) and its ``l2`` the penalty of a full batch without weights, C·α/batch size.
    coefs_, intercepts_ : list of ndarray
        W (n_in, n_out) and b (n_out,) of each layer (live views of ``network_``), layer i at index i.
    loss_ : float
        Training loss of the last epoch, in scikit-learn's convention (not lucidnet's: see the class note):
        the mean over the epoch's batches, weighted by their sizes, of (1/Σ_b w)·Σ_b w_i·ℓ_i + α/(2·Σ_b w)·‖W‖².
    loss_curve_ : list of float
        ``loss_`` of every epoch, over all ``fit`` (warm start) and ``partial_fit`` calls since the first.
    best_loss_ : float or None
        The lowest ``loss_`` so far (``inf`` before an epoch); None with early stopping.
    validation_scores_ : list of float or None
        Score (accuracy or R²) on the held-out data after each epoch; None without early stopping.
    best_validation_score_ : float or None
        The best of them in the current ``fit`` (−inf before an epoch); None without early stopping.
    validation_loss_curve_ : list of float or None
        lucidnet's addition: ``loss_``'s value on the held-out data after each epoch.
    n_iter_ : int
        Epochs run by the last ``fit`` or ``partial_fit`` call (1 for ``partial_fit``, 0 once early stopping
        has ended a stream of ``partial_fit`` calls).
    t_ : int
        Training samples seen by the solver: the training set's size added at every epoch, over all calls.
    n_layers_ : int
        Layers counted as MLP counts them: input, hidden and output, len(hidden_layer_sizes) + 2.
    n_outputs_ : int
        Output units.
    out_activation_ : str
        scikit-learn's name of the output activation: "identity", "logistic" or "softmax" (another lucidnet
        activation chosen with ``out_activation`` keeps its lucidnet name).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X had string column names.
"""


class NeuralNetClassifier(ClassifierMixin, BaseNeuralNet):
    __doc__ = """p(k | x) = softmax(net_L)_k (multi-class) or σ(net_L) (binary, multilabel), trained on cross-entropy.

    A feed-forward network classifier with scikit-learn's ``MLPClassifier`` interface, trained by
    lucidnet's hand-written backpropagation. Multi-class targets use a softmax output and
    ``cross_entropy``; binary and multilabel targets use sigmoid outputs and ``bce`` (as scikit-learn).

    Loss conventions: ``cross_entropy`` is MLP's log-loss (C = 1); lucidnet's ``bce`` averages over the m
    labels where MLP sums them (C = 1/m; 1 for a binary target). The estimator keeps MLP's: its steps are
    MLP's, α/(2·Σ_b w)·‖W‖² included (the penalty, η of "sgd" and ε are scaled by C), and ``loss_``,
    ``loss_curve_`` and ``best_loss_`` are MLP's values.

    Parameters
    ----------""" + _SHARED_PARAMS + """    class_weight : dict, "balanced" or None, default=None
        Multiplies each sample's weight by its class's weight; "balanced" is n / (n_classes · count(k)).

    Attributes
    ----------
    classes_ : ndarray (n_classes,)
        Class labels (``arange(n_labels)`` for multilabel targets).""" + _SHARED_ATTRIBUTES + """
    Examples
    --------
    >>> from lucidnet.sklearn import NeuralNetClassifier
    >>> X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 10
    >>> y = ["no", "yes", "yes", "yes"] * 10
    >>> clf = NeuralNetClassifier((8,), learning_rate_init=0.05, random_state=0).fit(X, y)
    >>> clf.predict([[0.0, 0.0], [1.0, 1.0]]).tolist()
    ['no', 'yes']
    """

    _task = "classification"

    def __init__(self, hidden_layer_sizes: Any = (100,), activation: Any = "relu", *, solver: str = "adam",
                 alpha: float = 0.0001, batch_size: Any = "auto", learning_rate_init: float = 0.001,
                 max_iter: int = 200, shuffle: bool = True, random_state: Any = None, tol: float = 1e-4,
                 warm_start: bool = False, momentum: float = 0.9, nesterovs_momentum: bool = True,
                 early_stopping: bool = False, validation_fraction: float = 0.1, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-8, n_iter_no_change: int = 10, loss: Any = None,
                 out_activation: Any = None, activations: Any = None, dropout: Any = 0.0,
                 init: str = "mlp_uniform", dtype: str = "float64", class_weight: Any = None) -> None:
        super().__init__(
            hidden_layer_sizes, activation, solver=solver, alpha=alpha, batch_size=batch_size,
            learning_rate_init=learning_rate_init, max_iter=max_iter, shuffle=shuffle,
            random_state=random_state, tol=tol, warm_start=warm_start, momentum=momentum,
            nesterovs_momentum=nesterovs_momentum, early_stopping=early_stopping,
            validation_fraction=validation_fraction, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
            n_iter_no_change=n_iter_no_change, loss=loss, out_activation=out_activation,
            activations=activations, dropout=dropout, init=init, dtype=dtype,
        )
        self.class_weight = class_weight

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    # ---------------------------------------------------------------- targets
    def _encode(self, y: np.ndarray, head: Head) -> np.ndarray:
        """Targets → network targets Y (n, n_out), as ``head`` encodes them: a 0/1 column for one sigmoid unit,
        one-hot rows for one unit per class (cross_entropy takes indices; the batches here stay 2-D), y itself
        for multilabel."""
        Y = head.encode(y if self._multilabel else np.searchsorted(self.classes_, y))
        return (one_hot(Y, head.n_out) if Y.ndim == 1 else Y).astype(np.dtype(self.dtype))

    def _validate_targets(self, X: Any, y: Any, *, reset: bool) -> tuple[np.ndarray, np.ndarray]:
        X, y = validate_data(self, X, y, reset=reset, multi_output=True, dtype=np.dtype(self.dtype))
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        return X, y

    def _sample_weights(self, X: np.ndarray, y: np.ndarray, sample_weight: Any, incremental: bool):
        w = self._sample_weight(sample_weight, X)
        if self.class_weight is None:
            return w
        if self._multilabel:
            raise ValueError("NeuralNetClassifier: class_weight is not supported for multilabel targets; "
                             "pass sample_weight instead")
        if incremental and isinstance(self.class_weight, str):
            raise ValueError(
                "NeuralNetClassifier: class_weight='balanced' needs the class counts of all the data and "
                "cannot be used with partial_fit; compute it once with "
                "sklearn.utils.class_weight.compute_class_weight and pass it as a dict"
            )
        per_class = compute_class_weight(self.class_weight, classes=self.classes_, y=y)
        cw = per_class[np.searchsorted(self.classes_, y)]
        return cw if w is None else w * cw

    # ---------------------------------------------------------------- fitting
    def _setup(self, X: np.ndarray, y: np.ndarray, classes: Any) -> None:
        self._multilabel = type_of_target(y).startswith("multilabel")
        if self._multilabel:
            self.classes_ = np.arange(y.shape[1])
        else:
            self.classes_ = np.unique(y) if classes is None else np.unique(np.asarray(classes))
            if len(self.classes_) < 2:
                raise ValueError(
                    f"NeuralNetClassifier needs samples of at least 2 classes to learn; got 1 class "
                    f"({self.classes_[0]!r})"
                )

    def _fit(self, X: Any, y: Any, sample_weight: Any, classes: Any, incremental: bool) -> NeuralNetClassifier:
        self._check_params()
        first = not hasattr(self, "network_") or (not incremental and not self.warm_start)
        X, y = self._validate_targets(X, y, reset=first)
        if first:
            self._setup(X, y, classes)
        elif type_of_target(y).startswith("multilabel") != self._multilabel:
            raise ValueError("NeuralNetClassifier: the target type changed between calls "
                             "(multilabel vs. class labels); call fit to start again")
        elif classes is not None and not np.array_equal(np.unique(np.asarray(classes)), self.classes_):
            raise ValueError(f"NeuralNetClassifier: classes={classes!r} differs from the classes of the "
                             f"first call, {self.classes_!r}")
        if not self._multilabel:
            unseen = np.setdiff1d(y, self.classes_)
            if unseen.size:
                raise ValueError(
                    f"NeuralNetClassifier: y has labels {unseen.tolist()} not in classes_ {self.classes_.tolist()}; "
                    "pass every class to the first partial_fit call (classes=...) or call fit"
                )
        w = self._sample_weights(X, y, sample_weight, incremental)
        if not incremental and not self._multilabel and w is not None:
            weighted = {c for c in np.unique(y[w > 0])}
            if len(weighted) < 2:
                raise ValueError(
                    "NeuralNetClassifier: only one class has a non-zero sample weight; at least 2 classes "
                    "are needed to learn"
                )
        n = y.shape[1] if self._multilabel else len(self.classes_)
        head = head_for("multilabel" if self._multilabel else "classification", n, self.out_activation, self.loss)
        if first:
            self.n_outputs_ = head.n_out
        self._fit_loop(X, self._encode(y, head), y, w, incremental, head, sample_weight)
        return self

    @with_callbacks
    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> NeuralNetClassifier:
        """Train on X (n, n_features) and labels y (n,) or indicator matrix (n, n_labels).

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, None, incremental=False)

    @with_callbacks
    def partial_fit(self, X: Any, y: Any, classes: Any = None, sample_weight: Any = None) -> NeuralNetClassifier:
        """One epoch over X, y from the current weights; ``classes`` (all labels) is needed on the first call.

        Returns
        -------
        self
        """
        if not hasattr(self, "network_") and classes is None:
            y_arr = np.asarray(y)
            if not (y_arr.ndim == 2 and y_arr.shape[1] > 1):
                raise ValueError("NeuralNetClassifier.partial_fit: pass classes=... (every label that can "
                                 "occur) on the first call")
        return self._fit(X, y, sample_weight, classes, incremental=True)

    @property
    def multilabel_(self) -> bool:
        """True when fitted on an indicator matrix (n, n_labels), so ``predict`` gives 0/1 columns, not labels."""
        check_is_fitted(self, "network_")
        return bool(self._multilabel)

    # ---------------------------------------------------------------- prediction
    def predict_proba(self, X: Any) -> np.ndarray:
        """p (n, n_classes): class probabilities (n, n_labels) for multilabel targets."""
        o = self._forward(X)
        if not self._multilabel and o.shape[1] == 1:  # one sigmoid unit: o = P(classes_[1])
            return np.hstack([1.0 - o, o])
        return o

    def decision_function(self, X: Any) -> np.ndarray:
        """net_L, the output layer's pre-activation (the logits): (n,) for two classes, where > 0 means
        ``classes_[1]``; (n, n_classes) or (n, n_labels) otherwise. Sigmoid and softmax are increasing, so these
        rank the classes as ``predict_proba`` does (scikit-learn's MLP offers no such method)."""
        self._forward(X)
        net = self.network_.output_layer.net
        if not self._multilabel and net.shape[1] == 1:
            return net[:, 0].copy()
        return net.copy()

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """ln p (n, n_classes); −inf where a probability underflows to 0."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class (n,), or the 0/1 indicator matrix (n, n_labels) for multilabel targets."""
        p = self.predict_proba(X)
        if self._multilabel:
            return (p > 0.5).astype(int)
        return self.classes_[np.argmax(p, axis=1)]

    def _score_network(self, net: Any, X: np.ndarray, y: np.ndarray, w: np.ndarray | None) -> float:
        if self._multilabel:
            pred = (net.predict(X) > 0.5).astype(int)
        else:
            pred = self.classes_[net.predict_classes(X)]  # o > 0.5 for one unit, else argmax
        return accuracy_score(y, pred, sample_weight=w)


class NeuralNetRegressor(RegressorMixin, BaseNeuralNet):
    __doc__ = """ŷ = net_L (identity output), trained on the mean squared error.

    A feed-forward network regressor with scikit-learn's ``MLPRegressor`` interface, trained by lucidnet's
    hand-written backpropagation.

    Loss conventions: lucidnet's ``mse`` (what ``network_`` trains and reports) is (1/(n·m))·Σ(ŷ − y)²; MLP
    steps on (1/n)·Σ ½(ŷ − y)² (summed over the m outputs) plus α/(2n)·‖W‖², C = 2/m times less, and reports
    its squared error *averaged* over the outputs, (1/(n·m))·Σ ½(ŷ − y)². The estimator keeps MLP's: its
    steps are MLP's (the penalty, η of "sgd" and ε are scaled by C), and ``loss_``, ``loss_curve_`` and
    ``best_loss_`` are MLP's reported values.

    Parameters
    ----------""" + _SHARED_PARAMS + """
    Attributes
    ----------""" + _SHARED_ATTRIBUTES + """
    Examples
    --------
    >>> import numpy as np
    >>> from lucidnet.sklearn import NeuralNetRegressor
    >>> X = np.linspace(-1, 1, 50)[:, None]
    >>> y = 3 * X[:, 0] + 1
    >>> reg = NeuralNetRegressor((16,), learning_rate_init=0.01, random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.95, reg.network_
    (True, Network(1 → 16 → 1, loss=mse, dtype=float64))
    """

    _task = "regression"
    _loss_averages_outputs = True

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _fit(self, X: Any, y: Any, sample_weight: Any, incremental: bool) -> NeuralNetRegressor:
        self._check_params()
        first = not hasattr(self, "network_") or (not incremental and not self.warm_start)
        X, y = validate_data(self, X, y, reset=first, multi_output=True, y_numeric=True,
                             dtype=np.dtype(self.dtype))
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        Y = (y[:, None] if y.ndim == 1 else y).astype(np.dtype(self.dtype))
        if first:
            self.n_outputs_ = Y.shape[1]
        elif Y.shape[1] != self.n_outputs_:
            raise ValueError(f"NeuralNetRegressor: y has {Y.shape[1]} outputs but the network was fitted "
                             f"with {self.n_outputs_}; call fit to start again")
        w = self._sample_weight(sample_weight, X)
        self._fit_loop(X, Y, y, w, incremental, head_for("regression", self.n_outputs_, self.out_activation, self.loss),
                       sample_weight)
        return self

    @with_callbacks
    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> NeuralNetRegressor:
        """Train on X (n, n_features) and targets y (n,) or (n, n_outputs).

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @with_callbacks
    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None) -> NeuralNetRegressor:
        """One epoch over X, y from the current weights.

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X: Any) -> np.ndarray:
        """ŷ (n,) for one output, (n, n_outputs) otherwise."""
        o = self._forward(X)
        return o[:, 0] if self.n_outputs_ == 1 else o

    def _score_network(self, net: Any, X: np.ndarray, y: np.ndarray, w: np.ndarray | None) -> float:
        o = net.predict(X)
        return r2_score(y, o[:, 0] if self.n_outputs_ == 1 else o, sample_weight=w)
