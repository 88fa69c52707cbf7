"""The smaller commands that use a saved model or the registries: plot, export, gradcheck, datasets."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..interop import to_onnx
from ..interop.onnx_read import load_any  # model files, and .onnx files exported by lucidnet
from ..io import save_txt
from .evaluate import model_targets
from .options import TRAIN_DEFAULTS, _check_writable, _validate
from .status import EXIT_FAILED, EXIT_OK, CliError
from .tables import _read_model_data, load_training, prepare
from .train import network_for


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
        X, _, y = model_targets(bundle, table)
    elif args.dataset:
        opts = dict(TRAIN_DEFAULTS, dataset=args.dataset, layers=args.layers, activation=args.activation,
                    seed=args.seed, validation_split=0.0)  # fmt: skip
        _validate(opts)
        training = load_training(opts, [])
        prep = prepare(training, opts, [])
        net = network_for(training.table, opts, prep)
        X, y = prep.X, prep.y
    else:
        raise CliError("give --dataset NAME, or --model FILE --data FILE")
    if args.atol < 0:
        raise CliError(f"--atol must be >= 0, got {args.atol}")
    report = gradcheck(net, X[: args.rows], y[: args.rows], tol=args.tol, atol=args.atol)
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

