"""Reading IDX files (LeCun's MNIST format), gzip-compressed or raw, and finding and loading MNIST itself.

:func:`read_idx` reads one file; :func:`read_idx_pair` an images file and its labels file; :func:`load_mnist`
the training or test half of MNIST from its folder, which :func:`find_mnist` locates. Bad input raises
:class:`~lucidnet.data.table.DataError` naming the file and what is wrong with it.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
from pathlib import Path
from typing import Any

import numpy as np

from .table import DataError, PathLike, existing_file

__all__ = ["find_mnist", "load_mnist", "read_idx", "read_idx_pair"]

# IDX (LeCun's MNIST format): 2 zero bytes, a type code, the number of dimensions, then one big-endian
# uint32 per dimension, then the values in C order, big-endian.
IDX_DTYPES: dict[int, np.dtype[Any]] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
GZIP_MAGIC = b"\x1f\x8b"
# An MNIST image file is 47 MB; this bound only stops a corrupt header from asking for absurd memory.
_IDX_MAX_BYTES = 1 << 34


def _read_bytes(path: PathLike) -> bytes:
    raw = existing_file(path).read_bytes()
    if raw[:2] == GZIP_MAGIC:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise DataError(f"{path}: corrupt gzip data ({exc})") from None
    return raw


def read_idx(path: PathLike) -> np.ndarray:
    """Read one IDX file (gzip-compressed or raw): x = the array it holds, shape (d₁, …, d_k).

    Parameters
    ----------
    path : str or PathLike
        An IDX file such as ``train-images-idx3-ubyte.gz``; gzip is detected from the content, not the name.

    Returns
    -------
    ndarray, shape (d1, ..., dk)
        In native byte order; dtype uint8 for MNIST.

    Raises
    ------
    DataError
        A ValueError naming what is wrong: magic, type code, dimensions or size.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> p = os.path.join(d, "t.idx")
    >>> _ = open(p, "wb").write(bytes([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3]) + bytes(range(6)))
    >>> read_idx(p)
    array([[0, 1, 2],
           [3, 4, 5]], dtype=uint8)
    """
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise DataError(f"{path}: not an IDX file ({len(raw)} bytes, too short for the 4-byte magic)")
    if raw[0] != 0 or raw[1] != 0:
        raise DataError(f"{path}: not an IDX file (magic starts with {raw[:2].hex()}, expected 0000)")
    code, ndim = raw[2], raw[3]
    if code not in IDX_DTYPES:
        valid = ", ".join(f"0x{c:02x}" for c in IDX_DTYPES)
        raise DataError(f"{path}: unknown IDX type code 0x{code:02x}; valid codes: {valid}")
    if ndim == 0:
        raise DataError(f"{path}: IDX file declares 0 dimensions")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"{path}: truncated IDX header ({len(raw)} bytes, expected at least {header})")
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    dtype = IDX_DTYPES[code]
    expected = math.prod(dims) * dtype.itemsize
    if expected > _IDX_MAX_BYTES:
        raise DataError(f"{path}: IDX dimensions {dims} ask for {expected} bytes; the header is corrupt")
    got = len(raw) - header
    if got != expected:
        what = "truncated" if got < expected else "has trailing bytes"
        raise DataError(
            f"{path}: IDX file {what}: dimensions {dims} need {expected} bytes of data, found {got}"
        )
    arr = np.frombuffer(raw, dtype=dtype, count=math.prod(dims), offset=header).reshape(dims)
    return arr.astype(dtype.newbyteorder("="))


_MNIST_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def find_mnist(start: PathLike | None = None) -> Path | None:
    """Locate the MNIST folder: ``$LUCIDNET_DATA/mnist`` (or ``$LUCIDNET_DATA`` itself), else ``shared/data/mnist``
    in ``start`` or any parent of it (default: the current directory). None when not found."""
    env = os.environ.get("LUCIDNET_DATA")
    candidates: list[Path] = []
    if env:
        candidates += [Path(env) / "mnist", Path(env)]
    here = Path(start) if start is not None else Path.cwd()
    for folder in [here.resolve(), *here.resolve().parents]:
        candidates.append(folder / "shared" / "data" / "mnist")
    for c in candidates:
        if (c / (_MNIST_FILES["train"][0] + ".gz")).exists() or (c / _MNIST_FILES["train"][0]).exists():
            return c
    return None


def _mnist_file(root: Path, stem: str) -> Path:
    for name in (stem + ".gz", stem):
        if (root / name).exists():
            return root / name
    raise DataError(f"{root}: no {stem}.gz or {stem} here; is this an MNIST folder?")


def load_mnist(root: PathLike | None = None, kind: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Load MNIST from its IDX files: X (n, 784) uint8 pixels 0–255, y (n,) uint8 digits 0–9.

    Parameters
    ----------
    root : str or PathLike, optional
        Folder with ``train-images-idx3-ubyte.gz`` and friends (gzip or raw). Default: :func:`find_mnist`.
    kind : {"train", "test"}
        60,000 training or 10,000 test images.

    Returns
    -------
    X : ndarray, shape (n, 784), uint8
    y : ndarray, shape (n,), uint8
    """
    if kind not in _MNIST_FILES:
        raise DataError(f"kind must be 'train' or 'test', got {kind!r}")
    if root is None:
        found = find_mnist()
        if found is None:
            raise DataError(
                "MNIST not found: pass root=, or set LUCIDNET_DATA to a folder holding mnist/ "
                "(train-images-idx3-ubyte.gz ...)"
            )
        root = found
    root = Path(root)
    if not root.is_dir():
        raise DataError(f"{root}: no such folder")
    img_stem, lab_stem = _MNIST_FILES[kind]
    images = read_idx(_mnist_file(root, img_stem))
    labels = read_idx(_mnist_file(root, lab_stem))
    return pair_images_labels(images, labels, root / img_stem, root / lab_stem)


def pair_images_labels(
    images: np.ndarray, labels: np.ndarray, ip: PathLike, lp: PathLike
) -> tuple[np.ndarray, np.ndarray]:
    if labels.ndim != 1:
        raise DataError(f"{lp}: labels must be 1-dimensional, got dimensions {labels.shape}")
    if images.shape[0] != labels.shape[0]:
        raise DataError(f"{ip} has {images.shape[0]} samples but {lp} has {labels.shape[0]} labels")
    return images.reshape(images.shape[0], -1), labels


def read_idx_pair(images: PathLike, labels: PathLike) -> tuple[np.ndarray, np.ndarray]:
    """Read an IDX images file and its labels file: X (n, d) with d = product of the image dims, y (n,)."""
    return pair_images_labels(read_idx(images), read_idx(labels), images, labels)


def labels_path_for(images: Path) -> Path | None:
    """The labels file beside an images file: ``…images-idx3…`` → ``…labels-idx1…``."""
    name = images.name
    if "images" not in name:
        return None
    cand = name.replace("images", "labels").replace("idx3", "idx1")
    p = images.with_name(cand)
    return p if p.exists() else None
