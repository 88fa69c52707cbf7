"""A ``ModelBundle`` (what ``lucidnet.io.load_model`` returns) as HTML: the network's diagram, how raw inputs
become network inputs (the z-score of each feature, the classes), the training options and the loss curve.
"""

from __future__ import annotations

import json
from typing import Any

from .diagram import network_html
from .history import history_html
from .style import block, esc, fmt, more, table

MAX_FEATURES = 20


def _preprocessing(pre: Any) -> str:
    parts = []
    facts = [f"task: {pre.task or 'not recorded'}"]
    if pre.target_name:
        facts.append(f"target: {pre.target_name}")
    if pre.classes is not None:
        facts.append("classes: " + ", ".join(str(c) for c in pre.classes))
    parts.append(f"<div>{esc(' · '.join(facts))}</div>")
    names = pre.feature_names
    scaler = pre.x_scaler
    if scaler is not None and getattr(scaler, "mean_", None) is not None:
        n = len(scaler.mean_)
        rows = [[names[i] if names else f"x{i + 1}", fmt(scaler.mean_[i], 5), fmt(scaler.scale_[i], 5)]
                for i in range(min(n, MAX_FEATURES))]
        parts.append(table(["feature", "mean", "scale"], rows, caption="x' = (x − mean) / scale")
                     + more(n, MAX_FEATURES, "features"))
    elif names:
        shown = ", ".join(names[:MAX_FEATURES]) + (" …" if len(names) > MAX_FEATURES else "")
        parts.append(f'<div class="muted">features (not scaled): {esc(shown)}</div>')
    y = pre.y_scaler
    if y is not None and getattr(y, "mean_", None) is not None:
        pairs = ", ".join(f"({fmt(m, 5)}, {fmt(s, 5)})" for m, s in zip(y.mean_, y.scale_))
        parts.append(f'<div class="muted">targets: y\' = (y − mean) / scale with (mean, scale) = {esc(pairs)}; '
                     "answers are turned back into the target's units</div>")
    return "".join(parts)


def bundle_html(bundle: Any) -> Any:
    """The bundle's network, preprocessing, training options and history, as ``Html``."""
    parts = [f"<div><b>ModelBundle</b> <span class=\"muted\">· {esc(repr(bundle.network))}</span></div>",
             str(network_html(bundle.network, sample=None)),
             "<h4>Preprocessing</h4>", _preprocessing(bundle.preprocessing)]
    train = (bundle.options or {}).get("train", bundle.options or {})
    if train:
        rows = [[str(k), json.dumps(v) if not isinstance(v, str) else v] for k, v in train.items()]
        parts.append("<details><summary>training options</summary>" + table(["option", "value"], rows)
                     + "</details>")
    if bundle.history and bundle.history.get("history", {}).get("loss"):
        parts.append("<h4>Training</h4>" + str(history_html(bundle.history)))
    return block("".join(parts), summary=repr(bundle))
