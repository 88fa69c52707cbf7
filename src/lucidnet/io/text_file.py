"""The plain-text model format: the weights one matrix row per line, readable by eye and read back exactly.

Written by :func:`save_txt` (``lucidnet export --format txt``) and read by :func:`load_txt`, or by
:func:`lucidnet.io.load_model`, which recognises the opening line. The metadata and the checks on loading are
those of a ``.safetensors`` model file (:mod:`lucidnet.io.schema`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from ..data.preprocessing import Preprocessing
from .files import PathLike, atomic_write, file_error, read_bytes
from .model import ModelBundle
from .schema import build_bundle, metadata, param_tensors, parse_metadata, sealed_json

__all__ = ["load_txt", "save_txt"]

TEXT_MAGIC = b"# lucidnet weights"
# the most elements one tensor of a text file may declare (each is at least two characters of text)
_MAX_ELEMENTS = 10**8


def save_txt(
    net_or_bundle: Any,
    path: PathLike,
    *,
    preprocessing: Preprocessing | dict[str, Any] | None = None,
    history: Any = None,
    options: dict[str, Any] | None = None,
) -> Path:
    """Write the weights as plain text: one block per tensor, one matrix row per line; reads back exactly.

    The file opens with ``# lucidnet weights`` and a ``# meta:`` line holding the same JSON metadata as a
    ``.safetensors`` model, then for each tensor a line ``layers.0.W float64 2 4`` (name, dtype, shape)
    followed by its rows, values separated by spaces, and a blank line.
    """
    if isinstance(net_or_bundle, ModelBundle):
        b = net_or_bundle
        net, meta = b.network, dict(b.metadata)
        meta.update(metadata(net, b.preprocessing, b.history, b.options))
    else:
        net, meta = net_or_bundle, metadata(net_or_bundle, preprocessing, history, options)
    tensors = param_tensors(net)
    lines = [TEXT_MAGIC.decode(), f"# meta: {sealed_json(meta, tensors)}", ""]
    for name, arr in tensors.items():
        lines.append(f"{name} {arr.dtype.name} {' '.join(str(s) for s in arr.shape)}")
        for row in np.atleast_2d(arr) if arr.ndim == 2 else [arr]:
            # str of a NumPy float is the shortest text that reads back to the same float32 or float64
            lines.append(" ".join(str(v) for v in row))
        lines.append("")
    text = "\n".join(lines).encode("utf-8")
    return atomic_write(path, lambda fh: fh.write(text))


def read_text_model(p: Path) -> ModelBundle:
    """The bundle in the text model file ``p``, every field checked as in a ``.safetensors`` file."""
    return build_bundle(p, *read_text_parts(p))


def read_text_parts(p: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(metadata, tensors) of the text model file ``p``, as parsed; :func:`read_text_model` checks them."""
    try:
        lines = p.read_text(encoding="utf-8").split("\n")
    except UnicodeDecodeError:
        raise file_error(p, "corrupted text model file (not UTF-8)") from None
    if len(lines) < 2 or not lines[1].startswith("# meta: "):
        raise file_error(p, "corrupted text model file: second line must be '# meta: {...}'")
    m = parse_metadata(p, {"lucidnet": lines[1][len("# meta: ") :]})
    tensors: dict[str, np.ndarray] = {}
    i = 2
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        if not line:
            continue
        parts = line.split()
        if len(parts) < 2 or parts[1] not in ("float64", "float32"):
            raise file_error(p, f"line {i}: expected 'NAME DTYPE DIM…', got {line[:60]!r}")
        try:
            shape = tuple(int(s) for s in parts[2:])
        except ValueError:
            raise file_error(p, f"line {i}: bad shape in {line[:60]!r}") from None
        if (len(shape) not in (1, 2) or not all(0 <= s <= _MAX_ELEMENTS for s in shape)
                or math.prod(shape) > _MAX_ELEMENTS):
            raise file_error(p, f"line {i}: bad shape {shape}")
        n_rows = shape[0] if len(shape) == 2 else 1
        rows = lines[i : i + n_rows]
        try:
            values = [[float(v) for v in r.split()] for r in rows]
            with np.errstate(all="ignore"):  # an overflow to float32 infinity is refused below, by name
                arr = np.array(values, dtype=parts[1])
        except ValueError:
            raise file_error(p, f"line {i + 1}: tensor {parts[0]!r} has non-numeric or ragged rows") from None
        if len(rows) != n_rows or arr.size != math.prod(shape):
            raise file_error(p, f"line {i + 1}: tensor {parts[0]!r} does not have shape {shape}")
        if parts[0] in tensors:
            raise file_error(p, f"line {i}: tensor {parts[0]!r} appears twice")
        tensors[parts[0]] = arr.reshape(shape)
        i += n_rows
    return m, tensors


def load_txt(path: PathLike) -> Any:
    """The :class:`~lucidnet.Network` stored by :func:`save_txt` (``lucidnet export --format txt``)."""
    p = Path(path)
    if read_bytes(p, len(TEXT_MAGIC)) != TEXT_MAGIC:
        raise file_error(p, f"not a lucidnet text model (it must start with {TEXT_MAGIC.decode()!r})")
    return read_text_model(p).network
