"""The ``lucidnet`` command: train, predict, evaluate, plot, export, gradcheck, datasets.

Every command reads its input through :mod:`lucidnet.data`, keeps models in :mod:`lucidnet.io` files and
trains with the core engine; this module only turns options into calls and results into text. Bad input
gives one line on stderr (``lucidnet: error: …``) and exit status 2; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import csv
import io as _stdio
import itertools
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from .data import DataError, Table, read_for_model, read_table
from .io import ModelBundle, ModelFileError, Preprocessing, _label, atomic_write, load_model
from .playground import configure_playground_parser, run_playground  # the standard library only
from .trace import configure_explain_parser, run_explain

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
DEFAULT_DATASET = "moons"
DEFAULT_OUT = "lucidnet-model.safetensors"


class CliError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


# ------------------------------------------------------------------------------------------ parser
class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``lucidnet train: error: …`` and a pointer to --help."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


#: train options that a --config TOML file may set, with their defaults
TRAIN_DEFAULTS: dict[str, Any] = {
    "data": None,
    "labels": None,
    "dataset": None,
    "target": None,
    "task": "auto",
    "layers": "16",
    "activation": "relu",
    "output_activation": None,
    "loss": None,
    "optimizer": "adam",
    "lr": 0.01,
    "epochs": 200,
    "batch_size": 32,
    "seed": 0,
    "validation_split": 0.2,
    "early_stopping": None,
    "standardize": True,
    "dtype": "float64",
    "l2": 0.0,
    "out": DEFAULT_OUT,
    "checkpoint_every": None,
    "checkpoint": None,
}


def build_parser() -> argparse.ArgumentParser:
    """The ``lucidnet`` argument parser with all its subcommands."""
    from .activations import ACTIVATIONS
    from .losses import LOSSES
    from .optimizers import OPTIMIZERS

    acts, losses, optimizers = (", ".join(sorted(r)) for r in (ACTIVATIONS, LOSSES, OPTIMIZERS))
    common = _Parser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the full traceback on errors")  # fmt: skip
    parser = _Parser(
        prog="lucidnet",
        description="Feed-forward neural networks with backpropagation written by hand on NumPy.",
        epilog="Run 'lucidnet CMD --help' for the options of one command. "
        "With no options, 'lucidnet train' trains on a built-in data set.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"lucidnet {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="CMD", parser_class=_Parser)

    t = sub.add_parser("train", parents=[common], help="train a network on a CSV/NPY/NPZ/IDX file or a built-in set",
                       description="Train a network and save it as a .safetensors model file. Every option can "
                       "also come from --config FILE.toml (same names; the command line wins).")  # fmt: skip
    src = t.add_argument_group("data")
    src.add_argument(
        "--data", metavar="FILE", help="CSV with a header row, .npy, .npz (X, y) or an IDX images file"
    )
    src.add_argument(
        "--labels", metavar="FILE", help="the IDX labels file going with an IDX images --data file"
    )
    src.add_argument("--dataset", metavar="NAME", help=f"a built-in data set (see 'lucidnet datasets'); "
                     f"default {DEFAULT_DATASET} when --data is not given")  # fmt: skip
    src.add_argument("--target", metavar="COL", help="target column name or index (default: the last column)")
    src.add_argument("--task", choices=["auto", "classification", "regression"],
                     help="what the target is; auto: text labels, integer dtypes and integer columns with at most "
                     "10 distinct values are classes, other numbers are values (default auto)")  # fmt: skip
    src.add_argument(
        "--validation-split",
        type=float,
        metavar="F",
        help="fraction held out (shuffled with the seed) for the validation loss (default 0.2)",
    )
    src.add_argument("--standardize", action=argparse.BooleanOptionalAction,
                     help="z-score features (and a numeric target) with training-set mean and std, stored in "
                     "the model (default on)")  # fmt: skip
    net = t.add_argument_group("network")
    net.add_argument("--layers", metavar="SIZES", help="hidden layer sizes, comma-separated, e.g. 16,8 "
                     "(input and output sizes come from the data; '' for none; default 16)")  # fmt: skip
    net.add_argument("--activation", metavar="NAME", help=f"hidden activation: {acts} (default relu); "
                     "parameters after a colon, e.g. leaky_relu:alpha=0.1 or maxout:k=3")  # fmt: skip
    net.add_argument(
        "--output-activation", metavar="NAME", help="default: softmax for classes, identity for values"
    )
    net.add_argument(
        "--loss", metavar="NAME", help=f"{losses} (default: cross_entropy for classes, mse for values)"
    )
    net.add_argument("--dtype", choices=["float64", "float32"], help="default float64")
    net.add_argument("--l2", type=float, metavar="LAMBDA", help="L2 penalty ½λΣW² (default 0)")
    fit = t.add_argument_group("training")
    fit.add_argument("--optimizer", metavar="NAME", help=f"{optimizers} (default adam); parameters after a "
                     "colon, e.g. sgd:momentum=0.9,nesterov=true")  # fmt: skip
    fit.add_argument("--lr", type=float, metavar="ETA", help="learning rate η > 0 (default 0.01)")
    fit.add_argument("--epochs", type=int, metavar="N", help="passes over the training data (default 200)")
    fit.add_argument("--batch-size", type=int, metavar="N", help="mini-batch size (default 32)")
    fit.add_argument("--seed", type=int, metavar="N", help="seed of everything random (default 0)")
    fit.add_argument(
        "--early-stopping",
        type=int,
        metavar="PATIENCE",
        help="stop after PATIENCE epochs without a better validation loss; keep the best weights",
    )
    out = t.add_argument_group("output")
    out.add_argument("--out", metavar="FILE", help=f"model file to write (default {DEFAULT_OUT})")
    out.add_argument("--config", metavar="FILE.toml", help="read options from a TOML file")
    out.add_argument("--quiet", "-q", action="store_true", help="no progress display")
    out.add_argument("--checkpoint-every", type=int, metavar="N", help="write a checkpoint every N epochs")
    out.add_argument("--checkpoint", metavar="FILE", help="checkpoint file (default: OUT with .ckpt before the "
                     "extension)")  # fmt: skip
    out.add_argument("--resume", metavar="FILE", help="continue the run saved in a checkpoint file")
    t.set_defaults(func=cmd_train)

    p = sub.add_parser("predict", parents=[common], help="predict with a saved model",
                       description="Apply a model to raw data (CSV with the training feature columns, a target "
                       "column is ignored; or NPY/NPZ/IDX) and write CSV with a 'prediction' column.")  # fmt: skip
    p.add_argument("model", metavar="MODEL", help="a .safetensors model file")
    p.add_argument("data", metavar="DATA", help="the inputs")
    p.add_argument("--labels", metavar="FILE", help="the IDX labels file going with an IDX images data file")
    p.add_argument("--out", metavar="FILE", help="write the CSV here (default: standard output)")
    p.add_argument("--proba", action="store_true", help="add one probability column per class")
    p.set_defaults(func=cmd_predict)

    e = sub.add_parser(
        "evaluate",
        parents=[common],
        help="loss and metrics of a model on labelled data",
        description="Loss; accuracy and confusion matrix for classes; R², MAE, RMSE for values.",
    )
    e.add_argument("model", metavar="MODEL")
    e.add_argument("data", metavar="DATA", help="data with the target column the model was trained on")
    e.add_argument("--labels", metavar="FILE", help="the IDX labels file going with an IDX images DATA file")
    e.set_defaults(func=cmd_evaluate)

    pl = sub.add_parser("plot", parents=[common], help="plot a model (needs lucidnet[plot])",
                        description="Plot the loss curves, predicted vs actual values, the decision boundary "
                        "(2 features) or the weight matrices, as a PNG.")  # fmt: skip
    pl.add_argument("model", metavar="MODEL")
    pl.add_argument(
        "--kind", required=True, choices=["loss", "pred-vs-actual", "decision-boundary", "weights"]
    )
    pl.add_argument("--data", metavar="FILE", help="labelled data (pred-vs-actual, decision-boundary)")
    pl.add_argument("--labels", metavar="FILE", help="the IDX labels file going with an IDX images data file")
    pl.add_argument("--out", metavar="FILE.png", required=True)
    pl.set_defaults(func=cmd_plot)

    x = sub.add_parser("export", parents=[common], help="write the weights as plain text",
                       description="Write the model as human-readable text: one block per weight matrix and "
                       "bias, values that read back exactly (lucidnet.load_txt).")  # fmt: skip
    x.add_argument("model", metavar="MODEL")
    x.add_argument("--format", choices=["txt"], default="txt")
    x.add_argument("--out", metavar="FILE", help="default: MODEL with .txt")
    x.set_defaults(func=cmd_export)

    g = sub.add_parser("gradcheck", parents=[common], help="check backprop against finite differences",
                       description="Compare backpropagated gradients with central differences (float64): the "
                       "relative error per parameter array; exit status 1 above the tolerance.")  # fmt: skip
    g.add_argument("--dataset", metavar="NAME", help="build a small network (--layers, --activation) for it")
    g.add_argument("--model", metavar="FILE", help="a saved model (with --data)")
    g.add_argument("--data", metavar="FILE", help="labelled data for --model")
    g.add_argument("--labels", metavar="FILE", help="the IDX labels file going with an IDX images data file")
    g.add_argument("--layers", default="5", metavar="SIZES", help="hidden sizes for --dataset (default 5)")
    g.add_argument("--activation", default="tanh", metavar="NAME", help="hidden activation (default tanh)")
    g.add_argument(
        "--rows", type=int, default=16, metavar="N", help="samples the loss is taken over (default 16)"
    )
    g.add_argument(
        "--tol", type=float, default=1e-6, help="largest relative error that passes (default 1e-6)"
    )
    g.add_argument(
        "--atol", type=float, default=1e-9,
        help="a parameter whose entries all differ by at most this also passes: exactly-zero gradients meet "
             "finite differences of rounding noise (default 1e-9)",
    )
    g.add_argument("--seed", type=int, default=0)
    g.set_defaults(func=cmd_gradcheck)

    d = sub.add_parser("datasets", parents=[common], help="list the built-in data sets")
    d.set_defaults(func=cmd_datasets)

    ex = sub.add_parser("explain", parents=[common], help="show every quantity of one training step")
    configure_explain_parser(ex)
    ex.set_defaults(func=run_explain)

    pg = sub.add_parser("playground", parents=[common],
                        help="the web playground: watch a network learn (needs lucidnet[web])")
    configure_playground_parser(pg)
    pg.set_defaults(func=run_playground)
    return parser


def _version() -> str:
    from . import __version__

    return str(__version__)


# ------------------------------------------------------------------------------------------ main
def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 failed check, 2 bad input, 130 Ctrl-C)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    debug = "--debug" in args_list
    try:
        args = parser.parse_args(args_list)
        if getattr(args, "func", None) is None:  # plain `lucidnet`: say what there is
            parser.print_help()
            return EXIT_OK
        return int(args.func(args))
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        if debug:
            raise
        sys.stderr.write("lucidnet: interrupted\n")
        return EXIT_INTERRUPTED
    except (CliError, DataError, ModelFileError) as exc:
        if debug:
            raise
        return _error(str(exc))
    except OSError as exc:
        if debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        return _error(f"{where}{exc.strerror or exc}")
    except (ImportError, ValueError) as exc:
        # the engine checks its inputs and says what is wrong in a ValueError (a loss that does not fit
        # the output layer, say): that is bad input too
        if debug:
            raise
        return _error(str(exc))


def _error(message: str) -> int:
    sys.stderr.write(f"lucidnet: error: {message}\n")
    return EXIT_USAGE


# ------------------------------------------------------------------------------------------ validation
def _check_name(kind: str, name: str, registry: dict[str, Any]) -> str:
    if name not in registry:
        raise CliError(f"unknown {kind} {name!r}; valid names are: {', '.join(sorted(registry))}")
    return name


def _check_spec(kind: str, spec: Any, registry: dict[str, Any], build: Any) -> str | dict[str, Any]:
    """``name`` or ``name:key=value,…`` (or a TOML table with ``name``) -> a name or config dict that builds."""
    from .registry import parse_spec

    try:
        value = parse_spec(kind, spec) if isinstance(spec, str) else spec
        if not isinstance(value, (str, dict)):
            raise ValueError(f"{kind} must be a name or name:key=value,…, got {spec!r}")
        if isinstance(value, str):
            _check_name(kind, value, registry)
        build(value)  # checks the parameters' names and values
    except (ValueError, TypeError) as exc:
        raise CliError(str(exc)) from None
    return value


def _spec_name(spec: str | dict[str, Any]) -> str:
    return spec if isinstance(spec, str) else str(spec.get("name"))


def _check_writable(path: str | os.PathLike[str]) -> Path:
    """Fail before any work when ``path`` cannot be written (missing folder, no permission, a folder)."""
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise CliError(f"cannot write {p}: it is a directory")
    if folder.exists() and not folder.is_dir():
        raise CliError(f"cannot write {p}: {folder} is a file, not a folder")
    if not folder.is_dir():
        raise CliError(f"cannot write {p}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise CliError(f"cannot write {p}: permission denied")
    return p


def _parse_layers(text: Any) -> list[int]:
    if isinstance(text, list):
        items = text
    else:
        items = [s.strip() for s in str(text).split(",") if s.strip()]
    sizes = []
    for s in items:
        try:
            v = int(s)
        except (TypeError, ValueError):
            raise CliError(
                f"--layers must be comma-separated positive integers like 16,8, got {text!r}"
            ) from None
        if v < 1:
            raise CliError(f"--layers sizes must be >= 1, got {v}")
        sizes.append(v)
    return sizes


def _load_toml(path: str) -> dict[str, Any]:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            raise CliError("--config needs Python 3.11+ or the 'tomli' package") from None
    p = Path(path)
    if not p.is_file():
        raise CliError(f"{p}: no such file")
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CliError(f"{p}: not valid TOML ({exc})") from None
    table = raw.get("train", raw) if isinstance(raw.get("train"), dict) else raw
    out = {}
    for key, value in table.items():
        k = key.replace("-", "_")
        if k not in TRAIN_DEFAULTS:
            raise CliError(f"{p}: unknown option {key!r}; valid options are: "
                           f"{', '.join(k.replace('_', '-') for k in TRAIN_DEFAULTS)}")  # fmt: skip
        out[k] = value
    return out


def _train_options(args: argparse.Namespace) -> dict[str, Any]:
    """Defaults, then --config, then the command line."""
    opts = dict(TRAIN_DEFAULTS)
    if args.config:
        opts.update(_load_toml(args.config))
    for key in TRAIN_DEFAULTS:
        v = getattr(args, key, None)
        if v is not None:
            opts[key] = v
    return opts


def _validate(opts: dict[str, Any]) -> None:
    from .activations import ACTIVATIONS, get_activation
    from .losses import LOSSES
    from .optimizers import OPTIMIZERS, get_optimizer

    opts["activation"] = _check_spec("activation", opts["activation"], ACTIVATIONS, get_activation)
    if opts["output_activation"] is not None:
        opts["output_activation"] = _check_spec(
            "output activation", opts["output_activation"], ACTIVATIONS, get_activation
        )
    if opts["loss"] is not None:
        _check_name("loss", opts["loss"], LOSSES)
    opts["optimizer"] = _check_spec("optimizer", opts["optimizer"], OPTIMIZERS,
                                    lambda spec: get_optimizer(spec if isinstance(spec, dict) else {"name": spec}))
    if isinstance(opts["optimizer"], dict) and "lr" in opts["optimizer"]:
        raise CliError("give the learning rate with --lr (or lr = … in the config), not in --optimizer")
    checks = [
        ("lr", opts["lr"], lambda v: v > 0 and np.isfinite(v), "> 0"),
        ("epochs", opts["epochs"], lambda v: v >= 1, ">= 1"),
        ("batch-size", opts["batch_size"], lambda v: v >= 1, ">= 1"),
        ("validation-split", opts["validation_split"], lambda v: 0 <= v < 1, "in [0, 1)"),
        ("l2", opts["l2"], lambda v: v >= 0, ">= 0"),
    ]
    if opts["early_stopping"] is not None:
        checks.append(("early-stopping", opts["early_stopping"], lambda v: v >= 1, ">= 1"))
    if opts["checkpoint_every"] is not None:
        checks.append(("checkpoint-every", opts["checkpoint_every"], lambda v: v >= 1, ">= 1"))
    if isinstance(opts["seed"], bool) or not isinstance(opts["seed"], int) or opts["seed"] < 0:
        raise CliError(f"--seed must be an integer >= 0, got {opts['seed']!r}")
    for name, value, ok, bound in checks:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not ok(value):
            raise CliError(f"--{name} must be {bound}, got {value!r}")
    if opts["data"] is not None and opts["dataset"] is not None:
        raise CliError("give either --data FILE or --dataset NAME, not both")
    _parse_layers(opts["layers"])


# ------------------------------------------------------------------------------------------ data
def _load_training_table(opts: dict[str, Any]) -> tuple[Table, str | None]:
    """The data to train on and its task when the source says it (built-in sets do)."""
    if opts["data"] is not None:
        target = opts["target"]
        if isinstance(target, str) and target.lstrip("-").isdigit():
            target = int(target)
        return read_table(opts["data"], target=target, labels=opts["labels"]), None
    from . import datasets

    name = opts["dataset"] or DEFAULT_DATASET
    if name not in datasets.DATASETS:
        raise CliError(f"unknown data set {name!r}; valid names are: {', '.join(datasets.DATASETS)}")
    kwargs = {"seed": opts["seed"]} if name in getattr(datasets, "GENERATORS", ()) else {}
    ds = datasets.load(name, **kwargs)
    y = np.asarray(ds.y)
    target = ds.target_names[0] if len(ds.target_names) == 1 else "target"
    return Table(
        np.asarray(ds.X, dtype=np.float64), y, list(ds.feature_names), target, f"data set {name}"
    ), ds.task


def _infer_task(y: np.ndarray, forced: str, hint: str | None) -> tuple[str, str | None]:
    """(task, a note for the user or None)."""
    if forced != "auto":
        return forced, None
    if hint is not None:
        return hint, None
    if y.dtype == object or y.dtype.kind in "biuUS":
        return "classification", None
    if y.ndim == 1 and np.all(y == np.round(y)):
        k = len(np.unique(y))
        if k <= 10:
            return (
                "classification",
                f"target has {k} integer values: treated as classes (--task regression to change)",
            )
    return "regression", None


@dataclass
class _Prepared:
    X: np.ndarray
    y: np.ndarray
    X_val: np.ndarray | None
    y_val: np.ndarray | None
    pre: Preprocessing
    n_out: int
    output_activation: str | dict[str, Any]
    loss: str


def _prepare(table: Table, opts: dict[str, Any], task_hint: str | None, notes: list[str]) -> _Prepared:
    """Split, fit the standardizer and label encoding on the training rows, encode the targets."""
    from .preprocessing import Standardizer, one_hot

    assert table.y is not None
    X, y = table.X, np.asarray(table.y)
    task, note = _infer_task(y, opts["task"], task_hint)
    if note:
        notes.append(note)
    n = len(X)
    n_val = round(n * opts["validation_split"])
    if opts["validation_split"] and (n_val < 1 or n - n_val < 1):
        notes.append(f"{n} samples are too few for a validation split: training on all of them")
        n_val = 0
    # its own stream, so that the network's generator (init, shuffling) is the same with or without a split
    order = np.random.default_rng([opts["seed"], 1]).permutation(n)
    tr, va = order[: n - n_val], order[n - n_val :]
    pre = Preprocessing(task=task, feature_names=list(table.feature_names), target_name=table.target_name)
    if opts["standardize"]:
        pre.x_scaler = Standardizer().fit(X[tr])
    multi_label = task == "classification" and y.ndim == 2
    if task == "classification" and not multi_label:
        labels = [_label(v) for v in y]
        kinds = {type(v) for v in labels}
        classes = (
            sorted(set(labels), key=lambda v: (str(type(v)), v)) if len(kinds) > 1 else sorted(set(labels))
        )
        if len(classes) < 2:
            raise CliError(
                f"the target {table.target_name!r} has one class only ({classes[0]!r}); need two or more"
            )
        pre.classes = classes
        out_act = opts["output_activation"] or "softmax"
        n_out = 1 if _spec_name(out_act) == "sigmoid" and len(classes) == 2 else len(classes)
        loss = opts["loss"] or ("bce" if n_out == 1 else "cross_entropy")
        t = pre.encode_y(y)
        if n_out == 1:
            t = t.astype(np.float64).reshape(-1, 1)
        elif loss != "cross_entropy":
            t = one_hot(t, n_out, np.float64)
    elif multi_label:
        out_act, loss = opts["output_activation"] or "sigmoid", opts["loss"] or "bce"
        t = y.astype(np.float64)
        n_out = t.shape[1]
    else:
        out_act, loss = opts["output_activation"] or "identity", opts["loss"] or "mse"
        if y.dtype == object or y.dtype.kind in "US":
            raise CliError(
                f"the target {table.target_name!r} holds text ({y[0]!r}): it can only be classes, "
                "not values; drop --task regression or pick another --target"
            )
        yv = y.astype(np.float64).reshape(n, -1)
        if opts["standardize"]:
            pre.y_scaler = Standardizer().fit(yv[tr])
        t = pre.encode_y(yv)
        n_out = t.shape[1]
    Xs = pre.transform_X(X)
    return _Prepared(
        Xs[tr], t[tr], Xs[va] if n_val else None, t[va] if n_val else None, pre, n_out, out_act, loss
    )


# ------------------------------------------------------------------------------------------ train
def _build_network(n_in: int, hidden: list[int], opts: dict[str, Any], prep: _Prepared) -> Any:
    """n_in → hidden… → n_out, Dense layers, the hidden activation on all but the output layer."""
    from .layers import Dense
    from .network import Network

    sizes = [n_in, *hidden]
    layers = [Dense(a, b, activation=opts["activation"]) for a, b in itertools.pairwise(sizes)]
    layers.append(Dense(sizes[-1], prep.n_out, activation=prep.output_activation))
    return Network(layers, loss=prep.loss, dtype=opts["dtype"], seed=opts["seed"], l2=opts["l2"])


class _BestWeights:
    """Keeps a copy of the weights at the epoch with the lowest validation (or training) loss."""

    def __init__(self) -> None:
        self.best = np.inf
        self.epoch: int | None = None
        self.weights: list[np.ndarray] | None = None

    def __call__(self, state: Any) -> None:
        logs = state.logs
        value = logs.get("val_loss", logs.get("loss", np.inf))
        if value < self.best:
            self.best, self.epoch = value, state.epoch
            self.weights = state.network.get_weights()


def _checkpoint_path(opts: dict[str, Any]) -> Path:
    if opts["checkpoint"]:
        return Path(opts["checkpoint"])
    out = Path(opts["out"])
    return out.with_name(out.stem + ".ckpt" + (out.suffix or ".safetensors"))


def _merged_history(before: dict[str, Any] | None, history: Any) -> dict[str, Any]:
    now = history.to_dict()
    if not before:
        return now
    merged = {k: list(v) for k, v in before.get("history", {}).items()}
    for k, v in now["history"].items():
        merged.setdefault(k, []).extend(v)
    now["history"] = merged
    now["epochs"] = len(merged.get("loss", []))
    return now


def cmd_train(args: argparse.Namespace) -> int:
    from .callbacks import LambdaCallback
    from .errors import TrainingDivergedError
    from .io import load_checkpoint, save_checkpoint, save_model
    from .optimizers import get_optimizer
    from .progress import progress_for

    notes: list[str] = []
    resume = None
    if args.resume:
        resume = load_checkpoint(args.resume)
        opts = dict(TRAIN_DEFAULTS)
        opts.update((resume.bundle.options or {}).get("train", {}))
        for key in ("out", "epochs", "checkpoint_every", "checkpoint"):  # what a resumed run may change
            if getattr(args, key, None) is not None:
                opts[key] = getattr(args, key)
    else:
        opts = _train_options(args)
    _validate(opts)
    out = _check_writable(opts["out"])
    ck_path = _checkpoint_path(opts) if opts["checkpoint_every"] else None
    if ck_path is not None:
        _check_writable(ck_path)

    table, hint = _load_training_table(opts)
    prep = _prepare(table, opts, hint, notes)
    hidden = _parse_layers(opts["layers"])
    try:
        if resume is not None:
            net = resume.bundle.network
            optimizer = get_optimizer(resume.optimizer_config)
            optimizer.load_state_dict(resume.optimizer_state)
            done = resume.epoch
        else:
            net = _build_network(table.X.shape[1], hidden, opts, prep)
            spec = opts["optimizer"]
            optimizer = get_optimizer({**(spec if isinstance(spec, dict) else {"name": spec}), "lr": opts["lr"]})
            done = 0
    except (ValueError, TypeError) as exc:
        raise CliError(str(exc)) from None
    remaining = opts["epochs"] - done
    if remaining < 1:
        raise CliError(
            f"the checkpoint has already run {done} of {opts['epochs']} epochs; pass a larger --epochs"
        )

    for note in notes:
        sys.stderr.write(f"lucidnet: note: {note}\n")
    options = {"train": {k: opts[k] for k in TRAIN_DEFAULTS}}
    before = resume.bundle.history if resume is not None else None
    best = _BestWeights()
    callbacks: list[Any] = [LambdaCallback(on_epoch_end=best)]
    if not args.quiet:
        callbacks.append(progress_for(sys.stderr, opts["epochs"], first_epoch=done))
    if ck_path is not None:
        every = opts["checkpoint_every"]

        def checkpoint(state: Any) -> None:
            epoch = done + state.epoch + 1
            if epoch % every == 0:
                save_checkpoint(ck_path, state.network, state.optimizer, epoch=epoch, preprocessing=prep.pre,
                                history=_merged_history(before, state.history), options=options)  # fmt: skip

        callbacks.append(LambdaCallback(on_epoch_end=checkpoint))
    metrics = ["accuracy"] if prep.pre.classes is not None else []
    val = (prep.X_val, prep.y_val) if prep.X_val is not None else None
    newline = "\n" if not args.quiet and sys.stderr.isatty() else ""  # end the live bar's line first
    started = time.perf_counter()
    try:
        history = net.fit(prep.X, prep.y, epochs=remaining, batch_size=opts["batch_size"], optimizer=optimizer,
                          validation_data=val, callbacks=callbacks, early_stopping=opts["early_stopping"],
                          metrics=metrics)  # fmt: skip
    except TrainingDivergedError as exc:
        sys.stderr.write(f"{newline}lucidnet: error: {exc}\n")
        return EXIT_FAILED
    seconds = time.perf_counter() - started
    hist = _merged_history(before, history)
    if history.interrupted:
        if best.weights is not None:
            net.set_weights(best.weights)
        save_model(net, out, preprocessing=prep.pre, history=hist, options=options)
        which = f"epoch {done + best.epoch + 1}" if best.epoch is not None else "the start"
        sys.stderr.write(f"{newline}lucidnet: interrupted after {hist['epochs']} epochs; best weights ({which}) saved to "
                         f"{out}\n")  # fmt: skip
        if ck_path is not None and ck_path.exists():
            sys.stderr.write(
                f"lucidnet: to go on from the last checkpoint: lucidnet train --resume {ck_path}\n"
            )
        return EXIT_INTERRUPTED
    save_model(net, out, preprocessing=prep.pre, history=hist, options=options)
    print(_train_summary(net, table, prep, hist, seconds, out))
    return EXIT_OK


def _train_summary(
    net: Any, table: Table, prep: _Prepared, hist: dict[str, Any], seconds: float, out: Path
) -> str:
    h = hist["history"]
    last = {k: v[-1] for k, v in h.items() if v}
    acts = ", ".join(
        dict.fromkeys(str(layer.activation.name) for layer in net.layers if hasattr(layer, "activation"))
    )
    head = f"trained {net!r} ({acts}) on {table.source}: {len(table.X)} samples, {hist['epochs']} epochs"
    lines = [f"{head} in {seconds:.1f} s"]
    shown = [f"{k} {last[k]:.4g}" for k in ("loss", "val_loss", "accuracy", "val_accuracy") if k in last]
    if shown:
        lines.append("  " + "  ".join(shown))
    if hist.get("stopped_early"):
        lines.append(f"  stopped early; kept the weights of epoch {(hist.get('best_epoch') or 0) + 1}")
    lines.append(f"model saved to {out}")
    data = table.source.removeprefix("data set ")
    proba = " --proba" if prep.pre.classes is not None else ""
    lines.append(f"next: lucidnet evaluate {out} {data}  |  lucidnet predict {out} {data}{proba}")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ predict / evaluate
def _read_model_data(bundle: ModelBundle, path: str, need_target: bool, labels: str | None = None) -> Table:
    """A data file for the model, or a built-in data set by name (when no file has that name)."""
    pre = bundle.preprocessing
    if not os.path.exists(path):
        from . import datasets

        if path in datasets.DATASETS:
            seed = ((bundle.options or {}).get("train") or {}).get("seed", 0)
            table, _ = _load_training_table(dict(TRAIN_DEFAULTS, dataset=path, seed=seed))
            if table.X.shape[1] != bundle.n_features:
                raise CliError(f"data set {path} has {table.X.shape[1]} features; the model expects "
                               f"{bundle.n_features}")  # fmt: skip
            return table
        raise CliError(f"{path}: no such file (nor a built-in data set; see 'lucidnet datasets')")
    return read_for_model(path, bundle.n_features, pre.feature_names, pre.target_name, need_target, labels)


def _fmt(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    return str(v)


def cmd_predict(args: argparse.Namespace) -> int:
    bundle = load_model(args.model)
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


def evaluate_model(bundle: ModelBundle, table: Table) -> dict[str, Any]:
    """Loss and metrics of ``bundle`` on a labelled table: accuracy and confusion matrix, or R², MAE, RMSE."""
    from . import metrics
    from .preprocessing import one_hot

    pre, net = bundle.preprocessing, bundle.network
    assert table.y is not None
    try:
        t = pre.encode_y(table.y)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    Xs = pre.transform_X(table.X)
    if pre.classes is not None:
        if net.n_out == 1:
            t_net: np.ndarray = t.astype(np.float64).reshape(-1, 1)
        elif net.loss_fn.name != "cross_entropy":
            t_net = one_hot(t, net.n_out, np.float64)
        else:
            t_net = t
    else:
        t_net = t
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
    bundle = load_model(args.model)
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
    from . import plots

    bundle = load_model(args.model)
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
    from .io import save_txt

    bundle = load_model(args.model)
    out = _check_writable(args.out or Path(args.model).with_suffix(".txt"))
    save_txt(bundle, out)
    print(f"weights written to {out}")
    return EXIT_OK


# ------------------------------------------------------------------------------------------ gradcheck / datasets
def cmd_gradcheck(args: argparse.Namespace) -> int:
    from .gradcheck import gradcheck

    if args.rows < 1:
        raise CliError(f"--rows must be >= 1, got {args.rows}")
    if args.tol <= 0:
        raise CliError(f"--tol must be > 0, got {args.tol}")
    if args.model:
        if not args.data:
            raise CliError("--model needs --data FILE (labelled data to take the loss over)")
        bundle = load_model(args.model)
        table = _read_model_data(bundle, args.data, need_target=True, labels=args.labels)
        net = bundle.network
        pre = bundle.preprocessing
        X = pre.transform_X(table.X)
        t = pre.encode_y(table.y)
        if pre.classes is not None and net.n_out == 1:
            t = t.astype(np.float64).reshape(-1, 1)
        elif pre.classes is not None and net.loss_fn.name != "cross_entropy":
            from .preprocessing import one_hot

            t = one_hot(t, net.n_out, np.float64)
    elif args.dataset:
        opts = dict(TRAIN_DEFAULTS, dataset=args.dataset, layers=args.layers, activation=args.activation,
                    seed=args.seed, validation_split=0.0)  # fmt: skip
        _validate(opts)
        table, hint = _load_training_table(opts)
        prep = _prepare(table, opts, hint, [])
        net = _build_network(table.X.shape[1], _parse_layers(args.layers), opts, prep)
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
    from . import datasets

    rows = datasets.list_datasets()
    w = max(len(r[0]) for r in rows)
    print(f"{'name':<{w}}  {'samples':>7}  {'features':>8}  {'task':<14}  description")
    for name, n, d, task, desc in rows:
        print(f"{name:<{w}}  {n:>7}  {d:>8}  {task:<14}  {desc}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
