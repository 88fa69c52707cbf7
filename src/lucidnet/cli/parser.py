"""The ``lucidnet`` argument parser: every command, its options and its help text."""

from __future__ import annotations

import argparse
from typing import NoReturn

from ..playground import configure_playground_parser, run_playground  # the standard library only
from .commands import cmd_datasets, cmd_evaluate, cmd_export, cmd_gradcheck, cmd_plot, cmd_predict
from .explain import configure_explain_parser, run_explain
from .options import DEFAULT_DATASET, DEFAULT_OUT
from .status import EXIT_USAGE
from .train import cmd_train


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``lucidnet train: error: …`` and a pointer to --help."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``lucidnet`` argument parser with all its subcommands."""
    from ..activations import ACTIVATIONS
    from ..losses import LOSSES
    from ..optimizers import OPTIMIZERS

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
    p.add_argument("model", metavar="MODEL", help="a .safetensors model file (or an .onnx file lucidnet exported)")
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

    x = sub.add_parser("export", parents=[common], help="write the model as plain text or ONNX",
                       description="txt: human-readable text, one block per weight matrix and bias, values that "
                       "read back exactly (lucidnet.load_txt). onnx: one ONNX graph from raw feature rows to "
                       "probabilities and labels (or values), preprocessing included, for ONNX Runtime "
                       "(needs lucidnet[onnx]; see docs/deploy.md).")  # fmt: skip
    x.add_argument("model", metavar="MODEL")
    x.add_argument("--format", choices=["txt", "onnx"], default="txt")
    x.add_argument("--out", metavar="FILE", help="default: MODEL with .txt or .onnx")
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
    from .._version import __version__

    return str(__version__)
