"""A ``Network`` drawn as SVG: the inputs, each Dense layer's neurons, and the links between them.

A link's colour is the sign of its weight w_ij (blue > 0, orange < 0) and its width grows with |w|, as in the
playground. After a pass (``forward``, ``predict``, ``fit``, ``trace``) each neuron also shows the values the
layer keeps for one sample: net_j, o_j = φ(net_j), δ_j = ∂E/∂net_j (after a backward pass) and its bias b_j,
and its fill is the playground's colour of o_j. Wide layers are cut to ``max_units`` neurons, with the number
left out written below. Everything is read from public attributes (``layers``, ``W``, ``b``, ``x``, ``net``,
``o``, ``delta``, ``activation``, ``loss_fn``).

>>> import numpy as np
>>> from lucidnet import Dense, Network
>>> net = Network([Dense(2, 2), Dense(2, 1)], loss="half_sse", seed=0)
>>> html = network_html(net)
>>> html.count("<circle"), "2 → 2 → 1" in html
(5, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .style import INK, LINE, MUTED, NEG, POS, block, esc, fmt, rgb, sub, sup, value_colour, weight_stroke
from .svg import el, svg

R = 15  # neuron radius, px


@dataclass
class _Column:
    """One column of neurons: the inputs (layer 0) or a Dense layer, with the values of the chosen sample."""

    index: int
    units: int
    heading: str
    detail: str
    layer: Any = None
    values: dict[str, np.ndarray] | None = None  # name -> values of the sample, one per unit


def dense_layers(net: Any) -> list[Any]:
    """The layers of ``net`` that hold weights (Dense and Neuron), in order."""
    return [layer for layer in net.layers if getattr(layer, "W", None) is not None]


def pass_rows(net: Any) -> int:
    """Samples in the pass the layers keep (0 when there was none, or the layers disagree)."""
    dense = dense_layers(net)
    outputs = [getattr(layer, "o", None) for layer in dense]
    rows = {o.shape[0] if o is not None else -1 for o in outputs}
    x = getattr(dense[0], "x", None) if dense else None
    if x is None or len(rows) != 1 or rows != {x.shape[0]}:
        return 0
    return int(x.shape[0])


def check_sample(sample: Any, rows: int, had: str = "the last pass had") -> int:
    """Return ``sample`` as a row index in 0 … rows − 1, or raise; ``had`` says whose rows they are.

    The one check of a sample row (display imports nothing outside itself, so it lives here, where
    ``trace.check_sample`` reaches it too).

    >>> check_sample(4, 4, "the batch has")
    Traceback (most recent call last):
    ...
    ValueError: sample must be in 0 … 3 (the batch has 4 rows), got 4
    """
    if isinstance(sample, bool) or not isinstance(sample, (int, np.integer)):
        raise TypeError(f"sample must be an integer row index, got {sample!r}")
    if not 0 <= sample < rows:
        raise ValueError(f"sample must be in 0 … {rows - 1} ({had} {rows} rows), got {sample}")
    return int(sample)


def _shown_columns(net: Any, sample: int | None) -> tuple[list[_Column], int | None, int]:
    """(the columns, the checked sample or None, the rows of the last pass): what the SVG and the legend draw."""
    rows = pass_rows(net)
    k = check_sample(sample, rows) if (sample is not None and rows) else None
    return _columns(net, k, rows), k, rows


def _columns(net: Any, sample: int | None, rows: int) -> list[_Column]:
    dense = dense_layers(net)
    cols = [_Column(0, int(net.n_in), "input", f"{net.n_in} feature{'s' if net.n_in != 1 else ''}")]
    if sample is not None:
        cols[0].values = {"x": np.asarray(dense[0].x[sample], dtype=np.float64)}
    dropouts: list[str] = []
    position = 0
    for layer in net.layers:
        if getattr(layer, "W", None) is None:
            dropouts.append(repr(layer))
            continue
        position += 1
        act = layer.activation
        name = act.name if not act.params() else repr(act)
        detail = f"{name} · {layer.n_out} unit{'s' if layer.n_out != 1 else ''}"
        if dropouts:
            detail = ", ".join(dropouts) + " · " + detail
            dropouts = []
        col = _Column(position, int(layer.n_out), f"layer {position}", detail, layer)
        if sample is not None:
            width = layer.n_out
            vals = {"o": np.asarray(layer.o[sample], dtype=np.float64)}
            for key in ("net", "delta"):
                arr = getattr(layer, key, None)
                if arr is not None and arr.ndim == 2 and arr.shape == (rows, width):
                    vals[key] = np.asarray(arr[sample], dtype=np.float64)
            col.values = vals
        cols.append(col)
    return cols


def _value_lines(col: _Column, j: int) -> list[str]:
    """The text beside neuron j: x_j for an input; net, o, δ (and b) for a neuron."""
    if col.values is None:
        return []
    if col.index == 0:
        return [f"x{sub(j + 1)} = {fmt(col.values['x'][j], 4)}"]
    lines = []
    for key, symbol in (("net", "net"), ("o", "o"), ("delta", "δ")):
        if key in col.values:
            lines.append(f"{symbol} = {fmt(col.values[key][j], 4)}")
    b = getattr(col.layer, "b", None)
    if b is not None and b.shape[0] == col.units:
        lines.append(f"b = {fmt(b[j], 4)}")
    return lines


def _tooltip(col: _Column, j: int) -> str:
    if col.index == 0:
        return f"input x{sub(j + 1)}" + (f" = {fmt(col.values['x'][j])}" if col.values else "")
    parts = [f"layer {col.index}, unit {j + 1}: {col.layer.activation.name}"]
    b = getattr(col.layer, "b", None)
    if b is not None and b.shape[0] == col.units:
        parts.append(f"b{sub(j + 1)}{sup(col.index)} = {fmt(b[j])}")
    if col.values:
        names = {"net": "net", "o": "o", "delta": "δ"}
        parts += [f"{names[k]}{sub(j + 1)} = {fmt(v[j])}" for k, v in col.values.items()]
    return "\n".join(parts)


def network_svg(net: Any, sample: int | None = 0, max_units: int = 12) -> str:
    """The SVG diagram of ``net``; the values of row ``sample`` of the last pass (None: no values)."""
    cols, k, _ = _shown_columns(net, sample)
    return _diagram(net, cols, k, max_units)


def _diagram(net: Any, cols: list[_Column], k: int | None, max_units: int) -> str:
    shown = [min(c.units, max_units) for c in cols]
    valued = k is not None
    gap, step = (76 if valued else 44), (200 if valued else 150)
    top, left = 52, 40
    tallest = max(shown)
    width = left + step * (len(cols) - 1) + (150 if valued else 70)
    height = top + gap * tallest + 34
    centre = [top + gap * (tallest - s) / 2 + gap / 2 for s in shown]

    def pos(c: int, j: int) -> tuple[float, float]:
        return left + R + step * c, centre[c] + gap * j

    links, nodes, texts = [], [], []
    for c in range(1, len(cols)):
        layer = cols[c].layer
        W = np.asarray(layer.W, dtype=np.float64)
        pieces = W.shape[1] // max(cols[c].units, 1)
        for i in range(shown[c - 1]):
            for j in range(shown[c]):
                x1, y1 = pos(c - 1, i)
                x2, y2 = pos(c, j)
                if pieces == 1:
                    w = float(W[i, j])
                    colour, size = weight_stroke(w)
                    tip = f"w{sub(i + 1, j + 1)}{sup(c)} = {fmt(w)}"
                else:  # maxout: k weights per link, drawn as one grey line
                    colour, size, tip = "#aaa", 1.0, f"{pieces} weights (maxout pieces)"
                links.append(el("line", None, el("title", tip), x1=round(x1 + R, 1), y1=round(y1, 1),
                                x2=round(x2 - R, 1), y2=round(y2, 1), stroke=colour,
                                stroke_width=round(size, 2), stroke_opacity=0.7))
    for c, col in enumerate(cols):
        x, _ = pos(c, 0)
        texts.append(el("text", col.heading, x=x, y=18, text_anchor="middle", font_weight=600, fill=INK))
        texts.append(el("text", col.detail, x=x, y=34, text_anchor="middle", fill=MUTED, font_size=11))
        for j in range(shown[c]):
            cx, cy = pos(c, j)
            fill, ink = "#fff", INK
            if col.values is not None:
                v = col.values["x"][j] if c == 0 else col.values["o"][j]
                fill = value_colour(v)
                ink = "#fff" if abs(v) > 0.6 else INK  # the label stays readable on a dark fill
            label = f"x{sub(j + 1)}" if c == 0 else str(j + 1)
            nodes.append(el("g", None, el("title", _tooltip(col, j)),
                            el("circle", cx=cx, cy=round(cy, 1), r=R, fill=fill, stroke="#888", stroke_width=1),
                            el("text", label, x=cx, y=round(cy + 4, 1), text_anchor="middle", font_size=11,
                               fill=ink)))
            for n, line in enumerate(_value_lines(col, j)):
                texts.append(el("text", line, x=cx + R + 5, y=round(cy - 13 + 12 * n, 1), font_size=10.5,
                                fill=INK, stroke="#fff", stroke_width=3, paint_order="stroke"))
        if col.units > shown[c]:
            _, cy = pos(c, shown[c] - 1)
            texts.append(el("text", f"… {col.units - shown[c]} more", x=x, y=round(cy + R + 16, 1),
                            text_anchor="middle", fill=MUTED, font_size=11))
    label = f"diagram of {net!r}"
    return svg(width, height, el("g", None, *links), el("g", None, *nodes), el("g", None, *texts), label=label)


def _legend(cols: list[_Column], sample: int | None, rows: int) -> str:
    swatch = ('<span style="display:inline-block;width:18px;height:0;border-top:3px solid {};'
              'vertical-align:middle;margin:0 4px 0 10px"></span>')
    parts = [swatch.format(rgb(POS)) + "w &gt; 0", swatch.format(rgb(NEG)) + "w &lt; 0",
             "&nbsp; width ∝ |w| (hover a link or a neuron for its numbers)"]
    text = "".join(parts)
    if sample is not None and rows:
        delta = any("delta" in (c.values or {}) for c in cols)
        what = "net, o = φ(net)" + (", δ = ∂E/∂net" if delta else "") + " and b"
        text += (f'<br>{esc(what)} of sample {sample} of the last pass ({rows} sample{"s" if rows != 1 else ""}); '
                 "fill: o (orange −1, grey 0, blue 1)")
    return f'<div class="muted" style="margin-top:2px">{text}</div>'


def network_html(net: Any, sample: int | None = 0, max_units: int = 12) -> Any:
    """The diagram with a heading (the network, its loss and parameter count) and a legend, as ``Html``."""
    cols, k, rows = _shown_columns(net, sample)
    count = sum(int(p.size) for p in net.parameters())
    head = (f'<div><b>{esc(repr(net))}</b> <span class="muted">· loss {esc(net.loss_fn.name)} · '
            f'{count} parameters</span></div>')
    body = f'<div style="overflow-x:auto;border:1px solid {LINE};display:inline-block">' \
           f"{_diagram(net, cols, k, max_units)}</div>"
    return block(head + body + _legend(cols, k, rows), summary=repr(net))
