"""Checkpoints: a model file plus what training needs to go on bit for bit after ``epoch`` epochs.

:func:`save_checkpoint` writes a ``.safetensors`` model file (:mod:`lucidnet.io.model_file`) whose ``lucidnet``
metadata also holds ``checkpoint``: the epoch count, the network's RNG state, the optimizer's config and its
state as JSON, with every array of that state moved into tensors ``optimizer.{key}.{j}``. :func:`load_checkpoint`
reads it back as a :class:`Checkpoint`, raising :class:`~lucidnet.io.ModelFileError` for anything wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..data.preprocessing import Preprocessing
from ..optimizers import get_optimizer
from .files import PathLike, file_error, is_int
from .model import ModelBundle
from .safetensors import read_safetensors, write_safetensors
from .schema import build_bundle, metadata, param_tensors, parse_metadata, sealed_json

__all__ = ["MAX_EPOCH", "Checkpoint", "load_checkpoint", "save_checkpoint"]

#: the most epochs a checkpoint may say it has run
MAX_EPOCH = 2**31

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
        Anything else the caller stored: JSON values and ndarrays (e.g. a callback's ``state_dict()``).
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
    the network's RNG state and the epoch count, atomically. ``extra`` (JSON values and ndarrays, stored as
    tensors ``extra.{key}…``) comes back as ``Checkpoint.extra``."""
    tensors = dict(param_tensors(net))
    state = _split_state(optimizer.state_dict(), "optimizer", tensors)
    ck = {
        "epoch": int(epoch),
        "rng_state": net.rng.bit_generator.state,
        "optimizer": {"config": optimizer.get_config(), "state": state},
        "extra": _split_state(extra, "extra", tensors) if extra else {},
    }
    meta = metadata(net, preprocessing, history, options, {"checkpoint": ck})
    return write_safetensors(path, tensors, {"lucidnet": sealed_json(meta, tensors)})


def load_checkpoint(path: PathLike) -> Checkpoint:
    """Read a file written by :func:`save_checkpoint`; the network's RNG is set to the saved state.

    Everything is checked before it is used: the model part as by :func:`~lucidnet.io.load_model`, the epoch
    count, the generator state (field by field, in range), and the optimizer state against the network's
    parameters (``Optimizer.check_state``: shapes, dtypes, finite, ≥ 0 where the update keeps it so).

    Raises
    ------
    ModelFileError
        Anything wrong, including a model file that is not a checkpoint.
    """
    p = Path(path)
    tensors, meta = read_safetensors(p)
    m = parse_metadata(p, meta)
    ck = m.get("checkpoint")
    if not isinstance(ck, dict):
        raise file_error(
            p, "a model file, not a checkpoint (no optimizer state); use --checkpoint-every to write one"
        )
    bundle = build_bundle(p, m, tensors)
    epoch = ck.get("epoch")
    if not is_int(epoch) or not 0 <= epoch <= MAX_EPOCH:
        raise file_error(p, f"corrupted checkpoint: epoch must be an integer in [0, {MAX_EPOCH}], got {epoch!r}")
    rng_state = _set_rng(p, bundle.network.rng, ck.get("rng_state"))
    opt = ck.get("optimizer")
    if not isinstance(opt, dict) or not isinstance(opt.get("config"), dict) or "state" not in opt:
        raise file_error(p, "corrupted checkpoint: 'optimizer' must be {'config': {…}, 'state': {…}}")
    try:
        optimizer = get_optimizer(opt["config"])
        state = _join_state(opt["state"], tensors)
        optimizer.check_state(state, bundle.network.parameters())
        extra = _join_state(ck["extra"], tensors) if ck.get("extra") else {}
        if not isinstance(extra, dict):
            raise TypeError("extra must be an object")
    except (ArithmeticError, LookupError, TypeError, ValueError) as exc:
        raise file_error(p, f"corrupted checkpoint ({type(exc).__name__}: {exc})") from None
    return Checkpoint(bundle, epoch, opt["config"], state, rng_state, extra)


def _set_rng(p: Path, rng: np.random.Generator, state: Any) -> dict[str, Any]:
    """Check a saved PCG64 state field by field (each number in its range), then give it to ``rng``."""
    inner = state.get("state") if isinstance(state, dict) else None
    ok = (
        isinstance(state, dict) and set(state) == {"bit_generator", "state", "has_uint32", "uinteger"}
        and state["bit_generator"] == type(rng.bit_generator).__name__ == "PCG64"
        and isinstance(inner, dict) and set(inner) == {"state", "inc"}
        and all(is_int(v) and 0 <= v < 2**128 for v in inner.values())
        and is_int(state["has_uint32"]) and state["has_uint32"] in (0, 1)
        and is_int(state["uinteger"]) and 0 <= state["uinteger"] < 2**32
    )  # fmt: skip
    if not ok:
        raise file_error(p, "corrupted checkpoint: rng_state must be a PCG64 state {'bit_generator': 'PCG64', "
                         "'state': {'state': s, 'inc': i}, 'has_uint32': 0 or 1, 'uinteger': u} with s, i < 2**128 "
                         "and u < 2**32")  # fmt: skip
    try:
        rng.bit_generator.state = state
    except (OverflowError, TypeError, ValueError) as exc:
        raise file_error(p, f"corrupted checkpoint: rng_state ({exc})") from None
    return dict(state)


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
    """Inverse of :func:`_split_state` (KeyError/TypeError on anything malformed; the metadata's JSON is at most
    64 levels deep, so the recursion is too)."""
    if not isinstance(obj, dict) or len(obj) != 1:
        raise TypeError(f"malformed state entry {str(obj)[:40]}")
    ((kind, v),) = obj.items()
    if kind == "tensor" and isinstance(v, str):
        if v not in tensors:
            raise KeyError(f"no tensor {v!r}")
        return tensors[v].copy()
    if kind == "dict" and isinstance(v, dict):
        return {k: _join_state(x, tensors) for k, x in v.items()}
    if kind == "list" and isinstance(v, list):
        return [_join_state(x, tensors) for x in v]
    if kind == "value":
        return v
    raise TypeError(f"malformed state entry {kind!r}: {str(v)[:40]}")
