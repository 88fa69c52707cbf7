"""Exports of a playground session: the model file of ``lucidnet.io`` and a TOML configuration for the CLI."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from lucidnet.playground.session import Session


def model_bytes(session: Session) -> bytes:
    """The trained network as the ``.safetensors`` bytes that ``lucidnet.io.save_model`` writes.

    The file is written inside a :class:`tempfile.TemporaryDirectory` and read back; nothing stays on disk.
    """
    from lucidnet.io import save_model

    with tempfile.TemporaryDirectory(prefix="lucidnet-playground-") as tmp:
        path = os.path.join(tmp, "model.safetensors")
        with session.lock:
            save_model(session.network, path)
        with open(path, "rb") as f:
            return f.read()


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def to_toml(session: Session) -> str:
    """The session's configuration as TOML for ``lucidnet train --config`` (the CLI's long option names)."""
    c = session.config
    keys: dict[str, Any] = {
        "layers": [len(c.features), *c.layers, session.n_out],
        "activation": list(c.activations),
        "output_activation": session.output_activation,
        "loss": session.loss_name,
        "optimizer": c.optimizer,
        "lr": c.lr,
        "batch_size": c.batch_size,
        "seed": c.seed,
        "l1": c.l1,
        "l2": c.l2,
        "dropout": c.dropout,
        "epochs": max(session.epoch, 1),
        "validation_split": round(1 - c.train_ratio / 100, 4),
    }
    lines = ["# lucidnet playground configuration", *(f"{k} = {_toml_value(v)}" for k, v in keys.items())]
    return "\n".join(lines) + "\n"
