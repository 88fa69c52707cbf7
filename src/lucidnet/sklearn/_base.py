"""Shared machinery of the estimators: parameter checks, the Network they build, scikit-learn's training loop.

Training is MLP's loop: for each epoch, the order of ``random_state``'s stream (``_random``), batches of
``batch_size`` rows, each a step of the core's trainer on C·(MLP's batch objective), C a constant
(``_objective``), then MLP's stopping rule (``_stopping``) and the epoch's callback hooks (``_callbacks``).
"""

from __future__ import annotations

import copy
import numbers
import warnings
from typing import Any, cast

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ..display.diagram import network_html
from ..heads import Head, build_network
from ..initializers import Initializer, MLPUniform, get_initializer
from ..layers import Dense
from ..network import Network
from ..optimizers import SGD, Adagrad, Adam, RMSprop
from ._callbacks import HAS_CALLBACKS, CallbackSupportMixin
from ._objective import SklearnBatches, plan_epoch, sklearn_loss
from ._random import draw_with_generator, epoch_order, random_state_for
from ._stopping import Stopping

#: scikit-learn's activation names → lucidnet's (lucidnet's own names pass through unchanged).
SKLEARN_ACTIVATIONS = {"logistic": "sigmoid", "tanh": "tanh", "relu": "relu", "identity": "identity"}
#: lucidnet's output activation names → the names of MLP's ``out_activation_``: the renames above, reversed
SKLEARN_OUT_NAMES = {ours: theirs for theirs, ours in SKLEARN_ACTIVATIONS.items() if ours != theirs}

# warnings from _after_epochs point at the user's fit call: _after_epochs ← _fit_loop ← _fit ← fit (← the
# callback wrapper of scikit-learn >= 1.9) ← the caller
_USER_LEVEL = 6 if HAS_CALLBACKS else 5

#: the solvers (``_make_optimizer`` builds each one's optimizer from the estimator's parameters); no "lbfgs":
#: lucidnet trains by stochastic gradient steps only.
SOLVERS = ("sgd", "adam", "rmsprop", "adagrad")

class BaseNeuralNet(CallbackSupportMixin, BaseEstimator):
    """Parameters, Network construction and training shared by the classifier and the regressor."""

    _task: str  # "classification" or "regression"
    #: MLPRegressor reports its squared error averaged over the outputs (see ``_objective``); MLPClassifier sums
    _loss_averages_outputs: bool = False

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
        init: str = "mlp_uniform",
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
    def _init_rule(self, hidden_activations: list[Any]) -> Initializer:
        """The initializer; for "mlp_uniform", factor 2 where the hidden units are logistic, as MLP's."""
        rule = get_initializer(self.init)
        named = [self.activation] if self.activations is None else list(hidden_activations)
        if self.init == "mlp_uniform" and named and all(a in ("logistic", "sigmoid") for a in named):
            return MLPUniform(factor=2.0)
        return rule

    def _build_network(self, n_in: int, head: Head, rs: np.random.RandomState) -> Network:
        """The network of :func:`lucidnet.heads.build_network`, its initial W and b drawn layer by layer (W, then
        b) from a Generator on ``rs``'s state, as MLP draws them from ``rs``; ``rs`` then stands after those
        draws, and the network's generator goes on from them (for dropout masks only)."""
        sizes = self._hidden_sizes()
        raw = self.activations if self.activations is not None else self.activation
        raw = self._per_layer("activations", raw, len(sizes))
        acts = [SKLEARN_ACTIVATIONS.get(a, a) if isinstance(a, str) else a for a in raw]
        drops = self._per_layer("dropout", self.dropout, len(sizes))
        rule = self._init_rule(raw)
        return draw_with_generator(rs, lambda gen: build_network(n_in, sizes, head, acts, dropout=drops, init=rule,
                                                                 dtype=self.dtype, seed=gen))

    def _make_optimizer(self) -> Any:
        lr = self.learning_rate_init
        if self.solver == "sgd":
            return SGD(lr=lr, momentum=self.momentum, nesterov=bool(self.nesterovs_momentum and self.momentum > 0))
        if self.solver == "adam":
            return Adam(lr=lr, betas=(self.beta_1, self.beta_2), eps=self.epsilon)
        if self.solver == "rmsprop":
            return RMSprop(lr=lr, eps=self.epsilon)
        return Adagrad(lr=lr, eps=self.epsilon)

    def _scale_optimizer(self, scale: float) -> None:
        """The core's gradient is ``scale`` = C times MLP's: η of SGD becomes η/C and ε of the others ε·C, so
        both keep MLP's meaning (Adam's step is otherwise unchanged by a constant factor)."""
        opt = self._optimizer
        if self.solver == "sgd":
            if opt.lr != self.learning_rate_init / scale:
                opt.lr = self.learning_rate_init / scale
        else:
            opt.eps = self.epsilon * scale

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

    # ------------------------------------------------------------------ the objective
    def _objective_terms(self) -> dict[str, Any]:
        net = self.network_
        return {"summed": net.loss_fn.reduction == "sum", "k": net.loss_fn.sample_factor(net.n_out),
                "alpha": self.alpha, "m_averaged": net.n_out if self._loss_averages_outputs else 1}

    def _sklearn_loss(self, X: np.ndarray, Y: np.ndarray, w: np.ndarray | None) -> float:
        """MLP's loss of the current weights on (X, Y, w) as one batch: ``validation_loss_curve_``'s values."""
        return sklearn_loss(self.network_, X, Y, w, **self._objective_terms())

    # ------------------------------------------------------------------ training
    def _start_attributes(self) -> None:
        """MLP's fitted attributes at the first call (``warm_start`` and ``partial_fit`` go on from them)."""
        self.n_iter_ = 0
        self.t_ = 0
        self.n_layers_ = len(self._hidden_sizes()) + 2
        name = self.network_.output_layer.activation.name
        self.out_activation_ = SKLEARN_OUT_NAMES.get(name, name)
        self.loss_curve_: list[float] = []
        self._start_validation_attributes()

    def _start_validation_attributes(self) -> None:
        if self.early_stopping:
            self.validation_scores_: list[float] | None = []
            self.validation_loss_curve_: list[float] | None = []
            self.best_validation_score_: float | None = -np.inf
            self.best_loss_: float | None = None
        else:
            self.validation_scores_ = None
            self.validation_loss_curve_ = None
            self.best_validation_score_ = None
            self.best_loss_ = np.inf

    def _epoch(self, X: np.ndarray, Y: np.ndarray, w: np.ndarray | None, order: np.ndarray | None,
               batch: int) -> float | None:
        """One epoch of MLP's batches of ``batch`` rows in ``order`` (None: as given): MLP's loss of the
        epoch, or None when Ctrl-C stopped it part-way (the steps taken are kept, the epoch not recorded)."""
        if order is not None:
            X, Y = np.take(X, order, axis=0), np.take(Y, order, axis=0)
            w = None if w is None else w[order]
        terms = self._objective_terms()
        plan = plan_epoch(w, len(X), batch, summed=terms["summed"], k=terms["k"], alpha=self.alpha)
        self._scale_optimizer(plan.scale)
        batches = SklearnBatches(plan, self.alpha, terms["m_averaged"])
        history = self.network_.fit(X, Y, epochs=1, batch_size=batch, optimizer=self._optimizer, shuffle=False,
                                    callbacks=[batches], sample_weight=plan.factors)
        # between fits, network_.l2 is the penalty of a full batch without weights, C·α/n_b
        self.network_.l2 = plan.scale * self.alpha / batch
        return None if history.interrupted else batches.epoch_loss()

    def _snapshot(self) -> dict[str, Any]:
        """What a callback's ``fitted_estimator`` needs to predict with the weights of this moment."""
        return {"network_": copy.deepcopy(self.network_)}

    def _run_epochs(self, X: np.ndarray, Y: np.ndarray, w: np.ndarray | None, epochs: int,
                    rs: np.random.RandomState, ctx: Any, hooks: dict[str, Any]) -> bool:
        """Up to ``epochs`` epochs, each a callback subtask; True when Ctrl-C ended training."""
        n = X.shape[0]
        batch = self._batch_size_for(n)
        order = np.arange(n)
        try:
            for _ in range(epochs):
                epoch_ctx = ctx.subcontext(task_name="epoch")
                epoch_ctx.call_on_fit_task_begin(estimator=self, **hooks)
                if self.shuffle:  # drawn even for a full batch, as MLP does, so rs moves on as MLP's
                    order = epoch_order(order, rs)
                loss = self._epoch(X, Y, w, order if self.shuffle and batch < n else None, batch)
                if loss is None:
                    epoch_ctx.call_on_fit_task_end(estimator=self)
                    return True
                self.n_iter_ += 1
                self.t_ += n
                self.loss_ = loss
                self.loss_curve_.append(loss)
                stop = self._stopping.update(self, loss)
                asked = epoch_ctx.call_on_fit_task_end(estimator=self, reconstruction_attributes=self._snapshot,
                                                       **hooks)
                if stop or asked:
                    break
        except KeyboardInterrupt:
            return True
        return False

    def _fit_loop(self, X: np.ndarray, Y: np.ndarray, y: np.ndarray, w: np.ndarray | None, incremental: bool,
                  head: Head, sample_weight: Any) -> None:
        """Common body of fit (incremental=False) and partial_fit (incremental=True)."""
        first = not hasattr(self, "network_") or (not incremental and not self.warm_start)
        # the callbacks see the data of the call (before any hold-out) and its sample weights
        hooks = {"X": X, "y": y, "metadata": {} if sample_weight is None else {"sample_weight": sample_weight}}
        rs = random_state_for(self.random_state)  # a fresh one per call, as MLP's
        if first:
            self.network_ = self._build_network(X.shape[1], head, rs)
            self._start_attributes()
        if first or not incremental:  # fit, warm start included: a fresh optimizer and stopping rule
            self._optimizer = self._make_optimizer()
            validation = None
            if self.early_stopping:
                X, Y, y, w, validation = self._split_validation(X, Y, y, w, rs)
                if self.validation_scores_ is None:  # early stopping switched on for a warm start
                    self._start_validation_attributes()
                self.best_validation_score_ = -np.inf
            self._stopping = Stopping(validation)
        ctx = self._init_callback_context(task_name="partial_fit" if incremental else "fit",
                                          max_subtasks=1 if incremental else self.max_iter)
        ctx.call_on_fit_task_begin(estimator=self, **hooks)
        self.n_iter_ = 0
        stopping = self._stopping
        if not (incremental and self.early_stopping and stopping.stopped):  # a stopped stream does not train
            interrupted = self._run_epochs(X, Y, w, 1 if incremental else self.max_iter, rs, ctx, hooks)
            self._after_epochs(incremental, interrupted)
        ctx.call_on_fit_task_end(estimator=self, reconstruction_attributes={}, **hooks)

    def _after_epochs(self, incremental: bool, interrupted: bool) -> None:
        stopping = self._stopping
        if interrupted:
            warnings.warn("Training interrupted by the user (Ctrl-C); the weights so far are kept.",
                          UserWarning, stacklevel=_USER_LEVEL)
        if self.early_stopping and stopping.best_weights is not None and (stopping.stopped or not incremental):
            self.network_.set_weights(stopping.best_weights)  # MLP restores the best epoch's weights after fit
        if incremental:
            if not self.early_stopping:
                stopping.stopped = False  # without a validation set, partial_fit never stops for good
            return
        if self.n_iter_ == self.max_iter and not stopping.stopped and not interrupted:
            warnings.warn(
                f"{type(self).__name__}: max_iter={self.max_iter} epochs reached and the optimization "
                "has not converged yet; raise max_iter or learning_rate_init.",
                ConvergenceWarning,
                stacklevel=_USER_LEVEL,
            )
        # partial_fit after fit goes on training, with the same validation set and best score
        stopping.stopped, stopping.no_improvement = False, 0

    def _split_validation(self, X: np.ndarray, Y: np.ndarray, y: np.ndarray, w: np.ndarray | None,
                          rs: np.random.RandomState) -> tuple:
        """MLP's hold-out: ``train_test_split`` with ``rs``, stratified only with one output column (binary
        classification), as MLP does."""
        stratify = Y if self._task == "classification" and Y.shape[1] == 1 else None
        arrays = [X, Y, y] + ([] if w is None else [w])
        try:
            parts = train_test_split(*arrays, test_size=self.validation_fraction, random_state=rs,
                                     stratify=stratify)
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
        return bool(self.early_stopping and self._stopping.stopped)

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
    def intercepts_(self) -> list[np.ndarray]:
        """b of each Dense layer, (n_out,), live views of ``network_``'s biases."""
        check_is_fitted(self, "network_")
        return [cast(np.ndarray, layer.b) for layer in self.network_.layers if isinstance(layer, Dense)]

    def _forward(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "network_")
        X = validate_data(self, X, reset=False, dtype=np.dtype(self.dtype))
        return self.network_.predict(X)
