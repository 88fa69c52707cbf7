"""The commands that use a saved model or the registries: predict, evaluate, plot, export, gradcheck, datasets."""

from __future__ import annotations

import argparse
import csv
import io as _stdio
import sys
from pathlib import Path
from typing import Any

import numpy as np

from .. import metrics
from ..data import Table
from ..heads import head_of
from ..interop.onnx_read import load_any  # model files, and .onnx files exported by lucidnet
from ..io import ModelBundle, atomic_write
from .options import TRAIN_DEFAULTS, _check_writable, _validate
from .status import EXIT_FAILED, EXIT_OK, CliError
from .tables import _load_training_table, _read_model_data, prepare
from .train import network_for


# ------------------------------------------------------------------------------------------ predict / evaluate
def _fmt(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    return str(v)


def cmd_predict(args: argparse.Namespace) -> int:
    bundle = load_any(args.model)
    out = _check_writable(args.out) if args.out else None
    table = _read_model_data(bundle, args.data, need_target=False, labels=args.labels)
    pred = bundle.predict(table.X)
    classes = bundle.preprocessing.classes
    header = ["prediction"] if pred.ndim == 1 else [f"prediction_{j}" for j in range(pred.shape[1])]
    cols = [pred] if pred.ndim == 1 else [pred[:, j] for j in range(pred.shape[1])]
    if args.proba:
        if classes is None:
            raise CliError("--proba needs a classifier; this model predicts values")
        proba = bundle.predict_proba(table.X)
        header += [f"proba_{c}" for c in classes]
        cols += [proba[:, j] for j in range(proba.shape[1])]
    buf = _stdio.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for i in range(len(table.X)):
        w.writerow([_fmt(c[i]) for c in cols])
    text = buf.getvalue()
    if out is None:
        sys.stdout.write(text)
    else:
        atomic_write(out, lambda fh: fh.write(text.encode("utf-8")))
        sys.stderr.write(f"lucidnet: {len(table.X)} predictions written to {out}\n")
    return EXIT_OK


def model_targets(bundle: ModelBundle, table: Table) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, y, targets): a labelled table as a saved model's network sees it: standardised inputs, the targets
    in the model's terms (class indices or scaled values) and as its head encodes them for the loss."""
    pre, net = bundle.preprocessing, bundle.network
    assert table.y is not None
    try:
        y = pre.encode_y(table.y)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if pre.classes is not None:
        kind = "binary" if len(pre.classes) == 2 else "multiclass"
    else:
        kind = "multilabel" if pre.task == "classification" else "regression"
    return pre.transform_X(table.X), y, head_of(net, kind).encode(y)


def evaluate_model(bundle: ModelBundle, table: Table) -> dict[str, Any]:
    """Loss and metrics of ``bundle`` on a labelled table: accuracy and confusion matrix, or R², MAE, RMSE."""
    pre, net = bundle.preprocessing, bundle.network
    assert table.y is not None
    Xs, t, t_net = model_targets(bundle, table)
    result: dict[str, Any] = {"n": len(table.X), "loss_name": net.loss_fn.name, "loss": net.loss(Xs, t_net)}
    o = net.predict(Xs)
    if pre.classes is not None:
        p = (o[:, 0] > 0.5).astype(np.int64) if o.shape[1] == 1 else np.argmax(o, axis=1)
        result["accuracy"] = metrics.accuracy(t, p)
        result["confusion"] = metrics.confusion_matrix(t, p, n_classes=len(pre.classes))
        result["classes"] = pre.classes
    else:
        y_true = np.asarray(table.y, dtype=np.float64)
        y_pred = pre.decode(o)
        result["r2"] = metrics.r2_score(y_true, y_pred)
        result["mae"] = metrics.mean_absolute_error(y_true, y_pred)
        result["rmse"] = metrics.root_mean_squared_error(y_true, y_pred)
    return result


def cmd_evaluate(args: argparse.Namespace) -> int:
    bundle = load_any(args.model)
    table = _read_model_data(bundle, args.data, need_target=True, labels=args.labels)
    r = evaluate_model(bundle, table)
    lines = [f"model: {bundle.network!r}", f"samples: {r['n']}", f"loss ({r['loss_name']}): {r['loss']:.6g}"]
    if "accuracy" in r:
        correct = int(np.trace(r["confusion"]))
        lines.append(f"accuracy: {r['accuracy']:.4f} ({correct}/{r['n']})")
        lines.append("confusion matrix (rows: true class, columns: predicted):")
        names = [str(c) for c in r["classes"]]
        w = max(5, *(len(s) for s in names), len(str(r["n"]))) + 2
        lines.append(" " * w + "".join(f"{s:>{w}}" for s in names))
        for name, row in zip(names, r["confusion"]):
            lines.append(f"{name:>{w}}" + "".join(f"{v:>{w}d}" for v in row))
    else:
        unit = f" ({bundle.preprocessing.target_name})" if bundle.preprocessing.target_name else ""
        lines += [f"R²: {r['r2']:.4f}", f"MAE{unit}: {r['mae']:.6g}", f"RMSE{unit}: {r['rmse']:.6g}"]
    print("\n".join(lines))
    return EXIT_OK


# ------------------------------------------------------------------------------------------ plot / export
def cmd_plot(args: argparse.Namespace) -> int:
    from .. import plots

    bundle = load_any(args.model)
    out = _check_writable(args.out)
    table = None
    if args.kind in ("pred-vs-actual", "decision-boundary"):
        if not args.data:
            raise CliError(f"--kind {args.kind} needs --data FILE with the inputs and targets")
        table = _read_model_data(bundle, args.data, need_target=True, labels=args.labels)
    try:
        plots.save_plot(bundle, args.kind, out, table)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print(f"plot written to {out}")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from ..interop import to_onnx
    from ..io import save_txt

    bundle = load_any(args.model)
    out = _check_writable(args.out or Path(args.model).with_suffix(f".{args.format}"))
    if args.format == "onnx":
        to_onnx(bundle, out)
        print(f"ONNX model written to {out}")
    else:
        save_txt(bundle, out)
        print(f"weights written to {out}")
    return EXIT_OK


# ------------------------------------------------------------------------------------------ gradcheck / datasets
def cmd_gradcheck(args: argparse.Namespace) -> int:
    from ..gradcheck import gradcheck

    if args.rows < 1:
        raise CliError(f"--rows must be >= 1, got {args.rows}")
    if args.tol <= 0:
        raise CliError(f"--tol must be > 0, got {args.tol}")
    if args.model:
        if not args.data:
            raise CliError("--model needs --data FILE (labelled data to take the loss over)")
        bundle = load_any(args.model)
        table = _read_model_data(bundle, args.data, need_target=True, labels=args.labels)
        net = bundle.network
        X, _, t = model_targets(bundle, table)
    elif args.dataset:
        opts = dict(TRAIN_DEFAULTS, dataset=args.dataset, layers=args.layers, activation=args.activation,
                    seed=args.seed, validation_split=0.0)  # fmt: skip
        _validate(opts)
        table, hint = _load_training_table(opts)
        prep = prepare(table, opts, hint, [])
        net = network_for(table, opts, prep)
        X, t = prep.X, prep.y
    else:
        raise CliError("give --dataset NAME, or --model FILE --data FILE")
    if args.atol < 0:
        raise CliError(f"--atol must be >= 0, got {args.atol}")
    report = gradcheck(net, X[: args.rows], t[: args.rows], tol=args.tol, atol=args.atol)
    print(f"gradient check of {net!r} on {min(args.rows, len(X))} samples")
    print(report)
    return EXIT_OK if report.passed else EXIT_FAILED


def cmd_datasets(args: argparse.Namespace) -> int:
    from ..data import datasets

    rows = datasets.list_datasets()
    w = max(len(r[0]) for r in rows)
    print(f"{'name':<{w}}  {'samples':>7}  {'features':>8}  {'task':<14}  description")
    for name, n, d, task, desc in rows:
        print(f"{name:<{w}}  {n:>7}  {d:>8}  {task:<14}  {desc}")
    return EXIT_OK

