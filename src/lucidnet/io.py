"""Model files: a network, its preprocessing and its training record in one ``.safetensors`` file.

File layout (the safetensors format, written and read here with NumPy, ``json`` and ``struct``)::

    [8 bytes]  N, little-endian u64: the header size
    [N bytes]  UTF-8 JSON: {"layers.0.W": {"dtype": "F64", "shape": [2, 4], "data_offsets": [0, 64]}, …,
                            "__metadata__": {"lucidnet": "<JSON string, see below>"}}
    [rest]     the tensors' bytes, little-endian, C order, contiguous, in offset order

Tensor ``layers.{i}.W`` is the weight matrix of ``net.layers[i]`` with shape (n_in, n_out), samples as rows;
PyTorch's ``nn.Linear.weight`` is its transpose. ``layers.{i}.b`` is the bias (n_out,). The ``lucidnet``
metadata string holds: ``format_version`` (1), ``lucidnet_version``, ``network`` (``Network.get_config()``:
registry names, sizes, activation parameters, loss), ``preprocessing`` (feature standardizer, target scaler,
class labels in their original type), ``history`` and ``options``. Checkpoints add ``checkpoint`` (epoch, RNG
state, optimizer config) and tensors ``optimizer.{key}.{j}``.

Loading never runs code: the header is parsed as JSON, every field is checked, and any problem (truncation,
corruption, a foreign or newer file, absurd sizes, overlapping offsets, shapes that disagree with the
architecture, non-finite weights, unknown registry names) raises :class:`ModelFileError` and nothing else.
Files are written atomically: a temporary file in the same folder, fsync, then ``os.replace``.
"""

from __future__ import annotations

import json
import math
import os
import struct
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "FORMAT_VERSION",
    "Checkpoint",
    "ModelBundle",
    "ModelFileError",
    "Preprocessing",
    "atomic_write",
    "load",
    "load_checkpoint",
    "load_model",
    "load_txt",
    "read_safetensors",
    "save_checkpoint",
    "save_model",
    "save_txt",
    "write_safetensors",
]

FORMAT_VERSION = 1
PathLike = str | os.PathLike[str]

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
_DTYPE_NAMES = {v.newbyteorder("<") if v.itemsize > 1 else v: k for k, v in _DTYPES.items()}
# A lucidnet header is a few kB even with a long history; safetensors itself caps headers at 100 MB.
_MAX_HEADER = 100 * 1024 * 1024


class ModelFileError(ValueError):
    """A model file that cannot be loaded: truncated, corrupted, foreign, or from a newer lucidnet."""


# --------------------------------------------------------------------------------------- atomic writes
def atomic_write(path: PathLike, write: Callable[[Any], None]) -> Path:
    """Call ``write(fileobj)`` on a temporary file beside ``path``, fsync it, then rename it onto ``path``.

    A crash or an exception leaves any previous ``path`` untouched and no temporary file behind.
    """
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=folder)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:  # make the rename itself durable; not possible on every platform
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return p
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)
    return p


# --------------------------------------------------------------------------------------- raw safetensors
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
        le = a.dtype.newbyteorder("<") if a.dtype.itemsize > 1 else a.dtype
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


def _fail(path: PathLike, why: str) -> ModelFileError:
    return ModelFileError(f"{path}: {why}")


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _read(p: Path, size: int = -1) -> bytes:
    """The first ``size`` bytes of ``p`` (all when -1), with ModelFileError for a file that cannot be read."""
    try:
        with open(p, "rb") as fh:
            return fh.read(size)
    except FileNotFoundError:
        raise _fail(p, "no such file") from None
    except IsADirectoryError:
        raise _fail(p, "is a directory, expected a .safetensors model file") from None
    except OSError as exc:
        raise _fail(p, f"cannot read ({exc.strerror})") from None


def read_safetensors(path: PathLike) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Read any safetensors file into (tensors, metadata), checking every header field.

    Raises
    ------
    ModelFileError
        For a missing, truncated or corrupted file, or a header that breaks the format: sizes beyond the
        file, unknown dtypes, offsets that are negative, overlapping, leave gaps or disagree with the shape.
    """
    p = Path(path)
    raw = _read(p)
    if len(raw) < 8:
        raise _fail(p, f"not a model file: {len(raw)} bytes, too short for a safetensors header (truncated?)")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > _MAX_HEADER or n > len(raw) - 8:
        raise _fail(p, f"not a model file, or truncated: header size {n} but the file has {len(raw)} bytes")
    if n < 2:
        raise _fail(p, f"corrupted: header size {n}")
    try:
        header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _fail(p, f"corrupted header, not valid UTF-8 JSON ({type(exc).__name__})") from None
    if not isinstance(header, dict):
        raise _fail(p, "corrupted header: expected a JSON object")
    meta = header.pop("__metadata__", {})
    if meta is None:
        meta = {}
    if not isinstance(meta, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in meta.items()
    ):
        raise _fail(p, "corrupted header: __metadata__ must map strings to strings")
    buf = memoryview(raw)[8 + n :]
    spans: list[tuple[int, int, str]] = []
    tensors: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            raise _fail(p, f"corrupted header entry for tensor {name!r}")
        dt, shape, offs = info["dtype"], info["shape"], info["data_offsets"]
        if not isinstance(dt, str) or dt not in _DTYPES:
            raise _fail(p, f"tensor {name!r}: unsupported dtype {dt!r}; lucidnet reads {', '.join(_DTYPES)}")
        if not isinstance(shape, list) or not all(_is_int(s) and s >= 0 for s in shape) or len(shape) > 8:
            raise _fail(p, f"tensor {name!r}: invalid shape {shape!r}")
        if not (isinstance(offs, list) and len(offs) == 2 and all(_is_int(o) for o in offs)):
            raise _fail(p, f"tensor {name!r}: invalid data_offsets {offs!r}")
        begin, end = offs
        if not 0 <= begin <= end <= len(buf):
            raise _fail(
                p, f"tensor {name!r}: data_offsets {offs} outside the {len(buf)}-byte buffer (truncated?)"
            )
        size = math.prod(shape) * _DTYPES[dt].itemsize
        if end - begin != size:
            raise _fail(p, f"tensor {name!r}: shape {shape} needs {size} bytes, offsets give {end - begin}")
        spans.append((begin, end, name))
        a = np.frombuffer(buf, dtype=_DTYPES[dt], count=math.prod(shape), offset=begin).reshape(shape)
        tensors[name] = a.astype(_DTYPES[dt].newbyteorder("="))
    pos = 0
    for begin, end, name in sorted(spans):
        if begin != pos:
            why = "overlaps the previous tensor" if begin < pos else "leaves a gap before it"
            raise _fail(p, f"tensor {name!r}: data_offsets {[begin, end]} {why}")
        pos = end
    if pos != len(buf):
        raise _fail(p, f"corrupted: {len(buf) - pos} bytes after the last tensor")
    return tensors, meta


# --------------------------------------------------------------------------------------- preprocessing
@dataclass
class Preprocessing:
    """What turns raw user data into network inputs and targets, and network outputs back into answers.

    x' = (x − mean) / scale per feature column (``x_scaler``); for regression y' = (y − mean) / scale
    (``y_scaler``) and answers are y = y' · scale + mean; for classes y' = the label's index in ``classes``
    and answers are ``classes[argmax o]`` (or ``classes[o > 0.5]`` for one sigmoid output).

    Attributes
    ----------
    task : {"classification", "regression"} or None
    feature_names : list of str or None, length n_in
    target_name : str or None
    x_scaler : Standardizer or None
        None: inputs go to the network unchanged.
    y_scaler : Standardizer or None
    classes : list or None
        Labels as they were in the training data (str, int or float), in output-unit order.
    """

    task: str | None = None
    feature_names: list[str] | None = None
    target_name: str | None = None
    x_scaler: Any = None
    y_scaler: Any = None
    classes: list[Any] | None = None

    def __repr__(self) -> str:
        parts = [f"task={self.task!r}"]
        if self.feature_names is not None:
            parts.append(f"features={len(self.feature_names)}")
        parts.append(f"standardize={self.x_scaler is not None}")
        if self.classes is not None:
            parts.append(f"classes={self.classes!r}")
        return f"Preprocessing({', '.join(parts)})"

    def transform_X(self, X: np.ndarray) -> np.ndarray:
        """x' = (x − mean) / scale, shape (n, n_in) → (n, n_in)."""
        if self.x_scaler is None:
            return np.asarray(X, dtype=np.float64)
        return np.asarray(self.x_scaler.transform(X))

    def encode_y(self, y: Any) -> np.ndarray:
        """Targets as the network learns them: class indices (n,) int64, or scaled values (n, k)."""
        if self.classes is not None:
            index = {c: i for i, c in enumerate(self.classes)}
            try:
                return np.array(
                    [index[_label(v)] for v in np.asarray(y, dtype=object).ravel()], dtype=np.int64
                )
            except KeyError as exc:
                raise ValueError(
                    f"label {exc.args[0]!r} was not seen in training; known labels: {self.classes}"
                ) from None
        y = np.asarray(y, dtype=np.float64)
        y = y.reshape(-1, 1) if y.ndim == 1 else y
        return y if self.y_scaler is None else np.asarray(self.y_scaler.transform(y))

    def decode(self, o: np.ndarray) -> np.ndarray:
        """Network outputs (n, n_out) as answers: labels (n,) object, or values (n,) / (n, k) in original units."""
        if self.classes is not None:
            idx = (o[:, 0] > 0.5).astype(np.int64) if o.shape[1] == 1 else np.argmax(o, axis=1)
            return np.array(self.classes, dtype=object)[idx]
        y = o if self.y_scaler is None else np.asarray(self.y_scaler.inverse_transform(o))
        return y[:, 0] if y.shape[1] == 1 else y

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "feature_names": self.feature_names,
            "target_name": self.target_name,
            "x_scaler": None if self.x_scaler is None else self.x_scaler.to_dict(),
            "y_scaler": None if self.y_scaler is None else self.y_scaler.to_dict(),
            "classes": self.classes,
        }

    @classmethod
    def from_dict(cls, d: Any, n_in: int, n_out: int) -> Preprocessing:
        """Rebuild from :meth:`to_dict`, checking every field against the network sizes (ValueError)."""
        from .preprocessing import Standardizer

        if not isinstance(d, dict):
            raise TypeError("preprocessing must be an object")
        task = d.get("task")
        if task not in (None, "classification", "regression"):
            raise ValueError(f"unknown task {task!r}")
        names = d.get("feature_names")
        if names is not None and (
            not isinstance(names, list) or len(names) != n_in or not all(isinstance(s, str) for s in names)
        ):
            raise ValueError(f"feature_names must be {n_in} strings")
        target = d.get("target_name")
        if target is not None and not isinstance(target, str):
            raise ValueError("target_name must be a string")

        def scaler(key: str, size: int) -> Any:
            v = d.get(key)
            if v is None:
                return None
            ok = isinstance(v, dict) and all(
                isinstance(v.get(k), list) and len(v[k]) == size and all(_is_number(x) for x in v[k])
                for k in ("mean", "scale")
            )
            if not ok:
                raise ValueError(f"{key} must hold 'mean' and 'scale' lists of {size} numbers")
            return Standardizer.from_dict(v)

        classes = d.get("classes")
        if classes is not None:
            ok = isinstance(classes, list) and all(_is_number(c) or isinstance(c, str) for c in classes)
            if not ok or len({_label(c) for c in classes}) != len(classes):
                raise ValueError("classes must be a list of distinct strings or numbers")
            if len(classes) != (2 if n_out == 1 else n_out):
                raise ValueError(f"{len(classes)} classes for a network with {n_out} outputs")
        return cls(task, names, target, scaler("x_scaler", n_in), scaler("y_scaler", n_out), classes)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _label(v: Any) -> Any:
    """A label as a plain Python str, int or float (NumPy scalars unwrapped; 3.0 and 3 are one label)."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


# --------------------------------------------------------------------------------------- the bundle
@dataclass
class ModelBundle:
    """A trained network with what it needs to answer in the user's units.

    Attributes
    ----------
    network : Network
    preprocessing : Preprocessing
    history : dict or None
        ``History.to_dict()`` of the run that made it.
    options : dict or None
        The training options (optimizer, epochs, batch size, seed, …).
    metadata : dict
        The whole ``lucidnet`` metadata object as read from the file.
    """

    network: Any
    preprocessing: Preprocessing = field(default_factory=Preprocessing)
    history: dict[str, Any] | None = None
    options: dict[str, Any] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"ModelBundle({self.network!r}, {self.preprocessing!r})"

    @property
    def n_features(self) -> int:
        return int(self.network.n_in)

    def predict_raw(self, X: np.ndarray) -> np.ndarray:
        """o = network(x'), shape (n, n_out): probabilities for softmax/sigmoid outputs, scaled values else."""
        return np.asarray(self.network.predict(self.preprocessing.transform_X(X)))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Answers for raw X (n, n_in): class labels as in the training data, or values in the target's units."""
        return self.preprocessing.decode(self.predict_raw(X))

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """P(class | x), shape (n, n_classes); a single sigmoid output gives columns (1 − o, o)."""
        o = self.predict_raw(X)
        return np.hstack([1 - o, o]) if o.shape[1] == 1 else o


# --------------------------------------------------------------------------------------- save / load
def _lucidnet_version() -> str:
    from . import __version__

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


# --------------------------------------------------------------------------------------- text format
_TXT_MAGIC = b"# lucidnet weights"


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
        meta.update(_metadata(net, b.preprocessing, b.history, b.options))
    else:
        net, meta = net_or_bundle, _metadata(net_or_bundle, preprocessing, history, options)
    lines = [_TXT_MAGIC.decode(), f"# meta: {_json(meta)}", ""]
    for name, arr in _param_tensors(net).items():
        lines.append(f"{name} {arr.dtype.name} {' '.join(str(s) for s in arr.shape)}")
        for row in np.atleast_2d(arr) if arr.ndim == 2 else [arr]:
            # str of a NumPy float is the shortest text that reads back to the same float32 or float64
            lines.append(" ".join(str(v) for v in row))
        lines.append("")
    text = "\n".join(lines).encode("utf-8")
    return atomic_write(path, lambda fh: fh.write(text))


def _read_txt(p: Path) -> ModelBundle:
    try:
        lines = p.read_text(encoding="utf-8").split("\n")
    except UnicodeDecodeError:
        raise _fail(p, "corrupted text model file (not UTF-8)") from None
    if len(lines) < 2 or not lines[1].startswith("# meta: "):
        raise _fail(p, "corrupted text model file: second line must be '# meta: {...}'")
    try:
        m_raw = json.loads(lines[1][len("# meta: ") :])
    except (ValueError, RecursionError):
        raise _fail(p, "corrupted text model file: metadata is not valid JSON") from None
    m = _parse_lucidnet_meta(p, {"lucidnet": json.dumps(m_raw)})
    tensors: dict[str, np.ndarray] = {}
    i = 2
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        if not line:
            continue
        parts = line.split()
        if len(parts) < 2 or parts[1] not in ("float64", "float32"):
            raise _fail(p, f"line {i}: expected 'NAME DTYPE DIM…', got {line[:60]!r}")
        try:
            shape = tuple(int(s) for s in parts[2:])
        except ValueError:
            raise _fail(p, f"line {i}: bad shape in {line[:60]!r}") from None
        if len(shape) not in (1, 2) or any(s < 0 for s in shape) or math.prod(shape) > 10**8:
            raise _fail(p, f"line {i}: bad shape {shape}")
        n_rows = shape[0] if len(shape) == 2 else 1
        rows = lines[i : i + n_rows]
        try:
            values = [[float(v) for v in r.split()] for r in rows]
            arr = np.array(values, dtype=parts[1])
        except ValueError:
            raise _fail(p, f"line {i + 1}: tensor {parts[0]!r} has non-numeric or ragged rows") from None
        if len(rows) != n_rows or arr.size != math.prod(shape):
            raise _fail(p, f"line {i + 1}: tensor {parts[0]!r} does not have shape {shape}")
        tensors[parts[0]] = arr.reshape(shape)
        i += n_rows
    return _build(p, m, tensors)


def load_txt(path: PathLike) -> Any:
    """The :class:`~lucidnet.Network` stored by :func:`save_txt` (``lucidnet export --format txt``)."""
    p = Path(path)
    if _read(p, len(_TXT_MAGIC)) != _TXT_MAGIC:
        raise _fail(p, f"not a lucidnet text model (it must start with {_TXT_MAGIC.decode()!r})")
    return _read_txt(p).network


# --------------------------------------------------------------------------------------- checkpoints
@dataclass
class Checkpoint:
    """A training run paused after ``epoch`` epochs: everything needed to go on bit for bit.

    Attributes
    ----------
    bundle : ModelBundle
        Network (weights after ``epoch`` epochs), preprocessing, history so far, options.
    epoch : int
        Epochs completed.
    optimizer_config : dict
        ``optimizer.get_config()``, to rebuild the optimizer.
    optimizer_state : dict
        ``optimizer.state_dict()``: lists of arrays and scalars.
    rng_state : dict
        ``network.rng.bit_generator.state``, already restored into ``bundle.network.rng``.
    extra : dict
        Anything else the caller stored (JSON).
    """

    bundle: ModelBundle
    epoch: int
    optimizer_config: dict[str, Any]
    optimizer_state: dict[str, Any]
    rng_state: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Checkpoint(epoch={self.epoch}, {self.bundle.network!r})"


def save_checkpoint(
    path: PathLike,
    net: Any,
    optimizer: Any,
    *,
    epoch: int,
    preprocessing: Preprocessing | dict[str, Any] | None = None,
    history: Any = None,
    options: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> Path:
    """Write a resumable checkpoint: a model file plus optimizer state (tensors ``optimizer.{key}.{j}``),
    the network's RNG state and the epoch count, atomically."""
    tensors = dict(_param_tensors(net))
    state = _split_state(optimizer.state_dict(), "optimizer", tensors)
    ck = {
        "epoch": int(epoch),
        "rng_state": net.rng.bit_generator.state,
        "optimizer": {"config": optimizer.get_config(), "state": state},
        "extra": extra or {},
    }
    meta = _metadata(net, preprocessing, history, options, {"checkpoint": ck})
    return write_safetensors(path, tensors, {"lucidnet": _json(meta)})


def load_checkpoint(path: PathLike) -> Checkpoint:
    """Read a file written by :func:`save_checkpoint`; the network's RNG is set to the saved state.

    Raises
    ------
    ModelFileError
        Anything wrong, including a model file that is not a checkpoint.
    """
    p = Path(path)
    tensors, meta = read_safetensors(p)
    m = _parse_lucidnet_meta(p, meta)
    ck = m.get("checkpoint")
    if not isinstance(ck, dict):
        raise _fail(
            p, "a model file, not a checkpoint (no optimizer state); use --checkpoint-every to write one"
        )
    bundle = _build(p, m, tensors)
    try:
        epoch = ck["epoch"]
        if not _is_int(epoch) or epoch < 0:
            raise ValueError(f"epoch {epoch!r}")
        opt = ck["optimizer"]
        state = _join_state(opt["state"], tensors)
        if not isinstance(state, dict):
            raise TypeError("optimizer state must be an object")
        bundle.network.rng.bit_generator.state = ck["rng_state"]
        config = opt["config"]
        if not isinstance(config, dict):
            raise TypeError("optimizer config must be an object")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _fail(p, f"corrupted checkpoint ({type(exc).__name__}: {exc})") from None
    return Checkpoint(bundle, epoch, config, state, ck["rng_state"], ck.get("extra") or {})


def _split_state(obj: Any, prefix: str, tensors: dict[str, np.ndarray]) -> Any:
    """JSON for ``obj`` with every ndarray moved into ``tensors`` as ``{prefix}.{key}…`` (a ``{"tensor": name}``)."""
    if isinstance(obj, np.ndarray):
        tensors[prefix] = obj
        return {"tensor": prefix}
    if isinstance(obj, dict):
        return {"dict": {str(k): _split_state(v, f"{prefix}.{k}", tensors) for k, v in obj.items()}}
    if isinstance(obj, (list, tuple)):
        return {"list": [_split_state(v, f"{prefix}.{j}", tensors) for j, v in enumerate(obj)]}
    return {"value": obj}


def _join_state(obj: Any, tensors: dict[str, np.ndarray]) -> Any:
    """Inverse of :func:`_split_state` (KeyError/TypeError on anything malformed)."""
    if not isinstance(obj, dict) or len(obj) != 1:
        raise TypeError(f"malformed state entry {str(obj)[:40]}")
    ((kind, v),) = obj.items()
    if kind == "tensor":
        return tensors[v].copy()
    if kind == "dict":
        return {k: _join_state(x, tensors) for k, x in v.items()}
    if kind == "list":
        return [_join_state(x, tensors) for x in v]
    if kind == "value":
        return v
    raise TypeError(f"malformed state entry kind {kind!r}")
