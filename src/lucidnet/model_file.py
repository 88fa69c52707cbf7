"""Model files: a network, its preprocessing and its training record in one ``.safetensors`` file.

The file is a safetensors container (:mod:`lucidnet.safetensors_file`). Tensor ``layers.{i}.W`` is the weight
matrix of ``net.layers[i]`` with shape (n_in, n_out), samples as rows; PyTorch's ``nn.Linear.weight`` is its
transpose. ``layers.{i}.b`` is the bias (n_out,). The ``lucidnet`` metadata string holds: ``format_version``
(1), ``lucidnet_version``, ``network`` (``Network.get_config()``: registry names, sizes, activation parameters,
loss), ``preprocessing`` (feature standardizer, target scaler, class labels in their original type),
``history`` and ``options``. Checkpoints (:mod:`lucidnet.checkpoints`) add ``checkpoint`` (epoch, RNG state,
optimizer config) and tensors ``optimizer.{key}.{j}``; the text format (:mod:`lucidnet.txt_file`) stores the
same metadata and tensors as plain text.

Loading never runs code: the header is parsed as JSON, every field is checked, and any problem (truncation,
corruption, a foreign or newer file, absurd sizes, overlapping offsets, shapes that disagree with the
architecture, non-finite weights, unknown registry names) raises :class:`ModelFileError` and nothing else.
Files are written atomically: a temporary file in the same folder, fsync, then ``os.replace``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from .bundle import ModelBundle, Preprocessing
from .safetensors_file import PathLike, _fail, _read, read_safetensors, write_safetensors

__all__ = ["FORMAT_VERSION", "load", "load_model", "save_model"]

FORMAT_VERSION = 1


def _lucidnet_version() -> str:
    from ._version import __version__

    return str(__version__)


def _param_tensors(net: Any) -> dict[str, np.ndarray]:
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


def _metadata(
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
        "lucidnet_version": _lucidnet_version(),
        "network": net.get_config(),
        "preprocessing": _as_preprocessing(preprocessing).to_dict(),
        "history": history,
        "options": options,
    }
    if extra:
        meta.update(extra)
    return meta


def _json(obj: Any) -> str:
    def default(o: Any) -> Any:
        if isinstance(o, np.generic):
            return o.item()
        if isinstance(o, np.ndarray):
            return o.tolist()
        raise TypeError(f"cannot store {type(o).__name__} in a model file")

    # allow_nan=False: a non-finite number would make the file unreadable by strict JSON parsers
    return json.dumps(obj, default=default, allow_nan=False)


def save_model(
    net: Any,
    path: PathLike,
    *,
    preprocessing: Preprocessing | dict[str, Any] | None = None,
    history: Any = None,
    options: dict[str, Any] | None = None,
) -> Path:
    """Write ``net`` (and what it needs to answer in raw units) to a ``.safetensors`` file, atomically.

    Parameters
    ----------
    net : Network
    path : str or PathLike
    preprocessing : Preprocessing, optional
        Feature standardizer, target scaler, class labels.
    history : History or dict, optional
    options : dict, optional
        Training options, stored as given (must be JSON-able).

    Returns
    -------
    Path
        Where the file is.
    """
    meta = _metadata(net, preprocessing, history, options)
    return write_safetensors(path, _param_tensors(net), {"lucidnet": _json(meta)})


def _parse_lucidnet_meta(path: PathLike, meta: dict[str, str]) -> dict[str, Any]:
    if "lucidnet" not in meta:
        raise _fail(path, "a safetensors file, but not a lucidnet model (no 'lucidnet' metadata)")
    try:
        m = json.loads(meta["lucidnet"])
    except (ValueError, RecursionError):
        raise _fail(path, "corrupted 'lucidnet' metadata (not valid JSON)") from None
    if not isinstance(m, dict):
        raise _fail(path, "corrupted 'lucidnet' metadata (not a JSON object)")
    version = m.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise _fail(path, f"corrupted 'lucidnet' metadata: format_version {version!r}")
    if version > FORMAT_VERSION:
        raise _fail(
            path,
            f"written by a newer lucidnet ({m.get('lucidnet_version')}, format {version}); this lucidnet reads "
            f"format {FORMAT_VERSION}: upgrade lucidnet to load it",
        )
    if version < 1:
        raise _fail(path, f"unknown format version {version}")
    return m


def _build(path: PathLike, m: dict[str, Any], tensors: dict[str, np.ndarray]) -> ModelBundle:
    """Network and preprocessing from parsed metadata and tensors, every field checked."""
    from .network import Network

    config = m.get("network")
    if not isinstance(config, dict):
        raise _fail(path, "corrupted metadata: no network configuration")
    try:
        net = Network.from_config(config)
    except Exception as exc:  # noqa: BLE001 -- any bad config (unknown names, wrong types) is a file error
        raise _fail(path, f"invalid network configuration: {exc}") from None
    expected = _param_tensors(net)
    names = {k for k in tensors if k.startswith("layers.")}
    if names != set(expected):
        missing = sorted(set(expected) - names)
        unexpected = sorted(names - set(expected))
        raise _fail(
            path, f"tensors do not match the architecture (missing {missing}, unexpected {unexpected})"
        )
    weights = []
    for name, live in expected.items():
        t = tensors[name]
        if t.shape != live.shape:
            raise _fail(path, f"tensor {name!r} has shape {t.shape}, the architecture needs {live.shape}")
        if t.dtype != live.dtype:
            raise _fail(path, f"tensor {name!r} has dtype {t.dtype}, the network's dtype is {live.dtype}")
        if not np.isfinite(t).all():
            raise _fail(path, f"tensor {name!r} contains NaN or infinity")
        weights.append(t)
    try:
        net.set_weights(weights)
        pre = Preprocessing.from_dict(m.get("preprocessing") or {}, int(net.n_in), int(net.n_out))
    except (ValueError, TypeError) as exc:
        raise _fail(path, f"corrupted metadata: {exc}") from None
    history, options = m.get("history"), m.get("options")
    if history is not None and not isinstance(history, dict):
        raise _fail(path, "corrupted metadata: history must be an object")
    if options is not None and not isinstance(options, dict):
        raise _fail(path, "corrupted metadata: options must be an object")
    return ModelBundle(net, pre, history, options, m)


def load_model(path: PathLike) -> ModelBundle:
    """Read a model file (``.safetensors``, or the text format of :func:`save_txt`) as a :class:`ModelBundle`.

    Raises
    ------
    ModelFileError
        For any file that is not a valid lucidnet model, with a message saying why.
    """
    from .txt_file import _TXT_MAGIC, _read_txt  # imported here: the text format builds on this module

    p = Path(path)
    if _read(p, len(_TXT_MAGIC)) == _TXT_MAGIC:
        return _read_txt(p)
    tensors, meta = read_safetensors(p)
    return _build(p, _parse_lucidnet_meta(p, meta), tensors)


def load(path: PathLike) -> Any:
    """The :class:`~lucidnet.Network` saved in ``path`` by ``net.save(path)`` or the CLI.

    ``load(p).predict(X)`` equals the saved network's ``predict(X)`` bit for bit. Use :func:`load_model` to
    get the preprocessing (standardizer, class labels) and the training history too.
    """
    return load_model(path).network
