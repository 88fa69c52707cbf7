"""Checksums of a model file: SHA-256 of each tensor's bytes and of the metadata, kept in the metadata itself.

A file that lucidnet writes (format 2 on) carries, in its ``lucidnet`` metadata object::

    "checksums": {"algorithm": "sha256",
                  "tensors": {"layers.0.W": "<hex>", …},   one per tensor in the file
                  "metadata": "<hex>"}

- ``tensors[name]`` is the SHA-256 of the tensor's bytes exactly as the safetensors buffer holds them
  (little-endian, C order), so ``hashlib.sha256(safetensors.numpy.load_file(f)[name].tobytes())`` gives it too;
- ``metadata`` is the SHA-256 of the canonical JSON (keys sorted, no spaces, ASCII, see :func:`canonical`) of
  ``{"metadata": <the lucidnet object without "checksums">, "tensors": {name: [dtype, shape]}}``, where dtype is
  NumPy's little-endian code (``"<f8"``): every field, and which tensors there are with what dtype and shape.

Loading checks both (:func:`verify`): one changed byte in a tensor is a ModelFileError naming that tensor; an
edited field, a renamed, dropped or reshaped tensor is one naming the metadata. The checksums find damage (a
flipped bit on a disk or in a download, a truncated copy, an edit by hand); they prove nothing about who wrote a
file (anyone can compute them), so every field is also checked on its own (:mod:`lucidnet.io.schema`). Files of
format 1 (lucidnet 0.1) have no checksums and are loaded with those checks alone.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np

from .files import PathLike, file_error
from .safetensors import little_endian

__all__ = ["canonical", "checksums", "tensor_digest", "verify"]

ALGORITHM = "sha256"
_HEX = frozenset("0123456789abcdef")


def tensor_digest(a: np.ndarray) -> str:
    """SHA-256 (hex) of ``a``'s bytes as a safetensors file stores them: little-endian, C order."""
    a = np.asarray(a)
    return hashlib.sha256(np.ascontiguousarray(a, dtype=little_endian(a.dtype)).data).hexdigest()


def canonical(obj: Any) -> bytes:
    """The canonical JSON of ``obj``: sorted keys, no spaces, ASCII only, no NaN (what the checksum covers)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode()


def _metadata_digest(meta: dict[str, Any], tensors: dict[str, np.ndarray]) -> str:
    index = {name: [little_endian(a.dtype).str, list(a.shape)] for name, a in tensors.items()}
    body = {"metadata": {k: v for k, v in meta.items() if k != "checksums"}, "tensors": index}
    return hashlib.sha256(canonical(body)).hexdigest()


def checksums(meta: dict[str, Any], tensors: dict[str, np.ndarray]) -> dict[str, Any]:
    """The ``checksums`` entry for the metadata object ``meta`` (JSON values only, as a reader parses them)
    and the file's ``tensors``."""
    return {
        "algorithm": ALGORITHM,
        "tensors": {name: tensor_digest(a) for name, a in tensors.items()},
        "metadata": _metadata_digest(meta, tensors),
    }


def _is_digest(v: Any) -> bool:
    return isinstance(v, str) and len(v) == 64 and set(v) <= _HEX


def verify(path: PathLike, meta: dict[str, Any], tensors: dict[str, np.ndarray]) -> None:
    """ModelFileError unless ``meta["checksums"]`` matches ``tensors`` and ``meta`` (see the module docstring)."""
    c = meta.get("checksums")
    if c is None:
        raise file_error(path, "no checksums: every lucidnet model file of format 2 has them, so the file was "
                         "changed after lucidnet wrote it")  # fmt: skip
    if (not isinstance(c, dict) or set(c) != {"algorithm", "tensors", "metadata"} or c["algorithm"] != ALGORITHM
            or not isinstance(c["tensors"], dict) or not all(_is_digest(v) for v in c["tensors"].values())
            or not _is_digest(c["metadata"])):
        raise file_error(path, "corrupted metadata: 'checksums' must be {'algorithm': 'sha256', 'tensors': "
                         "{name: hex digest}, 'metadata': hex digest}")  # fmt: skip
    listed = c["tensors"]
    if set(listed) != set(tensors):
        missing, unexpected = sorted(set(listed) - set(tensors)), sorted(set(tensors) - set(listed))
        raise file_error(path, f"the tensors do not match the checksums (missing {missing}, unexpected "
                         f"{unexpected}): the file was changed after lucidnet wrote it")  # fmt: skip
    for name, a in tensors.items():
        if tensor_digest(a) != listed[name]:
            raise file_error(path, f"tensor {name!r} does not match its checksum: the file is damaged or was "
                             "changed after lucidnet wrote it")  # fmt: skip
    if _metadata_digest(meta, tensors) != c["metadata"]:
        raise file_error(path, "the metadata (or a tensor's dtype or shape) does not match its checksum: the "
                         "file is damaged or was changed after lucidnet wrote it")  # fmt: skip
