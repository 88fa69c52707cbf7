"""One training run of the playground: a lucidnet Network, its data, and the frames the page draws.

A frame is what the page needs after each step: epoch, train and test loss, accuracy, the best epoch so far, the
output over a 50 × 50 grid of the plane (the decision boundary), a 25 × 25 thumbnail of every neuron, and the
weights (computed by :mod:`lucidnet.playground.frames`).
"""

from __future__ import annotations

import base64
import copy
import threading
import time
from typing import Any

import numpy as np

from lucidnet.callbacks import BestWeights
from lucidnet.heads import Head, build_network, head_for
from lucidnet.network import Network
from lucidnet.optimizers import OPTIMIZERS
from lucidnet.playground.config import PlaygroundConfig, PlaygroundError
from lucidnet.playground.data import Points
from lucidnet.playground.frames import (
    GRID,
    THUMB_STEP,
    grid_pass,
    grid_points,
    input_pictures,
    quantise,
    thumbnails,
    weights_of,
)

FRAME_BUDGET = 0.5  # seconds of training per streamed frame, at most (one epoch always runs)
STEP_BUDGET = 30.0  # seconds of training per step request, at most, on a machine slower than the work cap assumes
#: the fixed cost of one mini-batch step, in sample × parameter units (measured: ~40 µs a batch, ~8 ns a unit)
BATCH_WORK = 5000
MAX_HISTORY = 10_000  # loss-curve points kept; beyond that every second one is dropped


class Session:
    """A network training on 2-D points, stepped by the server and drawn by the page.

    The weights of the epoch with the lowest test loss are kept by :class:`~lucidnet.callbacks.BestWeights`, offered
    each epoch's test loss after its one-epoch ``fit`` (the page keeps training and shows the latest; the model
    export can take either).

    Thread-safe: ``advance``, ``reset``, ``trace`` and exports take the same lock, so a play stream and a
    step request never train at once.
    """

    def __init__(self, config: PlaygroundConfig, points: Points) -> None:
        self.config = config
        self.points = points
        self.lock = threading.Lock()
        self.playing = False
        self.last_seen = time.monotonic()
        self.streams = 0
        self.stream_token = 0
        self.wake: Any = None  # an anyio.Event set by the server when play/pause/close changes
        self.closed = False
        self.error = ""
        self.end_reason = ""  # why the server ended the session, for the page
        self.stepping = False  # a step request is training this session
        self.upload_name = ""  # the uploaded file's name, for the TOML export
        self._grid = grid_points(points.domain)
        self.X_train, self.X_test = points.X_train, points.X_test
        self.X_grid = points.to_inputs(self._grid)
        self.n_in = self.X_train.shape[1]
        self.n_classes = len(points.classes)
        self.head = self._head()
        self.loss_name = self.head.loss.name
        self.output_activation = self.head.activation.name
        self.n_out = self.head.n_out
        self.y_train = self.head.encode(points.y_train)
        self.y_test = self.head.encode(points.y_test)
        self.reset()

    # -- set-up -----------------------------------------------------------------------------------------
    def _head(self) -> Head:
        """The output layer and loss of :func:`lucidnet.heads.head_for` for the problem and the page's choices."""
        c = self.config
        loss = None if c.loss == "auto" else c.loss
        try:
            if self.points.problem == "regression":
                output = None if c.output_activation == "auto" else c.output_activation
                return head_for("regression", 1, output, loss)
            return head_for("classification", self.n_classes, None, loss)
        except ValueError as e:
            raise PlaygroundError(str(e)) from None

    def build_network(self) -> Any:
        """The lucidnet Network this configuration describes, its weights drawn from the seed."""
        c = self.config
        return build_network(self.n_in, c.layers, self.head, c.activations, dropout=c.dropout, seed=c.seed,
                             l1=c.l1, l2=c.l2)

    def build_optimizer(self) -> Any:
        return OPTIMIZERS[self.config.optimizer](lr=self.config.lr)

    def reset(self) -> None:
        """Fresh weights from the seed, fresh optimizer state, epoch 0."""
        with self.lock:
            self.network = self.build_network()
            self.optimizer = self.build_optimizer()
            self.epoch = 0
            self.error = ""
            self.best = BestWeights(monitor="test_loss", restore=False)
            self._test: tuple[int, float, float | None] | None = None  # (epoch, E, accuracy) on the test rows
            self.history: dict[str, list[float]] = {"epoch": [], "train_loss": [], "test_loss": []}

    @property
    def best_epoch(self) -> int | None:
        """The epoch (1, 2, …) whose weights ``best`` keeps; None before the first."""
        return self.best.best_epoch

    # -- training ---------------------------------------------------------------------------------------
    def epoch_work(self) -> int:
        """The cost of one epoch: w = n·P + (B + 1)·BATCH_WORK (n training samples, P parameters, B mini-batches;
        the test loss and the best weights' watch after each epoch cost about one batch more: measured ~50 µs).

        A step of ``e`` epochs costs ``e·w``; the server refuses steps over ``Limits.max_step_work``.
        """
        n = len(self.X_train)
        batches = -(-n // max(1, min(self.config.batch_size, n)))
        n_params = sum(int(p.size) for p in self.network.parameters())
        return n * n_params + (batches + 1) * BATCH_WORK

    def _train(self, epochs: int, budget: float | None = None, stop: threading.Event | None = None) -> None:
        """Train ``epochs`` epochs, or fewer when ``budget`` seconds have passed or ``stop`` is set (checked
        before each epoch; the epoch seeds do not depend on where a frame ends, so the run is the same whatever
        the machine's speed)."""
        from lucidnet.errors import TrainingDivergedError

        c = self.config
        t0 = time.monotonic()
        for k in range(epochs):
            if budget is not None and k and time.monotonic() - t0 > budget:
                return
            if self.closed or (stop is not None and stop.is_set()):
                return
            try:
                with np.errstate(all="ignore"):  # a divergence is reported in the frame, not as warnings
                    self.network.fit(
                        self.X_train,
                        self.y_train,
                        epochs=1,
                        batch_size=min(c.batch_size, len(self.X_train)),
                        optimizer=self.optimizer,
                        shuffle=True,
                        seed=(c.seed * 1_000_003 + self.epoch) % 2**32,
                    )
            except TrainingDivergedError:
                self._test = None
                self.error = (
                    f"training diverged at epoch {self.epoch + 1} (the loss is not finite); "
                    f"lower the learning rate (now {c.lr:g}) and press reset"
                )
                self.playing = False
                return
            self.epoch += 1
            with np.errstate(all="ignore"):
                test_loss, test_acc, _ = self._data_loss(self.X_test, self.y_test)
            self._test = (self.epoch, test_loss, test_acc)  # the frame's, unless the weights change first
            self.best.offer(test_loss, self.epoch, self.network)

    def best_network(self) -> Network | None:
        """A copy of the network with the best epoch's weights; None before the first epoch."""
        with self.lock:
            if self.best.best_weights is None:
                return None
            network = copy.deepcopy(self.network)
            network.set_weights(self.best.best_weights)
            return network

    def advance(self, epochs: int | None = None, stop: threading.Event | None = None) -> dict[str, Any]:
        """Train ``epochs`` epochs and return the new frame; by default the configuration's epochs per frame,
        cut short after FRAME_BUDGET seconds so that a large network still shows its progress. A step of
        ``epochs`` stops early when ``stop`` is set (its client went away) or after STEP_BUDGET seconds."""
        with self.lock:
            if not self.error:
                if epochs is None:
                    self._train(self.config.epochs_per_frame, FRAME_BUDGET, stop)
                else:
                    self._train(epochs, STEP_BUDGET, stop)
            return self._frame()

    def frame(self) -> dict[str, Any]:
        with self.lock:
            return self._frame()

    # -- frames -----------------------------------------------------------------------------------------
    def _scores(self, o: np.ndarray) -> np.ndarray:
        """Output o → display value in [-1, 1]: 2p - 1 for a binary class, y/scale for regression."""
        if self.points.problem == "regression":
            return o[:, 0] / self.points.y_scale
        p = o[:, 1] if o.shape[1] > 1 else o[:, 0]
        return 2.0 * p - 1.0

    def _data_loss(self, X: np.ndarray, y: np.ndarray) -> tuple[float, float | None, np.ndarray]:
        """(E without penalties, as the network computes it, accuracy for classes, outputs o)."""
        from lucidnet.metrics import accuracy

        loss = self.network.loss(X, y, penalty=False)
        o = self.network.layers[-1].o
        acc = accuracy(y, o) if self.points.problem == "classification" else None
        return loss, acc, o

    def _frame(self) -> dict[str, Any]:
        with np.errstate(all="ignore"):
            train_loss, train_acc, _ = self._data_loss(self.X_train, self.y_train)
            if self._test is not None and self._test[0] == self.epoch:
                _, test_loss, test_acc = self._test
            else:  # epoch 0, or the weights a divergence went back to
                test_loss, test_acc, _ = self._data_loss(self.X_test, self.y_test)
        if not (np.isfinite(train_loss) and np.isfinite(test_loss)) and not self.error:
            self.error = (
                f"training diverged at epoch {self.epoch} (the loss is not finite); lower the learning "
                f"rate (now {self.config.lr:g}) and press reset"
            )
            self.playing = False
        finite = [v if v is None or np.isfinite(v) else None for v in (train_loss, test_loss)]
        if (not self.history["epoch"] or self.history["epoch"][-1] != self.epoch) and not self.error:
            self.history["epoch"].append(self.epoch)
            self.history["train_loss"].append(train_loss)
            self.history["test_loss"].append(test_loss)
            if len(self.history["epoch"]) > MAX_HISTORY:  # a session that plays for hours keeps a bounded curve
                for values in self.history.values():
                    del values[1:-1:2]
        thumbs, out = grid_pass(self.network, self.X_grid)
        weights, biases = weights_of(self.network)
        scores = self._scores(out)
        frame: dict[str, Any] = {
            "epoch": self.epoch,
            "train_loss": finite[0],
            "test_loss": finite[1],
            "train_accuracy": train_acc,
            "test_accuracy": test_acc,
            "grid": GRID,
            "boundary": quantise(scores),
            "thumbs": thumbs,
            "output_thumbs": self._output_thumbs(out),
            "weights": weights,
            "biases": biases,
            "playing": self.playing,
            "error": self.error,
            "best_epoch": self.best_epoch,
            "best_test_loss": self.best.best if self.best_epoch is not None else None,
        }
        if self.n_classes > 2:
            frame["boundary_class"] = base64.b64encode(out.argmax(axis=1).astype(np.uint8).tobytes()).decode()
            frame["boundary"] = quantise(2.0 * out.max(axis=1) - 1.0)
        return frame

    def _output_thumbs(self, out: np.ndarray) -> list[str]:
        return thumbnails(out / self.points.y_scale if self.points.problem == "regression" else 2.0 * out - 1.0)

    def init_payload(self) -> dict[str, Any]:
        """What the page draws once per session: points, domain, input thumbnails, the network's shape."""
        p = self.points

        def pts(points: np.ndarray, y: np.ndarray) -> list[list[float]]:
            vals = y if p.problem == "classification" else np.clip(y / p.y_scale, -1, 1)
            return np.column_stack([points, vals]).round(4).tolist()

        payload = {
            "problem": p.problem,
            "classes": p.classes,
            "domain": list(p.domain),
            "axes": list(p.axes),
            "grid": GRID,
            "thumb_size": GRID // THUMB_STEP,
            "train": pts(p.p_train, p.y_train),
            "test": pts(p.p_test, p.y_test),
            "layer_sizes": [self.n_in, *self.config.layers, self.n_out],
            "loss": self.loss_name,
            "output_activation": self.output_activation,
            "upload": p.upload,
            "notes": p.notes,
            **input_pictures(self.points, self.config.features, self._grid),
        }
        if p.rows_train is not None and p.rows_test is not None:
            payload["rows"] = {"train": p.rows_train.tolist(), "test": p.rows_test.tolist()}
        return payload

    # -- inspection -------------------------------------------------------------------------------------
    def sample(self, split: str, index: int) -> tuple[np.ndarray, np.ndarray]:
        if split not in ("train", "test"):
            raise PlaygroundError(f"split must be 'train' or 'test', got {split!r}")
        X, y = (self.X_train, self.y_train) if split == "train" else (self.X_test, self.y_test)
        if not 0 <= index < len(X):
            raise PlaygroundError(f"sample index must be between 0 and {len(X) - 1}, got {index}")
        return X[index : index + 1], y[index : index + 1]

    def trace(self, split: str, index: int, weight: tuple[int, int, int] | None = None) -> dict[str, Any]:
        """One forward and backward pass of one sample, every quantity shown (:func:`lucidnet.trace.trace`).

        ``trace`` is ``Trace.to_dict()``: per Dense layer ``x``, ``net``, ``o``, ``delta``, ``W``, ``b``,
        ``grad_W``, ``grad_b``, ``update_W``, ``update_b`` (rows: the one sample). ``text`` is the pass
        written out in the lessons' notation, with the chain rule of ``weight`` = (ℓ, i, j) when given
        (counting from 1, i = 0 for the bias). No weight changes.
        """
        from lucidnet.trace import trace

        X, y = self.sample(split, index)
        with self.lock:
            t = trace(self.network, X, y, self.config.lr)
        try:
            text = t.to_text(0, weight)
        except (TypeError, ValueError) as e:
            raise PlaygroundError(str(e)) from None
        return {
            "split": split,
            "index": index,
            "features": list(self.points.input_names),
            "trace": t.to_dict(),
            "text": text,
        }

    def __repr__(self) -> str:
        sizes = " → ".join(str(n) for n in (self.n_in, *self.config.layers, self.n_out))
        return f"Session({self.config.dataset}, {sizes}, epoch {self.epoch})"
