"""ONNX export: a lucidnet model as one ONNX graph that takes raw feature rows, for ONNX Runtime and friends.

``to_onnx(model, path)`` (and ``lucidnet export MODEL --format onnx``) writes a graph in four parts, in the
order data flows::

    x (n, n_in), the raw rows, in the model's dtype
      → preprocessing: the model file's transforms, one step each (today: x' = (x − mean) / scale)
      → the network: per Dense layer net = x W + b (MatMul, Add), o = φ(net) (see onnx_ops); Dropout is the
        identity at inference and writes nothing
      → the head:  classes:  probabilities (n, K) and label (n,) = classes[argmax]
                            (one sigmoid unit o: P(class 1) = o, P(class 0) = σ(−net))
                   values:   prediction (n, n_out) = o · scale + mean, in the target's units

Core ONNX operators only, opset :data:`OPSET` (19: the first in which Equal compares strings, which one-hot
encoding of text columns will need) and IR version :data:`IR_VERSION` (9); onnxruntime ≥ 1.16 runs it. Every
array is stored in the model's dtype (float32 or float64); the weights are initializers named as in the model
file (``layers.{i}.W`` (n_in, n_out·k), ``layers.{i}.b``), samples as rows, so ``W`` is not transposed.

The file's ``metadata_props`` say who wrote it: ``lucidnet.format`` = ``lucidnet-onnx``,
``lucidnet.format_version`` (the graph layout, :data:`FORMAT_VERSION`), ``lucidnet.version`` and
``lucidnet.metadata``: the model file's metadata JSON (network config, preprocessing, history, options), from
which :func:`lucidnet.interop.onnx_read.load_onnx` reads the file back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._version import __version__
from ..activations import Sigmoid
from ..io import ModelBundle, Preprocessing, atomic_write
from ..io.schema import metadata, param_tensors, sealed_json
from ..layers import Dense
from ..network import Network
from .onnx_ops import GraphBuilder, export_activation

if TYPE_CHECKING:
    import onnx

__all__ = ["FORMAT", "FORMAT_VERSION", "IR_VERSION", "OPSET", "PREPROCESSING_STEPS", "onnx_model", "to_onnx"]

#: the ONNX operator set of the default domain the graph uses
OPSET = 19
#: the ONNX file format (IR) version written
IR_VERSION = 9
#: ``metadata_props["lucidnet.format"]`` of every file lucidnet writes
FORMAT = "lucidnet-onnx"
#: version of the graph layout; a reader refuses newer ones
FORMAT_VERSION = 1

INPUT = "x"


# --------------------------------------------------------------------------------------- preprocessing
# Each step takes (graph, x, preprocessing) and returns the name of the transformed rows (float64, shape (n, n_in)),
# or x itself when the model file has no such transform; they run in the order Preprocessing.transform_X applies
# them. Like lucidnet's Preprocessing they work in float64 whatever the model's dtype, so a float32 model sees
# the inputs lucidnet gives it, bit for bit.
def _standardize(g: GraphBuilder, x: str, pre: Preprocessing) -> str:
    """x' = (x − mean) / scale per column, with the training rows' mean and scale (``pre.x_scaler``)."""
    if pre.x_scaler is None:
        return x
    mean = g.const("x_scaler.mean", pre.x_scaler.mean_, dtype=np.float64, exact=True)
    scale = g.const("x_scaler.scale", pre.x_scaler.scale_, dtype=np.float64, exact=True)
    return g.op("Div", [g.op("Sub", [x, mean], "x_centered"), scale], "x_standardized")


#: the preprocessing of the graph, in order
PREPROCESSING_STEPS: tuple[Callable[[GraphBuilder, str, Preprocessing], str], ...] = (_standardize,)


def _preprocess(g: GraphBuilder, x: str, pre: Preprocessing) -> str:
    """The raw rows ``x`` (model dtype) → the network's input (model dtype), through float64 steps."""
    float64 = g.elem_type(np.float64)
    h = x if g.dtype == np.float64 else g.op("Cast", [x], "x_float64", to=float64)
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


def onnx_model(model: Any) -> onnx.ModelProto:
    """The ONNX model (an ``onnx.ModelProto``, checked with ``onnx.checker``) of a Network or a ModelBundle.

    Parameters
    ----------
    model : Network or ModelBundle
        A bare Network has no preprocessing: the graph maps its inputs to ``prediction`` = o.

    Returns
    -------
    onnx.ModelProto
        Input ``x`` (n, n_in) in the model's dtype; outputs ``probabilities`` (n, K) and ``label`` (n,) for a
        classifier, else ``prediction`` (n, n_out).
    """
    bundle = _as_bundle(model)
    net, pre = bundle.network, bundle.preprocessing
    g = GraphBuilder(net.dtype)
    helper = g.onnx.helper
    names = pre.feature_names
    x_info = helper.make_tensor_value_info(g.claim(INPUT), g.elem_type(), ["n", net.n_in],
                                           "raw feature rows" + (f": {', '.join(names)}" if names else ""))
    logits, o = _network(g, _preprocess(g, INPUT, pre), net)
    outputs = _head(g, logits, o, net, pre)
    graph = helper.make_graph(g.nodes, "lucidnet", [x_info], outputs, g.initializers, doc_string=repr(net))
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION,
                              producer_name="lucidnet", producer_version=str(__version__),
                              doc_string=f"{net!r}, exported by lucidnet {__version__}")
    helper.set_model_props(proto, {
        "lucidnet.format": FORMAT, "lucidnet.format_version": str(FORMAT_VERSION),
        "lucidnet.version": str(__version__), "lucidnet.metadata": _metadata_json(bundle),
    })
    g.onnx.checker.check_model(proto, full_check=True)
    return proto


def to_onnx(model: Any, path: Any) -> Path:
    """Write ``model`` (a Network, or a ModelBundle with its preprocessing) as an ONNX file, atomically.

    The graph takes raw feature rows (float32 or float64, the model's dtype) and applies the model file's
    standardiser itself; see the module docstring for its inputs, outputs, opset and metadata. Run it with
    ``onnxruntime.InferenceSession(path).run(None, {"x": X.astype(dtype)})``.

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
