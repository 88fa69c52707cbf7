"""``lucidnet predict``: a saved model applied to raw rows, written as CSV: the ID column, the prediction (class
labels, or values in the target's units) and, with ``--proba``, one probability column per class."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from typing import Any

import numpy as np

from ..data.read import format_number
from ..io import atomic_write
from .options import _check_writable
from .status import EXIT_OK, CliError, tell
from .tables import _read_model_data, open_model

#: significant digits of the numbers ``predict`` writes, unless ``--precision`` says otherwise
DEFAULT_PRECISION = 6


def cmd_predict(args: argparse.Namespace) -> int:
    if not 1 <= args.precision <= 17:
        raise CliError(f"--precision must be a number of significant digits from 1 to 17, got {args.precision}")
    bundle = open_model(args.model, args.data, "predict")
    out = _check_writable(args.out) if args.out else None
    classes = bundle.preprocessing.classes
    if args.proba and classes is None:
        raise CliError("--proba needs a classifier; this model predicts values")
    table = _read_model_data(bundle, args.data, need_target=False, labels=args.labels, sep=args.sep)
    tell(table.notes)
    pred = bundle.predict(table.X)
    digits = args.precision
    header, cols = [], []
    if table.ids is not None:
        header.append(str(table.id_name))
        cols.append(list(table.ids))
    if pred.ndim == 1:
        header.append("prediction")
        cols.append([_cell(v, digits) for v in pred])
    else:
        header += [f"prediction_{j}" for j in range(pred.shape[1])]
        cols += [[_cell(v, digits) for v in pred[:, j]] for j in range(pred.shape[1])]
    if args.proba:
        proba = bundle.predict_proba(table.X)
        header += [f"proba_{_cell(c, digits)}" for c in classes or []]
        cols += [[rounded(v, digits) for v in proba[:, j]] for j in range(proba.shape[1])]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(zip(*cols))
    text = buf.getvalue()
    if out is None:
        sys.stdout.write(text)
    else:
        atomic_write(out, lambda fh: fh.write(text.encode("utf-8")))
        sys.stderr.write(f"lucidnet: {len(table.X)} predictions written to {out}\n")
    return EXIT_OK


def _cell(v: Any, digits: int) -> str:
    """A label as it was (whole numbers without ``.0``), a value to ``digits`` significant digits."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return format_number(f) if f.is_integer() and abs(f) < 10**digits else rounded(f, digits)
    return str(v)


def rounded(v: float, digits: int) -> str:
    """``v`` to ``digits`` significant digits, the shortest way: 0.123457, 1.5e-07, and 1234570 rather than
    1.23457e+06 (a large value keeps its magnitude in plain digits).

    >>> rounded(1234567.8, 6), rounded(2 / 3, 3), rounded(1.5e-7, 6)
    ('1234570', '0.667', '1.5e-07')
    """
    text = f"{v:.{digits}g}"
    if "e+" in text:
        text = np.format_float_positional(v, precision=digits, unique=False, fractional=False, trim="-")
    return text
