"""The safetensors container: named tensors and string metadata in one file, written atomically.

File layout (the safetensors format, written and read here with NumPy, ``json`` and ``struct``)::

    [8 bytes]  N, little-endian u64: the header size
    [N bytes]  UTF-8 JSON: {"layers.0.W": {"dtype": "F64", "shape": [2, 4], "data_offsets": [0, 64]}, …,
                            "__metadata__": {"lucidnet": "<JSON string, see lucidnet.io.schema>"}}
    [rest]     the tensors' bytes, little-endian, C order, contiguous, in offset order

This module knows nothing of networks: :func:`write_safetensors` and :func:`read_safetensors` move a dict of
arrays and a dict of strings to and from disk. Reading never runs code: the header is parsed as JSON and every
field is checked; a missing, truncated or corrupted file, absurd sizes, unknown dtypes or overlapping offsets
raise :class:`ModelFileError` and nothing else. Files are written atomically (:func:`atomic_write`): a temporary
file in the same folder, fsync, then ``os.replace``.
"""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path
from typing import Any

import numpy as np

from .files import PathLike, atomic_write, file_error, is_int, loads_json, read_bytes

__all__ = ["little_endian", "read_safetensors", "write_safetensors"]

# safetensors dtype names <-> NumPy, always little-endian on disk
_DTYPES: dict[str, np.dtype] = {
    "F64": np.dtype("<f8"),
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"),
    "I32": np.dtype("<i4"),
    "I16": np.dtype("<i2"),
    "I8": np.dtype("i1"),
    "U8": np.dtype("u1"),
    "U16": np.dtype("<u2"),
    "U32": np.dtype("<u4"),
    "U64": np.dtype("<u8"),
    "BOOL": np.dtype("?"),
}


def little_endian(dtype: np.dtype) -> np.dtype:
    """``dtype`` in the byte order a safetensors file stores it (little-endian; one-byte types as they are)."""
    return dtype.newbyteorder("<") if dtype.itemsize > 1 else dtype


_DTYPE_NAMES = {little_endian(v): k for k, v in _DTYPES.items()}
# A lucidnet header is a few kB even with a long history; safetensors itself caps headers at 100 MB.
_MAX_HEADER = 100 * 1024 * 1024
# The largest dimension (and number of elements) a tensor may declare: beyond any array NumPy can hold, small
# enough that shape arithmetic never overflows; the bytes a shape needs must lie in the file anyway.
_MAX_ELEMENTS = 2**48


def write_safetensors(path: PathLike, tensors: dict[str, np.ndarray], metadata: dict[str, str]) -> Path:
    """Write ``tensors`` and string ``metadata`` as a safetensors file, atomically.

    Parameters
    ----------
    path : str or PathLike
    tensors : dict of str -> ndarray
        Written in the given order, little-endian, C order.
    metadata : dict of str -> str
    """
    header: dict[str, Any] = {}
    chunks: list[bytes] = []
    offset = 0
    for name, arr in tensors.items():
        a = np.asarray(arr)
        le = little_endian(a.dtype)
        if le not in _DTYPE_NAMES:
            raise TypeError(f"tensor {name!r}: dtype {a.dtype} has no safetensors name")
        raw = np.ascontiguousarray(a, dtype=le).tobytes()
        header[name] = {
            "dtype": _DTYPE_NAMES[le],
            "shape": list(a.shape),
            "data_offsets": [offset, offset + len(raw)],
        }
        chunks.append(raw)
        offset += len(raw)
    if any(not isinstance(v, str) for v in metadata.values()):
        raise TypeError("safetensors metadata values must be strings")
    header["__metadata__"] = dict(metadata)
    hbytes = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    hbytes += b" " * (-len(hbytes) % 8)  # the buffer starts 8-byte aligned, as safetensors writes it

    def write(fh: Any) -> None:
        fh.write(struct.pack("<Q", len(hbytes)))
        fh.write(hbytes)
        for c in chunks:
            fh.write(c)

    return atomic_write(path, write)


def read_safetensors(path: PathLike) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Read any safetensors file into (tensors, metadata), checking every header field.

    Raises
    ------
    ModelFileError
        For a missing, truncated or corrupted file, or a header that breaks the format: sizes beyond the
        file, unknown dtypes, offsets that are negative, overlapping, leave gaps or disagree with the shape.
    """
    p = Path(path)
    raw = read_bytes(p)
    if len(raw) < 8:
        raise file_error(p, f"not a model file: {len(raw)} bytes, too short for a safetensors header (truncated?)")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > _MAX_HEADER or n > len(raw) - 8:
        raise file_error(p, f"not a model file, or truncated: header size {n} but the file has {len(raw)} bytes")
    if n < 2:
        raise file_error(p, f"corrupted: header size {n}")
    try:
        header = loads_json(raw[8 : 8 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise file_error(p, f"corrupted header, not valid UTF-8 JSON ({exc})") from None
    if not isinstance(header, dict):
        raise file_error(p, "corrupted header: expected a JSON object")
    meta = header.pop("__metadata__", {})
    if meta is None:
        meta = {}
    if not isinstance(meta, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in meta.items()
    ):
        raise file_error(p, "corrupted header: __metadata__ must map strings to strings")
    buf = memoryview(raw)[8 + n :]
    spans: list[tuple[int, int, str]] = []
    tensors: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            raise file_error(p, f"corrupted header entry for tensor {name!r}")
        dt, shape, offs = info["dtype"], info["shape"], info["data_offsets"]
        if not isinstance(dt, str) or dt not in _DTYPES:
            raise file_error(p, f"tensor {name!r}: unsupported dtype {dt!r}; lucidnet reads {', '.join(_DTYPES)}")
        if (not isinstance(shape, list) or len(shape) > 8 or not all(is_int(s) and s >= 0 for s in shape)
                or math.prod(s for s in shape if s) > _MAX_ELEMENTS):
            raise file_error(p, f"tensor {name!r}: invalid shape {shape!r}")
        if not (isinstance(offs, list) and len(offs) == 2 and all(is_int(o) for o in offs)):
            raise file_error(p, f"tensor {name!r}: invalid data_offsets {offs!r}")
        begin, end = offs
        if not 0 <= begin <= end <= len(buf):
            raise file_error(
                p, f"tensor {name!r}: data_offsets {offs} outside the {len(buf)}-byte buffer (truncated?)"
            )
        size = math.prod(shape) * _DTYPES[dt].itemsize
        if end - begin != size:
            raise file_error(p, f"tensor {name!r}: shape {shape} needs {size} bytes, offsets give {end - begin}")
        spans.append((begin, end, name))
        a = np.frombuffer(buf, dtype=_DTYPES[dt], count=math.prod(shape), offset=begin).reshape(shape)
        tensors[name] = a.astype(_DTYPES[dt].newbyteorder("="))
    pos = 0
    for begin, end, name in sorted(spans):
        if begin != pos:
            why = "overlaps the previous tensor" if begin < pos else "leaves a gap before it"
            raise file_error(p, f"tensor {name!r}: data_offsets {[begin, end]} {why}")
        pos = end
    if pos != len(buf):
        raise file_error(p, f"corrupted: {len(buf) - pos} bytes after the last tensor")
    return tensors, meta
