"""``lucidnet train --resume CKPT``: what a checkpoint decides for the run that goes on from it, and what it may not.

A checkpoint is a file that may come from anywhere, so it never chooses where lucidnet writes or what it reads:

- the model goes to ``--out`` or, by default, beside the checkpoint (``run.ckpt.safetensors`` → ``run.safetensors``,
  the name whose checkpoint it is); new checkpoints go to ``--checkpoint`` or OUT with ``.ckpt`` before the
  extension (so, by default, the checkpoint resumed from). The ``out`` and ``checkpoint`` paths stored in the file
  are never used;
- data comes from ``--data`` (and ``--labels``) given again, or from the path stored in the checkpoint when it is
  relative and stays inside the checkpoint's folder (a run stores its data path relative to the checkpoint's
  folder when the data lies there: :func:`checkpoint_options`). Any other stored path is refused, naming it;
- the stored training options are checked as the command line's are, and the callbacks' saved state (best
  weights, early-stopping patience) against the network, before any work;
- a run that had already met its early-stopping criterion stops at once and says so, saving the best weights.

Every refusal is one line and exit status 2.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import numpy as np

from ..io import Checkpoint, ModelFileError, save_model
from .options import TRAIN_DEFAULTS, _validate, saved_options
from .status import EXIT_OK, CliError

__all__ = ["checkpoint_options", "default_out", "finish_stopped_run", "resumed_options", "stopped_early"]

#: the callbacks' states a ``lucidnet train`` checkpoint holds in ``Checkpoint.extra``
WATCHERS = ("best", "early_stopping")


def default_out(ck_path: Path) -> Path:
    """Where a resumed run's model goes without ``--out``: beside the checkpoint, ``run.ckpt.safetensors`` →
    ``run.safetensors``; a checkpoint not named so gives ``NAME.resumed.safetensors``."""
    stem, suffix = ck_path.stem, ck_path.suffix or ".safetensors"
    if stem.endswith(".ckpt") and len(stem) > len(".ckpt"):
        return ck_path.with_name(stem[: -len(".ckpt")] + suffix)
    return ck_path.with_name(f"{stem}.resumed{suffix}")


def checkpoint_options(options: dict[str, Any], ck_path: Path) -> dict[str, Any]:
    """The options a checkpoint written to ``ck_path`` stores: the data paths relative to its folder when they
    lie inside it (so that a resume finds them there, from wherever it is run), else absolute."""
    train = dict(options["train"])
    folder = os.path.abspath(ck_path.parent if str(ck_path.parent) else ".")
    for key in ("data", "labels"):
        if isinstance(train.get(key), (str, os.PathLike)):
            full = os.path.abspath(train[key])
            try:
                rel = os.path.relpath(full, folder)
            except ValueError:  # another drive
                rel = full
            train[key] = rel if not rel.startswith(os.pardir) and not os.path.isabs(rel) else full
    return {**options, "train": train}


#: the options a resumed run may take from the command line; any other is refused, as it would be ignored
RESUMABLE = ("out", "epochs", "checkpoint_every", "checkpoint", "data", "labels")


def _refuse_ignored(args: argparse.Namespace) -> None:
    ignored = ["config"] if getattr(args, "config", None) else []
    ignored += [k for k in TRAIN_DEFAULTS if k not in RESUMABLE and getattr(args, k, None) is not None]
    if ignored:
        shown = ", ".join("--" + k.replace("_", "-") for k in ignored)
        raise CliError(f"--resume goes on with the checkpoint's own options, so it would ignore {shown}; drop "
                       f"{'them' if len(ignored) > 1 else 'it'}, or start a new run without --resume (with --resume "
                       f"only {', '.join('--' + k.replace('_', '-') for k in RESUMABLE)} may be given)")


def _stored(ck_path: Path, ck: Checkpoint) -> dict[str, Any]:
    train = (ck.bundle.options or {}).get("train")
    if not isinstance(train, dict):
        raise ModelFileError(f"{ck_path}: not a checkpoint of 'lucidnet train' (it holds no training options); "
                             "resume it from Python with lucidnet.io.load_checkpoint")  # fmt: skip
    unknown = sorted(set(train) - set(TRAIN_DEFAULTS))
    if unknown:
        raise ModelFileError(f"{ck_path}: corrupted checkpoint: unknown training options {unknown}"[:300])
    base = {**TRAIN_DEFAULTS, **train}
    if "keep" not in train:  # lucidnet 0.1 saved the last epoch, or early stopping's best
        base["keep"] = "best" if train.get("early_stopping") else "last"
    try:
        _validate(dict(base))  # --layers included
    except CliError as exc:
        raise ModelFileError(f"{ck_path}: corrupted checkpoint: its stored option {exc}") from None
    return base


def _inside(ck_path: Path, value: Any, option: str) -> str | None:
    """A data path stored in the checkpoint, as a path to read: only a relative one inside the checkpoint's
    folder (checked on the text, as a local notebook server checks its paths; links in the folder are the
    user's own)."""
    if value is None:
        return None
    rel = Path(value)
    if not value or rel.is_absolute() or rel.drive or os.pardir in rel.parts:
        raise CliError(f"{ck_path}: the checkpoint names the {option} file {value[:200]!r}, which is not inside "
                       f"its folder; lucidnet reads data only from the command line or beside the checkpoint: "
                       f"give it again with --{option} FILE")  # fmt: skip
    return str(ck_path.parent / rel)


def _watch_problem(state: Any, params: list[np.ndarray], done: int) -> str | None:
    """What is wrong with a saved ``_BestWeights`` or ``EarlyStopping`` state for a run ``done`` epochs in."""
    if not isinstance(state, dict):
        return "not an object"
    best, best_epoch, wait = state.get("best"), state.get("best_epoch"), state.get("wait", 0)
    if best is not None and not (isinstance(best, float) or (type(best) is int and abs(best) < 2**53)):
        return f"best {best!r:.40} is not a number"
    if best_epoch is not None and not (type(best_epoch) is int and 0 <= best_epoch < done):
        return f"best_epoch {best_epoch!r:.40} is not one of the {done} epochs run"
    if not (type(wait) is int and 0 <= wait <= done):
        return f"wait {wait!r:.40} is not a count of the {done} epochs run"
    weights = state.get("best_weights")
    if weights is not None and not (
        isinstance(weights, list) and len(weights) == len(params)
        and all(isinstance(w, np.ndarray) and w.shape == p.shape and w.dtype == p.dtype and np.isfinite(w).all()
                for w, p in zip(weights, params))
    ):  # fmt: skip
        return "best_weights do not match the network's parameters"
    return None


def resumed_options(args: argparse.Namespace, ck: Checkpoint, ck_path: Path) -> dict[str, Any]:
    """The options of a run resumed from ``ck`` (read from ``ck_path``): the stored training options, checked,
    with ``--epochs`` and ``--checkpoint-every`` from the command line and the paths of the module docstring.

    Raises ModelFileError for a stored option or callback state that is wrong, CliError for a stored data
    path that may not be read or an option given that the resumed run would ignore."""
    _refuse_ignored(args)
    opts = _stored(ck_path, ck)
    for key in WATCHERS:
        problem = _watch_problem(ck.extra.get(key), ck.bundle.network.parameters(), ck.epoch)
        if key in ck.extra and problem:
            raise ModelFileError(f"{ck_path}: corrupted checkpoint: the {key} state: {problem}"[:300])
    stored_data, stored_labels = opts["data"], opts["labels"]
    for key in ("epochs", "checkpoint_every"):  # what a resumed run may change
        if getattr(args, key, None) is not None:
            opts[key] = getattr(args, key)
    opts["out"] = args.out if args.out is not None else str(default_out(ck_path))
    opts["checkpoint"] = args.checkpoint  # None: OUT with .ckpt before the extension
    if args.data is not None:
        opts.update(data=args.data, labels=args.labels, dataset=None)
    elif stopped_early(ck, opts):  # nothing will be read
        opts.update(data=None, labels=None)
    else:
        opts.update(data=_inside(ck_path, stored_data, "data"),
                    labels=args.labels if args.labels is not None else _inside(ck_path, stored_labels, "labels"))
    return opts


def stopped_early(ck: Checkpoint, opts: dict[str, Any]) -> bool:
    """Whether the run saved in ``ck`` had already met its early-stopping criterion (more epochs without a
    better loss than the patience allows): a checkpoint written at the epoch the run stopped."""
    state = ck.extra.get("early_stopping")
    patience = opts["early_stopping"]
    return patience is not None and isinstance(state, dict) and state.get("wait", 0) > patience


def finish_stopped_run(ck: Checkpoint, ck_path: Path, opts: dict[str, Any], out: Path) -> int:
    """End a run that :func:`stopped_early` at once, as the uninterrupted run ended: the best weights and the
    history so far saved to ``out``, without training another epoch."""
    state = ck.extra["early_stopping"]
    net = ck.bundle.network
    if state.get("best_weights") is not None:
        net.set_weights(state["best_weights"])
    history = {**(ck.bundle.history or {}), "best_epoch": state.get("best_epoch"), "stopped_early": True}
    save_model(net, out, preprocessing=ck.bundle.preprocessing, history=history, options=saved_options(opts))
    best = state.get("best_epoch")
    print(f"{ck_path} had already stopped early after {ck.epoch} epochs (no better loss for "
          f"{opts['early_stopping']} epochs): nothing left to train")  # fmt: skip
    if best is not None:
        print(f"  stopped early; kept the weights of epoch {best + 1}")
    print(f"model saved to {out}")
    return EXIT_OK
