"""Progress display: tqdm's bar (``ln.ProgressBar``, ``fit(progress=True)``, the CLI on a terminal), plain lines
elsewhere, and one clear error without tqdm."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import ROOT, require

import lucidnet as ln
from lucidnet.progress import ProgressBar, ProgressLines, format_duration, progress_for

require("tqdm", "pip install 'lucidnet[progress]'")

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = np.array([0.0, 1.0, 1.0, 0.0])


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


def small_net() -> ln.Network:
    return ln.Network([ln.Dense(2, 3, "tanh"), ln.Dense(3, 1)], loss="half_sse", seed=0)


@pytest.fixture
def no_tqdm(monkeypatch):
    """tqdm as if it were not installed (an import of it raises ImportError)."""
    for name in [m for m in sys.modules if m == "tqdm" or m.startswith("tqdm.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)


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


def test_bar_with_no_arguments_learns_the_epochs_from_fit():
    out = io.StringIO()
    bar = ln.ProgressBar(file=out, ascii=True, mininterval=0)
    assert repr(bar) == "ProgressBar(epochs=None)"
    small_net().fit(X, Y, epochs=7, validation_data=(X, Y), callbacks=[bar])
    last = out.getvalue().rstrip("\n").rsplit("\r", 1)[-1]
    assert last.startswith("100%|##########| 7/7 [")
    assert "ETA 00:00" in last and "loss=" in last and "val_loss=" in last
    assert out.getvalue().endswith("\n") and bar.bar is None  # closed at the end of training


def test_bar_shows_the_epoch_values_and_a_resumed_run_starts_where_it_was():
    out = io.StringIO()
    bar = ProgressBar(epochs=10, first_epoch=6, file=out, ascii=True, mininterval=0)
    bar.on_train_begin(SimpleNamespace(epochs=4))
    bar.on_epoch_end(state(0, loss=0.123456, val_loss=0.5, lr=0.1))
    text = out.getvalue()
    assert "6/10" in text and "7/10" in text and "loss=0.1235, val_loss=0.5]" in text and "lr" not in text
    bar.on_train_end(None)


def test_fit_progress_true_draws_on_stderr(capsys):
    small_net().fit(X, Y, epochs=5, progress=True)
    err = capsys.readouterr().err
    assert "5/5" in err and "loss=" in err and "ETA" in err
    with pytest.raises(TypeError, match="progress must be True or False, got 'yes'"):
        small_net().fit(X, Y, epochs=1, progress="yes")


def test_exported_names():
    assert {"ProgressBar", "LiveLossPlot"} <= set(ln.__all__)
    assert ln.ProgressBar is ProgressBar


def test_without_tqdm_one_clear_error_and_the_cli_falls_back_to_lines(no_tqdm):
    hint = r"the progress bar needs tqdm: pip install 'lucidnet\[progress\]'"
    with pytest.raises(ImportError, match=hint):
        ProgressBar()
    net = small_net()
    before = net.get_weights()
    with pytest.raises(ImportError, match=hint):
        net.fit(X, Y, epochs=3, progress=True)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.get_weights()))  # nothing ran
    assert isinstance(progress_for(Tty(), 5), ProgressLines)


def test_progress_for_chooses_by_terminal():
    assert isinstance(progress_for(Tty(), 5), ProgressBar)
    assert isinstance(progress_for(io.StringIO(), 5), ProgressLines)


def test_cli_train_on_a_terminal_draws_tqdm_bar(tmp_path):
    """``lucidnet train`` with stderr on a pseudo-terminal: tqdm's bar, redrawn in place, ends at 20/20."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # a 120-column terminal
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    args = [sys.executable, "-m", "lucidnet", "train", "--dataset", "moons", "--epochs", "20", "--out", "m.safetensors"]
    p = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=terminal)
    os.close(terminal)
    chunks, deadline = [], time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.5)
        if ready:
            try:
                data = os.read(controller, 4096)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif p.poll() is not None:
            break
    os.close(controller)
    assert p.wait(timeout=60) == 0
    err = b"".join(chunks).decode("utf-8", "replace")
    assert "20/20" in err and "\r" in err and "ETA" in err and "val_loss=" in err, err
    assert "epoch  20/20" not in err  # not the plain lines
