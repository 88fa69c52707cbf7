"""Reading back an ONNX file that lucidnet exported: ``load_onnx(path) -> ModelBundle``.

``lucidnet predict``, ``evaluate`` and ``explain`` take such a file wherever they take a model file. Only files
lucidnet wrote are read: the network and preprocessing come from the ``lucidnet.metadata`` JSON and the weights
from the initializers ``layers.{i}.W`` / ``layers.{i}.b``; then the graph is built again from them and must equal
the file's, node for node and value for value, and so must its layout version and ``lucidnet.input_columns``, so
what lucidnet computes is what ONNX Runtime computes. A model of raw columns exported before the graph took them
(layout 1, which left out the filling of gaps and the one-hot encoding) is refused with the advice to export again.

Reading never runs code and checks sizes before it allocates: the file is at most 2 GiB (protobuf's limit; lucidnet
never writes external data, and a file that refers to any is refused), and each weight's shape, dtype and byte
count must match the architecture in the metadata before it becomes an array. A file that is not ONNX, not
from lucidnet, from a newer lucidnet, damaged or edited raises :class:`lucidnet.io.ModelFileError`, one line
saying why (exit status 2 on the command line).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from ..io import ModelBundle, ModelFileError, load_model
from ..io.schema import build_bundle, parse_metadata, planned_shapes
from .extras import require
from .onnx import COLUMNS_PROP, FORMAT, FORMAT_VERSION, onnx_model

__all__ = ["MAX_BYTES", "load_any", "load_onnx"]

#: the largest file read: one protobuf message cannot be larger
MAX_BYTES = 2**31 - 1


def _fail(path: Path, why: str) -> ModelFileError:
    return ModelFileError(f"{path}: {why}")


def _parse(onnx: Any, path: Path) -> Any:
    """The file's ModelProto, its size checked first."""
    try:
        if path.is_dir():
            raise _fail(path, "is a directory, expected an .onnx file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _fail(path, f"{size} bytes, more than an ONNX file can hold ({MAX_BYTES})")
        data = path.read_bytes()
    except FileNotFoundError:
        raise _fail(path, "no such file") from None
    except OSError as exc:
        raise _fail(path, f"cannot read ({exc.strerror})") from None
    proto = onnx.ModelProto()
    try:
        proto.ParseFromString(data)
    except Exception:  # noqa: BLE001 -- protobuf's DecodeError and kin: any of them means a damaged file
        raise _fail(path, "not an ONNX file, or a damaged one (protobuf cannot parse it)") from None
    return proto


def _metadata(path: Path, proto: Any) -> dict[str, Any]:
    """The ``lucidnet.metadata`` object, after the format marker and versions are checked."""
    props = _props(proto)
    if props.get("lucidnet.format") != FORMAT:
        raise _fail(path, "an ONNX model that lucidnet did not export (no lucidnet metadata); lucidnet reads "
                          "back only its own .onnx files: run this one with onnxruntime")
    version = props.get("lucidnet.format_version", "")
    if not version.isdigit() or int(version) < 1:
        raise _fail(path, f"damaged lucidnet metadata: format version {version!r}")
    if int(version) > FORMAT_VERSION:
        raise _fail(path, f"exported by a newer lucidnet ({props.get('lucidnet.version')}, ONNX layout {version}); "
                          f"this lucidnet reads layout {FORMAT_VERSION}: upgrade lucidnet to read it")
    # the model file's own metadata: its format version checked (and upgraded) as any model file's
    meta = parse_metadata(path, {"lucidnet": props.get("lucidnet.metadata", "")})
    if not isinstance(meta.get("network"), dict):
        raise _fail(path, "damaged lucidnet metadata (no network configuration)")
    return meta


def _weight(onnx: Any, path: Path, tensor: Any, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """One initializer as an array, after its shape, dtype and byte count are checked against ``shape``."""
    name = tensor.name
    if tensor.data_location == onnx.TensorProto.EXTERNAL or tensor.external_data:
        raise _fail(path, f"tensor {name!r} refers to external data, which lucidnet never writes")
    if tuple(tensor.dims) != shape:
        raise _fail(path, f"tensor {name!r} has shape {tuple(tensor.dims)}, the architecture needs {shape}")
    if tensor.data_type != onnx.helper.np_dtype_to_tensor_dtype(dtype):
        raise _fail(path, f"tensor {name!r} is not {dtype}, the network's dtype")
    typed = tensor.double_data if dtype == np.float64 else tensor.float_data
    count = len(tensor.raw_data) // dtype.itemsize if tensor.raw_data else len(typed)
    if count != math.prod(shape) or (tensor.raw_data and len(tensor.raw_data) % dtype.itemsize):
        raise _fail(path, f"tensor {name!r} holds {count} values, its shape {shape} needs {math.prod(shape)}")
    return np.asarray(onnx.numpy_helper.to_array(tensor), dtype=dtype)


def _bundle(onnx: Any, path: Path, proto: Any, meta: dict[str, Any]) -> ModelBundle:
    """Network (weights from the initializers) and preprocessing from the metadata, every field checked."""
    config = meta["network"]
    shapes = planned_shapes(path, config)  # the declared sizes, nothing allocated: io.schema's own check
    try:
        dtype = np.dtype(config.get("dtype", "float64"))
        if dtype not in (np.float64, np.float32):
            raise ValueError(f"dtype {dtype}")
    except (ValueError, TypeError) as exc:
        raise _fail(path, f"invalid network configuration: {exc}") from None
    initializers: dict[str, Any] = {}
    for t in proto.graph.initializer:
        if t.name in initializers:
            raise _fail(path, f"two initializers are named {t.name!r}")
        initializers[t.name] = t
    missing = sorted(set(shapes) - set(initializers))
    if missing:
        raise _fail(path, f"the graph lacks the weights {missing}")
    tensors = {name: _weight(onnx, path, initializers[name], shape, dtype) for name, shape in shapes.items()}
    return build_bundle(path, meta, tensors)  # the sizes are backed by the file's own bytes now


def load_onnx(path: Any) -> ModelBundle:
    """The :class:`~lucidnet.io.ModelBundle` of an ONNX file written by :func:`lucidnet.to_onnx`.

    Parameters
    ----------
    path : str or PathLike

    Returns
    -------
    ModelBundle
        Its ``predict`` equals ONNX Runtime's output on the file (to float rounding) and the exported model's.

    Raises
    ------
    ModelFileError
        For any file that is not an ONNX export of lucidnet, with the reason.
    ImportError
        Without the ``onnx`` package (``pip install 'lucidnet[onnx]'``).
    """
    onnx = require("onnx", "reading an .onnx model")
    p = Path(path)
    proto = _parse(onnx, p)
    bundle = _bundle(onnx, p, proto, _metadata(p, proto))
    try:
        expected = onnx_model(bundle)
    except (ValueError, TypeError) as exc:
        raise _fail(p, f"damaged lucidnet model: {exc}") from None
    props, wanted = _props(proto), _props(expected)
    if props["lucidnet.format_version"] == "1" and wanted["lucidnet.format_version"] != "1":
        raise _fail(p, f"exported by lucidnet {props.get('lucidnet.version')}, whose graph leaves out the model's "
                       "filling of gaps and one-hot encoding of text columns: export the model file again")
    same = all(props.get(k) == wanted.get(k) for k in ("lucidnet.format_version", COLUMNS_PROP))
    if not same or proto.graph != expected.graph or list(proto.opset_import) != list(expected.opset_import):
        raise _fail(p, "the graph is not the one lucidnet writes for its metadata (edited after export?)")
    return bundle


def _props(proto: Any) -> dict[str, str]:
    return {prop.key: prop.value for prop in proto.metadata_props}


def load_any(path: Any) -> ModelBundle:
    """A model file of any kind lucidnet writes: ``.onnx`` through :func:`load_onnx`, any other through
    :func:`lucidnet.io.load_model` (``.safetensors`` and the text format)."""
    if Path(path).suffix.lower() == ".onnx":
        return load_onnx(path)
    return load_model(path)
