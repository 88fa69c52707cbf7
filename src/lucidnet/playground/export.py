"""Exports of a playground session: the model file of ``lucidnet.io`` and a TOML configuration for the CLI."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from lucidnet.playground.session import Session


def feature_names(session: Session) -> list[str]:
    """Names of the network's input columns, e.g. ``["x1", "x2", "x1_sq"]`` or ``["sepal", "sin(petal)"]``."""
    c = session.config
    if c.dataset != "upload":
        return list(c.features)
    a, b = c.x1, c.x2
    names = {
        "x1": a,
        "x2": b,
        "x1_sq": f"{a}^2",
        "x2_sq": f"{b}^2",
        "x1_x2": f"{a}*{b}",
        "sin_x1": f"sin({a})",
        "sin_x2": f"sin({b})",
    }
    return [names[f] for f in c.features]


def model_bytes(session: Session) -> bytes:
    """The trained network as the ``.safetensors`` file of :func:`lucidnet.io.save_model` (the CLI's format).

    The class labels (or, for an uploaded numeric target, its scaler) are stored so that
    ``lucidnet predict`` answers in the data's own units. The inputs are the playground's feature columns
    (``feature_names``); for an upload they are computed from the standardised x₁, x₂ columns, whose
    means and scales are kept in the file's ``options``. The file is written inside a
    :class:`tempfile.TemporaryDirectory` and read back; nothing stays on disk.
    """
    from lucidnet.io import Preprocessing, save_model

    p = session.points
    pre = Preprocessing(
        task=p.problem,
        feature_names=feature_names(session),
        target_name=p.target,
        y_scaler=p.y_scaler,
        classes=list(p.classes) if p.problem == "classification" else None,
    )
    options: dict[str, Any] = {"playground": session.config.to_dict(), "epochs": session.epoch}
    if p.x_scaler is not None:
        options["x1_x2_standardizer"] = p.x_scaler.to_dict()
    with tempfile.TemporaryDirectory(prefix="lucidnet-playground-") as tmp:
        path = os.path.join(tmp, "model.safetensors")
        with session.lock:
            save_model(
                session.network, path, preprocessing=pre, history=dict(session.history), options=options
            )
        with open(path, "rb") as f:
            return f.read()


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def to_toml(session: Session) -> str:
    """The configuration as TOML for ``lucidnet train --config`` (keys are the CLI's long options).

    What the CLI has no option for (feature transforms, L1, dropout, per-layer activations, noise, the
    number of points) is written as comments, so the file loads and says what differs.
    """
    c = session.config
    upload = c.dataset == "upload"
    keys: dict[str, Any] = {}
    if upload:
        keys["data"] = session.upload_name or "your-data.csv"
        keys["target"] = c.target
    else:
        keys["dataset"] = c.dataset
    keys.update(
        {
            "task": session.points.problem,
            "layers": ",".join(str(n) for n in c.layers),
            "activation": c.activations[0] if c.activations else "tanh",
            "output_activation": session.output_activation,
            "loss": session.loss_name,
            "optimizer": c.optimizer,
            "lr": c.lr,
            "epochs": max(session.epoch, 1),
            "batch_size": c.batch_size,
            "seed": c.seed,
            "validation_split": round(1 - c.train_ratio / 100, 4),
            "standardize": upload,
            "l2": c.l2,
        }
    )
    notes = []
    if list(c.features) != ["x1", "x2"]:
        notes.append(f"input features {', '.join(c.features)} (the CLI feeds the raw columns)")
    if upload:
        notes.append(f"the playground used only columns {c.x1!r} and {c.x2!r} as inputs")
    if len(set(c.activations)) > 1:
        notes.append(f"activations per layer: {', '.join(c.activations)}")
    if c.l1:
        notes.append(f"l1 = {c.l1}")
    if c.dropout:
        notes.append(f"dropout = {c.dropout}")
    if not upload:
        notes.append(f"n_points = {c.n_points}, noise = {c.noise}% (the CLI uses the data set's defaults)")
    lines = ["# lucidnet playground configuration: lucidnet train --config THIS_FILE.toml"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in keys.items()]
    if notes:
        lines += ["", "# set in the playground, no CLI option:"] + [f"#   {n}" for n in notes]
    return "\n".join(lines) + "\n"
