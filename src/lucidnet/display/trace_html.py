"""A ``Trace`` as HTML: per layer, the neurons' net, o, φ'(net), δ for one sample, and the matrices W, ∂E/∂W and
−η·∂E/∂W (row 0 is the bias, w_0j = b_j, as in the lessons); then the chain rule of one weight with its numbers.

The chain rule and the whole step are the text of ``Trace.to_text`` (lucidnet.trace_text), shown as it is: the
formulas are written once, there. Cells are tinted by sign and size, in the playground's colours; the chosen
weight is outlined in every matrix. Wide layers are cut short after ``max_items`` units and inputs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .style import block, esc, fmt, more, pale, sub, sup, table

if TYPE_CHECKING:
    from ..trace import LayerTrace, Trace


_PRE = 'style="white-space:pre;overflow-x:auto"'  # never wrapped, whatever a page's style sheet says


def _vector(v: np.ndarray, limit: int) -> str:
    flat = np.ravel(v)
    shown = ", ".join(fmt(x) for x in flat[:limit])
    return "[" + shown + (f", … ({len(flat) - limit} more)" if len(flat) > limit else "") + "]"


def _units(trace: Trace, lt: LayerTrace, k: int, limit: int) -> str:
    """net_j, o_j, φ'(net_j), ∂E/∂o_j (output, unfused), δ_j of sample k, one row per unit j."""
    last = lt.index == len(trace.layers)
    width = lt.net.shape[1]
    header = ["j", f"net_j{sup(lt.index)}", f"o_j{sup(lt.index)}"]
    if lt.derivative is not None:
        header.append("φ'(net_j)")
    show_dE = last and not trace.fused and lt.elementwise
    if show_dE:
        header.append("∂E/∂o_j")
    header.append("δ_j = ∂E/∂net_j")
    rows = []
    top = float(np.max(np.abs(lt.delta[k]))) if np.isfinite(lt.delta[k]).all() else 0.0
    for j in range(min(width, limit)):
        row: list[Any] = [str(j + 1), fmt(lt.net[k, j])]
        row.append(fmt(lt.o[k, j]) if j < lt.o.shape[1] else "")
        if lt.derivative is not None:
            row.append(fmt(lt.derivative[k, j]))
        if show_dE:
            row.append(fmt(trace.dE_do[k, j]))
        d = float(lt.delta[k, j])
        row.append((fmt(d), f"background:{pale(d / top if top else 0.0)}"))
        rows.append(row)
    how = "fused: δ = ∂E/∂net from net directly" if (last and trace.fused) else (
        "δ_j = ∂E/∂o_j·φ'(net_j)" if last else "δ_j = (Σ_l δ_l·w_jl)·φ'(net_j)")
    if not lt.elementwise:
        how = f"{lt.activation} is not elementwise: δ = (∂o/∂net)ᵀ·∂E/∂o"
    cap = f"neurons, sample {k} ({how})"
    return table(header, rows, caption=cap) + more(width, limit, "units")


def _matrix(name: str, W: np.ndarray, b: np.ndarray | None, limit: int, mark: tuple[int, int] | None) -> str:
    """A matrix with row 0 the bias (when there is one) and rows 1 … n_in the inputs, tinted by value."""
    n_in, width = W.shape
    full = W if b is None else np.vstack([b[None, :], W])
    first = 0 if b is not None else 1
    scale = float(np.max(np.abs(full))) if full.size and np.isfinite(full).all() else 0.0
    header = ["i \\ j"] + [str(j + 1) for j in range(min(width, limit))]
    rows = []
    for r in range(min(full.shape[0], limit + (b is not None))):
        i = r + first
        label = "0 (b)" if i == 0 else str(i)
        cells: list[Any] = [label]
        for j in range(min(width, limit)):
            v = float(full[r, j])
            css = f"background:{pale(v / scale if scale else 0.0)}"
            if mark == (i, j + 1):
                css += ";outline:2px solid #2d3339;outline-offset:-2px"
            cells.append((fmt(v), css))
        rows.append(cells)
    cut = more(n_in, limit, "inputs") + more(width, limit, "units")
    return f"<div>{table(header, rows, caption=name)}{cut}</div>"


def _layer(trace: Trace, lt: LayerTrace, k: int, limit: int, weight: tuple[int, int, int] | None) -> str:
    s = sup(lt.index)
    mark = (weight[1], weight[2]) if weight is not None and weight[0] == lt.index else None
    parts = [_units(trace, lt, k, limit)]
    parts.append(_matrix(f"W{s}", lt.W, lt.b, limit, mark))
    parts.append(_matrix(f"∂E/∂W{s} (Σ over the {trace.n} samples)" if trace.n > 1 else f"∂E/∂W{s}",
                         lt.grad_W, lt.grad_b, limit, mark))
    parts.append(_matrix(f"−η·∂E/∂W{s}", lt.update_W, lt.update_b, limit, mark))
    head = f"<h4>layer {lt.index}: {esc(lt.layer)}</h4>"
    return head + '<div class="tables">' + "".join(parts) + "</div>"


def _chain(text: str) -> str:
    """The chain-rule section of a ``to_text`` output ('' when it has none)."""
    lines = text.splitlines()
    start = next((n for n, line in enumerate(lines) if line.startswith("Chain rule for")), None)
    return "" if start is None else "\n".join(lines[start:])


def trace_html(trace: Trace, sample: int = 0, weight: tuple[int, int, int] | None = None, max_items: int = 12) -> Any:
    """The HTML of one step: ``sample`` and ``weight`` (ℓ, i, j) already checked by ``Trace.to_html``."""
    k = sample
    text = trace.to_text(sample=k, weight=weight, max_items=max_items)
    penalty = (f", λ₁ = {trace.l1:g}" if trace.l1 else "") + (f", λ₂ = {trace.l2:g}" if trace.l2 else "")
    x0 = trace.layers[0].x[k]
    head = (f"<div><b>One step of backpropagation</b>: {esc(trace.network)}</div>"
            f"<div>E = <b>{esc(fmt(trace.E))}</b> <span class=\"muted\">(loss {esc(trace.loss)}, n = {trace.n} "
            f"sample{'s' if trace.n != 1 else ''}{esc(penalty)})</span> &nbsp; η = {esc(f'{trace.eta:g}')}</div>"
            f"<div>sample k = {k}: x = {esc(_vector(x0, max_items))} &nbsp; "
            f"y = {esc(_vector(trace.y[k], max_items))}</div>"
            '<div class="muted">layers ℓ and units i, j count from 1; w_ij joins unit i of layer ℓ−1 to unit j of '
            "layer ℓ; row 0 of each matrix is the bias b_j = w_0j; a step of plain gradient descent adds −η·∂E/∂W "
            "to W</div>")
    layers = "".join(_layer(trace, lt, k, max_items, weight) for lt in trace.layers)
    chain = _chain(text)
    if chain and weight is not None:
        layer, i, j = weight
        name = f"w{sub(i, j)}{sup(layer)}" if i else f"b{sub(j)}{sup(layer)}"
        chain = f"<h4>The chain rule for {esc(name)}</h4><pre {_PRE}>{esc(chain)}</pre>"
    whole = (f"<details><summary>the whole step as text (trace.to_text())</summary><pre {_PRE}>{esc(text)}</pre>"
             "</details>")
    return block(head + layers + chain + whole, summary=trace.network)
