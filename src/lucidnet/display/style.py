"""What every drawing shares: the playground's colours, number formatting, escaping and the HTML wrapper.

The colours are the playground's (``playground/static/app.js``): orange for negative values and weights, blue
for positive ones, grey in between; a link is 0.5 + 1.1·min(|w|, 5) px wide, as in TensorFlow Playground.

>>> fmt(0.7216325609518421), fmt(-0.0), fmt(float("nan"))
('0.721633', '0', 'nan')
>>> value_colour(1.0), value_colour(-1.0), value_colour(0.0)
('rgb(8,119,189)', 'rgb(245,147,34)', 'rgb(232,234,235)')
>>> esc('<b>"x"</b>')
'&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

NEG = (245, 147, 34)  # orange: negative
MID = (232, 234, 235)  # grey: zero
POS = (8, 119, 189)  # blue: positive
#: further series of a chart (the playground's class palette after its first two)
PALETTE = ("#0877bd", "#f59322", "#4caf50", "#9c27b0", "#e91e63", "#009688", "#795548", "#ffc107")
INK, MUTED, LINE = "#2d3339", "#777", "#ddd"
OK, BAD = "#2e7d32", "#c62828"
FONT = '"Helvetica Neue", Helvetica, Arial, sans-serif'
MONO = 'ui-monospace, "DejaVu Sans Mono", Menlo, monospace'

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def esc(value: Any) -> str:
    """``str(value)`` escaped for HTML text and attribute values (quotes included)."""
    return html.escape(str(value), quote=True)


def fmt(value: Any, digits: int = 6) -> str:
    """A number as the traces write it: ``digits`` significant digits, −0 as 0."""
    v = float(value)
    if not math.isfinite(v):
        return str(v)
    return f"{v + 0.0:.{digits}g}"


def sub(*index: int) -> str:
    """Subscript digits, comma-separated once an index has two digits: sub(1, 2) = '₁₂'."""
    sep = "," if any(i >= 10 for i in index) else ""
    return sep.join(str(i).translate(_SUB) for i in index)


def sup(layer: int) -> str:
    """A layer index as a superscript in parentheses: sup(1) = '⁽¹⁾'."""
    return "⁽" + str(layer).translate(_SUP) + "⁾"


def rgb(c: Sequence[float]) -> str:
    return f"rgb({round(c[0])},{round(c[1])},{round(c[2])})"


def value_colour(t: float) -> str:
    """The playground's colour of a value t, clipped to [−1, 1]: orange at −1, grey at 0, blue at 1."""
    if not math.isfinite(t):
        return rgb(MID)
    t = max(-1.0, min(1.0, float(t)))
    end = NEG if t < 0 else POS
    u = abs(t)
    return rgb([m + (e - m) * u for m, e in zip(MID, end)])


def pale(t: float, strength: float = 0.45) -> str:
    """A light background for a table cell of relative value t in [−1, 1] (white at 0)."""
    if not math.isfinite(t):
        return "#fff"
    t = max(-1.0, min(1.0, float(t)))
    end = NEG if t < 0 else POS
    u = abs(t) * strength
    return rgb([255 + (e - 255) * u for e in end])


def weight_stroke(w: float) -> tuple[str, float]:
    """(colour, width in px) of a link of weight w, as the playground draws it."""
    colour = rgb(POS) if w >= 0 else rgb(NEG)
    size = abs(w) if math.isfinite(w) else 5.0
    return colour, 0.5 + 1.1 * min(size, 5.0)


class Html(str):
    """A piece of HTML that Jupyter shows as HTML (``_repr_html_``) and a terminal as its text summary."""

    summary: str = ""

    def __new__(cls, markup: str, summary: str = "") -> Html:
        obj = super().__new__(cls, markup)
        obj.summary = summary
        return obj

    def _repr_html_(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return self.summary or f"Html({len(self)} characters)"


class Text(str):
    """Text that a notebook shows as text (its lines, not a quoted string with \\n) and a terminal prints."""

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return f'<pre style="font-family:{esc(MONO)}">{esc(self)}</pre>'


#: the style sheet of every block (scoped to .lucidnet); each element also reads well without it
CSS = (
    f".lucidnet{{font-family:{FONT};font-size:13px;color:{INK};line-height:1.4}}"
    ".lucidnet table.ln{border-collapse:collapse;margin:4px 16px 8px 0;font-size:12px}"
    ".lucidnet table.ln th,.lucidnet table.ln td{border:1px solid #e3e6e8;padding:2px 8px;text-align:right;"
    "white-space:nowrap}"
    ".lucidnet table.ln th{background:#f3f5f6;font-weight:600}"
    f".lucidnet table.ln td.name,.lucidnet table.ln th.name{{text-align:left;color:{INK}}}"
    f".lucidnet .muted{{color:{MUTED};font-size:12px}}"
    f".lucidnet pre{{font:12px/1.4 {MONO};background:#f6f8f9;padding:6px 8px;overflow-x:auto;"
    "white-space:pre;margin:4px 0}"
    ".lucidnet .tables{display:flex;flex-wrap:wrap;align-items:flex-start}"
    ".lucidnet h4{margin:10px 0 2px;font-size:13px}"
    ".lucidnet details summary{cursor:pointer;color:#555;font-size:12px;margin-top:4px}"
)


def block(inner: str, summary: str = "") -> Html:
    """Wrap ``inner`` (already escaped markup) in the scoped ``.lucidnet`` block with its style sheet."""
    return Html(f'<div class="lucidnet"><style>{CSS}</style>{inner}</div>', summary)


class Raw(str):
    """Markup built here (an inline SVG, say) that a table cell takes as it is, unescaped."""


def table(header: Sequence[str], rows: Iterable[Sequence[Any]], caption: str = "", names: int = 1) -> str:
    """An HTML table; cells are text (escaped), ``(text, css)`` pairs for a styled cell, or ``Raw`` markup; the
    first ``names`` columns are left-aligned names."""
    head = "".join(f'<th class="name">{esc(h)}</th>' if i < names else f"<th>{esc(h)}</th>"
                   for i, h in enumerate(header))
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            text, css = cell if isinstance(cell, tuple) else (cell, "")
            klass = ' class="name"' if i < names else ""
            style = f' style="{esc(css)}"' if css else ""
            cells.append(f"<td{klass}{style}>{text if isinstance(text, Raw) else esc(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = (f'<caption style="caption-side:top;text-align:left;white-space:nowrap">{esc(caption)}</caption>'
           if caption else "")
    return f'<table class="ln">{cap}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def more(n: int, limit: int, what: str) -> str:
    """'… 20 more units' when ``n`` exceeds ``limit``, else ''."""
    return f'<div class="muted">… {n - limit} more {esc(what)} not shown</div>' if n > limit else ""
