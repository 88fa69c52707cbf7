"""The checks' reports as HTML: ``GradcheckReport`` (a row per parameter, its relative error on a log scale
against the tolerance) and ``DiagnosticsReport`` (the per-layer measures, ρ per epoch, each finding with why
and what to do). Both read public attributes only.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .style import BAD, INK, MUTED, OK, Raw, block, esc, fmt, table
from .svg import el, line_chart, svg

_LOW, _HIGH = -16, 0  # the log10 range of the error bars


def _error_bar(error: float, tol: float, passed: bool) -> str:
    """A small bar: log10 of the relative error on [1e-16, 1], the tolerance as a tick."""
    width, height = 140, 12

    def x(v: float) -> float:
        u = math.log10(v) if v > 0 else _LOW
        return (min(max(u, _LOW), _HIGH) - _LOW) / (_HIGH - _LOW) * width

    bar = el("rect", x=0, y=3, width=round(max(x(error), 1.0), 1), height=6, fill=OK if passed else BAD)
    tick = el("line", x1=round(x(tol), 1), x2=round(x(tol), 1), y1=0, y2=height, stroke=INK, stroke_width=1.5)
    frame = el("rect", x=0, y=3, width=width, height=6, fill="#eef0f1")
    return svg(width, height, frame, bar, tick, label=f"relative error {fmt(error, 3)}, tolerance {fmt(tol, 3)}")


def gradcheck_html(report: Any) -> Any:
    """``GradcheckReport`` as a table; the verdict in colour; each row's error drawn against the tolerance."""
    rows = []
    for r in report.rows:
        ok = report.row_passed(r)
        cell = ("ok", f"color:{OK};font-weight:600") if ok else ("FAILED", f"color:{BAD};font-weight:600")
        rows.append([r["parameter"], str(tuple(r["shape"])), str(r["checked"]), f"{r['rel_error']:.2e}",
                     f"{r['max_abs_error']:.2e}", Raw(_error_bar(r["rel_error"], report.tol, ok)), cell])
    html = table(["parameter", "shape", "checked", "relative error", "max |Δ|", "log₁₀ error (tick: tolerance)",
                  "verdict"], rows)
    colour = OK if report.passed else BAD
    verdict = "passed" if report.passed else "FAILED"
    head = (f'<div><b>Gradient check</b>: backpropagation against central differences (float64) · '
            f'<b style="color:{colour}">{verdict}</b></div>'
            f'<div class="muted">relative error ‖g − g_num‖ / (‖g‖ + ‖g_num‖) per parameter; max '
            f"{esc(f'{report.max_rel_error:.2e}')}, tolerance {esc(f'{report.tol:.0e}')}, "
            f"ε = {esc(f'{report.eps:.0e}')}; a row also passes with every entry within "
            f"{esc(f'{report.atol:.0e}')}</div>")
    return block(head + html, summary=str(report).splitlines()[-1] if report.rows else "GradcheckReport()")


def _percent(v: float) -> str:
    return "-" if math.isnan(v) else f"{v:.0%}"


def diagnostics_html(report: Any) -> Any:
    """``DiagnosticsReport``: the verdict, the last epoch's measures per layer, ρ per epoch, the findings."""
    epochs = len(report.grad_norm)
    word, colour = ("healthy", OK) if report.healthy else (f"{len(report.findings)} finding(s)", BAD)
    head = (f"<div><b>Diagnostics</b> after {epochs} epoch(s): "
            f'<b style="color:{colour}">{esc(word)}</b></div>')
    parts = [head]
    if epochs:
        rows = []
        for j, act in enumerate(report.activations):
            rows.append([str(j + 1), act, fmt(report.grad_norm[-1, j], 3), fmt(report.ratio[-1, j], 3),
                         _percent(float(report.saturated[-1, j])), _percent(float(report.dead[-1, j]))])
        parts.append(table(["layer ℓ", "φ", "‖∂E/∂W‖", "ρ = ‖∂E/∂W‖/‖W‖", "saturated", "dead"], rows, names=2,
                           caption="the last epoch, per Dense layer"))
        ratio = np.asarray(report.ratio, dtype=np.float64)
        series = {f"ρ{j + 1} ({act})": ratio[:, j].tolist() for j, act in enumerate(report.activations)}
        if epochs > 1:
            parts.append(line_chart(series, title="ρ = ‖∂E/∂W‖/‖W‖ per layer and epoch", ylabel="ρ",
                                    height=200))
    for kind in report.kinds:
        items = [f for f in report.findings if f.kind == kind]
        lines = "".join(f"<li>{esc(f.message)}" + (f" (layer {f.layer})" if f.layer is not None else "") + "</li>"
                        for f in items)
        parts.append(f'<div style="border-left:4px solid {BAD};padding:2px 8px;margin:6px 0">'
                     f"<b>{esc(kind)}</b><ul style=\"margin:2px 0\">{lines}</ul>"
                     f"<div><span style=\"color:{MUTED}\">why:</span> {esc(items[0].explanation)}</div>"
                     f"<div><span style=\"color:{MUTED}\">fix:</span> {esc(items[0].fix)}</div></div>")
    return block("".join(parts), summary=repr(report))


def diagnostics_callback_html(callback: Any) -> Any:
    """The ``Diagnostics`` callback: its report once training has run, else its settings."""
    if callback.report is not None:
        return diagnostics_html(callback.report)
    return block(f"<div><b>{esc(repr(callback))}</b></div>"
                 '<div class="muted">no report yet: pass it to fit(callbacks=[…]) and train</div>',
                 summary=repr(callback))
