"""Model files: a network, its preprocessing and its training record in one ``.safetensors`` file.

:func:`save_model` writes the tensors and metadata of :mod:`lucidnet.io.schema` into a safetensors container
(:mod:`lucidnet.io.safetensors`), atomically; :func:`load_model` reads a model file (or the text format of
:mod:`lucidnet.io.text_file`, recognised by its first line) back as a :class:`~lucidnet.io.ModelBundle`, and
:func:`load` gives just the network. Loading never runs code; any problem raises
:class:`~lucidnet.errors.ModelFileError` and nothing else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..data.preprocessing import Preprocessing
from .files import PathLike, read_bytes
from .model import ModelBundle
from .safetensors import read_safetensors, write_safetensors
from .schema import build_bundle, metadata, param_tensors, parse_metadata, sealed_json
from .text_file import TEXT_MAGIC, read_text_model

__all__ = ["load", "load_model", "save_model"]


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
    tensors = param_tensors(net)
    meta = metadata(net, preprocessing, history, options)
    return write_safetensors(path, tensors, {"lucidnet": sealed_json(meta, tensors)})


def load_model(path: PathLike) -> ModelBundle:
    """Read a model file (``.safetensors``, or the text format of :func:`save_txt`) as a :class:`ModelBundle`.

    Raises
    ------
    ModelFileError
        For any file that is not a valid lucidnet model, with a message saying why.
    """
    p = Path(path)
    if read_bytes(p, len(TEXT_MAGIC)) == TEXT_MAGIC:
        return read_text_model(p)
    tensors, meta = read_safetensors(p)
    return build_bundle(p, parse_metadata(p, meta), tensors)


def load(path: PathLike) -> Any:
    """The :class:`~lucidnet.Network` saved in ``path`` by ``net.save(path)`` or the CLI.

    ``load(p).predict(X)`` equals the saved network's ``predict(X)`` bit for bit. Use :func:`load_model` to
    get the preprocessing (standardizer, class labels) and the training history too.
    """
    return load_model(path).network
