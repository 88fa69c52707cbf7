"""The model-file schema: which tensors a model file holds, its ``lucidnet`` metadata, and the checks that turn
both back into a :class:`~lucidnet.io.ModelBundle`.

Tensor ``layers.{i}.W`` is the weight matrix of ``net.layers[i]`` with shape (n_in, n_out), samples as rows;
PyTorch's ``nn.Linear.weight`` is its transpose. ``layers.{i}.b`` is the bias (n_out,). The ``lucidnet`` metadata
string is a JSON object: ``format_version`` (:data:`FORMAT_VERSION`), ``lucidnet_version``, ``network``
(``Network.get_config()``: registry names, sizes, activation parameters, loss), ``preprocessing``
(:class:`~lucidnet.data.Preprocessing`: feature standardizer, target scaler, class labels in their original
type), ``history`` and ``options``. Checkpoints (:mod:`lucidnet.io.checkpoints`) add ``checkpoint`` (epoch, RNG
state, optimizer config) and tensors ``optimizer.{key}.{j}``. Every container (safetensors, the text format)
stores exactly this; this module is the one place that knows it.

Parsing never runs code: the metadata is JSON, every field is checked, and any problem (a foreign or newer file,
shapes that disagree with the architecture, non-finite weights, unknown registry names) raises
:class:`~lucidnet.errors.ModelFileError` and nothing else.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from .._version import __version__
from ..data.preprocessing import Preprocessing
from ..network import Network
from .files import PathLike, file_error
from .model import ModelBundle

__all__ = ["FORMAT_VERSION", "build_bundle", "metadata", "param_tensors", "parse_metadata", "to_json"]

#: 2 (lucidnet 0.2): layers are named by ``"name"`` like every registry family; 1 (0.1) named them by ``"type"``
FORMAT_VERSION = 2


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


def parse_metadata(path: PathLike, meta: dict[str, str]) -> dict[str, Any]:
    """The ``lucidnet`` metadata object of a file, checked for its format version and upgraded to the current one."""
    if "lucidnet" not in meta:
        raise file_error(path, "a safetensors file, but not a lucidnet model (no 'lucidnet' metadata)")
    try:
        m = json.loads(meta["lucidnet"])
    except (ValueError, RecursionError):
        raise file_error(path, "corrupted 'lucidnet' metadata (not valid JSON)") from None
    if not isinstance(m, dict):
        raise file_error(path, "corrupted 'lucidnet' metadata (not a JSON object)")
    version = m.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise file_error(path, f"corrupted 'lucidnet' metadata: format_version {version!r}")
    if version > FORMAT_VERSION:
        raise file_error(
            path,
            f"written by a newer lucidnet ({m.get('lucidnet_version')}, format {version}); this lucidnet reads "
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


def build_bundle(path: PathLike, m: dict[str, Any], tensors: dict[str, np.ndarray]) -> ModelBundle:
    """Network and preprocessing from parsed metadata and tensors, every field checked."""
    config = m.get("network")
    if not isinstance(config, dict):
        raise file_error(path, "corrupted metadata: no network configuration")
    try:
        net = Network.from_config(config)
    except Exception as exc:  # noqa: BLE001 -- any bad config (unknown names, wrong types) is a file error
        raise file_error(path, f"invalid network configuration: {exc}") from None
    expected = param_tensors(net)
    names = {k for k in tensors if k.startswith("layers.")}
    if names != set(expected):
        missing = sorted(set(expected) - names)
        unexpected = sorted(names - set(expected))
        raise file_error(
            path, f"tensors do not match the architecture (missing {missing}, unexpected {unexpected})"
        )
    weights = []
    for name, live in expected.items():
        t = tensors[name]
        if t.shape != live.shape:
            raise file_error(path, f"tensor {name!r} has shape {t.shape}, the architecture needs {live.shape}")
        if t.dtype != live.dtype:
            raise file_error(path, f"tensor {name!r} has dtype {t.dtype}, the network's dtype is {live.dtype}")
        if not np.isfinite(t).all():
            raise file_error(path, f"tensor {name!r} contains NaN or infinity")
        weights.append(t)
    try:
        net.set_weights(weights)
        pre = Preprocessing.from_dict(m.get("preprocessing") or {}, int(net.n_in), int(net.n_out))
    except (ValueError, TypeError) as exc:
        raise file_error(path, f"corrupted metadata: {exc}") from None
    history, options = m.get("history"), m.get("options")
    if history is not None and not isinstance(history, dict):
        raise file_error(path, "corrupted metadata: history must be an object")
    if options is not None and not isinstance(options, dict):
        raise file_error(path, "corrupted metadata: options must be an object")
    return ModelBundle(net, pre, history, options, m)


