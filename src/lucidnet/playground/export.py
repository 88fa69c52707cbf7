"""Exports of a playground session: the model file of ``lucidnet.io`` and a TOML configuration for the CLI.

The model file keeps the session's :class:`~lucidnet.data.Preprocessing`: for an upload the columns read, the
gaps' medians, the categories and the z-scores fitted on the training rows, as ``lucidnet train`` would keep
them, so ``lucidnet evaluate`` and ``lucidnet predict`` on the raw CSV answer as the page does. The TOML file
describes the same run to ``lucidnet train --config``: the columns chosen, the page's test rows as validation
rows, z-scores, no early stopping.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from lucidnet.playground.config import PlaygroundError
from lucidnet.playground.session import Session

#: what the model export holds: the weights the page shows, or those of the epoch with the lowest test loss
WEIGHTS = ("shown", "best")


def model_bytes(session: Session, weights: str = "shown") -> bytes:
    """The trained network as the ``.safetensors`` file of :func:`lucidnet.io.save_model` (the CLI's format).

    ``weights`` is "shown" (the network as the page draws it now) or "best" (the epoch with the lowest test loss;
    409 before the first epoch). The file keeps the session's preprocessing (see the module), its history and
    the playground's configuration in ``options``; it is written inside a :class:`tempfile.TemporaryDirectory`
    and read back, so nothing stays on disk.
    """
    from lucidnet.io import save_model

    if weights not in WEIGHTS:
        raise PlaygroundError(f"weights must be {' or '.join(WEIGHTS)}, got {weights!r}"[:200])
    network = session.best_network() if weights == "best" else session.network
    if network is None:
        raise PlaygroundError("no epoch has been trained yet, so there is no best epoch; train first", 409)
    options: dict[str, Any] = {"playground": session.config.to_dict(), "epochs": session.epoch, "weights": weights}
    if weights == "best":
        options["best_epoch"] = session.best_epoch
    with tempfile.TemporaryDirectory(prefix="lucidnet-playground-") as tmp:
        path = os.path.join(tmp, "model.safetensors")
        with session.lock:
            save_model(network, path, preprocessing=session.points.preprocessing,
                       history={**session.history, "best_epoch": session.best_epoch}, options=options)
        with open(path, "rb") as f:
            return f.read()


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):  # JSON's string escapes are TOML's; TOML also wants DEL escaped
        return json.dumps(v, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def to_toml(session: Session) -> str:
    """The configuration as TOML for ``lucidnet train --config`` (keys are the CLI's long options).

    For an upload: the file, the target and the input columns (``features``), an ID column to copy into
    predictions, z-scores (``standardize``) and gaps filled with the median, as the page did. The page's test
    rows are the CLI's validation rows (the same seeded split); it trains for the page's epochs without
    stopping early and keeps the last weights, as the default model export does. What the CLI has no option
    for (feature transforms, L1, dropout, per-layer activations, noise, the number of points) is written as
    comments, so the file loads and says what differs.
    """
    c, p = session.config, session.points
    keys: dict[str, Any] = {}
    if p.upload:
        keys["data"] = session.upload_name or "your-data.csv"
        keys["target"] = c.target
        keys["features"] = [spec.name for spec in p.preprocessing.inputs.columns] if p.preprocessing.inputs else []
        if p.preprocessing.id_name:
            keys["id"] = p.preprocessing.id_name
        keys["missing"] = "impute"
    else:
        keys["dataset"] = c.dataset
    keys.update(
        {
            "task": p.problem,
            "layers": ",".join(str(n) for n in c.layers),
            "activation": c.activations[0] if c.activations else "tanh",
            "output_activation": session.output_activation,
            "loss": session.loss_name,
            "optimizer": c.optimizer,
            "lr": c.lr,
            "epochs": max(session.epoch, 1),
            "batch_size": c.batch_size,
            "seed": c.seed,
            "validation_split": c.test_fraction,
            "early_stopping": False,
            "keep": "last",
            "standardize": p.upload,
            "l2": c.l2,
        }
    )
    lines = ["# lucidnet playground configuration: lucidnet train --config THIS_FILE.toml"]
    if p.upload:
        lines.append("# the validation rows are the page's test rows (the same seeded split of the file's rows)")
    lines += [f"{k} = {_toml_value(v)}" for k, v in keys.items()]
    notes = _differences(session)
    if notes:
        lines += ["", "# set in the playground, no CLI option:"] + [f"#   {n}" for n in notes]
    return "\n".join(lines) + "\n"


def _differences(session: Session) -> list[str]:
    """What the page set that the CLI has no option for."""
    c = session.config
    notes = []
    if not session.points.upload and list(c.features) != ["x1", "x2"]:
        notes.append(f"input features {', '.join(c.features)} (the CLI feeds the raw columns)")
    if len(set(c.activations)) > 1:
        notes.append(f"activations per layer: {', '.join(c.activations)}")
    if c.l1:
        notes.append(f"l1 = {c.l1}")
    if c.dropout:
        notes.append(f"dropout = {c.dropout}")
    if not session.points.upload:
        notes.append(f"n_points = {c.n_points}, noise = {c.noise}% (the CLI uses the data set's defaults)")
    if session.best_epoch is not None:
        notes.append(f"the page's lowest test loss was at epoch {session.best_epoch}; keep = \"best\" saves the "
                     "epoch with the lowest validation loss instead of the last")
    return notes
