"""A ``History`` drawn: the loss per epoch (and the validation loss), the metrics, and the learning rate when
a schedule changed it; as SVG for Jupyter (:func:`history_html`) or as a matplotlib Figure (:func:`history_figure`,
for ``History.plot()``). Both take a ``History`` or its ``to_dict()`` (as a model file keeps it).

>>> from lucidnet import History
>>> h = History()
>>> for e in range(3):
...     h.append({"loss": 1.0 / (e + 1), "lr": 0.1})
>>> "<polyline" in history_html(h)
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .style import block, esc, fmt
from .svg import line_chart, spans_decade

_LOSSES = ("loss", "val_loss")


def _record(history: Any) -> dict[str, Any]:
    """``to_dict()`` of a History, or the mapping itself (a model file's record); {} for None."""
    if history is None:
        return {}
    data = history.to_dict() if hasattr(history, "to_dict") else history
    if not isinstance(data, Mapping):
        raise TypeError(f"expected a History or History.to_dict(), got {type(history).__name__}")
    return dict(data)


def _groups(h: Mapping[str, list[float]]) -> tuple[dict[str, list[float]], dict[str, list[float]],
                                                   dict[str, list[float]]]:
    """(losses, metrics, learning rate): the series of each chart; lr only when it changed."""
    losses = {k: h[k] for k in _LOSSES if h.get(k)}
    metrics = {k: v for k, v in h.items() if k not in _LOSSES and k != "lr" and v}
    lr = {"lr": h["lr"]} if h.get("lr") and len(set(h["lr"])) > 1 else {}
    return losses, metrics, lr


def history_html(history: Any, width: int = 560) -> Any:
    """The charts of one ``fit``: E per epoch (log scale over more than a decade), the metrics, η if it varied."""
    data = _record(history)
    h = data.get("history", {})
    losses, metrics, lr = _groups(h)
    epochs = max((len(v) for v in h.values()), default=0)
    best = data.get("best_epoch")
    notes = [f"{epochs} epoch{'s' if epochs != 1 else ''}"]
    if best is not None:
        notes.append(f"best epoch {best + 1}")
    if data.get("stopped_early"):
        notes.append("stopped early")
    if data.get("interrupted"):
        notes.append("interrupted")
    last = ", ".join(f"{k} {fmt(v[-1], 4)}" for k, v in {**losses, **metrics}.items())
    head = f'<div><b>History</b> <span class="muted">· {esc(" · ".join(notes))}</span></div>'
    if last:
        head += f'<div class="muted">last epoch: {esc(last)}</div>'
    mark = best if isinstance(best, int) else None
    charts = [line_chart(losses, title="loss E per epoch", ylabel="E", mark=mark,
                         mark_label=f"best {mark + 1}" if mark is not None else "", width=width)]
    if metrics:
        charts.append(line_chart(metrics, title="metrics per epoch", width=width, height=200, log=False))
    if lr:
        charts.append(line_chart(lr, title="learning rate η per epoch", ylabel="η", width=width, height=160))
    return block(head + "".join(f"<div>{c}</div>" for c in charts), summary=f"History({epochs} epochs)")


def history_figure(history: Any) -> Any:
    """A matplotlib ``Figure`` of the same charts (Agg canvas, no pyplot state); needs lucidnet[plot]."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("History.plot needs matplotlib: install lucidnet[plot] "
                          "(pip install 'lucidnet[plot]')") from None
    data = _record(history)
    h = data.get("history", {})
    losses, metrics, lr = _groups(h)
    if not losses:
        raise ValueError("this History has no epochs to plot yet")
    panels = [p for p in (losses, metrics, lr) if p]
    fig = Figure(figsize=(6.4, 2.6 + 2.0 * len(panels)), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(panels), 1, squeeze=False, sharex=True)[:, 0]
    for ax, panel in zip(axes, panels):
        if panel is losses:
            loss_panel(ax, h, data.get("best_epoch"))
            continue
        for key, values in panel.items():
            ax.plot(range(1, len(values) + 1), values, label=key)
        ax.grid(True, alpha=0.3)
        ax.legend()
    axes[-1].set_xlabel("epoch")
    return fig


def loss_panel(ax: Any, h: Mapping[str, Any], best: int | None) -> None:
    """E per epoch on a matplotlib ``Axes``: training and validation loss, the best epoch as a dotted line, a log
    scale when they span more than a decade (:func:`~lucidnet.display.svg.spans_decade`), then the legend.

    ``h`` maps ``"loss"`` and ``"val_loss"`` to values per epoch; ``best`` is the best epoch's index (0-based).
    Drawn the same by ``History.plot()`` and ``lucidnet plot --kind loss`` (``plots.plot_loss``).
    """
    for key, label, color in (("loss", "training loss", "tab:blue"), ("val_loss", "validation loss", "tab:orange")):
        if h.get(key):
            ax.plot(np.arange(1, len(h[key]) + 1), h[key], label=label, color=color)
    if best is not None:
        ax.axvline(best + 1, color="grey", linestyle=":", label=f"best epoch ({best + 1})")
    if spans_decade(np.array([v for k in _LOSSES for v in h.get(k) or []], dtype=float)):
        ax.set_yscale("log")
    ax.set_ylabel("loss E")
    ax.set_title("Loss per epoch")
    ax.grid(True, alpha=0.3)
    ax.legend()
