"""``lucidnet explain``: one forward and backward pass printed in the lessons' notation, or as JSON.

The network is a fresh small one on a built-in data set (``--dataset``), or a saved model with its data
(``--model FILE --data FILE``); :func:`lucidnet.trace.trace` records the step and ``Trace.to_text`` writes it.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import numpy as np

from ..data import datasets
from ..data.preprocessing import Standardizer
from ..data.read import read_for_model
from ..heads import build_network, head_for
from ..interop.onnx_read import load_any
from ..trace import trace
from .evaluate import model_targets
from .status import CliError

__all__ = ["configure_explain_parser", "run_explain"]


def configure_explain_parser(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``lucidnet explain`` to ``parser`` (an argparse subcommand parser)."""
    parser.description = ("Show one forward and backward pass in the lessons' notation: net, o, δ, ∂E/∂w and "
                          "the update −η·∂E/∂w for every neuron of one sample, and the chain rule of one weight.")
    src = parser.add_argument_group("what to explain (a built-in data set, or a model file with data)")
    src.add_argument("--dataset", metavar="NAME",
                     help="built-in data set (see 'lucidnet datasets'); explained on a fresh small network")
    src.add_argument("--model", metavar="FILE", help="a model file saved by 'lucidnet train'")
    src.add_argument("--data", metavar="FILE", help="data for --model: CSV/NPY/NPZ with the target column")
    parser.add_argument("--sample", type=int, default=0, metavar="K", help="row to show, from 0 (default 0)")
    parser.add_argument("--weight", metavar="LAYER,I,J",
                        help="write out the chain rule for this weight; layers and units from 1, I = 0 for the bias")
    parser.add_argument("--lr", type=float, default=0.1, help="η for the update −η·∂E/∂w (default 0.1)")
    net = parser.add_argument_group("the fresh network for --dataset")
    net.add_argument("--hidden", type=int, default=2, metavar="N", help="hidden units (default 2; 0: none)")
    net.add_argument("--activation", default="sigmoid", help="activation of every layer (default sigmoid)")
    net.add_argument("--loss", default="half_sse", help="loss (default half_sse, the lessons' ½·Σ(o − y)²)")
    net.add_argument("--seed", type=int, default=0, help="seed of the initial weights (default 0)")
    net.add_argument("--n", type=int, default=8, help="samples drawn from a generated data set (default 8)")
    net.add_argument("--standardize", action="store_true", help="z-score X (and a regression target) first")
    parser.add_argument("--max-items", type=int, default=12, metavar="N",
                        help="show at most N units per layer and terms per sum (default 12)")
    parser.add_argument("--json", action="store_true", help="print Trace.to_dict() as JSON instead of text")


def _parse_weight(text: str | None) -> tuple[int, int, int] | None:
    if text is None:
        return None
    parts = text.replace(" ", "").split(",")
    try:
        if len(parts) != 3:
            raise ValueError
        return int(parts[0]), int(parts[1]), int(parts[2])
    except ValueError:
        raise ValueError(f"--weight must be LAYER,I,J (three integers, e.g. 2,1,1), got {text!r}") from None


def _from_dataset(args: argparse.Namespace) -> tuple[Any, np.ndarray, np.ndarray]:
    """A fresh small network on a built-in data set: ``--hidden`` units, ``--activation`` in every layer (the
    lessons' networks are sigmoid throughout) and ``--loss``, with the output units the task asks for."""
    name = args.dataset
    ds = datasets.load(name, n=args.n, seed=args.seed) if name in datasets.GENERATORS else datasets.load(name)
    X, y = ds.X, np.asarray(ds.y, dtype=np.float64)
    if args.standardize:
        X = Standardizer().fit_transform(X)
        if ds.task == "regression":
            y = Standardizer().fit_transform(y).reshape(y.shape)
    if args.hidden < 0:
        raise ValueError(f"--hidden must be >= 0, got {args.hidden}")
    if ds.task == "regression":
        head = head_for("regression", 1 if y.ndim == 1 else y.shape[1], args.activation, args.loss)
        targets = head.encode(y)
    elif y.ndim == 2:
        head = head_for("multilabel", y.shape[1], args.activation, args.loss)
        targets = head.encode(y)
    else:
        values, indices = np.unique(y, return_inverse=True)
        head = head_for("classification", max(len(values), 2), args.activation, args.loss)
        targets = head.encode(indices)
    hidden = [args.hidden] if args.hidden else []
    net = build_network(ds.d, hidden, head, args.activation, init="glorot_uniform", seed=args.seed)
    return net, X, targets


def _from_model(args: argparse.Namespace) -> tuple[Any, np.ndarray, np.ndarray]:
    if not args.data:
        raise ValueError("--model needs --data FILE: the samples (with their target) to explain")
    bundle = load_any(args.model)
    pre = bundle.preprocessing
    table = read_for_model(args.data, bundle.n_features, pre.feature_names, pre.target_name, need_target=True,
                           inputs=pre.inputs, id_name=pre.id_name)
    X, _, targets = model_targets(bundle, table)
    return bundle.network, X, targets


def run_explain(args: argparse.Namespace) -> int:
    """Run ``lucidnet explain``: print the text (or JSON) of one step; return the exit status (0, or 2).
    ``--model`` reads a model file or a .onnx file exported by lucidnet."""
    try:
        if (args.dataset is None) == (args.model is None):
            raise ValueError("give either --dataset NAME or --model FILE --data FILE")
        if args.data and not args.model:
            raise ValueError("--data goes with --model FILE")
        weight = _parse_weight(args.weight)
        net, X, y = _from_dataset(args) if args.dataset is not None else _from_model(args)
        result = trace(net, X, y, lr=args.lr)
        text = (json.dumps(result.to_dict()) if args.json
                else result.to_text(sample=args.sample, weight=weight, max_items=args.max_items))
    except (ValueError, TypeError, OSError, CliError) as exc:
        sys.stderr.write(f"lucidnet explain: error: {exc}\n")
        return 2
    sys.stdout.write(text + "\n")
    return 0
