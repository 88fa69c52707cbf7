"""SVG by hand: an element writer that escapes every attribute and text, nice axis ticks, and a line chart.

>>> el("text", "a < b", x=1, y=2)
'<text x="1" y="2">a &lt; b</text>'
>>> nice_ticks(0.0, 0.93)
[0.0, 0.2, 0.4, 0.6000000000000001, 0.8]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from .style import FONT, INK, LINE, MUTED, PALETTE, esc, fmt


def el(tag: str, text: str | None = None, /, *children: str, **attrs: object) -> str:
    """``<tag attr="…">text children</tag>``; attribute names use ``_`` for ``-`` (stroke_width); None drops one."""
    parts = [tag] + [f'{k.rstrip("_").replace("_", "-")}="{esc(v)}"' for k, v in attrs.items() if v is not None]
    inner = (esc(text) if text is not None else "") + "".join(children)
    if not inner:
        return f"<{' '.join(parts)}/>"
    return f"<{' '.join(parts)}>{inner}</{tag}>"


def svg(width: float, height: float, *children: str, label: str = "") -> str:
    """An inline ``<svg>`` of the given size (px) holding ``children``; ``label`` is its accessible name."""
    return el("svg", None, *children, xmlns="http://www.w3.org/2000/svg", width=round(width), height=round(height),
              viewBox=f"0 0 {round(width)} {round(height)}", role="img", aria_label=label or None,
              font_family=FONT, font_size=12, style="max-width:100%;height:auto")


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round values (1, 2 or 5 times a power of ten apart) from ``lo`` to ``hi``, about ``count`` of them."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    start = math.ceil(lo / step - 1e-9)
    return [k * step for k in range(start, int(math.floor(hi / step + 1e-9)) + 1)]


def spans_decade(values: np.ndarray) -> bool:
    """True when every value is > 0 and the largest is more than ten times the smallest: draw on a log scale.

    >>> spans_decade(np.array([0.05, 1.0])), spans_decade(np.array([0.5, 1.0])), spans_decade(np.array([0.0, 1.0]))
    (True, False, False)
    """
    if not values.size:
        return False
    lo, hi = float(values.min()), float(values.max())
    return lo > 0 and hi / lo > 10


def _thin(values: np.ndarray, limit: int = 600) -> np.ndarray:
    """Indices of at most ``limit`` points spread over ``values`` (the last one kept)."""
    n = len(values)
    if n <= limit:
        return np.arange(n)
    return np.unique(np.r_[np.linspace(0, n - 1, limit).round().astype(int), n - 1])


def line_chart(series: Mapping[str, Sequence[float]], *, title: str = "", ylabel: str = "",
               log: bool | None = None, mark: int | None = None, mark_label: str = "",
               width: int = 520, height: int = 240, colours: Sequence[str] = PALETTE) -> str:
    """Lines of values per epoch (x = 1 … n), one per series, with axes, ticks and a legend, as an SVG string.

    ``log`` None: a log scale when every value is > 0 and they span more than a decade (as ``lucidnet plot``).
    ``mark``: a dotted vertical line at that epoch index (0-based), e.g. the best epoch.
    """
    data = {k: np.asarray(v, dtype=np.float64) for k, v in series.items() if len(v)}
    finite = np.concatenate([v[np.isfinite(v)] for v in data.values()]) if data else np.zeros(0)
    n = max((len(v) for v in data.values()), default=0)
    left, right, top, bottom = 62, 14, 26 if title else 10, 34
    pw, ph = width - left - right, height - top - bottom
    parts = []
    if title:
        parts.append(el("text", title, x=left, y=16, font_weight=600, fill=INK))
    if not finite.size or n == 0:
        parts.append(el("text", "nothing to draw yet", x=left + 8, y=top + ph / 2, fill=MUTED))
        return svg(width, height, *parts, label=title)
    if log is None:
        log = spans_decade(finite)
    lo, hi = float(finite.min()), float(finite.max())
    if log:
        lo, hi = math.log10(lo), math.log10(hi)
    if hi - lo < 1e-12:  # a flat line: give it some room
        spread = 0.5 if log else max(abs(lo) * 0.1, 1e-3)
        lo, hi = lo - spread, hi + spread
    pad = (hi - lo) * 0.05
    lo, hi = lo - pad, hi + pad

    def px(i: np.ndarray | float) -> np.ndarray | float:
        return left + (np.asarray(i) if n > 1 else 0.5) * (pw / max(n - 1, 1))

    def py(v: np.ndarray | float) -> np.ndarray | float:
        u = np.log10(v) if log else np.asarray(v)
        return top + ph - (u - lo) / (hi - lo) * ph

    parts.append(el("rect", x=left, y=top, width=pw, height=ph, fill="#fff", stroke=LINE))
    decades = range(math.ceil(lo), math.floor(hi) + 1)
    every = max(1, math.ceil(len(decades) / 6))  # at most about six labelled decades
    yticks = [10.0 ** k for k in decades if k % every == 0] if log else nice_ticks(lo, hi)
    if log and len(yticks) < 2:  # less than a decade in view: the ticks of a linear scale, drawn at log places
        yticks = [t for t in nice_ticks(10 ** lo, 10 ** hi) if t > 0]
    for t in yticks:
        y = float(py(t))
        parts.append(el("line", x1=left, x2=left + pw, y1=round(y, 1), y2=round(y, 1), stroke="#eef0f1"))
        parts.append(el("text", fmt(t, 3), x=left - 6, y=round(y + 4, 1), text_anchor="end", fill=MUTED,
                        font_size=11))
    for t in nice_ticks(1, n, 6) if n > 1 else [1]:
        x = float(px(t - 1))
        parts.append(el("text", fmt(t, 6), x=round(x, 1), y=top + ph + 15, text_anchor="middle", fill=MUTED,
                        font_size=11))
    parts.append(el("text", "epoch", x=left + pw / 2, y=height - 4, text_anchor="middle", fill=MUTED, font_size=11))
    if ylabel:
        parts.append(el("text", ylabel, x=12, y=top + ph / 2, text_anchor="middle", fill=MUTED, font_size=11,
                        transform=f"rotate(-90 12 {top + ph / 2:.0f})"))
    if mark is not None and 0 <= mark < n:
        x = round(float(px(mark)), 1)
        parts.append(el("line", x1=x, x2=x, y1=top, y2=top + ph, stroke="#999", stroke_dasharray="2 3"))
        if mark_label:
            parts.append(el("text", mark_label, x=x + 4, y=top + 12, fill=MUTED, font_size=11))
    for k, (name, v) in enumerate(data.items()):
        idx = _thin(v)
        idx = idx[np.isfinite(v[idx]) & ((v[idx] > 0) if log else True)]
        if not idx.size:
            continue
        xs, ys = px(idx), py(v[idx])
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(np.atleast_1d(xs), np.atleast_1d(ys)))
        colour = colours[k % len(colours)]
        shape = (el("polyline", points=points, fill="none", stroke=colour, stroke_width=2) if idx.size > 1
                 else el("circle", cx=points.split(",")[0], cy=points.split(",")[1], r=3, fill=colour))
        parts.append(el("g", None, el("title", f"{name}: last {fmt(v[-1])}"), shape))
        ly = top + 14 + 16 * k
        parts.append(el("line", x1=left + pw - 150, x2=left + pw - 132, y1=ly - 4, y2=ly - 4, stroke=colour,
                        stroke_width=2))
        parts.append(el("text", f"{name} {fmt(v[-1], 4)}", x=left + pw - 126, y=ly, fill=INK, font_size=11))
    return svg(width, height, *parts, label=title)
