"""``lucidnet evaluate``: the loss in its units and the metrics of a model on labelled data, and the same scores
for the held-out rows of ``lucidnet train``."""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from .. import metrics
from ..data import Table
from ..heads import head_of
from ..io import ModelBundle
from .status import EXIT_OK, CliError, tell
from .tables import _read_model_data, open_model


def model_targets(bundle: ModelBundle, table: Table) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, y, targets): a labelled table as a saved model's network sees it: standardised inputs, the targets
    in the model's terms (class indices or scaled values) and as its head encodes them for the loss."""
    pre, net = bundle.preprocessing, bundle.network
    assert table.y is not None
    try:
        y = pre.encode_y(table.y)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    return pre.transform_X(table.X, net.dtype), y, head_of(net, pre.head_kind).encode(y)


def loss_units(bundle: ModelBundle) -> str:
    """What the loss is taken over, for its label: ``bce, mean per sample`` or ``mse of z-scored price``."""
    pre, fn = bundle.preprocessing, bundle.network.loss_fn
    per = "sum over samples" if fn.reduction == "sum" else "mean per sample"
    if pre.classes is not None or pre.task == "classification":
        return f"{fn.name}, {per}"
    target = pre.target_name or "the target"
    return f"{fn.name} of {'z-scored ' if pre.y_scaler is not None else ''}{target}, {per}"


def evaluate_model(bundle: ModelBundle, table: Table) -> dict[str, Any]:
    """Loss and metrics of ``bundle`` on a labelled table: accuracy, macro F1, the confusion matrix, precision
    and recall per class and (two classes) ROC-AUC; or R², MAE and RMSE in the target's units."""
    pre, net = bundle.preprocessing, bundle.network
    assert table.y is not None
    Xs, t, t_net = model_targets(bundle, table)
    result: dict[str, Any] = {"n": len(table.X), "loss_name": net.loss_fn.name, "loss": net.loss(Xs, t_net),
                              "loss_units": loss_units(bundle)}
    o = net.predict(Xs)
    if pre.classes is not None:
        k = len(pre.classes)
        p = (o[:, 0] > 0.5).astype(np.int64) if o.shape[1] == 1 else np.argmax(o, axis=1)
        result["accuracy"] = metrics.accuracy(t, p)
        result["f1_macro"] = metrics.f1_macro(t, p)
        result["confusion"] = metrics.confusion_matrix(t, p, n_classes=k)
        result["precision"], result["recall"] = metrics.precision_recall(t, p, n_classes=k)
        result["classes"] = pre.classes
        if k == 2 and 0 < t.sum() < len(t):
            result["roc_auc"] = metrics.roc_auc(t, o[:, -1])  # P(class 1): one sigmoid unit or softmax's second
    else:
        y_true = np.asarray(table.y, dtype=np.float64)
        y_pred = pre.decode(o)
        result["r2"] = metrics.r2_score(y_true, y_pred)
        result["mae"] = metrics.mean_absolute_error(y_true, y_pred)
        result["rmse"] = metrics.root_mean_squared_error(y_true, y_pred)
    return result


def scores_line(r: dict[str, Any], unit: str | None) -> str:
    """The headline scores in one line: ``accuracy 0.8125, macro F1 0.7911`` or ``R² 0.45, RMSE 54.1 …``."""
    if "accuracy" in r:
        auc = f", ROC-AUC {r['roc_auc']:.4f}" if "roc_auc" in r else ""
        return f"accuracy {r['accuracy']:.4f}, macro F1 {r['f1_macro']:.4f}{auc}"
    units = f" ({unit})" if unit else ""
    return f"R² {r['r2']:.4f}, RMSE {r['rmse']:.6g}, MAE {r['mae']:.6g}{units}"


def report(bundle: ModelBundle, r: dict[str, Any]) -> list[str]:
    """The lines of ``lucidnet evaluate``."""
    lines = [f"model: {bundle.network!r}", f"samples: {r['n']}", f"loss ({r['loss_units']}): {r['loss']:.6g}"]
    if "accuracy" not in r:
        unit = f" ({bundle.preprocessing.target_name})" if bundle.preprocessing.target_name else ""
        return lines + [f"R²: {r['r2']:.4f}", f"RMSE{unit}: {r['rmse']:.6g}", f"MAE{unit}: {r['mae']:.6g}"]
    correct = int(np.trace(r["confusion"]))
    lines.append(f"accuracy: {r['accuracy']:.4f} ({correct}/{r['n']})")
    lines.append(f"macro F1: {r['f1_macro']:.4f}")
    if "roc_auc" in r:
        lines.append(f"ROC-AUC: {r['roc_auc']:.4f} (class {r['classes'][1]!s} as positive)")
    names = [str(c) for c in r["classes"]]
    w = max(5, *(len(s) for s in names), len(str(r["n"]))) + 2
    lines.append("confusion matrix (rows: true class, columns: predicted):")
    lines.append(" " * w + "".join(f"{s:>{w}}" for s in names))
    for name, row in zip(names, r["confusion"]):
        lines.append(f"{name:>{w}}" + "".join(f"{v:>{w}d}" for v in row))
    lines.append(" " * w + f"{'precision':>11}{'recall':>9}{'support':>9}")
    for name, p, rc, row in zip(names, r["precision"], r["recall"], r["confusion"]):
        lines.append(f"{name:>{w}}{p:>11.4f}{rc:>9.4f}{int(row.sum()):>9d}")
    return lines


def cmd_evaluate(args: argparse.Namespace) -> int:
    bundle = open_model(args.model, args.data, "evaluate")
    table = _read_model_data(bundle, args.data, need_target=True, labels=args.labels, sep=args.sep)
    tell(table.notes)
    print("\n".join(report(bundle, evaluate_model(bundle, table))))
    return EXIT_OK
