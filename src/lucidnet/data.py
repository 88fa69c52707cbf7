"""Reading data files: CSV, NPY/NPZ and IDX (MNIST), validated at the boundary.

Every reader returns plain NumPy arrays, samples as rows. Bad input raises :class:`DataError` (a
``ValueError``) whose message names the file, the row and the column, and says what to do.

The CSV reader uses the standard library ``csv`` module; pandas is never required (a DataFrame is accepted
by :func:`from_dataframe` when pandas happens to be installed). NumPy files are read with
``allow_pickle=False``: reading data never runs code.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "DataError",
    "Table",
    "find_mnist",
    "from_dataframe",
    "load_mnist",
    "read_csv",
    "read_for_model",
    "read_idx",
    "read_idx_pair",
    "read_table",
    "split_target",
]

PathLike = str | os.PathLike[str]


class DataError(ValueError):
    """A data file that cannot be read as asked: the message names the file, the place and the fix."""


# ----------------------------------------------------------------------------------------------------- IDX
# IDX (LeCun's MNIST format): 2 zero bytes, a type code, the number of dimensions, then one big-endian
# uint32 per dimension, then the values in C order, big-endian.
_IDX_DTYPES: dict[int, np.dtype[Any]] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"
# An MNIST image file is 47 MB; this bound only stops a corrupt header from asking for absurd memory.
_IDX_MAX_BYTES = 1 << 34


def _file(path: PathLike, what: str = "a file") -> Path:
    """``path`` as a Path after checking it names an existing file (DataError otherwise)."""
    p = Path(path)
    if not p.exists():
        raise DataError(f"{p}: no such file")
    if p.is_dir():
        raise DataError(f"{p}: is a directory, expected {what}")
    return p


def _read_bytes(path: PathLike) -> bytes:
    raw = _file(path).read_bytes()
    if raw[:2] == _GZIP_MAGIC:
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
    if code not in _IDX_DTYPES:
        valid = ", ".join(f"0x{c:02x}" for c in _IDX_DTYPES)
        raise DataError(f"{path}: unknown IDX type code 0x{code:02x}; valid codes: {valid}")
    if ndim == 0:
        raise DataError(f"{path}: IDX file declares 0 dimensions")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"{path}: truncated IDX header ({len(raw)} bytes, expected at least {header})")
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    dtype = _IDX_DTYPES[code]
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
    return _idx_pair(images, labels, root / img_stem, root / lab_stem)


def _idx_pair(
    images: np.ndarray, labels: np.ndarray, ip: PathLike, lp: PathLike
) -> tuple[np.ndarray, np.ndarray]:
    if labels.ndim != 1:
        raise DataError(f"{lp}: labels must be 1-dimensional, got dimensions {labels.shape}")
    if images.shape[0] != labels.shape[0]:
        raise DataError(f"{ip} has {images.shape[0]} samples but {lp} has {labels.shape[0]} labels")
    return images.reshape(images.shape[0], -1), labels


def read_idx_pair(images: PathLike, labels: PathLike) -> tuple[np.ndarray, np.ndarray]:
    """Read an IDX images file and its labels file: X (n, d) with d = product of the image dims, y (n,)."""
    return _idx_pair(read_idx(images), read_idx(labels), images, labels)


def _labels_path_for(images: Path) -> Path | None:
    """The labels file beside an images file: ``…images-idx3…`` → ``…labels-idx1…``."""
    name = images.name
    if "images" not in name:
        return None
    cand = name.replace("images", "labels").replace("idx3", "idx1")
    p = images.with_name(cand)
    return p if p.exists() else None


# ----------------------------------------------------------------------------------------------------- tables
@dataclass
class Table:
    """Features and (optionally) a target read from a file.

    Attributes
    ----------
    X : ndarray, shape (n, d), float64
    y : ndarray, shape (n,) or None
        float64 when every target cell is numeric, else the strings as read (dtype object). None when the
        file has no target (``target=False``).
    feature_names : list of str, length d
    target_name : str or None
    source : str
        Where the data came from, for messages.
    """

    X: np.ndarray
    y: np.ndarray | None
    feature_names: list[str]
    target_name: str | None = None
    source: str = "<array>"
    extra: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        t = f", target={self.target_name!r}" if self.target_name is not None else ""
        return f"Table({self.source!r}, n={self.X.shape[0]}, features={self.X.shape[1]}{t})"


def _looks_binary(raw: bytes) -> bool:
    head = raw[:8192]
    if b"\x00" in head:
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the 8 KiB boundary is still text
        return exc.start < len(head) - 4
    return False


_MISSING = {"", "na", "n/a", "nan", "null", "none", "?", "-"}
# "?" and "-" may be class names, so a target cell is missing only when clearly so
_MISSING_TARGET = {"", "na", "n/a", "nan", "null", "none"}


def _parse_float(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


def _csv_cells(path: PathLike) -> tuple[list[str], list[list[str]], str]:
    """Header, data cells (stripped) and the source name of a CSV file, after the file-level checks."""
    p = _file(path, "a CSV file")
    raw = p.read_bytes()
    if not raw.strip():
        raise DataError(f"{p}: file is empty; expected a header row and at least one data row")
    if _looks_binary(raw):
        raise DataError(f"{p}: looks like a binary file, not CSV text; give a CSV, .npy, .npz or IDX file")
    text = raw.decode("utf-8-sig", errors="replace")
    rows = [r for r in csv.reader(io.StringIO(text)) if r and any(c.strip() for c in r)]
    header = [h.strip() for h in rows[0]]
    body = rows[1:]
    if not body:
        raise DataError(f"{p}: has a header row but no data rows")
    width = len(header)
    for i, r in enumerate(body):
        if len(r) != width:
            # line numbers as an editor shows them: the header is line 1
            raise DataError(
                f"{p}: row {i + 2} has {len(r)} fields but the header has {width}; every row needs {width}"
            )
    return header, [[c.strip() for c in r] for r in body], str(p)


def read_csv(path: PathLike, target: str | int | None | bool = None) -> Table:
    """Read a CSV file with a header row: X (n, d) float64 features, y (n,) the target column.

    Parameters
    ----------
    path : str or PathLike
    target : str, int, None or False
        The target column by name or by index (negative counts from the end); None: the last column;
        False: no target, every column is a feature (``predict`` input).

    Returns
    -------
    Table
        ``y`` is float64 when every target cell parses as a finite number, else the raw strings (classes).

    Raises
    ------
    DataError
        Missing, empty or binary file, header only, ragged rows, a non-numeric, missing, NaN or infinite
        feature cell (the message names the row and column), unknown target column.
    """
    header, cells, source = _csv_cells(path)
    return _table_from_cells(header, cells, target, source)


def _resolve_target(header: Sequence[str], target: str | int | None | bool, source: str) -> int | None:
    if target is False:
        return None
    if target is None or target is True:
        return len(header) - 1
    if isinstance(target, int):
        if not -len(header) <= target < len(header):
            raise DataError(f"{source}: target column index {target} out of range for {len(header)} columns")
        return target % len(header)
    if target in header:
        return list(header).index(target)
    if str(target).lstrip("-").isdigit():
        return _resolve_target(header, int(target), source)
    raise DataError(f"{source}: unknown target column {target!r}; columns are: {', '.join(header)}")


def _table_from_cells(
    header: list[str],
    cells: list[list[str]],
    target: str | int | None | bool,
    source: str,
    features: list[int] | None = None,
) -> Table:
    t = _resolve_target(header, target, source)
    if t is not None and len(header) < 2:
        raise DataError(f"{source}: needs at least one feature column besides the target {header[t]!r}")
    feat_idx = [j for j in range(len(header)) if j != t] if features is None else features
    X = np.empty((len(cells), len(feat_idx)), dtype=np.float64)
    for i, row in enumerate(cells):
        for k, j in enumerate(feat_idx):
            X[i, k] = _feature_value(row[j], i + 2, header[j], source)
    y = None
    if t is not None:
        col = [row[t] for row in cells]
        for i, c in enumerate(col):
            if c.lower() in _MISSING_TARGET:
                raise DataError(
                    f"{source}: row {i + 2}, column {header[t]!r}: missing target value {c!r}; "
                    "remove the row or fill it in"
                )
        vals = [_parse_float(c) for c in col]
        if all(v is not None for v in vals):
            y = np.array(vals, dtype=np.float64)
            bad = ~np.isfinite(y)
            if bad.any():
                i = int(np.argmax(bad))
                raise DataError(
                    f"{source}: row {i + 2}, column {header[t]!r}: target is {col[i]}; must be finite"
                )
        else:
            y = np.array(col, dtype=object)
    return Table(X, y, [header[j] for j in feat_idx], header[t] if t is not None else None, source)


def _feature_value(cell: str, row: int, col: str, source: str) -> float:
    v = _parse_float(cell)
    where = f"{source}: row {row}, column {col!r}"
    if v is None:
        if cell.lower() in _MISSING:
            raise DataError(f"{where}: missing value {cell!r}; remove the row or fill it in")
        raise DataError(f"{where}: {cell!r} is not a number; feature columns must be numeric")
    if math.isnan(v):
        raise DataError(f"{where}: value is NaN; remove the row or fill it in")
    if math.isinf(v):
        raise DataError(f"{where}: value is {cell}; features must be finite numbers")
    return v


# ----------------------------------------------------------------------------------------------------- arrays
def split_target(
    arr: np.ndarray, target: str | int | None | bool, source: str, names: Sequence[str] | None = None
) -> Table:
    """Split a 2-D numeric array into features and the target column (default: the last one)."""
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise DataError(f"{source}: expected a 2-D array (samples as rows), got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise DataError(f"{source}: array has no rows")
    header = list(names) if names is not None else [f"x{j}" for j in range(arr.shape[1])]
    t = _resolve_target(header, target, source)
    if t is not None and arr.shape[1] < 2:
        raise DataError(f"{source}: needs at least one feature column besides the target")
    feat = [j for j in range(arr.shape[1]) if j != t]
    X = _numeric_features(arr[:, feat], source, [header[j] for j in feat])
    y = None if t is None else np.asarray(arr[:, t])
    if y is not None and y.dtype.kind == "f" and not np.isfinite(y).all():
        i = int(np.argmax(~np.isfinite(y)))
        raise DataError(f"{source}: row {i}, target is {y[i]}; must be finite")
    return Table(X, y, [header[j] for j in feat], header[t] if t is not None else None, source)


def _numeric_features(X: np.ndarray, source: str, names: Sequence[str]) -> np.ndarray:
    if X.dtype.kind not in "biuf":
        raise DataError(f"{source}: features must be numeric, got dtype {X.dtype}")
    X = np.asarray(X, dtype=np.float64)
    bad = ~np.isfinite(X)
    if bad.any():
        i, j = (int(k) for k in np.argwhere(bad)[0])
        what = "NaN (a missing value)" if np.isnan(X[i, j]) else str(X[i, j])
        raise DataError(f"{source}: row {i}, column {names[j]!r}: value is {what}; features must be finite")
    return X


def _load_npy(p: Path) -> Any:
    try:
        return np.load(p, allow_pickle=False)
    except ValueError as exc:
        raise DataError(f"{p}: cannot read without pickle ({exc}); save numeric arrays only") from None
    except (OSError, EOFError) as exc:
        raise DataError(f"{p}: not a readable NumPy file ({exc})") from None


_NPZ_X = ("X", "x", "features", "data", "images")
_NPZ_Y = ("y", "Y", "target", "labels", "targets")


def read_table(
    path: PathLike, target: str | int | None | bool = None, labels: PathLike | None = None
) -> Table:
    """Read features (and a target) from CSV, NPY, NPZ or an IDX pair, chosen by the file's content.

    Parameters
    ----------
    path : str or PathLike
        CSV with a header row; ``.npy`` (2-D, target = last column unless ``target`` says otherwise); ``.npz``
        with arrays ``X`` and ``y`` (or one 2-D array); an IDX images file (labels from ``labels`` or the
        ``…labels-idx1…`` file beside it); or a folder holding MNIST.
    target : str, int, None or False
        As in :func:`read_csv`; False reads features only.
    labels : str or PathLike, optional
        The IDX labels file that goes with an IDX images file.
    """
    p = Path(path)
    if not p.exists():
        raise DataError(f"{p}: no such file")
    if p.is_dir():
        return Table(*_as_xy(*load_mnist(p, "train")), source=str(p))  # type: ignore[misc]
    with open(p, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\x93NUMPY"):
        arr = _load_npy(p)
        return split_target(np.asarray(arr), target, str(p))
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _read_npz(p, target)
    is_idx = head[:2] == b"\x00\x00" and len(head) >= 4 and head[2] in _IDX_DTYPES
    if head[:2] == _GZIP_MAGIC or is_idx:
        arr = read_idx(p)
        if target is False:
            return Table(
                np.asarray(arr.reshape(arr.shape[0], -1), dtype=np.float64),
                None,
                _pixel_names(arr),
                None,
                str(p),
            )
        lp = Path(labels) if labels is not None else _labels_path_for(p)
        if lp is None:
            raise DataError(f"{p}: an IDX images file needs its labels file; pass --labels FILE")
        X, y = _idx_pair(arr, read_idx(lp), p, lp)
        return Table(X.astype(np.float64), y.astype(np.int64), _pixel_names(arr), "label", str(p))
    return read_csv(p, target)


def _pixel_names(arr: np.ndarray) -> list[str]:
    return [f"pixel{j}" for j in range(math.prod(arr.shape[1:]))]


def _as_xy(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str], str]:
    return X.astype(np.float64), y.astype(np.int64), [f"pixel{j}" for j in range(X.shape[1])], "label"


def _read_npz(p: Path, target: str | int | None | bool) -> Table:
    try:
        with np.load(p, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except ValueError as exc:
        raise DataError(f"{p}: cannot read without pickle ({exc}); save numeric arrays only") from None
    except Exception as exc:  # noqa: BLE001 -- zipfile raises many kinds for a corrupt archive
        raise DataError(f"{p}: not a readable .npz file ({type(exc).__name__}: {exc})") from None
    xk = next((k for k in _NPZ_X if k in arrays), None)
    yk = next((k for k in _NPZ_Y if k in arrays), None)
    if xk is None:
        if len(arrays) == 1:
            return split_target(next(iter(arrays.values())), target, str(p))
        raise DataError(f"{p}: expected arrays named X and y, found: {', '.join(arrays) or 'none'}")
    X = arrays[xk]
    X = X.reshape(X.shape[0], -1) if X.ndim > 2 else X
    names = [f"x{j}" for j in range(X.shape[1] if X.ndim == 2 else 1)]
    if yk is None or target is False:
        return split_target(X, False, str(p), names)
    y = arrays[yk]
    if y.shape[0] != X.shape[0]:
        raise DataError(f"{p}: X has {X.shape[0]} rows but y has {y.shape[0]}")
    t = split_target(X, False, str(p), names)
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise DataError(f"{p}: y contains NaN or inf; targets must be finite")
    if y.dtype.kind not in "biufUS":
        raise DataError(f"{p}: y must be numbers or strings, got dtype {y.dtype}")
    t.y = y.astype(object) if y.dtype.kind in "US" else y
    t.target_name = "y"
    return t


def from_dataframe(df: Any, target: str | int | None | bool = None) -> Table:
    """A pandas DataFrame as a :class:`Table` (pandas is only touched through the object given)."""
    header = [str(c) for c in df.columns]
    t = _resolve_target(header, target, "<DataFrame>")
    feats = [c for j, c in enumerate(df.columns) if j != t]
    try:
        X = df[feats].to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        for c in feats:
            try:
                df[c].to_numpy(dtype=np.float64)
            except (TypeError, ValueError):
                raise DataError(
                    f"<DataFrame>: column {c!r} is not numeric; feature columns must be numeric"
                ) from None
        raise
    X = _numeric_features(X, "<DataFrame>", [str(c) for c in feats])
    y = None
    if t is not None:
        col = df[df.columns[t]]
        if col.isna().any():
            raise DataError(f"<DataFrame>: target column {header[t]!r} has missing values")
        y = col.to_numpy()
        y = y.astype(np.float64) if y.dtype.kind in "biuf" else y.astype(object)
    return Table(X, y, [str(c) for c in feats], header[t] if t is not None else None, "<DataFrame>")


def read_for_model(
    path: PathLike,
    n_features: int,
    feature_names: Sequence[str] | None = None,
    target_name: str | None = None,
    need_target: bool = False,
    labels: PathLike | None = None,
) -> Table:
    """Read data for a trained model: the features it was trained on, in its order, and the target if asked.

    A CSV is matched by column names when it has all of ``feature_names`` (other columns, the target among
    them, are ignored), else by position when it has exactly ``n_features`` columns. An array file must have
    ``n_features`` columns, or one more: the target, last.

    Raises
    ------
    DataError
        Wrong number of columns (expected vs got), a missing target column when ``need_target``, and every
        error of :func:`read_csv` / :func:`read_table`.
    """
    p = Path(path)
    if not p.exists():
        raise DataError(f"{p}: no such file")
    names = list(feature_names) if feature_names is not None else None
    with open(p, "rb") as fh:
        head = fh.read(8)
    is_array = head.startswith((b"\x93NUMPY", b"PK\x03\x04", b"PK\x05\x06", _GZIP_MAGIC)) or (
        len(head) >= 4 and head[:2] == b"\x00\x00" and head[2] in _IDX_DTYPES
    )
    if is_array or p.is_dir():
        t = read_table(p, target=False if not need_target and labels is None else None, labels=labels)
        if t.y is None and t.X.shape[1] == n_features + 1:
            t = split_target(t.X, None, t.source)
        if t.X.shape[1] != n_features:
            raise DataError(
                f"{p}: wrong number of feature columns: the model expects {n_features}, got {t.X.shape[1]}"
            )
        if need_target and t.y is None:
            raise DataError(f"{p}: no target column; give {n_features} feature columns plus the target, last")
        if names is not None:
            t.feature_names = names
        return t
    header, cells, source = _csv_cells(p)
    if names is not None and all(n in header for n in names):
        feats = [header.index(n) for n in names]
    elif len(header) == n_features or (len(header) == n_features + 1 and target_name in header):
        feats = [j for j in range(len(header)) if header[j] != target_name][:n_features]
    else:
        shown = f" ({', '.join(names)})" if names is not None else ""
        raise DataError(
            f"{source}: wrong number of feature columns: the model expects {n_features}{shown}, "
            f"got {len(header)} ({', '.join(header)})"
        )
    target: str | bool = False
    if need_target:
        if target_name is None or target_name not in header:
            raise DataError(f"{source}: no target column {target_name!r}; columns are: {', '.join(header)}")
        target = target_name
    return _table_from_cells(header, cells, target, source, features=feats)
