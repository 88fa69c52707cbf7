"""The options of ``lucidnet train``: defaults, a --config TOML file, the command line, and their checks.

Every check fails with a :class:`~lucidnet.cli.status.CliError` that names the option, the value and the
valid choices, before any data is read or any work is done.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..checks import unknown_name
from .status import CliError

DEFAULT_DATASET = "moons"
DEFAULT_OUT = "lucidnet-model.safetensors"
#: epochs without a better validation loss before training stops, unless --early-stopping says otherwise
DEFAULT_PATIENCE = 20

#: train options that a --config TOML file may set, with their defaults
TRAIN_DEFAULTS: dict[str, Any] = {
    "data": None,
    "labels": None,
    "dataset": None,
    "target": None,
    "features": None,
    "drop": None,
    "id": None,
    "sep": None,
    "missing": "impute",
    "task": "auto",
    "layers": "16",
    "activation": "relu",
    "output_activation": None,
    "loss": None,
    "optimizer": "adam",
    "lr": 0.01,
    "epochs": 200,
    "batch_size": 32,
    "seed": 0,
    "validation_split": 0.2,
    "test_split": 0.0,
    "early_stopping": DEFAULT_PATIENCE,
    "keep": "best",
    "standardize": True,
    "dtype": "float64",
    "l2": 0.01,
    "out": DEFAULT_OUT,
    "checkpoint_every": None,
    "checkpoint": None,
}


def saved_options(opts: dict[str, Any]) -> dict[str, Any]:
    """The ``options`` a model file of ``lucidnet train`` keeps: ``{"train": …}``, every option of
    :data:`TRAIN_DEFAULTS` as the run had it."""
    return {"train": {k: opts[k] for k in TRAIN_DEFAULTS}}


def _check_name(kind: str, name: str, registry: dict[str, Any]) -> str:
    if name not in registry:
        raise CliError(str(unknown_name(kind, name, registry)))
    return name


def _check_spec(kind: str, spec: Any, registry: dict[str, Any], build: Any) -> str | dict[str, Any]:
    """``name`` or ``name:key=value,…`` (or a TOML table with ``name``) -> a name or config dict that builds."""
    from ..registry import parse_spec

    try:
        value = parse_spec(kind, spec) if isinstance(spec, str) else spec
        if not isinstance(value, (str, dict)):
            raise ValueError(f"{kind} must be a name or name:key=value,…, got {spec!r}")
        if isinstance(value, str):
            _check_name(kind, value, registry)
        build(value)  # checks the parameters' names and values
    except (ValueError, TypeError) as exc:
        raise CliError(str(exc)) from None
    return value


def _spec_name(spec: str | dict[str, Any]) -> str:
    return spec if isinstance(spec, str) else str(spec.get("name"))


def _check_writable(path: str | os.PathLike[str]) -> Path:
    """Fail before any work when ``path`` cannot be written (missing folder, no permission, a folder)."""
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise CliError(f"cannot write {p}: it is a directory")
    if folder.exists() and not folder.is_dir():
        raise CliError(f"cannot write {p}: {folder} is a file, not a folder")
    if not folder.is_dir():
        raise CliError(f"cannot write {p}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise CliError(f"cannot write {p}: permission denied")
    return p


def _parse_layers(text: Any) -> list[int]:
    if isinstance(text, list):
        items = text
    else:
        items = [s.strip() for s in str(text).split(",") if s.strip()]
    sizes = []
    for s in items:
        try:
            v = int(s)
        except (TypeError, ValueError):
            raise CliError(
                f"--layers must be comma-separated positive integers like 16,8, got {text!r}"
            ) from None
        if v < 1:
            raise CliError(f"--layers sizes must be >= 1, got {v}")
        sizes.append(v)
    return sizes


def _load_toml(path: str) -> dict[str, Any]:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            raise CliError("--config needs Python 3.11+ or the 'tomli' package") from None
    p = Path(path)
    if not p.is_file():
        raise CliError(f"{p}: no such file")
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CliError(f"{p}: not valid TOML ({exc})") from None
    table = raw.get("train", raw) if isinstance(raw.get("train"), dict) else raw
    out = {}
    for key, value in table.items():
        k = key.replace("-", "_")
        if k not in TRAIN_DEFAULTS:
            raise CliError(f"{p}: unknown option {key!r}; valid options are: "
                           f"{', '.join(k.replace('_', '-') for k in TRAIN_DEFAULTS)}")  # fmt: skip
        out[k] = value
    return out


def _train_options(args: argparse.Namespace) -> dict[str, Any]:
    """Defaults, then --config, then the command line."""
    opts = dict(TRAIN_DEFAULTS)
    if args.config:
        opts.update(_load_toml(args.config))
    for key in TRAIN_DEFAULTS:
        v = getattr(args, key, None)
        if v is not None:
            opts[key] = v
    return opts


#: the type each option must have where the range checks of :func:`_validate` do not already say it (a TOML
#: file and a checkpoint's stored options can hold any JSON value); None is allowed where it is the default
_TYPES: dict[str, tuple[type, ...]] = {
    "data": (str,), "labels": (str,), "dataset": (str,), "target": (str, int), "task": (str,), "loss": (str,),
    "dtype": (str,), "standardize": (bool,), "out": (str, os.PathLike), "checkpoint": (str, os.PathLike),
    "epochs": (int,), "batch_size": (int,), "checkpoint_every": (int,), "id": (str,), "sep": (str,),
}  # fmt: skip  (early_stopping, features, drop, missing and keep have checks of their own below)


def _check_types(opts: dict[str, Any]) -> None:
    for key, types in _TYPES.items():
        v = opts[key]
        if v is None and TRAIN_DEFAULTS[key] is None:
            continue
        if (isinstance(v, bool) and bool not in types) or not isinstance(v, types):
            words = {str: "text", int: "an integer", bool: "true or false", os.PathLike: "a path"}
            kinds = " or ".join(words[t] for t in types)
            raise CliError(f"--{key.replace('_', '-')} must be {kinds}, got {v!r}"[:300])


def _column_list(option: str, value: Any) -> list[str] | None:
    """--features a,b (or a TOML list) as a list of names."""
    if value is None:
        return None
    items = value if isinstance(value, list) else str(value).split(",")
    names = [str(v).strip() for v in items if str(v).strip()]
    if not names:
        raise CliError(f"--{option} needs one or more column names, comma-separated, got {value!r}")
    return names


def _patience(value: Any) -> int | None:
    """--early-stopping PATIENCE, or off (also false or 0 in a config file): None."""
    if value is None or value is False or (isinstance(value, str) and value.strip().lower() in ("off", "none", "0")):
        return None
    try:
        patience = int(value)
    except (TypeError, ValueError):
        raise CliError(f"--early-stopping must be a number of epochs >= 1 or 'off', got {value!r}") from None
    if isinstance(value, bool) or patience < 0 or str(patience) != str(value).strip():
        raise CliError(f"--early-stopping must be a number of epochs >= 1 or 'off', got {value!r}")
    return patience or None


def _validate(opts: dict[str, Any]) -> None:
    from ..activations import ACTIVATIONS, get_activation
    from ..losses import LOSSES
    from ..optimizers import OPTIMIZERS, get_optimizer

    _check_types(opts)

    opts["activation"] = _check_spec("activation", opts["activation"], ACTIVATIONS, get_activation)
    if opts["output_activation"] is not None:
        opts["output_activation"] = _check_spec(
            "output activation", opts["output_activation"], ACTIVATIONS, get_activation
        )
    if opts["loss"] is not None:
        _check_name("loss", opts["loss"], LOSSES)
    opts["optimizer"] = _check_spec("optimizer", opts["optimizer"], OPTIMIZERS,
                                    lambda spec: get_optimizer(spec if isinstance(spec, dict) else {"name": spec}))
    if isinstance(opts["optimizer"], dict) and "lr" in opts["optimizer"]:
        raise CliError("give the learning rate with --lr (or lr = … in the config), not in --optimizer")
    checks = [
        ("lr", opts["lr"], lambda v: v > 0 and np.isfinite(v), "> 0"),
        ("epochs", opts["epochs"], lambda v: v >= 1, ">= 1"),
        ("batch-size", opts["batch_size"], lambda v: v >= 1, ">= 1"),
        ("validation-split", opts["validation_split"], lambda v: 0 <= v < 1, "in [0, 1)"),
        ("test-split", opts["test_split"], lambda v: 0 <= v < 1, "in [0, 1)"),
        ("l2", opts["l2"], lambda v: v >= 0, ">= 0"),
    ]
    opts["early_stopping"] = _patience(opts["early_stopping"])
    for option in ("features", "drop"):
        opts[option] = _column_list(option, opts[option])
    for option, valid in (("missing", ("impute", "error")), ("keep", ("best", "last"))):
        if opts[option] not in valid:
            raise CliError(f"--{option} must be {' or '.join(valid)}, got {opts[option]!r}")
    if opts["checkpoint_every"] is not None:
        checks.append(("checkpoint-every", opts["checkpoint_every"], lambda v: v >= 1, ">= 1"))
    if isinstance(opts["seed"], bool) or not isinstance(opts["seed"], int) or opts["seed"] < 0:
        raise CliError(f"--seed must be an integer >= 0, got {opts['seed']!r}")
    for name, value, ok, bound in checks:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not ok(value):
            raise CliError(f"--{name} must be {bound}, got {value!r}")
    if opts["data"] is not None and opts["dataset"] is not None:
        raise CliError("give either --data FILE or --dataset NAME, not both")
    if opts["validation_split"] + opts["test_split"] >= 1:
        raise CliError(f"--validation-split {opts['validation_split']} and --test-split {opts['test_split']} leave no "
                       "rows to train on; together they must be below 1")
    _parse_layers(opts["layers"])

