"""Training progress for the command line: a live bar on a terminal, one line per N epochs elsewhere.

Both are :class:`~lucidnet.callbacks.Callback` objects writing to a stream given to them (the library never
prints on its own).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any, TextIO

from .callbacks import Callback

__all__ = ["ProgressBar", "ProgressLines", "format_duration", "progress_for"]


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


def _losses(logs: dict[str, float]) -> str:
    parts = []
    for key in ("loss", "val_loss", "accuracy", "val_accuracy"):
        if key in logs:
            parts.append(f"{key} {logs[key]:.4g}")
    return "  ".join(parts)


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


class ProgressBar(_Progress):
    """``epoch  37/200 [█████·····]  loss 0.1234  val_loss 0.2345  ETA 3s``, redrawn in place.

    Redraws at most ``max_rate`` times a second (after a batch or an epoch), so a fast loop is not slowed
    by the terminal.
    """

    def __init__(
        self,
        stream: TextIO,
        epochs: int,
        first_epoch: int = 0,
        width: int = 24,
        max_rate: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(stream, epochs, first_epoch, clock)
        self.width = width
        self.min_gap = 1.0 / max_rate
        self.last_draw = -math.inf
        self.logs: dict[str, float] = {}
        self.shown = False
        encoding = (getattr(stream, "encoding", None) or "ascii").lower().replace("-", "")
        self.chars = ("█", "·") if encoding in ("utf8", "utf16", "utf32") else ("#", "-")

    def __repr__(self) -> str:
        return f"ProgressBar(epochs={self.total})"

    def _draw(self, done: int, force: bool = False) -> None:
        now = self.clock()
        if not force and now - self.last_draw < self.min_gap:
            return
        self.last_draw = now
        frac = done / self.total if self.total else 1.0
        filled = round(frac * self.width)
        full, empty = self.chars
        bar = full * filled + empty * (self.width - filled)
        n = len(str(self.total))
        line = f"epoch {done:>{n}}/{self.total} [{bar}]  {_losses(self.logs)}  ETA {format_duration(self._eta(done))}"
        self.stream.write("\r" + line + "\x1b[K")
        self.stream.flush()
        self.shown = True

    def on_batch_end(self, state: Any) -> None:
        self._draw(self.first + state.epoch)

    def on_epoch_end(self, state: Any) -> None:
        self.logs = dict(state.logs)
        done = self._done(state)
        self._draw(done, force=done == self.total)

    def on_train_end(self, state: Any) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


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
    """A :class:`ProgressBar` when ``stream`` is a terminal, else :class:`ProgressLines`."""
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return ProgressBar(stream, epochs, first_epoch)
    return ProgressLines(stream, epochs, first_epoch)
