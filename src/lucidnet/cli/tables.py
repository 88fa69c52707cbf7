"""The data the commands work on: the training table, its split and the encoding its head asks for, and data for a
saved model."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..data import Table, datasets, read_for_model, read_table
from ..data.preprocessing import Preprocessing, Standardizer, as_label
from ..data.tasks import infer_task, split_rows
from ..heads import Head, head_for
from ..io import ModelBundle
from .options import DEFAULT_DATASET, TRAIN_DEFAULTS
from .status import CliError


def _load_training_table(opts: dict[str, Any]) -> tuple[Table, str | None]:
    """The data to train on and its task when the source says it (built-in sets do)."""
    if opts["data"] is not None:
        target = opts["target"]
        if isinstance(target, str) and target.lstrip("-").isdigit():
            target = int(target)
        return read_table(opts["data"], target=target, labels=opts["labels"]), None
    name = opts["dataset"] or DEFAULT_DATASET
    if name not in datasets.DATASETS:
        raise CliError(f"unknown data set {name!r}; valid names are: {', '.join(datasets.DATASETS)}")
    kwargs = {"seed": opts["seed"]} if name in datasets.GENERATORS else {}
    ds = datasets.load(name, **kwargs)
    y = np.asarray(ds.y)
    target = ds.target_names[0] if len(ds.target_names) == 1 else "target"
    return Table(
        np.asarray(ds.X, dtype=np.float64), y, list(ds.feature_names), target, f"data set {name}"
    ), ds.task


@dataclass
class Prepared:
    """The training data of ``lucidnet train``, ready for the network: inputs and targets for the training and
    validation rows, the fitted preprocessing, and the head the task asks for."""

    X: np.ndarray
    y: np.ndarray
    X_val: np.ndarray | None
    y_val: np.ndarray | None
    pre: Preprocessing
    head: Head


def prepare(table: Table, opts: dict[str, Any], task_hint: str | None, notes: list[str]) -> Prepared:
    """Split, fit the standardizer and label encoding on the training rows, encode the targets for the head."""
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
    tr, va = split_rows(n, n_val, opts["seed"])
    pre = Preprocessing(task=task, feature_names=list(table.feature_names), target_name=table.target_name)
    if opts["standardize"]:
        pre.x_scaler = Standardizer().fit(X[tr])
    out_act, loss = opts["output_activation"], opts["loss"]
    try:
        if task == "classification" and y.ndim == 1:
            pre.classes = _classes(y, table.target_name)
            head = head_for("classification", len(pre.classes), out_act, loss)
            t = head.encode(pre.encode_y(y))
        elif task == "classification":
            head = head_for("multilabel", y.shape[1], out_act, loss)
            t = head.encode(y)
        else:
            if y.dtype == object or y.dtype.kind in "US":
                raise CliError(f"the target {table.target_name!r} holds text ({y[0]!r}): it can only be classes, "
                               "not values; drop --task regression or pick another --target")
            yv = y.astype(np.float64).reshape(n, -1)
            if opts["standardize"]:
                pre.y_scaler = Standardizer().fit(yv[tr])
            head = head_for("regression", yv.shape[1], out_act, loss)
            t = head.encode(pre.encode_y(yv))
    except ValueError as exc:
        raise CliError(str(exc)) from None
    Xs = pre.transform_X(X)
    return Prepared(Xs[tr], t[tr], Xs[va] if n_val else None, t[va] if n_val else None, pre, head)


def _classes(y: np.ndarray, target: str | None) -> list[Any]:
    """The distinct labels of ``y`` in sorted order (by type first when they mix numbers and text)."""
    labels = [as_label(v) for v in y]
    kinds = {type(v) for v in labels}
    classes = sorted(set(labels), key=lambda v: (str(type(v)), v)) if len(kinds) > 1 else sorted(set(labels))
    if len(classes) < 2:
        raise CliError(f"the target {target!r} has one class only ({classes[0]!r}); need two or more")
    return classes


def _read_model_data(bundle: ModelBundle, path: str, need_target: bool, labels: str | None = None) -> Table:
    """A data file for the model, or a built-in data set by name (when no file has that name)."""
    pre = bundle.preprocessing
    if not os.path.exists(path):
        if path in datasets.DATASETS:
            seed = ((bundle.options or {}).get("train") or {}).get("seed", 0)
            table, _ = _load_training_table(dict(TRAIN_DEFAULTS, dataset=path, seed=seed))
            if table.X.shape[1] != bundle.n_features:
                raise CliError(f"data set {path} has {table.X.shape[1]} features; the model expects "
                               f"{bundle.n_features}")  # fmt: skip
            return table
        raise CliError(f"{path}: no such file (nor a built-in data set; see 'lucidnet datasets')")
    return read_for_model(path, bundle.n_features, pre.feature_names, pre.target_name, need_target, labels)
