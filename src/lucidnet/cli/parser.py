"""The ``lucidnet`` argument parser: every command, its options and its help text, one function per command."""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from ..playground.cli import configure_playground_parser, serve_playground  # the standard library only
from ..playground.web import INSTALL_HINT, require_web
from .commands import cmd_datasets, cmd_export, cmd_gradcheck, cmd_plot
from .evaluate import cmd_evaluate
from .explain import configure_explain_parser, run_explain
from .options import DEFAULT_DATASET, DEFAULT_OUT, DEFAULT_PATIENCE
from .predict import DEFAULT_PRECISION, cmd_predict
from .status import EXIT_USAGE, CliError
from .train import cmd_train


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``lucidnet train: error: …`` and a pointer to --help."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``lucidnet`` argument parser with all its subcommands."""
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
    for add in (_train, _predict, _evaluate, _plot, _export, _gradcheck):
        add(sub, common)
    sub.add_parser("datasets", parents=[common], help="list the built-in data sets").set_defaults(func=cmd_datasets)
    ex = sub.add_parser("explain", parents=[common], help="show every quantity of one training step")
    configure_explain_parser(ex)
    ex.set_defaults(func=run_explain)
    pg = sub.add_parser("playground", parents=[common],
                        help="the web playground: watch a network learn (needs lucidnet[web])")
    configure_playground_parser(pg)
    pg.set_defaults(func=_playground)
    return parser


def _playground(args: argparse.Namespace) -> int:
    """``lucidnet playground``: the web extra's one check (:func:`~lucidnet.playground.web.require_web`), worded
    as the CLI's errors are, then the server."""
    try:
        require_web()
    except ImportError as exc:
        raise CliError(f"lucidnet playground needs {exc.name}, which is not installed: install lucidnet[web] "
                       f"({INSTALL_HINT})") from None
    return serve_playground(args)


# ------------------------------------------------------------------------------------------------ train
def _train(sub: Any, common: argparse.ArgumentParser) -> None:
    t = sub.add_parser("train", parents=[common], help="train a network on a CSV/NPY/NPZ/IDX file or a built-in set",
                       description="Train a network and save it as a .safetensors model file. Every option can "
                       "also come from --config FILE.toml (same names; the command line wins).")  # fmt: skip
    _train_data(t.add_argument_group("data"))
    _train_columns(t.add_argument_group("columns (CSV)"))
    _train_network(t.add_argument_group("network"))
    _train_fit(t.add_argument_group("training"))
    _train_output(t.add_argument_group("output"))
    t.set_defaults(func=cmd_train)


def _train_data(g: argparse._ArgumentGroup) -> None:
    g.add_argument("--data", metavar="FILE", help="CSV with a header row, .npy, .npz (X, y) or an IDX images file")
    g.add_argument("--labels", metavar="FILE", help="the IDX labels file going with an IDX images --data file")
    g.add_argument("--dataset", metavar="NAME", help=f"a built-in data set (see 'lucidnet datasets'); "
                   f"default {DEFAULT_DATASET} when --data is not given")  # fmt: skip
    g.add_argument("--task", choices=["auto", "classification", "regression"],
                   help="what the target is; auto: text labels, integer dtypes and integer columns with at most "
                   "10 distinct values are classes, other numbers are values (default auto)")  # fmt: skip
    g.add_argument("--validation-split", type=float, metavar="F",
                   help="fraction of the rows held out (shuffled with the seed) for the validation loss, early "
                   "stopping and the summary's scores (default 0.2)")  # fmt: skip
    g.add_argument("--test-split", type=float, metavar="F",
                   help="fraction of the rows held out before anything else and scored once, after training, as "
                   "'lucidnet evaluate' does (default 0: none)")  # fmt: skip
    g.add_argument("--standardize", action=argparse.BooleanOptionalAction,
                   help="z-score features (and a numeric target) with training-set mean and std, stored in the "
                   "model (default on)")  # fmt: skip


def _train_columns(g: argparse._ArgumentGroup) -> None:
    g.add_argument("--target", metavar="COL", help="target column name or index (default: the last column)")
    g.add_argument("--features", metavar="COL,...", help="only these columns are features (default: every column "
                   "but the target, the --id, --drop and those that look like IDs)")  # fmt: skip
    g.add_argument("--drop", metavar="COL,...", help="columns that are not features")
    g.add_argument("--id", metavar="COL", help="a column naming each row: not a feature, copied first into "
                   "predict's output (default: a column that looks like an ID)")  # fmt: skip
    g.add_argument("--missing", choices=["impute", "error"], help="a missing cell (empty, NA, NaN, ?) in a "
                   "feature: impute fills numbers with the training median and encodes text as no category; "
                   "error refuses the file (default impute)")  # fmt: skip
    g.add_argument("--sep", metavar="CHAR", help="the CSV separator (default: detected among , ; tab |)")


def _train_network(g: argparse._ArgumentGroup) -> None:
    from ..activations import ACTIVATIONS
    from ..losses import LOSSES

    acts, losses = (", ".join(sorted(r)) for r in (ACTIVATIONS, LOSSES))
    g.add_argument("--layers", metavar="SIZES", help="hidden layer sizes, comma-separated, e.g. 16,8 "
                   "(input and output sizes come from the data; '' for none; default 16)")  # fmt: skip
    g.add_argument("--activation", metavar="NAME", help=f"hidden activation: {acts} (default relu); "
                   "parameters after a colon, e.g. leaky_relu:alpha=0.1 or maxout:k=3")  # fmt: skip
    g.add_argument("--output-activation", metavar="NAME", help="default: softmax for classes, identity for values")
    g.add_argument("--loss", metavar="NAME", help=f"{losses} (default: cross_entropy for classes, mse for values)")
    g.add_argument("--dtype", choices=["float64", "float32"], help="default float64")
    g.add_argument("--l2", type=float, metavar="LAMBDA", help="L2 penalty ½λΣW² on the weights, which keeps them "
                   "small on small noisy tables (default 0.01; 0 for none)")  # fmt: skip


def _train_fit(g: argparse._ArgumentGroup) -> None:
    from ..optimizers import OPTIMIZERS

    g.add_argument("--optimizer", metavar="NAME", help=f"{', '.join(sorted(OPTIMIZERS))} (default adam); "
                   "parameters after a colon, e.g. sgd:momentum=0.9,nesterov=true")  # fmt: skip
    g.add_argument("--lr", type=float, metavar="ETA", help="learning rate η > 0 (default 0.01)")
    g.add_argument("--epochs", type=int, metavar="N", help="the most passes over the training data (default 200)")
    g.add_argument("--batch-size", type=int, metavar="N", help="mini-batch size (default 32)")
    g.add_argument("--seed", type=int, metavar="N", help="seed of everything random (default 0)")
    g.add_argument("--early-stopping", metavar="PATIENCE", help="stop after PATIENCE epochs without a better "
                   f"validation loss, or 'off' (default {DEFAULT_PATIENCE})")  # fmt: skip
    g.add_argument("--keep", choices=["best", "last"], help="the weights saved: the best epoch's (lowest validation "
                   "loss, or training loss without validation) or the last epoch's (default best)")  # fmt: skip


def _train_output(g: argparse._ArgumentGroup) -> None:
    g.add_argument("--out", metavar="FILE", help=f"model file to write (default {DEFAULT_OUT})")
    g.add_argument("--config", metavar="FILE.toml", help="read options from a TOML file")
    g.add_argument("--quiet", "-q", action="store_true", help="no progress display")
    g.add_argument("--checkpoint-every", type=int, metavar="N", help="write a checkpoint every N epochs")
    g.add_argument("--checkpoint", metavar="FILE", help="checkpoint file (default: OUT with .ckpt before the "
                   "extension)")  # fmt: skip
    g.add_argument("--resume", metavar="FILE", help="continue the run saved in a checkpoint file (only --epochs, "
                   "--data, --out and the checkpoint options may be given with it)")  # fmt: skip


# ------------------------------------------------------------------------------------------------ using a model
def _model_and_data(p: argparse.ArgumentParser, data_help: str) -> None:
    p.add_argument("model", metavar="MODEL", help="a .safetensors model file (or an .onnx file lucidnet exported)")
    p.add_argument("data", metavar="DATA", help=data_help)
    p.add_argument("--labels", metavar="FILE", help="the IDX labels file going with an IDX images DATA file")
    p.add_argument("--sep", metavar="CHAR", help="the CSV separator (default: detected)")


def _predict(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("predict", parents=[common], help="predict with a saved model",
                       description="Apply a model to raw data (a CSV with the columns it was trained on, matched by "
                       "name, or NPY/NPZ/IDX) and write CSV: the ID column, then 'prediction' (class labels or "
                       "values in the target's units).")  # fmt: skip
    _model_and_data(p, "the inputs (a target column and other extra columns are ignored, with a note)")
    p.add_argument("--out", metavar="FILE", help="write the CSV here (default: standard output)")
    p.add_argument("--proba", action="store_true", help="add one probability column per class, proba_<class>")
    p.add_argument("--precision", type=int, metavar="N", default=DEFAULT_PRECISION,
                   help=f"significant digits of the numbers written (default {DEFAULT_PRECISION})")
    p.set_defaults(func=cmd_predict)


def _evaluate(sub: Any, common: argparse.ArgumentParser) -> None:
    e = sub.add_parser("evaluate", parents=[common], help="loss and metrics of a model on labelled data",
                       description="Loss (in its units); for classes accuracy, macro F1, the confusion matrix, "
                       "precision and recall per class and, for two classes, ROC-AUC; for values R², RMSE and "
                       "MAE in the target's units.")  # fmt: skip
    _model_and_data(e, "data with the target column the model was trained on")
    e.set_defaults(func=cmd_evaluate)


def _plot(sub: Any, common: argparse.ArgumentParser) -> None:
    pl = sub.add_parser("plot", parents=[common], help="plot a model (needs lucidnet[plot])",
                        description="Plot the loss curves, predicted vs actual values, the decision boundary "
                        "(2 features) or the weight matrices, as a PNG.")  # fmt: skip
    pl.add_argument("model", metavar="MODEL")
    pl.add_argument("--kind", required=True, choices=["loss", "pred-vs-actual", "decision-boundary", "weights"])
    pl.add_argument("--data", metavar="FILE", help="labelled data (pred-vs-actual, decision-boundary)")
    pl.add_argument("--labels", metavar="FILE", help="the IDX labels file going with an IDX images data file")
    pl.add_argument("--out", metavar="FILE.png", required=True)
    pl.set_defaults(func=cmd_plot)


def _export(sub: Any, common: argparse.ArgumentParser) -> None:
    x = sub.add_parser("export", parents=[common], help="write the model as plain text or ONNX",
                       description="txt: human-readable text, one block per weight matrix and bias, values that "
                       "read back exactly (lucidnet.load_txt). onnx: one ONNX graph from raw feature rows to "
                       "probabilities and labels (or values), preprocessing included, for ONNX Runtime "
                       "(needs lucidnet[onnx]; see docs/deploy.md).")  # fmt: skip
    x.add_argument("model", metavar="MODEL")
    x.add_argument("--format", choices=["txt", "onnx"], default="txt")
    x.add_argument("--out", metavar="FILE", help="default: MODEL with .txt or .onnx")
    x.set_defaults(func=cmd_export)


def _gradcheck(sub: Any, common: argparse.ArgumentParser) -> None:
    g = sub.add_parser("gradcheck", parents=[common], help="check backprop against finite differences",
                       description="Compare backpropagated gradients with central differences (float64): the "
                       "relative error per parameter array; exit status 1 above the tolerance.")  # fmt: skip
    g.add_argument("--dataset", metavar="NAME", help="build a small network (--layers, --activation) for it")
    g.add_argument("--model", metavar="FILE", help="a saved model (with --data)")
    g.add_argument("--data", metavar="FILE", help="labelled data for --model")
    g.add_argument("--labels", metavar="FILE", help="the IDX labels file going with an IDX images data file")
    g.add_argument("--layers", default="5", metavar="SIZES", help="hidden sizes for --dataset (default 5)")
    g.add_argument("--activation", default="tanh", metavar="NAME", help="hidden activation (default tanh)")
    g.add_argument("--rows", type=int, default=16, metavar="N", help="samples the loss is taken over (default 16)")
    g.add_argument("--tol", type=float, default=1e-6, help="largest relative error that passes (default 1e-6)")
    g.add_argument("--atol", type=float, default=1e-9,
                   help="a parameter whose entries all differ by at most this also passes: exactly-zero gradients "
                   "meet finite differences of rounding noise (default 1e-9)")  # fmt: skip
    g.add_argument("--seed", type=int, default=0)
    g.set_defaults(func=cmd_gradcheck)


def _version() -> str:
    from .._version import __version__

    return str(__version__)
