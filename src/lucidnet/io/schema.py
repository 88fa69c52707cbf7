"""The model-file schema: which tensors a model file holds, its ``lucidnet`` metadata, and the checks that turn
both back into a :class:`~lucidnet.io.ModelBundle`.

Tensor ``layers.{i}.W`` is the weight matrix of ``net.layers[i]`` with shape (n_in, n_out), samples as rows;
PyTorch's ``nn.Linear.weight`` is its transpose. ``layers.{i}.b`` is the bias (n_out,). The ``lucidnet`` metadata
string is a JSON object: ``format_version`` (:data:`FORMAT_VERSION`), ``lucidnet_version``, ``network``
(``Network.get_config()``: registry names, sizes, activation parameters, loss), ``preprocessing``
(:class:`~lucidnet.data.Preprocessing`: feature standardizer, target scaler, class labels in their original
type), ``history``, ``options`` and ``checksums`` (:mod:`lucidnet.io.checksums`). Checkpoints
(:mod:`lucidnet.io.checkpoints`) add ``checkpoint`` (epoch, RNG state, optimizer config) and tensors
``optimizer.{key}.{j}``. Every container (safetensors, the text format) stores exactly this; this module is the
one place that knows it.

Parsing never runs code: the metadata is strict JSON, and :func:`build_bundle` checks, in this order, the
checksums; the sizes the configuration declares against the tensors actually in the file, from layers built
without weights, so that nothing is allocated for a size the file's own bytes do not back (the file's tensors are
the only trustworthy size); every field (each layer's and the network's configuration must read back as written:
no unknown key, no value changed by its constructor); the weights (finite); the preprocessing (finite, positive
scales); the history and options. Any problem raises :class:`~lucidnet.errors.ModelFileError` and nothing else.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from .._version import __version__
from ..data.preprocessing import Preprocessing
from ..layers import Dense, Layer, get_layer
from ..network import Network
from .checksums import checksums, verify
from .files import PathLike, file_error, is_int, loads_json
from .model import ModelBundle

__all__ = [
    "FORMAT_VERSION", "MAX_LAYERS", "build_bundle", "metadata", "param_tensors", "parse_metadata", "planned_shapes",
    "sealed_json", "to_json",
]

#: 2 (lucidnet 0.2): layers are named by ``"name"`` like every registry family, and the file carries checksums
#: (:mod:`lucidnet.io.checksums`); 1 (0.1) named layers by ``"type"`` and had no checksums
FORMAT_VERSION = 2
#: the most layers a model file may declare (lucidnet's networks have a handful)
MAX_LAYERS = 10_000
# what a bad configuration raises from the registries' constructors (never MemoryError: sizes are checked first)
_BAD_CONFIG = (ArithmeticError, LookupError, TypeError, ValueError)


def param_tensors(net: Any) -> dict[str, np.ndarray]:
    """{"layers.{i}.W": W, "layers.{i}.b": b} for each layer with parameters, in ``net.parameters()`` order."""
    out: dict[str, np.ndarray] = {}
    for i, layer in enumerate(net.layers):
        W = getattr(layer, "W", None)
        if W is None:
            continue
        out[f"layers.{i}.W"] = W
        b = getattr(layer, "b", None)
        if b is not None:
            out[f"layers.{i}.b"] = b
    return out


def _as_preprocessing(pre: Preprocessing | dict[str, Any] | None) -> Preprocessing:
    if pre is None:
        return Preprocessing()
    if isinstance(pre, Preprocessing):
        return pre
    return Preprocessing(**pre)


def metadata(
    net: Any,
    preprocessing: Preprocessing | dict[str, Any] | None,
    history: Any,
    options: dict[str, Any] | None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    if history is not None and hasattr(history, "to_dict"):
        history = history.to_dict()
    meta = {
        "format_version": FORMAT_VERSION,
        "lucidnet_version": __version__,
        "network": net.get_config(),
        "preprocessing": _as_preprocessing(preprocessing).to_dict(),
        "history": history,
        "options": options,
    }
    if extra:
        meta.update(extra)
    return meta


def to_json(obj: Any) -> str:
    """Strict JSON (no NaN or infinity) of ``obj``, NumPy scalars and arrays as numbers and lists."""
    def default(o: Any) -> Any:
        if isinstance(o, np.generic):
            return o.item()
        if isinstance(o, np.ndarray):
            return o.tolist()
        raise TypeError(f"cannot store {type(o).__name__} in a model file")

    # allow_nan=False: a non-finite number would make the file unreadable by strict JSON parsers
    return json.dumps(obj, default=default, allow_nan=False)


def sealed_json(meta: dict[str, Any], tensors: dict[str, np.ndarray]) -> str:
    """The ``lucidnet`` metadata string of a file holding ``tensors``: ``meta`` (any old checksums dropped) with
    the checksums of :mod:`lucidnet.io.checksums`, computed on the JSON values a reader will parse.

    Raises ValueError for what a reader would refuse (NaN or infinity, nesting deeper than 64 levels), so
    that a file that cannot be read back is never written."""
    try:
        m = loads_json(to_json({k: v for k, v in meta.items() if k != "checksums"}))
    except RecursionError:
        raise ValueError("cannot store the metadata: nested too deeply") from None
    m["checksums"] = checksums(m, tensors)
    return to_json(m)


def parse_metadata(path: PathLike, meta: dict[str, str]) -> dict[str, Any]:
    """The ``lucidnet`` metadata object of a file, checked for its format version and upgraded to the current one."""
    if "lucidnet" not in meta:
        raise file_error(path, "a safetensors file, but not a lucidnet model (no 'lucidnet' metadata)")
    try:
        m = loads_json(meta["lucidnet"])
    except (ValueError, RecursionError) as exc:
        raise file_error(path, f"corrupted 'lucidnet' metadata (not valid JSON: {exc})") from None
    if not isinstance(m, dict):
        raise file_error(path, "corrupted 'lucidnet' metadata (not a JSON object)")
    version = m.get("format_version")
    if not is_int(version):
        raise file_error(path, f"corrupted 'lucidnet' metadata: format_version {version!r}")
    if version > FORMAT_VERSION:
        raise file_error(
            path,
            f"written by a newer lucidnet ({m.get('lucidnet_version')!r}, format {version}); this lucidnet reads "
            f"format {FORMAT_VERSION}: upgrade lucidnet to load it",
        )
    if version < 1:
        raise file_error(path, f"unknown format version {version}")
    return _upgrade(m) if version < FORMAT_VERSION else m


def _upgrade(m: dict[str, Any]) -> dict[str, Any]:
    """Format 1 metadata as format 2: each layer's ``"type"`` key becomes ``"name"``."""
    config = m.get("network")
    if isinstance(config, dict) and isinstance(config.get("layers"), list):
        config["layers"] = [{("name" if k == "type" else k): v for k, v in c.items()} if isinstance(c, dict) else c
                            for c in config["layers"]]
    return m


def _reads_back(given: Any, built: Any) -> bool:
    """Whether every field of ``given`` is in ``built`` (an object's ``get_config()``) with the same value:
    nothing unknown, nothing changed on the way (fields ``given`` leaves out take their defaults)."""
    if isinstance(given, dict):
        return isinstance(built, dict) and all(k in built and _reads_back(v, built[k]) for k, v in given.items())
    if isinstance(given, list):
        built = list(built) if isinstance(built, tuple) else built
        return isinstance(built, list) and len(given) == len(built) and all(map(_reads_back, given, built))
    return bool(given == built) and isinstance(given, bool) == isinstance(built, bool)


def planned_shapes(path: PathLike, config: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    """{"layers.{i}.W": shape, …}: the parameters ``config`` declares, from its layers built without weights (a
    layer allocates nothing before it joins a network), so that they can be checked before anything is."""
    layers = config.get("layers")
    if not isinstance(layers, list) or not 1 <= len(layers) <= MAX_LAYERS:
        raise file_error(path, f"invalid network configuration: 'layers' must be a list of 1 to {MAX_LAYERS} "
                         "layer configurations")  # fmt: skip
    shapes: dict[str, tuple[int, ...]] = {}
    for i, c in enumerate(layers):
        if not isinstance(c, dict):
            raise file_error(path, f"invalid network configuration: layer {i} is {str(c)[:40]!r}, not an object")
        try:
            layer: Layer = get_layer(c)
        except _BAD_CONFIG as exc:
            raise file_error(path, f"invalid network configuration: layer {i}: {exc}") from None
        if not _reads_back(c, layer.get_config()):
            raise file_error(path, f"invalid network configuration: layer {i} has unknown or invalid fields "
                             f"(it reads back as {layer.get_config()})")  # fmt: skip
        if isinstance(layer, Dense):  # W (n_in, n_out·k), b (n_out·k,): see Dense
            width = layer.n_out * layer.activation.k
            shapes[f"layers.{i}.W"] = (layer.n_in, width)
            if layer.bias:
                shapes[f"layers.{i}.b"] = (width,)
    return shapes


def _check_tensors(path: PathLike, config: dict[str, Any], tensors: dict[str, np.ndarray]) -> None:
    """The declared parameters against the tensors actually in the file: names, shapes, dtype. The file's own
    tensors are the only trustworthy size, so a network that passes allocates no more than they hold."""
    planned = planned_shapes(path, config)
    names = {k for k in tensors if k.startswith("layers.")}
    if names != set(planned):
        missing, unexpected = sorted(set(planned) - names), sorted(names - set(planned))
        raise file_error(
            path, f"tensors do not match the architecture (missing {missing}, unexpected {unexpected})"
        )
    dtype = config.get("dtype", "float64")
    for name, shape in planned.items():
        t = tensors[name]
        if t.shape != shape:
            raise file_error(path, f"tensor {name!r} has shape {t.shape}, the architecture needs {shape}")
        if str(t.dtype) != dtype:
            raise file_error(path, f"tensor {name!r} has dtype {t.dtype}, the network's dtype is {dtype!r}")
        if not np.isfinite(t).all():
            raise file_error(path, f"tensor {name!r} contains NaN or infinity")


def _check_history(path: PathLike, history: Any) -> None:
    """``History.to_dict()``: per-epoch lists of numbers (null where a value was not finite), counts, flags."""
    if history is None:
        return
    if not isinstance(history, dict):
        raise file_error(path, "corrupted metadata: history must be an object")
    per_epoch = history.get("history", {})
    if not isinstance(per_epoch, dict) or not all(
        isinstance(v, list) and all(x is None or (isinstance(x, (int, float)) and not isinstance(x, bool)) for x in v)
        for v in per_epoch.values()
    ):
        raise file_error(path, "corrupted metadata: history.history must map names to lists of numbers")
    for key in ("epochs", "best_epoch"):
        v = history.get(key)
        if v is not None and not (is_int(v) and v >= 0):
            raise file_error(path, f"corrupted metadata: history.{key} must be an integer >= 0, got {v!r}")
    for key in ("stopped_early", "interrupted"):
        if not isinstance(history.get(key, False), bool):
            raise file_error(path, f"corrupted metadata: history.{key} must be true or false")


def build_bundle(path: PathLike, m: dict[str, Any], tensors: dict[str, np.ndarray]) -> ModelBundle:
    """Network and preprocessing from parsed metadata and tensors, every field checked.

    In this order: the checksums (format 2 on), the declared sizes against the tensors in the file (before
    anything is allocated), then the network, its weights, the preprocessing, history and options."""
    if m["format_version"] >= 2:
        verify(path, m, tensors)
    config = m.get("network")
    if not isinstance(config, dict):
        raise file_error(path, "corrupted metadata: no network configuration")
    _check_tensors(path, config, tensors)
    try:
        net = Network.from_config(config)
    except _BAD_CONFIG as exc:
        raise file_error(path, f"invalid network configuration: {exc}") from None
    if not _reads_back(config, net.get_config()):
        raise file_error(path, f"invalid network configuration: unknown or invalid fields (it reads back as "
                         f"{net.get_config()})")  # fmt: skip
    net.set_weights([tensors[name] for name in param_tensors(net)])
    pre = m.get("preprocessing")
    try:
        preprocessing = Preprocessing.from_dict({} if pre is None else pre, int(net.n_in), int(net.n_out))
    except _BAD_CONFIG as exc:
        raise file_error(path, f"corrupted metadata: preprocessing: {exc}") from None
    _check_history(path, m.get("history"))
    options = m.get("options")
    if options is not None and not isinstance(options, dict):
        raise file_error(path, "corrupted metadata: options must be an object")
    return ModelBundle(net, preprocessing, m.get("history"), options, m)
