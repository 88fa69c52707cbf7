"""ONNX export: a lucidnet model as one ONNX graph that takes raw feature rows, for ONNX Runtime and friends.

``to_onnx(model, path)`` (and ``lucidnet export MODEL --format onnx``) writes a graph in four parts, in the
order data flows::

    the raw rows, as lucidnet predict reads them from a CSV:
      x (n, n_numbers) in the model's dtype: the numeric feature columns, NaN where a cell is missing
      text (n, n_text) strings: the text feature columns, cells as read (stripped); only models with text columns
      (a model file without ``inputs`` (raw columns) takes x (n, n_in) only, its network's inputs)
      → preprocessing: the model file's transforms, one step each (PREPROCESSING_STEPS), in float64:
        gaps x = m, the training median (Where, IsNaN); text column t → its one-hot block [cell = category_k]
        (Gather, Equal, Cast; a missing cell or an unseen category: all 0), all in the model's column order
        (Slice, Concat); x' = (x − mean) / scale (Sub, Div; one-hot columns have mean 0, scale 1)
      → the network: per Dense layer net = x W + b (MatMul, Add), o = φ(net) (see onnx_ops); Dropout is the
        identity at inference and writes nothing
      → the head:  classes:  probabilities (n, K) and label (n,) = classes[argmax]
                            (one sigmoid unit o: P(class 1) = o, P(class 0) = σ(−net))
                   values:   prediction (n, n_out) = o · scale + mean, in the target's units

Core ONNX operators only, opset :data:`OPSET` (19: the first in which Equal compares strings, which the
one-hot encoding of text columns needs) and IR version :data:`IR_VERSION` (9); onnxruntime ≥ 1.16 runs it.
Every array is stored in the model's dtype (float32 or float64), the preprocessing's in float64; the weights are
initializers named as in the model file (``layers.{i}.W`` (n_in, n_out·k), ``layers.{i}.b``), samples as rows,
so ``W`` is not transposed.

The file's ``metadata_props`` say who wrote it: ``lucidnet.format`` = ``lucidnet-onnx``,
``lucidnet.format_version`` (the graph layout: 1 for input ``x`` alone, 2 for raw columns; this lucidnet reads
up to :data:`FORMAT_VERSION`), ``lucidnet.version``, ``lucidnet.metadata``: the model file's metadata JSON
(network config, preprocessing, history, options), from which :func:`lucidnet.interop.onnx_read.load_onnx`
reads the file back, and for a model of raw columns ``lucidnet.input_columns``: ``{"x": [...], "text": [...]}``,
the columns of each input in order. :func:`graph_inputs` builds the inputs from a CSV as ``lucidnet predict``
reads it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._version import __version__
from ..activations import Sigmoid
from ..data import Columns
from ..data.encoding import TRAINED_ON_NUMBERS, as_text
from ..data.roles import require_columns
from ..io import ModelBundle, Preprocessing, atomic_write
from ..io.schema import metadata, param_tensors, sealed_json
from ..layers import Dense
from ..network import Network
from .onnx_ops import GraphBuilder, export_activation

if TYPE_CHECKING:
    import onnx

__all__ = ["COLUMNS_PROP", "FORMAT", "FORMAT_VERSION", "INPUT", "IR_VERSION", "OPSET", "PREPROCESSING_STEPS", "TEXT",
           "graph_inputs", "layout_version", "number_columns", "onnx_model", "text_columns", "to_onnx"]

#: the ONNX operator set of the default domain the graph uses
OPSET = 19
#: the ONNX file format (IR) version written
IR_VERSION = 9
#: ``metadata_props["lucidnet.format"]`` of every file lucidnet writes
FORMAT = "lucidnet-onnx"
#: the newest graph layout (1: input ``x`` only; 2: raw columns, ``x`` and ``text``); a reader refuses newer ones
FORMAT_VERSION = 2
#: ``metadata_props`` key of the raw columns each graph input holds (models of raw columns only)
COLUMNS_PROP = "lucidnet.input_columns"

#: the graph input of the numbers: the raw rows, or with ``inputs`` the numeric feature columns (NaN = missing)
INPUT = "x"
#: the graph input of the text feature columns (strings), when the model reads any
TEXT = "text"


def number_columns(pre: Preprocessing) -> list[str]:
    """The columns of graph input ``x``, in order: the numeric feature columns (with ``inputs``), else the
    network's inputs (``feature_names``, or [] when the model has no names)."""
    if pre.inputs is None:
        return list(pre.feature_names or [])
    return [c.name for c in pre.inputs.columns if c.kind == "numbers"]


def text_columns(pre: Preprocessing) -> list[str]:
    """The columns of graph input ``text``, in order: the text feature columns ([] without ``inputs``)."""
    return [] if pre.inputs is None else [c.name for c in pre.inputs.columns if c.kind == "categories"]


def layout_version(pre: Preprocessing) -> int:
    """The graph layout written for ``pre``: 1 (input ``x`` only) without ``inputs``, 2 (raw columns) with."""
    return 1 if pre.inputs is None else 2


# --------------------------------------------------------------------------------------- preprocessing
# Each step takes (graph, x, preprocessing) and returns the name of the transformed rows (float64), or x itself
# when the model file has no such transform; they run in the order lucidnet applies them (Inputs.transform, then
# Preprocessing.transform_X). x starts as input ``x`` in float64 ("" when the model reads no numbers) and is
# (n, n_in) from the one-hot step on. Like lucidnet's preprocessing they work in float64 whatever the model's
# dtype, so a float32 model sees the inputs lucidnet gives it from the same rows, bit for bit.
def _impute(g: GraphBuilder, x: str, pre: Preprocessing) -> str:
    """x' = m where x is NaN (a missing cell), else x, per numeric column, m the training rows' median
    (``inputs``, ``missing="impute"``). Under ``missing="error"``, where lucidnet refuses a gap, a NaN stays NaN
    and makes the row's outputs NaN."""
    if pre.inputs is None or pre.inputs.missing != "impute" or not x:
        return x
    medians = [c.median for c in pre.inputs.columns if c.kind == "numbers"]
    m = g.const("inputs.median", medians, dtype=np.float64, exact=True)
    return g.op("Where", [g.op("IsNaN", [x], "x_missing"), m, x], "x_imputed")


def _one_hot(g: GraphBuilder, x: str, pre: Preprocessing) -> str:
    """The network's inputs (n, n_in) in the model's column order: the numbers as they are, and text column t
    as its one-hot block (n, K_t) = [text[:, t] = category_k], k over the categories seen in training (sorted).
    A missing cell or an unseen category equals none of them: all 0, as ``Inputs.transform`` gives."""
    if pre.inputs is None or not text_columns(pre):
        return x
    n_numbers, pieces, j, t = len(number_columns(pre)), [], 0, 0
    for kind, run in groupby(pre.inputs.columns, key=lambda c: c.kind):
        columns = list(run)
        if kind == "numbers":  # adjacent numeric columns j … j1 − 1 of x, as one slice
            j1 = j + len(columns)
            pieces.append(x if (j, j1) == (0, n_numbers) else g.op(
                "Slice", [x, g.const("x_start", [j], dtype=np.int64), g.const("x_end", [j1], dtype=np.int64),
                          g.const("column_axis", [1], dtype=np.int64)], f"x_columns_{j}_{j1}"))
            j = j1
            continue
        for column in columns:
            cell = g.op("Gather", [TEXT, g.const(f"text.{t}.index", [t], dtype=np.int64, exact=True)],
                        f"text.{t}", axis=1)  # (n, 1)
            categories = g.const(f"text.{t}.categories", list(column.categories), dtype=object, exact=True)
            is_category = g.op("Equal", [cell, categories], f"text.{t}.is_category")  # (n, K_t)
            pieces.append(g.op("Cast", [is_category], f"text.{t}.one_hot", to=g.elem_type(np.float64)))
            t += 1
    return pieces[0] if len(pieces) == 1 else g.op("Concat", pieces, "x_encoded", axis=1)


def _standardize(g: GraphBuilder, x: str, pre: Preprocessing) -> str:
    """x' = (x − mean) / scale per column, with the training rows' mean and scale (``pre.x_scaler``)."""
    if pre.x_scaler is None:
        return x
    mean = g.const("x_scaler.mean", pre.x_scaler.mean_, dtype=np.float64, exact=True)
    scale = g.const("x_scaler.scale", pre.x_scaler.scale_, dtype=np.float64, exact=True)
    return g.op("Div", [g.op("Sub", [x, mean], "x_centered"), scale], "x_standardized")


#: the preprocessing of the graph, in order
PREPROCESSING_STEPS: tuple[Callable[[GraphBuilder, str, Preprocessing], str], ...] = (
    _impute, _one_hot, _standardize)


def _preprocess(g: GraphBuilder, pre: Preprocessing) -> str:
    """The graph inputs (``x`` in the model's dtype, ``text``) → the network's input (model dtype), through
    float64 steps."""
    x = INPUT if pre.inputs is None or number_columns(pre) else ""
    h = x if g.dtype == np.float64 or not x else g.op("Cast", [x], "x_float64", to=g.elem_type(np.float64))
    start = h
    for step in PREPROCESSING_STEPS:
        h = step(g, h, pre)
    if h is start:  # nothing to do: no casts either
        return x
    return h if g.dtype == np.float64 else g.op("Cast", [h], "x_network", to=g.elem_type())


# --------------------------------------------------------------------------------------- network and head
def _network(g: GraphBuilder, x: str, net: Network) -> tuple[str, str]:
    """(net, o) of the last layer: net = x W (+ b), o = φ(net) per Dense layer; Dropout adds nothing at
    inference."""
    h = x
    for i, layer in enumerate(net.layers):
        if not isinstance(layer, Dense):
            continue
        where = f"layers.{i}"
        h = g.op("MatMul", [x, g.const(f"{where}.W", layer.W, exact=True)], f"{where}.xW")
        if layer.b is not None:
            h = g.op("Add", [h, g.const(f"{where}.b", layer.b, exact=True)], f"{where}.net")
        x = export_activation(g, h, layer.activation, where)
    return h, x


def _labels(classes: list[Any]) -> np.ndarray:
    """The class labels as one tensor: int64 when all are integers, float64 when all are numbers, else strings."""
    if all(isinstance(c, int) for c in classes):
        return np.array(classes, dtype=np.int64)
    if not any(isinstance(c, str) for c in classes):
        return np.array(classes, dtype=np.float64)
    return np.array([str(c) for c in classes], dtype=object)


def _head(g: GraphBuilder, logits: str, o: str, net: Network, pre: Preprocessing) -> list[Any]:
    """The graph outputs: probabilities and label for classes, else the prediction in the target's units."""
    helper = g.onnx.helper
    if pre.classes is not None:
        if net.n_out == 1:  # one sigmoid unit: o = P(class 1); P(class 0) = σ(−net), as ModelBundle.predict_proba
            out = net.output_layer.activation
            if isinstance(out, Sigmoid):
                p0 = export_activation(g, g.op("Neg", [logits], "neg_logit"), out, "p_class_0")
            else:
                p0 = g.op("Sub", [g.scalar(1.0), o], "p_class_0")
            proba = g.op("Concat", [p0, o], "probabilities", exact=True, axis=1)
        else:
            proba = g.op("Identity", [o], "probabilities", exact=True)
        index = g.op("ArgMax", [proba], "class_index", axis=1, keepdims=0)  # the first largest, as NumPy's
        labels = _labels(pre.classes)
        table = g.const("classes", labels, dtype=labels.dtype)
        g.op("Gather", [table, index], "label", exact=True, axis=0)
        label_type = g.elem_type(str if labels.dtype == object else labels.dtype)
        return [helper.make_tensor_value_info("probabilities", g.elem_type(), ["n", len(pre.classes)],
                                              "P(class | x), columns in the order of the classes"),
                helper.make_tensor_value_info("label", label_type, ["n"], "the most probable class")]
    if pre.y_scaler is not None:  # y = o · scale + mean, undoing the target's standardisation
        scaled = g.op("Mul", [o, g.const("y_scaler.scale", pre.y_scaler.scale_, exact=True)], "o_scaled")
        g.op("Add", [scaled, g.const("y_scaler.mean", pre.y_scaler.mean_, exact=True)], "prediction", exact=True)
    else:
        g.op("Identity", [o], "prediction", exact=True)
    return [helper.make_tensor_value_info("prediction", g.elem_type(), ["n", net.n_out],
                                          "the network's output in the target's units")]


# --------------------------------------------------------------------------------------- the model
def _as_bundle(model: Any) -> ModelBundle:
    if isinstance(model, ModelBundle):
        return model
    if isinstance(model, Network):
        return ModelBundle(model)
    raise TypeError(f"to_onnx takes a lucidnet Network or a ModelBundle (lucidnet.io.load_model), "
                    f"got {type(model).__name__}")


def _metadata_json(bundle: ModelBundle) -> str:
    """The model file's ``lucidnet`` metadata of ``bundle``, as JSON (:mod:`lucidnet.io.schema`'s, the one place
    that knows what a model file stores)."""
    meta = metadata(bundle.network, bundle.preprocessing, bundle.history, bundle.options)
    try:  # sealed with the model file's checksums of the weights, which the graph holds as initializers
        return sealed_json(meta, param_tensors(bundle.network))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"the model's metadata cannot be stored as JSON: {exc}") from None


def _graph_inputs(g: GraphBuilder, net: Network, pre: Preprocessing) -> list[Any]:
    """The graph inputs: ``x`` (n, n_in) in the model's dtype without ``inputs``; with them ``x`` (n, numeric
    columns), when there are any, and ``text`` (n, text columns) of strings, when there are any."""
    helper = g.onnx.helper
    if pre.inputs is None:
        names = pre.feature_names
        return [helper.make_tensor_value_info(g.claim(INPUT), g.elem_type(), ["n", net.n_in],
                                              "raw feature rows" + (f": {', '.join(names)}" if names else ""))]
    out, numbers, text = [], number_columns(pre), text_columns(pre)
    if numbers:
        out.append(helper.make_tensor_value_info(g.claim(INPUT), g.elem_type(), ["n", len(numbers)],
                                                 f"numeric feature columns (NaN: missing): {', '.join(numbers)}"))
    if text:
        out.append(helper.make_tensor_value_info(g.claim(TEXT), g.elem_type(str), ["n", len(text)],
                                                 f"text feature columns, cells as read (stripped): {', '.join(text)}"))
    return out


def input_columns_json(pre: Preprocessing) -> str:
    """``metadata_props["lucidnet.input_columns"]``: the raw columns of each graph input, in order, as JSON
    (``{"x": [...], "text": [...]}``), for a program that feeds the graph."""
    return json.dumps({INPUT: number_columns(pre), TEXT: text_columns(pre)}, ensure_ascii=False)


def onnx_model(model: Any) -> onnx.ModelProto:
    """The ONNX model (an ``onnx.ModelProto``, checked with ``onnx.checker``) of a Network or a ModelBundle.

    Parameters
    ----------
    model : Network or ModelBundle
        A bare Network has no preprocessing: the graph maps its inputs to ``prediction`` = o.

    Returns
    -------
    onnx.ModelProto
        Inputs ``x`` (n, n_in) in the model's dtype, or for a model of raw columns ``x`` (n, numeric columns)
        and ``text`` (n, text columns) of strings, each where the model has such columns; outputs
        ``probabilities`` (n, K) and ``label`` (n,) for a classifier, else ``prediction`` (n, n_out).
    """
    bundle = _as_bundle(model)
    net, pre = bundle.network, bundle.preprocessing
    g = GraphBuilder(net.dtype)
    helper = g.onnx.helper
    inputs = _graph_inputs(g, net, pre)
    logits, o = _network(g, _preprocess(g, pre), net)
    outputs = _head(g, logits, o, net, pre)
    graph = helper.make_graph(g.nodes, "lucidnet", inputs, outputs, g.initializers, doc_string=repr(net))
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION,
                              producer_name="lucidnet", producer_version=str(__version__),
                              doc_string=f"{net!r}, exported by lucidnet {__version__}")
    props = {"lucidnet.format": FORMAT, "lucidnet.format_version": str(layout_version(pre)),
             "lucidnet.version": str(__version__), "lucidnet.metadata": _metadata_json(bundle)}
    if pre.inputs is not None:
        props[COLUMNS_PROP] = input_columns_json(pre)
    helper.set_model_props(proto, props)
    g.onnx.checker.check_model(proto, full_check=True)
    return proto


def to_onnx(model: Any, path: Any) -> Path:
    """Write ``model`` (a Network, or a ModelBundle with its preprocessing) as an ONNX file, atomically.

    The graph takes raw feature rows and applies the model file's preprocessing itself (gaps filled, text
    one-hot, standardised); see the module docstring for its inputs, outputs, opset and metadata. Run it with
    ``onnxruntime.InferenceSession(path).run(None, {"x": X.astype(dtype)})``, adding ``"text": cells`` (an
    object array of str) for a model with text columns; :func:`graph_inputs` makes both from a CSV.

    Parameters
    ----------
    model : Network or ModelBundle
    path : str or PathLike
        The ``.onnx`` file to write.

    Returns
    -------
    Path
        Where the file is.
    """
    data = onnx_model(model).SerializeToString()
    return atomic_write(path, lambda fh: fh.write(data))


def graph_inputs(model: Any, table: Columns) -> dict[str, np.ndarray]:
    """The graph's inputs for the rows of ``table`` (:func:`lucidnet.data.read_columns`), as ``lucidnet predict``
    reads them: ``session.run(None, graph_inputs(model, read_columns("new.csv")))``.

    Parameters
    ----------
    model : Network or ModelBundle
    table : Columns

    Returns
    -------
    dict
        ``x`` (n, numeric columns) in the model's dtype, NaN where a cell is missing; ``text`` (n, text columns),
        an object array of str: each cell as read (stripped), a column of numbers where the model saw text
        written as lucidnet compares it (``3``, ``2.5``, ``""`` for a gap). Without ``inputs``: ``x`` (n, n_in),
        the ``feature_names`` columns as numbers.

    Raises
    ------
    DataError
        A column the model reads that ``table`` lacks, or text in a column of numbers. What the graph cannot
        refuse (an infinite value, a gap under ``missing="error"``) is ``lucidnet predict``'s to refuse.
    """
    bundle = _as_bundle(model)
    pre, dtype = bundle.preprocessing, bundle.network.dtype
    if pre.inputs is None:
        return {INPUT: pre.transform_columns(table)[0].astype(dtype)}
    require_columns(table, pre.inputs.names)
    feeds: dict[str, np.ndarray] = {}
    numbers, text = number_columns(pre), text_columns(pre)
    if numbers:
        feeds[INPUT] = np.empty((table.n_rows, len(numbers)), dtype=dtype)
        for j, name in enumerate(numbers):
            feeds[INPUT][:, j] = table.number_values(name, TRAINED_ON_NUMBERS)
    if text:
        feeds[TEXT] = np.empty((table.n_rows, len(text)), dtype=object)
        for t, name in enumerate(text):
            feeds[TEXT][:, t] = as_text(table[name]).cells()
    return feeds
