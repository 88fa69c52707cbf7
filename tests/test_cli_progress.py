"""Progress display: a bar redrawn in place on a terminal (at most 10 times a second), lines elsewhere."""

from __future__ import annotations

import io
from types import SimpleNamespace

from lucidnet.progress import ProgressBar, ProgressLines, format_duration, progress_for


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


class Tty(io.StringIO):
    encoding = "utf-8"

    def isatty(self) -> bool:
        return True


def state(epoch: int, **logs: float) -> SimpleNamespace:
    return SimpleNamespace(epoch=epoch, logs=logs)


def test_format_duration():
    assert [format_duration(s) for s in (0.4, 12.3, 754, 4000)] == ["0s", "12s", "12:34", "1:06:40"]
    assert format_duration(float("nan")) == "?"


def test_lines_every_n_epochs_with_eta():
    out, clock = io.StringIO(), Clock()
    p = ProgressLines(out, epochs=100, every=25, clock=clock)
    p.on_train_begin(None)
    for e in range(100):
        clock.t += 0.5
        p.on_epoch_end(state(e, loss=1.0 / (e + 1), val_loss=2.0 / (e + 1)))
    lines = out.getvalue().splitlines()
    assert [line.split()[1] for line in lines] == ["1/100", "25/100", "50/100", "75/100", "100/100"]
    assert lines[1] == "epoch  25/100  loss 0.04  val_loss 0.08  ETA 38s"  # 75 epochs left at 0.5 s each
    assert "\r" not in out.getvalue() and "\x1b" not in out.getvalue()


def test_bar_redraws_in_place_at_most_ten_times_a_second():
    out, clock = Tty(), Clock()
    p = ProgressBar(out, epochs=1000, width=10, clock=clock)
    p.on_train_begin(None)
    for e in range(1000):
        clock.t += 0.001  # 1 ms per epoch: 1 s in all
        p.on_epoch_end(state(e, loss=0.5))
    p.on_train_end(None)
    text = out.getvalue()
    draws = text.count("\r")
    assert 9 <= draws <= 12  # ~10 per second, plus the final one
    last = text.rsplit("\r", 1)[1]
    assert last.startswith("epoch 1000/1000 [██████████]  loss 0.5  ETA 0s") and text.endswith("\n")


def test_bar_ascii_on_other_encodings_and_choice_by_tty():
    class Latin(Tty):
        encoding = "latin-1"

    out = Latin()
    p = ProgressBar(out, epochs=2, width=4, clock=Clock())
    p.on_epoch_end(state(0, loss=1.0))
    assert "[##--]" in out.getvalue()
    assert isinstance(progress_for(Tty(), 5), ProgressBar)
    assert isinstance(progress_for(io.StringIO(), 5), ProgressLines)
