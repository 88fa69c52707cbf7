"""``LiveLossPlot``: a training callback that redraws the loss chart in one notebook output area while ``fit`` runs.

It shows the same chart as ``History``'s display (:mod:`lucidnet.display.history`) and updates it in place
through IPython's ``display(..., display_id=True)``, at most ``max_rate`` times a second and once more at the
end, so a fast loop is not slowed by the browser. Outside a Jupyter kernel it draws nothing. IPython comes with
Jupyter (``pip install 'lucidnet[notebook]'``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..callbacks import Callback, TrainState
from .history import history_html


class LiveLossPlot(Callback):
    """Redraw E per epoch (and the validation loss, the metrics) in place in a notebook while training.

    Parameters
    ----------
    max_rate : float > 0
        Redraws per second at most (the last epoch is always drawn).
    width : int
        Width of the chart in pixels.

    Examples
    --------
    >>> import lucidnet as ln
    >>> ln.LiveLossPlot()
    LiveLossPlot(max_rate=4)
    """

    def __init__(self, max_rate: float = 4.0, width: int = 560, clock: Callable[[], float] = time.monotonic) -> None:
        if isinstance(max_rate, bool) or not isinstance(max_rate, (int, float)) or not max_rate > 0:
            raise ValueError(f"max_rate must be a number > 0 (redraws per second), got {max_rate!r}")
        self.max_rate = float(max_rate)
        self.width = int(width)
        self.clock = clock
        self.handle: Any = None
        self.draws = 0
        self._last = -float("inf")

    def __repr__(self) -> str:
        return f"LiveLossPlot(max_rate={self.max_rate:g})"

    def _html(self, state: TrainState) -> Any:
        return history_html(state.history, width=self.width)

    def on_train_begin(self, state: TrainState) -> None:
        self.handle, self.draws, self._last = None, 0, -float("inf")
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:
            return
        shell = get_ipython()
        if shell is None or not hasattr(shell, "kernel"):  # a terminal: nothing to draw into
            return
        self.handle = display(self._html(state), display_id=True)

    def _draw(self, state: TrainState, force: bool = False) -> None:
        if self.handle is None:
            return
        now = self.clock()
        if not force and now - self._last < 1.0 / self.max_rate:
            return
        self._last = now
        self.handle.update(self._html(state))
        self.draws += 1

    def on_epoch_end(self, state: TrainState) -> None:
        self._draw(state, force=state.epoch + 1 == state.epochs)

    def on_train_end(self, state: TrainState) -> None:
        self._draw(state, force=True)
