"""The data the commands work on: the training table with its roles, split and fitted steps, the encoding its head
asks for, and data for a saved model."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..data import Columns, Inputs, Table, assign_roles, datasets, read_columns, read_for_model, read_table
from ..data.preprocessing import Preprocessing, TextTargetError, fit_preprocessing
from ..data.read import is_array_file
from ..data.roles import Roles, rows_with_target
from ..data.tasks import held_count, infer_task, split_rows
from ..heads import Head, head_for
from ..interop.onnx_read import load_any
from ..io import ModelBundle, ModelFileError
from ..io.text_file import TEXT_MAGIC
from .options import DEFAULT_DATASET, TRAIN_DEFAULTS
from .status import CliError


@dataclass
class Split:
    """Row indices of the training, validation and test parts."""

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray


@dataclass
class Training:
    """What ``lucidnet train`` learns from: the table (inputs before standardising, raw targets), its split, the
    column steps fitted on the training rows, and the lines the summary gives about them."""

    table: Table
    task_hint: str | None
    split: Split
    inputs: Inputs | None = None
    summary: list[str] = field(default_factory=list)


def _load_training_table(opts: dict[str, Any]) -> tuple[Table, str | None]:
    """The data to train on as numbers, and its task when the source says it (built-in sets do)."""
    if opts["data"] is not None:
        return read_table(opts["data"], target=opts["target"], labels=opts["labels"]), None
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


def load_training(opts: dict[str, Any], notes: list[str]) -> Training:
    """The table ``lucidnet train`` learns from: a CSV through its columns' roles and steps, other files and the
    built-in sets as numbers."""
    if opts["data"] is not None and os.path.exists(opts["data"]) and not is_array_file(opts["data"]):
        return _csv_training(opts, notes)
    given = [f"--{k}" for k in ("features", "drop", "id", "sep") if opts[k] is not None]
    if given:
        raise CliError(f"{', '.join(given)} choose{'s' * (len(given) == 1)} columns of a CSV file; "
                       f"{opts['data'] or 'a built-in data set'} is not one")
    table, hint = _load_training_table(opts)
    return Training(table, hint, split(len(table.X), opts, notes))


def _csv_training(opts: dict[str, Any], notes: list[str]) -> Training:
    columns = read_columns(opts["data"], sep=opts["sep"])
    notes += columns.notes
    roles = assign_roles(columns, opts["target"], opts["features"], opts["drop"] or (), opts["id"])
    notes += roles.notes
    assert roles.target is not None
    columns, y, left_out = rows_with_target(columns, roles.target, opts["missing"])
    notes += left_out
    parts = split(columns.n_rows, opts, notes)
    inputs, summary = Inputs.fit(columns, roles.features, parts.train, opts["missing"])
    X, _ = inputs.transform(columns)
    table = Table(X, y, inputs.feature_names, roles.target, columns.source, id_name=roles.id)
    return Training(table, None, parts, inputs, [_inputs_line(columns, roles, inputs), *summary])


def _inputs_line(columns: Columns, roles: Roles, inputs: Inputs) -> str:
    out = [f"inputs: {len(inputs.columns)} columns → {inputs.n_inputs} network inputs"]
    if roles.id:
        out.append(f"ID column {roles.id}")
    if roles.left_out:
        out.append("left out: " + ", ".join(n for n in roles.left_out if n != roles.id))
    return "; ".join(o for o in out if not o.endswith(": "))


def split(n: int, opts: dict[str, Any], notes: list[str]) -> Split:
    """The seeded test rows (``--test-split``), then validation rows (``--validation-split``) of the rest."""
    n_test = held_count(n, opts["test_split"])
    if opts["test_split"] and (n_test < 1 or n - n_test < 2):
        notes.append(f"{n} samples are too few for a test split: none held out")
        n_test = 0
    kept, test = split_rows(n, n_test, opts["seed"], stream=2) if n_test else (np.arange(n), np.arange(0))
    n_val = held_count(len(kept), opts["validation_split"])
    if opts["validation_split"] and (n_val < 1 or len(kept) - n_val < 1):
        notes.append(f"{len(kept)} samples are too few for a validation split: training on all of them")
        n_val = 0
    tr, va = split_rows(len(kept), n_val, opts["seed"])
    return Split(kept[tr], kept[va], test)


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


def prepare(training: Training, opts: dict[str, Any], notes: list[str]) -> Prepared:
    """Fit the standardizer and label encoding on the training rows, encode the targets for the head."""
    table = training.table
    assert table.y is not None
    X, y = table.X, np.asarray(table.y)
    task, note = infer_task(y, opts["task"], training.task_hint)
    if note:
        notes.append(note)
    n = len(X)
    tr, va = training.split.train, training.split.val
    out_act, loss = opts["output_activation"], opts["loss"]
    try:
        pre = fit_preprocessing(X, y, task, tr, standardize=opts["standardize"],
                                feature_names=list(table.feature_names), target_name=table.target_name,
                                inputs=training.inputs, id_name=table.id_name)
        if task == "classification" and y.ndim == 1:
            assert pre.classes is not None
            head = head_for("classification", len(pre.classes), out_act, loss)
            targets = head.encode(pre.encode_y(y))
        elif task == "classification":
            head = head_for("multilabel", y.shape[1], out_act, loss)
            targets = head.encode(y)
        else:
            yv = y.astype(np.float64).reshape(n, -1)
            head = head_for("regression", yv.shape[1], out_act, loss)
            targets = head.encode(pre.encode_y(yv))
    except TextTargetError as exc:
        raise CliError(f"{exc}, not values; drop --task regression or pick another --target") from None
    except ValueError as exc:
        raise CliError(str(exc)) from None
    try:
        Xs = pre.transform_X(X, opts["dtype"])
    except ValueError as exc:
        raise CliError(str(exc)) from None
    has_val = len(va) > 0
    return Prepared(Xs[tr], targets[tr], Xs[va] if has_val else None, targets[va] if has_val else None, pre, head)


def _read_model_data(bundle: ModelBundle, path: str, need_target: bool, labels: str | None = None,
                     sep: str | None = None) -> Table:
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
    return read_for_model(path, bundle.n_features, pre.feature_names, pre.target_name, need_target, labels,
                          inputs=pre.inputs, id_name=pre.id_name, sep=sep)


def open_model(model: str, data: str, command: str) -> ModelBundle:
    """The model file (or .onnx export of lucidnet) ``model``, with a hint when MODEL and DATA look swapped."""
    try:
        return load_any(model)
    except ModelFileError:
        if _looks_like_model(data) and not _looks_like_model(model):
            raise CliError(f"MODEL and DATA look swapped: {model} is not a model file but {data} is; the model comes "
                           f"first (lucidnet {command} MODEL DATA)") from None
        raise


def _looks_like_model(path: str) -> bool:
    """A safetensors file (an 8-byte header size, then a JSON object) or lucidnet's text format, by its start."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(9)
            size = os.fstat(fh.fileno()).st_size
    except OSError:
        return False
    return (len(head) == 9 and head[8:9] == b"{" and int.from_bytes(head[:8], "little") < size) or head.startswith(
        TEXT_MAGIC[:9])
