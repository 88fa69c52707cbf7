"""What ``fit`` reports and how it is steered: ``History``, ``Callback``, ``EarlyStopping``.

Training never prints. It records a ``History`` and calls each callback at fixed points with one
``TrainState`` object; a callback reads ``state.logs`` (this epoch's values), may change
``state.optimizer.lr``, and stops training by setting ``state.stop = True``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .display.history import history_figure, history_html
from .errors import check_int, check_positive

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


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    ``monitor`` defaults to ``val_loss`` when there is validation data, else ``loss``. With
    ``restore_best=True`` the network ends with the weights of the best epoch (also after Ctrl-C).
    """

    def __init__(self, patience: int = 10, min_delta: float = 0.0, monitor: str | None = None,
                 restore_best: bool = True) -> None:
        self.patience = check_int("patience", patience, minimum=0)
        self.min_delta = check_positive("min_delta", min_delta, allow_zero=True)
        self.monitor = monitor
        self.restore_best = bool(restore_best)
        self._reset()

    def _reset(self) -> None:
        self.best = math.inf
        self.best_epoch: int | None = None
        self.best_weights: list[np.ndarray] | None = None
        self.wait = 0
        self._carry_on = False

    def state_dict(self) -> dict[str, Any]:
        """Where the watch stands: best value (None before the first epoch), its epoch (counted from the start
        of the ``fit`` that saw it), epochs waited since, and the best weights (copies, or None)."""
        return {
            "best": None if math.isinf(self.best) else self.best,
            "best_epoch": self.best_epoch,
            "wait": self.wait,
            "best_weights": None if self.best_weights is None else [w.copy() for w in self.best_weights],
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Go on from a ``state_dict()``: the next ``fit`` keeps this state instead of starting afresh, so the
        patience already used and the best weights carry over (a resumed run). A ``best_epoch`` from an earlier
        ``fit`` is then negative: that many epochs before the new one's first."""
        self._reset()
        best = state.get("best")
        self.best = math.inf if best is None else float(best)
        self.best_epoch = None if state.get("best_epoch") is None else int(state["best_epoch"])
        self.wait = check_int("wait", state.get("wait", 0), minimum=0)
        weights = state.get("best_weights")
        self.best_weights = None if weights is None else [np.array(w) for w in weights]
        self._carry_on = True

    def on_train_begin(self, state: TrainState) -> None:
        if self._carry_on:  # load_state_dict() before this fit: go on from there, once
            self._carry_on = False
        else:
            self._reset()

    def on_epoch_end(self, state: TrainState) -> None:
        key = self.monitor or ("val_loss" if "val_loss" in state.logs else "loss")
        if key not in state.logs:
            raise ValueError(
                f"EarlyStopping monitors {key!r}, which fit does not record; it records {sorted(state.logs)}"
            )
        value = state.logs[key]
        if value < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = value, state.epoch, 0
            if self.restore_best:
                self.best_weights = state.network.get_weights()
        else:
            self.wait += 1
            if self.wait > self.patience:
                state.stop = True
                state.history.stopped_early = True

    def on_train_end(self, state: TrainState) -> None:
        state.history.best_epoch = self.best_epoch
        if self.restore_best and self.best_weights is not None:
            state.network.set_weights(self.best_weights)

    def __repr__(self) -> str:
        return f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta}, monitor={self.monitor!r})"
