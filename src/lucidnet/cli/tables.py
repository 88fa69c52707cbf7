"""The data the commands work on: the training table, its split and encoding, and data for a saved model."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..data import Table, read_for_model, read_table
from ..data.preprocessing import Preprocessing, as_label
from ..data.tasks import infer_task
from ..io import ModelBundle
from .options import DEFAULT_DATASET, TRAIN_DEFAULTS, _spec_name
from .status import CliError


def _load_training_table(opts: dict[str, Any]) -> tuple[Table, str | None]:
    """The data to train on and its task when the source says it (built-in sets do)."""
    if opts["data"] is not None:
        target = opts["target"]
        if isinstance(target, str) and target.lstrip("-").isdigit():
            target = int(target)
        return read_table(opts["data"], target=target, labels=opts["labels"]), None
    from ..data import datasets

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
    from ..data.preprocessing import Standardizer, one_hot

    assert table.y is not None
    X, y = table.X, np.asarray(table.y)
    task, note = infer_task(y, opts["task"], task_hint)
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
        labels = [as_label(v) for v in y]
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


def _read_model_data(bundle: ModelBundle, path: str, need_target: bool, labels: str | None = None) -> Table:
    """A data file for the model, or a built-in data set by name (when no file has that name)."""
    pre = bundle.preprocessing
    if not os.path.exists(path):
        from ..data import datasets

        if path in datasets.DATASETS:
            seed = ((bundle.options or {}).get("train") or {}).get("seed", 0)
            table, _ = _load_training_table(dict(TRAIN_DEFAULTS, dataset=path, seed=seed))
            if table.X.shape[1] != bundle.n_features:
                raise CliError(f"data set {path} has {table.X.shape[1]} features; the model expects "
                               f"{bundle.n_features}")  # fmt: skip
            return table
        raise CliError(f"{path}: no such file (nor a built-in data set; see 'lucidnet datasets')")
    return read_for_model(path, bundle.n_features, pre.feature_names, pre.target_name, need_target, labels)
