"""Learning-rate schedules: callbacks that change η between epochs (as ``torch.optim.lr_scheduler``).

>>> from lucidnet import Network, Dense, SGD
>>> import numpy as np
>>> net = Network([Dense(1, 1, activation="identity")], seed=0)
>>> opt = SGD(lr=0.1)
>>> h = net.fit(np.ones((4, 1)), np.ones(4), epochs=4, optimizer=opt, callbacks=[StepLR(step_size=2, gamma=0.5)])
>>> h["lr"]
[0.1, 0.1, 0.05, 0.05]
"""

from __future__ import annotations

import math

from .callbacks import Callback, TrainState
from .checks import check_int, check_positive


class StepLR(Callback):
    """η ← η·γ every ``step_size`` epochs."""

    def __init__(self, step_size: int, gamma: float = 0.1) -> None:
        self.step_size = check_int("step_size", step_size)
        self.gamma = check_positive("gamma", gamma)

    def on_epoch_end(self, state: TrainState) -> None:
        if (state.epoch + 1) % self.step_size == 0:
            state.optimizer.lr *= self.gamma

    def __repr__(self) -> str:
        return f"StepLR(step_size={self.step_size}, gamma={self.gamma})"


class ExponentialLR(Callback):
    """η ← η·γ after every epoch."""

    def __init__(self, gamma: float) -> None:
        self.gamma = check_positive("gamma", gamma)

    def on_epoch_end(self, state: TrainState) -> None:
        state.optimizer.lr *= self.gamma

    def __repr__(self) -> str:
        return f"ExponentialLR(gamma={self.gamma})"


class ReduceLROnPlateau(Callback):
    """η ← max(η·factor, min_lr) when ``monitor`` has not improved (relative ``threshold``) for ``patience`` epochs.

    ``monitor`` defaults to ``val_loss`` when there is validation data, else ``loss``.
    """

    def __init__(self, factor: float = 0.1, patience: int = 10, min_lr: float = 0.0, threshold: float = 1e-4,
                 monitor: str | None = None) -> None:
        self.factor = check_positive("factor", factor)
        if self.factor >= 1:
            raise ValueError(f"factor must be < 1, got {factor}")
        self.patience = check_int("patience", patience, minimum=0)
        self.min_lr = check_positive("min_lr", min_lr, allow_zero=True)
        self.threshold = check_positive("threshold", threshold, allow_zero=True)
        self.monitor = monitor
        self.best = math.inf
        self.wait = 0

    def on_train_begin(self, state: TrainState) -> None:
        self.best, self.wait = math.inf, 0

    def on_epoch_end(self, state: TrainState) -> None:
        key = self.monitor or ("val_loss" if "val_loss" in state.logs else "loss")
        value = state.logs[key]
        if value < self.best * (1 - self.threshold):
            self.best, self.wait = value, 0
        else:
            self.wait += 1
            if self.wait > self.patience:
                new = max(state.optimizer.lr * self.factor, self.min_lr)
                if new > 0:
                    state.optimizer.lr = new
                self.wait = 0

    def __repr__(self) -> str:
        return f"ReduceLROnPlateau(factor={self.factor}, patience={self.patience}, min_lr={self.min_lr})"
