"""What ``fit`` reports and how it is steered: ``History``, ``Callback``, ``BestWeights``, ``EarlyStopping``.

Training never prints. It records a ``History`` and calls each callback at fixed points with one
``TrainState`` object; a callback reads ``state.logs`` (this epoch's values), may add a value of its own to
them for the callbacks after it (a score on other data, say, which ``BestWeights(monitor=...)`` can watch; the
``History`` has recorded the epoch before the callbacks run), may change ``state.optimizer.lr``, and stops
training by setting ``state.stop = True``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .checks import check_int, check_positive
from .display.history import history_figure, history_html

if TYPE_CHECKING:
    from .network import Network
    from .optimizers import Optimizer


class History:
    """Per-epoch records of one ``fit``.

    ``history`` maps each key to a list with one value per epoch: ``loss`` (the sample-weighted mean of the
    mini-batch losses met during the epoch, each taken before its update, as Keras does; for the summed
    losses ``sse`` and ``half_sse``, their sum), ``val_loss`` when there is validation data, each requested
    metric and its ``val_`` twin, and ``lr``.
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.best_epoch: int | None = None
        self.stopped_early = False
        self.interrupted = False

    def append(self, logs: dict[str, float]) -> None:
        for key, value in logs.items():
            self.history.setdefault(key, []).append(float(value))

    @property
    def epochs(self) -> int:
        """Number of epochs completed."""
        return len(self.history.get("loss", []))

    @property
    def loss(self) -> list[float]:
        return self.history.get("loss", [])

    @property
    def val_loss(self) -> list[float]:
        return self.history.get("val_loss", [])

    def __getitem__(self, key: str) -> list[float]:
        return self.history[key]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able copy."""
        return {
            "history": {k: list(v) for k, v in self.history.items()},
            "epochs": self.epochs,
            "best_epoch": self.best_epoch,
            "stopped_early": self.stopped_early,
            "interrupted": self.interrupted,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> History:
        h = cls()
        h.history = {k: [float(x) for x in v] for k, v in data.get("history", {}).items()}
        h.best_epoch = data.get("best_epoch")
        h.stopped_early = bool(data.get("stopped_early", False))
        h.interrupted = bool(data.get("interrupted", False))
        return h

    def plot(self) -> Any:
        """A matplotlib ``Figure`` of the loss per epoch (and the metrics); needs ``pip install 'lucidnet[plot]'``."""
        return history_figure(self)

    def _repr_html_(self) -> str:
        return str(history_html(self))

    def __repr__(self) -> str:
        last = {k: v[-1] for k, v in self.history.items() if v}
        shown = ", ".join(f"{k}={v:.6g}" for k, v in last.items())
        return f"History(epochs={self.epochs}{', ' + shown if shown else ''})"


@dataclass
class TrainState:
    """What callbacks see: the network, the optimizer, where training is, and the latest values."""

    network: Network
    optimizer: Optimizer
    epochs: int
    history: History
    epoch: int = 0  # 0-based index of the epoch just finished (or running)
    step: int = 0  # optimizer steps taken in this fit
    batch_loss: float = math.nan
    logs: dict[str, float] = field(default_factory=dict)
    stop: bool = False


class Callback:
    """Base class; override any of the hooks. Each receives the ``TrainState``."""

    def on_train_begin(self, state: TrainState) -> None:
        pass

    def on_epoch_end(self, state: TrainState) -> None:
        pass

    def on_batch_end(self, state: TrainState) -> None:
        pass

    def on_train_end(self, state: TrainState) -> None:
        pass


class LambdaCallback(Callback):
    """A callback from plain functions: ``LambdaCallback(on_epoch_end=lambda s: ...)``."""

    def __init__(self, **hooks: Callable[[TrainState], None]) -> None:
        valid = {"on_train_begin", "on_epoch_end", "on_batch_end", "on_train_end"}
        unknown = set(hooks) - valid
        if unknown:
            raise ValueError(f"unknown hooks {sorted(unknown)}; valid hooks are: {', '.join(sorted(valid))}")
        for name, fn in hooks.items():
            setattr(self, name, fn)


class BestWeights(Callback):
    """Keep a copy of the weights of the epoch where ``monitor`` was best, and put them back when training ends.

    The one "keep the best weights" of lucidnet: the CLI, the playground and the scikit-learn estimators use
    it, and :class:`EarlyStopping` is built on it.

    Parameters
    ----------
    monitor : str or None
        A key of the epoch's logs; None: ``val_loss`` when there is validation data, else ``loss``.
    mode : "min" or "max"
        Whether lower (a loss) or higher (a score) is better.
    min_delta : float >= 0
        An epoch is better only when it beats the best by more than this.
    restore : bool
        Put the best weights back at the end of training (also after Ctrl-C and on divergence).
    across_fits : bool
        Keep watching over successive ``fit`` calls (a loop that trains one epoch per call, as the playground
        does) instead of starting afresh with each; ``best_epoch`` then counts within the fit that saw it.

    Attributes
    ----------
    best : float
        The best value seen (inf, or −inf for "max", before the first epoch).
    best_epoch : int or None
        Its epoch, counted from the start of the ``fit`` that saw it (negative after ``load_state_dict``: that
        many epochs before the new fit's first).
    best_weights : list of ndarray or None
        Copies of ``network.parameters()`` at that epoch.
    """

    _name = "BestWeights"

    def __init__(self, monitor: str | None = None, mode: str = "min", min_delta: float = 0.0,
                 restore: bool = True, across_fits: bool = False) -> None:
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        self.monitor = monitor
        self.mode = mode
        self.min_delta = check_positive("min_delta", min_delta, allow_zero=True)
        self.restore = bool(restore)
        self.across_fits = bool(across_fits)
        self.keeps_weights = True
        self._reset()

    def _reset(self) -> None:
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch: int | None = None
        self.best_weights: list[np.ndarray] | None = None
        self._carry_on = False

    def key(self, logs: dict[str, float]) -> str:
        """The log key watched: ``monitor``, or ``val_loss`` / ``loss``."""
        key = self.monitor or ("val_loss" if "val_loss" in logs else "loss")
        if key not in logs:
            raise ValueError(f"{self._name} monitors {key!r}, which fit does not record; it records {sorted(logs)}")
        return key

    def improved(self, state: TrainState) -> bool:
        """Whether this epoch beats the best by more than ``min_delta``; if so it becomes the best, and its
        weights are copied."""
        return self.offer(state.logs[self.key(state.logs)], state.epoch, state.network)

    def offer(self, value: float, epoch: int, network: Any) -> bool:
        """Whether ``value`` (of epoch ``epoch``) beats the best by more than ``min_delta``; if so it becomes the
        best, and ``network``'s weights are copied. For a loop of one's own that is not ``fit``'s."""
        better = value < self.best - self.min_delta if self.mode == "min" else value > self.best + self.min_delta
        if better:
            self.best, self.best_epoch = float(value), epoch
            if self.keeps_weights:
                self.best_weights = network.get_weights()
        return better

    def on_train_begin(self, state: TrainState) -> None:
        if self._carry_on:  # load_state_dict() before this fit: go on from there, once
            self._carry_on = False
        elif not self.across_fits:
            self._reset()

    def on_epoch_end(self, state: TrainState) -> None:
        self.improved(state)

    def on_train_end(self, state: TrainState) -> None:
        state.history.best_epoch = self.best_epoch
        if self.restore and self.best_weights is not None:
            state.network.set_weights(self.best_weights)

    def state_dict(self) -> dict[str, Any]:
        """Where the watch stands: best value (None before the first epoch), its epoch, the best weights (copies,
        or None); a checkpoint stores it."""
        return {
            "best": None if math.isinf(self.best) else self.best,
            "best_epoch": self.best_epoch,
            "best_weights": None if self.best_weights is None else [w.copy() for w in self.best_weights],
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Go on from a ``state_dict()``: the next ``fit`` keeps this state instead of starting afresh (a resumed
        run keeps its best weights)."""
        self._reset()
        best = state.get("best")
        if best is not None:
            self.best = float(best)
        self.best_epoch = None if state.get("best_epoch") is None else int(state["best_epoch"])
        weights = state.get("best_weights")
        self.best_weights = None if weights is None else [np.array(w) for w in weights]
        self._carry_on = True

    def __repr__(self) -> str:
        return f"BestWeights(monitor={self.monitor!r}, mode={self.mode!r}, restore={self.restore})"


class EarlyStopping(BestWeights):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    ``monitor`` defaults to ``val_loss`` when there is validation data, else ``loss``. With
    ``restore_best=True`` the network ends with the weights of the best epoch (also after Ctrl-C), which
    :class:`BestWeights` keeps.
    """

    _name = "EarlyStopping"

    def __init__(self, patience: int = 10, min_delta: float = 0.0, monitor: str | None = None,
                 restore_best: bool = True, mode: str = "min") -> None:
        self.patience = check_int("patience", patience, minimum=0)
        super().__init__(monitor=monitor, mode=mode, min_delta=min_delta, restore=restore_best)
        self.keeps_weights = self.restore  # without restoring, copying the weights would be wasted

    @property
    def restore_best(self) -> bool:
        return self.restore

    def _reset(self) -> None:
        super()._reset()
        self.wait = 0

    def on_epoch_end(self, state: TrainState) -> None:
        if self.improved(state):
            self.wait = 0
        else:
            self.wait += 1
            if self.wait > self.patience:
                state.stop = True
                state.history.stopped_early = True

    def state_dict(self) -> dict[str, Any]:
        """:meth:`BestWeights.state_dict` and the epochs waited since the best."""
        return {**super().state_dict(), "wait": self.wait}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Go on from a ``state_dict()``: the patience already used and the best weights carry over."""
        super().load_state_dict(state)
        self.wait = check_int("wait", state.get("wait", 0), minimum=0)

    def __repr__(self) -> str:
        return f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta}, monitor={self.monitor!r})"
