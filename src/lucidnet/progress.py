"""Training progress: a tqdm bar in a terminal or a notebook, one line per N epochs for logs and pipes, and a
loss chart redrawn in place in a notebook.

All are :class:`~lucidnet.callbacks.Callback` objects writing to a stream or an output area given to them (the
library never prints on its own). :class:`LiveLossPlot` shows the chart of ``History``'s display
(:mod:`lucidnet.display.history`) and updates it through IPython's ``display(..., display_id=True)``, at most
``max_rate`` times a second and once more at the end; outside a Jupyter kernel it draws nothing.
:class:`ProgressBar` needs tqdm (``pip install 'lucidnet[progress]'``); the command line
uses it on a terminal when tqdm is there and :class:`ProgressLines` otherwise (:func:`progress_for`).
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from typing import Any, TextIO

from .callbacks import Callback, TrainState
from .display.history import history_html

__all__ = ["LiveLossPlot", "ProgressBar", "ProgressLines", "format_duration", "has_tqdm", "progress_for"]


def format_duration(seconds: float) -> str:
    """12.3 → '12s', 754 → '12:34', 4000 → '1:06:40'."""
    if not math.isfinite(seconds) or seconds < 0:
        return "?"
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _shown(logs: dict[str, float]) -> dict[str, float]:
    """The values a progress display shows, in this order."""
    return {key: logs[key] for key in ("loss", "val_loss", "accuracy", "val_accuracy") if key in logs}


def _losses(logs: dict[str, float]) -> str:
    return "  ".join(f"{key} {value:.4g}" for key, value in _shown(logs).items())


class _Progress(Callback):
    def __init__(
        self, stream: TextIO, epochs: int, first_epoch: int = 0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.stream = stream
        self.total = epochs  # epochs of the whole run (a resumed run counts the ones before it)
        self.first = first_epoch
        self.clock = clock
        self.start = clock()

    def on_train_begin(self, state: Any) -> None:
        self.start = self.clock()

    def _done(self, state: Any) -> int:
        return self.first + state.epoch + 1

    def _eta(self, done: int) -> float:
        ran = done - self.first
        if ran <= 0:
            return math.nan
        return (self.clock() - self.start) / ran * (self.total - done)


def _tqdm() -> Any:
    """tqdm.auto's bar class (the notebook widget in Jupyter, the text bar elsewhere), or one clear ImportError."""
    try:
        with warnings.catch_warnings():  # a notebook without ipywidgets: tqdm.auto warns, then uses the text bar
            warnings.simplefilter("ignore")
            from tqdm.auto import tqdm
    except ImportError:
        raise ImportError("the progress bar needs tqdm: pip install 'lucidnet[progress]'") from None
    return tqdm


def has_tqdm() -> bool:
    """Whether :class:`ProgressBar` can draw (tqdm is installed)."""
    try:
        _tqdm()
    except ImportError:
        return False
    return True


#: the bar's layout: ``37%|███▋      | 37/100 [00:03, ETA 00:05, loss=0.1234, val_loss=0.2345]``
BAR_FORMAT = "{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}, ETA {remaining}{postfix}]"


class ProgressBar(Callback):
    """A progress bar over the epochs, with the loss, the validation loss and the time left (ETA).

    Drawn by tqdm (``pip install 'lucidnet[progress]'``) through ``tqdm.auto``: a widget in a Jupyter notebook
    (with ipywidgets, else tqdm's text bar there too), a bar redrawn in place in a terminal. ``fit(...,
    progress=True)`` adds one; without tqdm both fail at once with one clear ImportError.

    Parameters
    ----------
    epochs : int or None
        Epochs of the whole run; None: the ``epochs`` of the ``fit`` it joins (plus ``first_epoch``).
    first_epoch : int
        Epochs already run before this ``fit`` (a resumed run starts its bar there).
    file : text stream or None
        Where a text bar goes (tqdm's default, stderr, when None).
    **options
        Passed on to ``tqdm`` (``leave``, ``ncols``, ``mininterval``, …).

    Examples
    --------
    >>> import io, lucidnet as ln
    >>> net = ln.Network([ln.Dense(2, 1)], seed=0)
    >>> out = io.StringIO()
    >>> _ = net.fit([[0, 1], [1, 0]], [0, 1], epochs=3, callbacks=[ln.ProgressBar(file=out, ascii=True)])
    >>> "3/3" in out.getvalue()
    True
    """

    def __init__(self, epochs: int | None = None, first_epoch: int = 0, file: TextIO | None = None,
                 **options: Any) -> None:
        self._tqdm = _tqdm()
        self.epochs = epochs
        self.first = first_epoch
        self.file = file
        self.options = {"unit": "epoch", "dynamic_ncols": True, "bar_format": BAR_FORMAT, **options}
        self.bar: Any = None

    def __repr__(self) -> str:
        return f"ProgressBar(epochs={self.epochs})"

    def on_train_begin(self, state: Any) -> None:
        total = self.epochs if self.epochs is not None else self.first + state.epochs
        self.bar = self._tqdm(total=total, initial=self.first, file=self.file, **self.options)

    def on_epoch_end(self, state: Any) -> None:
        if self.bar is None:
            return
        self.bar.set_postfix({k: f"{v:.4g}" for k, v in _shown(state.logs).items()}, refresh=False)
        self.bar.update(1)

    def on_train_end(self, state: Any) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class ProgressLines(_Progress):
    """One line every ``every`` epochs (and at the last), for logs and pipes: no control characters."""

    def __init__(
        self,
        stream: TextIO,
        epochs: int,
        first_epoch: int = 0,
        every: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(stream, epochs, first_epoch, clock)
        self.every = every if every is not None else max(1, epochs // 10)

    def __repr__(self) -> str:
        return f"ProgressLines(epochs={self.total}, every={self.every})"

    def on_epoch_end(self, state: Any) -> None:
        done = self._done(state)
        if done % self.every == 0 or done == self.total or done == 1:
            n = len(str(self.total))
            eta = format_duration(self._eta(done))
            self.stream.write(f"epoch {done:>{n}}/{self.total}  {_losses(state.logs)}  ETA {eta}\n")
            self.stream.flush()


def progress_for(stream: TextIO, epochs: int, first_epoch: int = 0) -> Callback:
    """A :class:`ProgressBar` on ``stream`` when it is a terminal and tqdm is installed, else
    :class:`ProgressLines` (logs, pipes, and terminals without tqdm)."""
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty() and has_tqdm():
        return ProgressBar(epochs, first_epoch, file=stream)
    return ProgressLines(stream, epochs, first_epoch)


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
