"""``lucidnet train``: build a network from the options, fit it, save the model (and checkpoints).

By default a fifth of the rows is held out: training stops when their loss has not improved for 20 epochs and
the model keeps the weights of the best epoch; the summary says which epoch, why training stopped, and the
held-out scores in the target's units. Ctrl-C stops after the current batch and saves the best weights seen so
far (exit status 130); a run that diverges saves them too, with advice in the command's own options (exit
status 1). A checkpoint file holds the optimizer state, so ``--resume`` goes on exactly where the run stopped.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..activations import get_activation
from ..callbacks import BestWeights, Callback, EarlyStopping, History, LambdaCallback
from ..data import Table
from ..errors import TrainingDivergedError
from ..heads import build_network
from ..io import Checkpoint, load_checkpoint, save_checkpoint, save_model
from ..network import Network
from ..optimizers import Optimizer, get_optimizer
from ..progress import progress_for
from .options import _check_writable, _parse_layers, _train_options, _validate, saved_options
from .resume import checkpoint_options, finish_stopped_run, resumed_options, stopped_early
from .status import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, CliError, tell
from .summary import train_summary
from .tables import Prepared, Training, load_training, prepare


def network_for(table: Table, opts: dict[str, Any], prep: Prepared) -> Network:
    """The network the options describe for this data: n_in → --layers … → the head of the task, after checking
    that its parameters (and their gradients and optimizer state) fit in this machine's memory."""
    hidden = _parse_layers(opts["layers"])
    _check_size(table.X.shape[1], hidden, prep.head.n_out, opts)
    try:
        return build_network(table.X.shape[1], hidden, prep.head, opts["activation"],
                             dtype=opts["dtype"], seed=opts["seed"], l2=opts["l2"])
    except (ValueError, TypeError) as exc:
        raise CliError(str(exc)) from None


def _check_size(n_in: int, hidden: list[int], n_out: int, opts: dict[str, Any]) -> None:
    """Refuse, before anything is allocated, a network whose θ, ∂E/∂θ and two optimizer buffers would not fit in
    the machine's memory (``--layers 100000000000`` asked for 2 TiB)."""
    k = get_activation(opts["activation"]).k  # maxout: k weight columns per unit
    sizes = [n_in, *hidden, n_out]
    params = sum(a * b * (k if i < len(hidden) else 1) + b * (k if i < len(hidden) else 1)
                 for i, (a, b) in enumerate(zip(sizes, sizes[1:])))
    need = 4 * params * np.dtype(opts["dtype"]).itemsize
    try:
        have = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not known here: let the allocation decide
        return
    if need > have:
        raise CliError(f"--layers {opts['layers']} makes a network of {params:,} parameters: its weights, gradients "
                       f"and optimizer state need {need / 2**30:,.1f} GiB, more than this machine's "
                       f"{have / 2**30:,.1f} GiB; use smaller layers")


@dataclass
class _Run:
    """One ``lucidnet train``: its options, data, network, optimizer and where it writes."""

    opts: dict[str, Any]
    training: Training
    prep: Prepared
    net: Network
    optimizer: Optimizer
    out: Path
    checkpoint: Path | None
    done: int = 0  # epochs run before this one (a resumed run)
    before: dict[str, Any] | None = None  # the history of those epochs
    watchers: dict[str, Any] = field(default_factory=dict)

    @property
    def table(self) -> Table:
        return self.training.table

    @property
    def options(self) -> dict[str, Any]:
        return saved_options(self.opts)

    def history(self, history: History) -> dict[str, Any]:
        return _merged_history(self.before, history)

    def save(self, history: dict[str, Any]) -> None:
        save_model(self.net, self.out, preprocessing=self.prep.pre, history=history, options=self.options)


def cmd_train(args: argparse.Namespace) -> int:
    notes: list[str] = []
    resume = load_checkpoint(args.resume) if args.resume else None
    # a checkpoint decides no path: see cli/resume.py
    opts = resumed_options(args, resume, Path(args.resume)) if resume is not None else _train_options(args)
    _validate(opts)
    out = _check_writable(opts["out"])
    ck_path = _checkpoint_path(opts) if opts["checkpoint_every"] else None
    if ck_path is not None:
        _check_writable(ck_path)
    if resume is not None and stopped_early(resume, opts):
        return finish_stopped_run(resume, Path(args.resume), opts, out)
    training = load_training(opts, notes)
    prep = prepare(training, opts, notes)
    if resume is not None:
        run = _Run(opts, training, prep, resume.bundle.network, _optimizer(resume), out, ck_path, resume.epoch,
                   resume.bundle.history)
    else:
        spec = opts["optimizer"]
        optimizer = get_optimizer({**(spec if isinstance(spec, dict) else {"name": spec}), "lr": opts["lr"]})
        run = _Run(opts, training, prep, network_for(training.table, opts, prep), optimizer, out, ck_path)
    if opts["epochs"] - run.done < 1:
        raise CliError(f"the checkpoint has already run {run.done} of {opts['epochs']} epochs; pass a larger --epochs")
    tell(notes)
    callbacks = _callbacks(run, resume, quiet=args.quiet)
    return _fit(run, callbacks)


def _optimizer(resume: Checkpoint) -> Optimizer:
    try:
        optimizer = get_optimizer(resume.optimizer_config)
        optimizer.load_state_dict(resume.optimizer_state)
    except (ValueError, TypeError) as exc:
        raise CliError(f"the checkpoint's optimizer: {exc}") from None
    return optimizer


def _callbacks(run: _Run, resume: Checkpoint | None, quiet: bool) -> list[Callback]:
    """Keep the best weights, stop early if asked, show progress, write checkpoints: in that order, so that a
    checkpoint holds this epoch's best weights and patience count."""
    opts = run.opts
    best = opts["keep"] == "best"
    run.watchers["best"] = BestWeights(restore=best)
    if opts["early_stopping"] is not None:
        run.watchers["early_stopping"] = EarlyStopping(patience=opts["early_stopping"], restore_best=best)
    if resume is not None:  # the best weights and the patience used so far carry over
        _restore_watch(run.watchers, resume.extra, run.done)
    callbacks: list[Callback] = list(run.watchers.values())
    if not quiet:
        callbacks.append(progress_for(sys.stderr, opts["epochs"], first_epoch=run.done))
    if run.checkpoint is not None:
        every, path = opts["checkpoint_every"], run.checkpoint
        ck_options = checkpoint_options(run.options, path)  # its data path relative to its folder, for --resume

        def checkpoint(state: Any) -> None:
            epoch = run.done + state.epoch + 1
            if epoch % every == 0:
                save_checkpoint(path, state.network, state.optimizer, epoch=epoch, preprocessing=run.prep.pre,
                                history=run.history(state.history), options=ck_options,
                                extra=_watch_state(run.watchers, run.done))

        callbacks.append(LambdaCallback(on_epoch_end=checkpoint))
    return callbacks


def _fit(run: _Run, callbacks: list[Callback]) -> int:
    """Train, then save: the best (or with --keep last, the last) weights when training ends, the best ones when it
    is interrupted or diverges."""
    prep, best = run.prep, run.watchers["best"]
    metrics = ["accuracy"] if prep.pre.classes is not None else []
    val = (prep.X_val, prep.y_val) if prep.X_val is not None else None
    started = time.perf_counter()
    try:
        history = run.net.fit(prep.X, prep.y, epochs=run.opts["epochs"] - run.done,
                              batch_size=run.opts["batch_size"], optimizer=run.optimizer, validation_data=val,
                              callbacks=callbacks, metrics=metrics)
    except TrainingDivergedError as exc:
        return _diverged(run, best, exc)
    seconds = time.perf_counter() - started
    hist = run.history(history)
    if history.interrupted:
        if best.best_weights is not None:
            run.net.set_weights(best.best_weights)
        run.save(hist)
        which = f"epoch {run.done + best.best_epoch + 1}" if best.best_epoch is not None else "the start"
        sys.stderr.write(f"lucidnet: interrupted after {hist['epochs']} epochs; best weights ({which}) saved to "
                         f"{run.out}\n")
        if run.checkpoint is not None and run.checkpoint.exists():
            sys.stderr.write(f"lucidnet: to go on from the last checkpoint: lucidnet train --resume {run.checkpoint}\n")
        return EXIT_INTERRUPTED
    run.save(hist)
    print("\n".join(train_summary(run.net, run.training, run.prep.pre, run.opts, hist, seconds, run.out)))
    return EXIT_OK


def _diverged(run: _Run, best: BestWeights, exc: TrainingDivergedError) -> int:
    """Save the best weights so far and say what to change, in this command's options."""
    if best.best_weights is not None:  # the best by validation loss; else fit has put back its best epoch
        run.net.set_weights(best.best_weights)
    hist = run.history(exc.history) if exc.history is not None else run.before or {}
    run.save(hist)
    opts, epoch = run.opts, run.done + (exc.epoch or 0) + 1
    what = (f"the loss became {exc.loss}" if exc.reason == "non_finite"
            else f"the loss rose to {exc.loss:.4g}, over a thousand times where it started")
    kept = (f"epoch {run.done + best.best_epoch + 1}, the best so far" if best.best_epoch is not None
            else "the best so far" if hist.get("epochs") else "the starting weights")
    lr = exc.lr if exc.lr is not None else opts["lr"]
    advice = [f"a lower learning rate, --lr {lr / 10:g} (now {lr:g})"]
    if not opts["standardize"]:
        advice.append("--standardize")
    if str(opts["optimizer"]).startswith("sgd"):
        advice.append("--optimizer adam")
    sys.stderr.write(f"lucidnet: error: training diverged at epoch {epoch}: {what}. The weights of {kept} are "
                     f"saved to {run.out}.\nlucidnet: try {', '.join(advice)}\n")
    return EXIT_FAILED


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
