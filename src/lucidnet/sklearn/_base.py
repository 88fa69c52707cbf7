"""Shared machinery of the estimators: parameter checks, the Network they build, the training loop.

E_batch = c·(scikit-learn's MLP objective), c > 0 a constant: the L2 term is scaled so that the direction of
every full-size batch's gradient equals scikit-learn's (see ``_l2_for``), which is what "equal
hyper-parameters" means for two libraries whose losses are reduced differently.
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any, cast

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from ..callbacks import Callback
from ..display.diagram import network_html
from ..heads import Head, build_network
from ..layers import Dense
from ..network import Network
from ..optimizers import SGD, Adagrad, Adam, RMSprop

#: scikit-learn's activation names → lucidnet's (lucidnet's own names pass through unchanged).
SKLEARN_ACTIVATIONS = {"logistic": "sigmoid", "tanh": "tanh", "relu": "relu", "identity": "identity"}

#: solver name → builder of the optimizer from the estimator's parameters (no "lbfgs": lucidnet trains by
#: stochastic gradient steps only).
SOLVERS = ("sgd", "adam", "rmsprop", "adagrad")

def _l2_for(loss: Any, alpha: float, n_outputs: int, batch_size: int, mean_weight: float) -> float:
    """l2 = k·α / (n_b·w̄) for mean-reduced losses, k·α / w̄ for sum-reduced ones.

    scikit-learn's MLP adds α/(2·Σ_b w)·‖W‖² to a batch loss (1/Σ_b w)·Σ_i w_i·ℓ_i; lucidnet's core adds
    (l2/2)·‖W‖² to (k/n_b)·Σ_i (w_i/w̄)·ℓ_i. Equating the ratio of penalty to data term gives the formula,
    exact for every batch of the nominal size n_b (the last, shorter batch of an epoch sees a penalty
    n_b/n_last times too small relative to scikit-learn's).
    """
    k = loss.sample_factor(n_outputs)  # E_core = k·E_sklearn-style (scikit-learn's MLP reduces with k = 1)
    if loss.reduction == "sum":
        return k * alpha / mean_weight
    return k * alpha / (batch_size * mean_weight)


def _make_rng(random_state: Any) -> np.random.Generator:
    """A private Generator from scikit-learn's random_state (None, int, RandomState or Generator)."""
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, numbers.Integral):
        return np.random.default_rng(int(random_state))
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))
    if isinstance(random_state, np.random.Generator):
        return np.random.default_rng(random_state.integers(2**63))
    raise ValueError(
        f"random_state must be None, an int, a numpy RandomState or Generator, got {random_state!r}"
    )


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(2**63))


class _StopMonitor(Callback):
    """scikit-learn's stopping rule as a lucidnet callback; its state lives across partial_fit calls.

    Without early stopping: stop when the training loss has not fallen below best_loss − tol for more
    than n_iter_no_change epochs. With it: the same on the validation score (higher is better), keeping
    the best weights.
    """

    def __init__(self, estimator: BaseNeuralNet, validation: tuple | None) -> None:
        self.estimator = estimator
        self.validation = validation  # (X_val, Y_val, y_val, w_val) or None
        self.no_improvement = 0
        self.best_loss = np.inf
        self.best_score = -np.inf
        self.best_weights: list[np.ndarray] | None = None
        self.stopped = False

    def on_epoch_end(self, state: Any) -> None:
        est = self.estimator
        loss = float(state.logs["loss"])
        est.loss_curve_.append(loss)
        est.n_iter_ += 1
        tol = est.tol
        if self.validation is None:
            if loss > self.best_loss - tol:
                self.no_improvement += 1
            else:
                self.no_improvement = 0
            self.best_loss = min(self.best_loss, loss)
            est.best_loss_ = self.best_loss
        else:
            X_val, Y_val, y_val, w_val = self.validation
            net = state.network
            score = float(est._score_network(net, X_val, y_val, w_val))
            assert est.validation_scores_ is not None and est.validation_loss_curve_ is not None
            est.validation_loss_curve_.append(float(net.loss(X_val, Y_val)))
            est.validation_scores_.append(score)
            if score < self.best_score + tol:
                self.no_improvement += 1
            else:
                self.no_improvement = 0
            if score > self.best_score:
                self.best_score = score
                self.best_weights = net.get_weights()
            est.best_validation_score_ = self.best_score
        if self.no_improvement > est.n_iter_no_change:
            self.stopped = True
            state.stop = True


class BaseNeuralNet(BaseEstimator):
    """Parameters, Network construction and training shared by the classifier and the regressor."""

    _task: str  # "classification" or "regression"

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: Any = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: Any = "auto",
        learning_rate_init: float = 0.001,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: int = 10,
        loss: Any = None,
        out_activation: Any = None,
        activations: Any = None,
        dropout: Any = 0.0,
        init: str = "glorot_uniform",
        dtype: str = "float64",
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.loss = loss
        self.out_activation = out_activation
        self.activations = activations
        self.dropout = dropout
        self.init = init
        self.dtype = dtype

    # ------------------------------------------------------------------ parameter checks
    def _check_params(self) -> None:
        """Validate the hyper-parameters at fit time (never in __init__, as scikit-learn requires)."""
        name = type(self).__name__

        def number(param: str, low: float, *, low_open: bool = False, high: float | None = None,
                   integer: bool = False) -> None:
            v = getattr(self, param)
            kind = numbers.Integral if integer else numbers.Real
            bad = isinstance(v, bool) or not isinstance(v, kind)
            if not bad:
                bad = (v <= low if low_open else v < low) or (high is not None and v >= high)
            if bad:
                rng = f"{'(' if low_open else '['}{low}, {'inf)' if high is None else f'{high})'}"
                what = "an int" if integer else "a number"
                raise ValueError(f"{name}: {param} must be {what} in {rng}, got {v!r}")

        number("alpha", 0.0)
        number("learning_rate_init", 0.0, low_open=True)
        number("max_iter", 1, integer=True)
        number("tol", 0.0)
        number("momentum", 0.0, high=1.0 + 1e-12)
        number("validation_fraction", 0.0, low_open=True, high=1.0)
        number("beta_1", 0.0, high=1.0)
        number("beta_2", 0.0, high=1.0)
        number("epsilon", 0.0, low_open=True)
        number("n_iter_no_change", 1, integer=True)
        if self.solver == "lbfgs":
            raise ValueError(
                f"{name}: solver='lbfgs' is not offered: lucidnet trains by stochastic gradient steps; "
                f"use one of {SOLVERS} (the default 'adam' is scikit-learn's default too)"
            )
        if self.solver not in SOLVERS:
            raise ValueError(f"{name}: unknown solver {self.solver!r}; valid solvers: {SOLVERS}")
        bs = self.batch_size
        if bs != "auto" and (isinstance(bs, bool) or not isinstance(bs, numbers.Integral) or bs < 1):
            raise ValueError(f"{name}: batch_size must be 'auto' or an int >= 1, got {bs!r}")
        if self.dtype not in ("float64", "float32"):
            raise ValueError(f"{name}: dtype must be 'float64' or 'float32', got {self.dtype!r}")
        for flag in ("shuffle", "warm_start", "nesterovs_momentum", "early_stopping"):
            if not isinstance(getattr(self, flag), (bool, np.bool_)):
                raise TypeError(f"{name}: {flag} must be True or False, got {getattr(self, flag)!r}")

    def _hidden_sizes(self) -> list[int]:
        h = self.hidden_layer_sizes
        sizes = [h] if isinstance(h, numbers.Integral) else list(h) if h is not None else None
        if sizes is None or any(isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 1
                                for s in sizes):
            raise ValueError(
                f"{type(self).__name__}: hidden_layer_sizes must be an int >= 1 or a sequence of them, "
                f"e.g. (100,) or (64, 32), got {h!r}"
            )
        return [int(s) for s in sizes]

    def _per_layer(self, param: str, value: Any, n_hidden: int) -> list[Any]:
        if isinstance(value, (list, tuple)):
            if len(value) != n_hidden:
                raise ValueError(
                    f"{type(self).__name__}: {param} has {len(value)} entries but there are {n_hidden} "
                    f"hidden layers (hidden_layer_sizes={self.hidden_layer_sizes!r}); give one per layer"
                )
            return list(value)
        return [value] * n_hidden

    # ------------------------------------------------------------------ building blocks
    def _build_network(self, n_in: int, head: Head, seed: int) -> Network:
        acts = self.activations if self.activations is not None else self.activation
        sizes = self._hidden_sizes()
        acts = [SKLEARN_ACTIVATIONS.get(a, a) if isinstance(a, str) else a
                for a in self._per_layer("activations", acts, len(sizes))]
        drops = self._per_layer("dropout", self.dropout, len(sizes))
        return build_network(n_in, sizes, head, acts, dropout=drops, init=self.init, dtype=self.dtype, seed=seed)

    def _make_optimizer(self) -> Any:
        lr = self.learning_rate_init
        if self.solver == "sgd":
            return SGD(lr=lr, momentum=self.momentum, nesterov=bool(self.nesterovs_momentum and self.momentum > 0))
        if self.solver == "adam":
            return Adam(lr=lr, betas=(self.beta_1, self.beta_2), eps=self.epsilon)
        if self.solver == "rmsprop":
            return RMSprop(lr=lr, eps=self.epsilon)
        return Adagrad(lr=lr, eps=self.epsilon)

    def _batch_size_for(self, n: int) -> int:
        if self.batch_size == "auto":
            return min(200, n)
        if self.batch_size > n:
            warnings.warn(
                f"batch_size={self.batch_size} is larger than the {n} training samples; "
                f"using batch_size={n}",
                UserWarning,
                stacklevel=3,
            )
        return int(min(self.batch_size, n))

    def _sample_weight(self, sample_weight: Any, X: np.ndarray) -> np.ndarray | None:
        if sample_weight is None:
            return None
        w = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
        if not np.any(w > 0):
            raise ValueError(f"{type(self).__name__}: sample_weight is zero for every sample; nothing to learn")
        return w

    # ------------------------------------------------------------------ training
    def _reset_curves(self) -> None:
        self.n_iter_ = 0
        self.loss_curve_: list[float] = []
        if self.early_stopping:
            self.validation_scores_: list[float] | None = []
            self.validation_loss_curve_: list[float] | None = []
            self.best_validation_score_: float | None = None
            self.best_loss_: float | None = None
        else:
            self.validation_scores_ = None
            self.validation_loss_curve_ = None
            self.best_validation_score_ = None
            self.best_loss_ = np.inf

    def _train(self, X: np.ndarray, Y: np.ndarray, w: np.ndarray | None, epochs: int, seed: int) -> bool:
        """Run ``epochs`` epochs of the core trainer with the persistent optimizer and stop monitor."""
        net = self.network_
        n = X.shape[0]
        batch = self._batch_size_for(n)
        mean_w = 1.0 if w is None else float(np.mean(w))
        net.l2 = _l2_for(net.loss_fn, self.alpha, net.n_out, batch, mean_w)
        history = net.fit(
            X, Y, epochs=epochs, batch_size=batch, optimizer=self._optimizer, shuffle=bool(self.shuffle),
            seed=seed, callbacks=[self._monitor], sample_weight=w,
        )
        interrupted = bool(getattr(history, "interrupted", False))
        if interrupted:
            warnings.warn("Training interrupted by the user (Ctrl-C); the weights so far are kept.",
                          UserWarning, stacklevel=4)
        if self._monitor.stopped and self._monitor.best_weights is not None:
            net.set_weights(self._monitor.best_weights)
        return interrupted

    def _fit_loop(self, X: np.ndarray, Y: np.ndarray, y: np.ndarray, w: np.ndarray | None,
                  incremental: bool, head: Head) -> None:
        """Common body of fit (incremental=False) and partial_fit (incremental=True)."""
        first = not hasattr(self, "network_") or (not incremental and not self.warm_start)
        if first:
            self._rng = _make_rng(self.random_state)
            self.network_ = self._build_network(X.shape[1], head, _seed(self._rng))
            self.out_activation_ = self.network_.output_layer.activation.name
            self._reset_curves()
        elif not incremental:  # warm start: the same weights, a fresh optimizer and stopping rule
            self._rng = _make_rng(self.random_state)
        if first or not incremental:
            self._optimizer = self._make_optimizer()
            validation = None
            if self.early_stopping:
                X, Y, y, w, validation = self._split_validation(X, Y, y, w)
                if self.validation_scores_ is None:
                    self._reset_curves()
            self._monitor = _StopMonitor(self, validation)
        monitor = self._monitor
        if incremental:
            if self.early_stopping and monitor.stopped:
                return  # early stopping ended this stream of partial_fit calls; fit() starts again
            self._train(X, Y, w, 1, _seed(self._rng))
            if not self.early_stopping:
                monitor.stopped = False  # without a validation set, partial_fit never stops for good
            return
        interrupted = self._train(X, Y, w, self.max_iter, _seed(self._rng))
        if self.early_stopping and monitor.best_weights is not None:
            self.network_.set_weights(monitor.best_weights)
        if not monitor.stopped and not interrupted:
            warnings.warn(
                f"{type(self).__name__}: max_iter={self.max_iter} epochs reached and the optimization "
                "has not converged yet; raise max_iter or learning_rate_init.",
                ConvergenceWarning,
                stacklevel=4,
            )
        # partial_fit after fit goes on training, with the same validation set and best score
        monitor.stopped, monitor.no_improvement = False, 0

    def _split_validation(self, X: np.ndarray, Y: np.ndarray, y: np.ndarray, w: np.ndarray | None) -> tuple:
        stratify = y if self._task == "classification" and y.ndim == 1 else None
        arrays = [X, Y, y] + ([] if w is None else [w])
        try:
            parts = train_test_split(*arrays, test_size=self.validation_fraction,
                                     random_state=_seed(self._rng) % (2**32), stratify=stratify)
        except ValueError as exc:
            raise ValueError(
                f"{type(self).__name__}: early_stopping holds out validation_fraction="
                f"{self.validation_fraction} of the {X.shape[0]} samples"
                f"{' stratified by class' if stratify is not None else ''} and could not: {exc}. "
                "Give more samples, change validation_fraction, or set early_stopping=False."
            ) from exc
        X_tr, X_val, Y_tr, Y_val, y_tr, y_val = parts[:6]
        w_tr, w_val = (parts[6], parts[7]) if w is not None else (None, None)
        return X_tr, Y_tr, y_tr, w_tr, (X_val, Y_val, y_val, w_val)

    # ------------------------------------------------------------------ fitted views
    @property
    def stopped_early_(self) -> bool:
        """True once early stopping has ended a series of ``partial_fit`` calls (later calls do not train)."""
        check_is_fitted(self, "network_")
        return bool(self.early_stopping and self._monitor.stopped)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        """scikit-learn's estimator diagram, then (once fitted) the diagram of ``network_``'s weights."""
        bundle = cast(dict[str, str], super()._repr_mimebundle_(**kwargs))
        if "text/html" in bundle and hasattr(self, "network_"):
            bundle["text/html"] += str(network_html(self.network_, sample=None))
        return bundle

    def _repr_html_(self) -> str:  # type: ignore[override]
        return self._repr_mimebundle_().get("text/html", "")

    @property
    def coefs_(self) -> list[np.ndarray]:
        """W of each Dense layer, (n_in, n_out), live views of ``network_``'s weights."""
        check_is_fitted(self, "network_")
        return [cast(np.ndarray, layer.W) for layer in self.network_.layers if isinstance(layer, Dense)]

    @property
    def intercepts_(self) -> list[np.ndarray | None]:
        """b of each Dense layer, (n_out,), live views of ``network_``'s biases."""
        check_is_fitted(self, "network_")
        return [layer.b for layer in self.network_.layers if isinstance(layer, Dense)]

    def _forward(self, X: Any) -> np.ndarray:
        from sklearn.utils.validation import validate_data

        check_is_fitted(self, "network_")
        X = validate_data(self, X, reset=False, dtype=np.dtype(self.dtype))
        return self.network_.predict(X)
