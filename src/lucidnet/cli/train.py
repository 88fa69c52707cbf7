"""``lucidnet train``: build a network from the options, fit it, save the model (and checkpoints).

Ctrl-C stops after the current batch and saves the best weights seen so far (exit status 130); a checkpoint
file holds the optimizer state too, so ``--resume`` goes on exactly where the run stopped.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from ..data import Table
from .options import TRAIN_DEFAULTS, _check_writable, _parse_layers, _train_options, _validate
from .resume import checkpoint_options, finish_stopped_run, resumed_options, stopped_early
from .status import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, CliError
from .tables import _load_training_table, _prepare, _Prepared


def _build_network(n_in: int, hidden: list[int], opts: dict[str, Any], prep: _Prepared) -> Any:
    """n_in → hidden… → n_out, Dense layers, the hidden activation on all but the output layer."""
    from ..layers import Dense
    from ..network import Network

    sizes = [n_in, *hidden]
    layers = [Dense(a, b, activation=opts["activation"]) for a, b in itertools.pairwise(sizes)]
    layers.append(Dense(sizes[-1], prep.n_out, activation=prep.output_activation))
    return Network(layers, loss=prep.loss, dtype=opts["dtype"], seed=opts["seed"], l2=opts["l2"])


class _BestWeights:
    """Keeps a copy of the weights at the epoch with the lowest validation (or training) loss."""

    def __init__(self) -> None:
        self.best = np.inf
        self.epoch: int | None = None
        self.weights: list[np.ndarray] | None = None

    def state_dict(self) -> dict[str, Any]:
        return {"best": None if np.isinf(self.best) else float(self.best), "best_epoch": self.epoch,
                "best_weights": self.weights}  # fmt: skip

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best = np.inf if state.get("best") is None else float(state["best"])
        self.epoch = state.get("best_epoch")
        self.weights = state.get("best_weights")

    def __call__(self, state: Any) -> None:
        logs = state.logs
        value = logs.get("val_loss", logs.get("loss", np.inf))
        if value < self.best:
            self.best, self.epoch = value, state.epoch
            self.weights = state.network.get_weights()


def _watch_state(watchers: dict[str, Any], shift: int) -> dict[str, Any]:
    """The watchers' ``state_dict()``s for a checkpoint, best epochs shifted by ``shift`` (to count from 0)."""
    out = {}
    for key, w in watchers.items():
        st = w.state_dict()
        if st.get("best_epoch") is not None:
            st["best_epoch"] += shift
        out[key] = st
    return out


def _restore_watch(watchers: dict[str, Any], saved: dict[str, Any], done: int) -> None:
    """Load what :func:`_watch_state` stored into a resumed run, its epochs counted from the resumed fit."""
    for key, w in watchers.items():
        st = dict(saved.get(key) or {})
        if not st:
            continue
        if st.get("best_epoch") is not None:
            st["best_epoch"] -= done
        w.load_state_dict(st)


def _checkpoint_path(opts: dict[str, Any]) -> Path:
    if opts["checkpoint"]:
        return Path(opts["checkpoint"])
    out = Path(opts["out"])
    return out.with_name(out.stem + ".ckpt" + (out.suffix or ".safetensors"))


def _merged_history(before: dict[str, Any] | None, history: Any) -> dict[str, Any]:
    now = history.to_dict()
    if not before:
        return now
    if now.get("best_epoch") is not None:  # counted from the resumed fit: count from the first epoch
        now["best_epoch"] += len(before.get("history", {}).get("loss", []))
    merged = {k: list(v) for k, v in before.get("history", {}).items()}
    for k, v in now["history"].items():
        merged.setdefault(k, []).extend(v)
    now["history"] = merged
    now["epochs"] = len(merged.get("loss", []))
    return now


def cmd_train(args: argparse.Namespace) -> int:
    from ..callbacks import EarlyStopping, LambdaCallback
    from ..errors import TrainingDivergedError
    from ..io import load_checkpoint, save_checkpoint, save_model
    from ..optimizers import get_optimizer
    from ..progress import progress_for

    notes: list[str] = []
    resume = None
    if args.resume:  # the file decides no path: see cli/resume.py
        resume = load_checkpoint(args.resume)
        opts = resumed_options(args, resume, Path(args.resume))
    else:
        opts = _train_options(args)
    _validate(opts)
    out = _check_writable(opts["out"])
    ck_path = _checkpoint_path(opts) if opts["checkpoint_every"] else None
    if ck_path is not None:
        _check_writable(ck_path)
    if resume is not None and stopped_early(resume, opts):
        return finish_stopped_run(resume, Path(args.resume), opts, out)

    table, hint = _load_training_table(opts)
    prep = _prepare(table, opts, hint, notes)
    hidden = _parse_layers(opts["layers"])
    try:
        if resume is not None:
            net = resume.bundle.network
            optimizer = get_optimizer(resume.optimizer_config)
            optimizer.load_state_dict(resume.optimizer_state)
            done = resume.epoch
        else:
            net = _build_network(table.X.shape[1], hidden, opts, prep)
            spec = opts["optimizer"]
            optimizer = get_optimizer({**(spec if isinstance(spec, dict) else {"name": spec}), "lr": opts["lr"]})
            done = 0
    except (ValueError, TypeError) as exc:
        raise CliError(str(exc)) from None
    remaining = opts["epochs"] - done
    if remaining < 1:
        raise CliError(
            f"the checkpoint has already run {done} of {opts['epochs']} epochs; pass a larger --epochs"
        )

    for note in notes:
        sys.stderr.write(f"lucidnet: note: {note}\n")
    options = {"train": {k: opts[k] for k in TRAIN_DEFAULTS}}
    before = resume.bundle.history if resume is not None else None
    best = _BestWeights()
    callbacks: list[Any] = [LambdaCallback(on_epoch_end=best)]
    watchers: dict[str, Any] = {"best": best}
    if opts["early_stopping"] is not None:
        # before the checkpoint callback, so a checkpoint holds this epoch's patience count
        watchers["early_stopping"] = EarlyStopping(patience=opts["early_stopping"])
        callbacks.append(watchers["early_stopping"])
    if resume is not None:  # the best weights and the patience used so far carry over
        _restore_watch(watchers, resume.extra, done)
    if not args.quiet:
        callbacks.append(progress_for(sys.stderr, opts["epochs"], first_epoch=done))
    if ck_path is not None:
        every = opts["checkpoint_every"]
        ck_options = checkpoint_options(options, ck_path)  # its data path relative to its folder, for --resume

        def checkpoint(state: Any) -> None:
            epoch = done + state.epoch + 1
            if epoch % every == 0:
                save_checkpoint(ck_path, state.network, state.optimizer, epoch=epoch, preprocessing=prep.pre,
                                history=_merged_history(before, state.history), options=ck_options,
                                extra=_watch_state(watchers, done))  # fmt: skip

        callbacks.append(LambdaCallback(on_epoch_end=checkpoint))
    metrics = ["accuracy"] if prep.pre.classes is not None else []
    val = (prep.X_val, prep.y_val) if prep.X_val is not None else None
    newline = "\n" if not args.quiet and sys.stderr.isatty() else ""  # end the live bar's line first
    started = time.perf_counter()
    try:
        history = net.fit(prep.X, prep.y, epochs=remaining, batch_size=opts["batch_size"], optimizer=optimizer,
                          validation_data=val, callbacks=callbacks, metrics=metrics)  # fmt: skip
    except TrainingDivergedError as exc:
        sys.stderr.write(f"{newline}lucidnet: error: {exc}\n")
        return EXIT_FAILED
    seconds = time.perf_counter() - started
    hist = _merged_history(before, history)
    if history.interrupted:
        if best.weights is not None:
            net.set_weights(best.weights)
        save_model(net, out, preprocessing=prep.pre, history=hist, options=options)
        which = f"epoch {done + best.epoch + 1}" if best.epoch is not None else "the start"
        sys.stderr.write(f"{newline}lucidnet: interrupted after {hist['epochs']} epochs; "
                         f"best weights ({which}) saved to {out}\n")  # fmt: skip
        if ck_path is not None and ck_path.exists():
            sys.stderr.write(
                f"lucidnet: to go on from the last checkpoint: lucidnet train --resume {ck_path}\n"
            )
        return EXIT_INTERRUPTED
    save_model(net, out, preprocessing=prep.pre, history=hist, options=options)
    print(_train_summary(net, table, prep, hist, seconds, out))
    return EXIT_OK


def _train_summary(
    net: Any, table: Table, prep: _Prepared, hist: dict[str, Any], seconds: float, out: Path
) -> str:
    h = hist["history"]
    last = {k: v[-1] for k, v in h.items() if v}
    acts = ", ".join(
        dict.fromkeys(str(layer.activation.name) for layer in net.layers if hasattr(layer, "activation"))
    )
    head = f"trained {net!r} ({acts}) on {table.source}: {len(table.X)} samples, {hist['epochs']} epochs"
    lines = [f"{head} in {seconds:.1f} s"]
    shown = [f"{k} {last[k]:.4g}" for k in ("loss", "val_loss", "accuracy", "val_accuracy") if k in last]
    if shown:
        lines.append("  " + "  ".join(shown))
    if hist.get("stopped_early"):
        lines.append(f"  stopped early; kept the weights of epoch {(hist.get('best_epoch') or 0) + 1}")
    lines.append(f"model saved to {out}")
    data = table.source.removeprefix("data set ")
    proba = " --proba" if prep.pre.classes is not None else ""
    lines.append(f"next: lucidnet evaluate {out} {data}  |  lucidnet predict {out} {data}{proba}")
    return "\n".join(lines)

