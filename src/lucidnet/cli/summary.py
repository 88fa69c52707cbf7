"""What ``lucidnet train`` prints when it is done: the data and its steps, which epoch's weights were saved and why
training stopped, the held-out scores in the target's units, and what to run next."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..data import Table
from ..data.preprocessing import Preprocessing
from ..io import ModelBundle
from ..network import Network
from .evaluate import evaluate_model, scores_line
from .tables import Training


def train_summary(net: Network, training: Training, pre: Preprocessing, opts: dict[str, Any], hist: dict[str, Any],
                  seconds: float, out: Path) -> list[str]:
    """The lines of the summary (standard output)."""
    table, parts = training.table, training.split
    acts = ", ".join(dict.fromkeys(str(layer.activation.name) for layer in net.layers if hasattr(layer, "activation")))
    rows = f"{len(parts.train)} rows for training" + (f", {len(parts.val)} for validation" if len(parts.val) else "")
    if len(parts.test):
        rows += f", {len(parts.test)} for the test"
    lines = [f"trained {net!r} ({acts}) on {table.source}: {rows}; {hist['epochs']} epochs in {seconds:.2f} s"]
    lines += [f"  {line}" for line in training.summary]
    lines += [f"  {line}" for line in _epochs(hist, opts)]
    bundle = ModelBundle(net, pre)
    unit = pre.target_name if pre.classes is None else None
    if len(parts.val):
        lines.append(f"  validation ({len(parts.val)} rows): {scores_line(_scores(bundle, table, parts.val), unit)}")
    else:
        lines.append(f"  training rows (no validation split, so not a held-out score): "
                     f"{scores_line(_scores(bundle, table, parts.train), unit)}")
    if len(parts.test):
        lines.append(f"  test ({len(parts.test)} rows held out by --test-split, unseen in training): "
                     f"{scores_line(_scores(bundle, table, parts.test), unit)}")
    lines.append(f"model saved to {out}")
    proba = " --proba" if pre.classes is not None else ""
    lines.append(f"next: lucidnet predict {out} NEW.csv{proba} --out predictions.csv  |  lucidnet evaluate {out} "
                 "TEST.csv (rows it has not seen)")
    return lines


def _scores(bundle: ModelBundle, table: Table, rows: np.ndarray) -> dict[str, Any]:
    assert table.y is not None
    return evaluate_model(bundle, Table(table.X[rows], np.asarray(table.y)[rows], table.feature_names,
                                        table.target_name, table.source))


def _epochs(hist: dict[str, Any], opts: dict[str, Any]) -> list[str]:
    """Which epoch's weights are saved, its losses, why training stopped; and whether the validation loss rose
    for most of the run."""
    h, n = hist["history"], hist["epochs"]
    best = hist.get("best_epoch")
    watched = "val_loss" if "val_loss" in h else "loss"
    saved = best if opts["keep"] == "best" and best is not None else n - 1
    shown = "  ".join(f"{k} {h[k][saved]:.4g}" for k in ("loss", "val_loss", "accuracy", "val_accuracy") if k in h)
    which = "best" if saved == best else "last"
    lines = [f"saved the weights of epoch {saved + 1} of {n}, the {which} ({shown})"
             + (f"; the lowest {watched} was epoch {best + 1}'s" if which == "last" and best is not None else "")]
    if hist.get("stopped_early"):
        lines.append(f"stopped early: {watched} no better for {opts['early_stopping']} epochs")
    else:
        lines.append(f"ran all {n} epochs" + (" (--early-stopping off)" if opts["early_stopping"] is None else ""))
    # "rose": at the end 10% above its lowest, not a noisy plateau after it
    if "val_loss" in h and best is not None and n >= 10 and n - (best + 1) > n / 2 and h["val_loss"][-1] > 1.1 * h[
            "val_loss"][best]:
        lines.append(f"note: the validation loss rose for most of the run ({n - best - 1} of {n} epochs after its "
                     f"lowest, at epoch {best + 1}): the network fits the training rows better than new ones; a "
                     "smaller --layers, --l2 or a lower --lr may generalise better")
    return lines
