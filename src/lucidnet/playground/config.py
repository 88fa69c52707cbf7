"""The playground's configuration: one JSON object (the page's whole state), validated against server limits.

The same object is what the page keeps in its URL, what ``POST /api/train`` receives, and what
:func:`to_toml` turns into a configuration file for ``lucidnet train --config``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from lucidnet.activations import ACTIVATIONS
from lucidnet.losses import LOSSES
from lucidnet.optimizers import OPTIMIZERS
from lucidnet.playground.features import validate_features

UPLOAD = "upload"
_LABELS = {"xor2d": "Exclusive or", "gauss": "Gaussian", "multi_gaussian": "Multi-Gaussian"}


@lru_cache(maxsize=1)
def builtin_datasets() -> dict[str, tuple[str, str]]:
    """The 2-D generators of :mod:`lucidnet.data.datasets`: name -> (task, label on the page)."""
    from lucidnet.data import datasets

    return {
        name: (datasets.load(name, n=4, seed=0).task, _LABELS.get(name, name.replace("_", " ").capitalize()))
        for name in datasets.GENERATORS
    }


def losses_for(task: str) -> tuple[str, ...]:
    """The losses of the registry that suit ``task`` ("classification" or "regression"; ``Loss.tasks``)."""
    return tuple(name for name, cls in LOSSES.items() if task in cls.tasks)


def hidden_activations() -> tuple[str, ...]:
    """Activations that map each net to its own o (``Activation.elementwise``), so every neuron has one
    thumbnail and one set of links: the hidden layers' choices, and the outputs' for regression."""
    return tuple(name for name, cls in ACTIVATIONS.items() if cls.elementwise)


class PlaygroundError(ValueError):
    """A request the playground refuses; ``status`` is the HTTP status code it answers with (4xx)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status

    def __repr__(self) -> str:
        return f"PlaygroundError({self.status}, {str(self)!r})"


@dataclass(frozen=True)
class Limits:
    """Server-side caps; each refusal is a 4xx JSON answer ``{"error": "..."}``.

    Work and memory are bounded by what they cost, not only by counts: a ``step`` request may ask for at most
    ``max_step_work`` units of epochs × (samples × parameters + (batches + 1) × BATCH_WORK) (see
    :meth:`~lucidnet.playground.session.Session.epoch_work`), and the uploads kept in memory hold at most
    ``max_upload_memory`` bytes, measured column by column (:func:`~lucidnet.playground.uploads.stored_bytes`).
    An upload feeds the network at most ``max_inputs`` inputs (a text column gives one per category).
    """

    max_layers: int = 8
    max_neurons: int = 16
    max_points: int = 5000
    max_columns: int = 1000
    max_inputs: int = 64
    max_upload_bytes: int = 2 * 1024 * 1024
    max_uploads: int = 16
    max_upload_memory: int = 64 * 1024 * 1024
    max_json_bytes: int = 64 * 1024
    max_sessions: int = 4
    max_epochs_per_frame: int = 100
    max_step_epochs: int = 1000
    max_step_work: int = 1_000_000_000

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class PlaygroundConfig:
    """Everything that defines a playground run, seed included; ``layers`` are the hidden layer sizes.

    A built-in data set feeds the network ``features`` of its two coordinates; an upload feeds it the columns
    ``inputs`` (as ``lucidnet train --features`` does: gaps filled, text one-hot, z-scores), of which ``x1`` and
    ``x2`` are the plot's axes, and learns ``target``.
    """

    dataset: str = "circle"
    noise: float = 0.0
    train_ratio: float = 50.0
    n_points: int = 500
    features: tuple[str, ...] = ("x1", "x2")
    layers: tuple[int, ...] = (4, 2)
    activations: tuple[str, ...] = ("tanh", "tanh")
    output_activation: str = "auto"
    loss: str = "auto"
    optimizer: str = "sgd"
    lr: float = 0.03
    batch_size: int = 10
    l1: float = 0.0
    l2: float = 0.0
    dropout: float = 0.0
    seed: int = 0
    epochs_per_frame: int = 1
    upload: str = ""
    inputs: tuple[str, ...] = ()
    x1: str = ""
    x2: str = ""
    target: str = ""
    problem: str = "auto"
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def test_fraction(self) -> float:
        """The share of the rows held out as test rows, 1 − train_ratio/100 to four places: the page's split and
        the exported TOML's ``validation_split`` (:func:`lucidnet.playground.data.held_out`)."""
        return round(1 - self.train_ratio / 100, 4)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("extra")
        d["features"] = list(self.features)
        d["layers"] = list(self.layers)
        d["activations"] = list(self.activations)
        d["inputs"] = list(self.inputs)
        return d


def _number(
    d: Mapping[str, Any], key: str, default: float, lo: float, hi: float, integer: bool = False
) -> Any:
    value = d.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PlaygroundError(f"{key} must be a number, got {value!r}")
    if not math.isfinite(value) or not lo <= value <= hi:  # before int(): int(nan) and int(inf) raise
        raise PlaygroundError(f"{key} must be between {lo:g} and {hi:g}, got {value!r}")
    if integer and value != int(value):
        raise PlaygroundError(f"{key} must be a whole number, got {value!r}")
    return int(value) if integer else float(value)


def _choice(d: Mapping[str, Any], key: str, default: str, valid: tuple[str, ...] | list[str]) -> str:
    value = d.get(key, default)
    if value not in valid:
        raise PlaygroundError(f"unknown {key} {value!r}; valid: {', '.join(valid)}")
    return str(value)


def parse_config(data: Any, limits: Limits | None = None) -> PlaygroundConfig:
    """Validate a JSON configuration object and fill in defaults; raises :class:`PlaygroundError` (400/413).
    Names are those of the registries (``optimizer``: :data:`~lucidnet.optimizers.OPTIMIZERS`).

    >>> parse_config({"dataset": "spiral", "layers": [8, 8]}).activations
    ('tanh', 'tanh')
    """
    limits = limits or Limits()
    if not isinstance(data, Mapping):
        raise PlaygroundError(f"the configuration must be a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - set(PlaygroundConfig.__dataclass_fields__) - {"extra", "replace"})
    if unknown:
        raise PlaygroundError(f"unknown configuration key {unknown[0]!r}")
    builtin = builtin_datasets()
    dataset = _choice(data, "dataset", "circle", [*builtin, UPLOAD])
    layers = _layers(data, limits)
    problem = (
        builtin[dataset][0]
        if dataset in builtin
        else _choice(data, "problem", "auto", ("auto", "classification", "regression"))
    )
    return PlaygroundConfig(
        dataset=dataset,
        noise=_number(data, "noise", 0, 0, 50),
        train_ratio=_number(data, "train_ratio", 50, 10, 90),
        n_points=_number(data, "n_points", 500, 20, limits.max_points, integer=True),
        features=_features(data),
        layers=layers,
        activations=_activations(data, len(layers)),
        output_activation=_output_activation(data),
        loss=_loss(data, problem),
        optimizer=_choice(data, "optimizer", "sgd", tuple(OPTIMIZERS)),
        lr=_number(data, "lr", 0.03, 1e-6, 10),
        batch_size=_number(data, "batch_size", 10, 1, limits.max_points, integer=True),
        l1=_number(data, "l1", 0, 0, 1),
        l2=_number(data, "l2", 0, 0, 1),
        dropout=_number(data, "dropout", 0, 0, 0.9),
        seed=_number(data, "seed", 0, 0, 2**32 - 1, integer=True),
        epochs_per_frame=_number(data, "epochs_per_frame", 1, 1, limits.max_epochs_per_frame, integer=True),
        problem=problem if dataset == UPLOAD else "auto",
        **(_upload_columns(data, limits) if dataset == UPLOAD else {}),
    )


def _layers(data: Mapping[str, Any], limits: Limits) -> tuple[int, ...]:
    """The hidden layer sizes: a list of whole numbers within the limits (413 beyond them)."""
    layers = data.get("layers", [4, 2])
    if not isinstance(layers, (list, tuple)) or any(
        isinstance(n, bool) or not isinstance(n, int) for n in layers
    ):
        raise PlaygroundError(f"layers must be a list of hidden layer sizes, e.g. [4, 2], got {layers!r}")
    if len(layers) > limits.max_layers:
        raise PlaygroundError(
            f"at most {limits.max_layers} hidden layers, got {len(layers)}; remove a layer", 413
        )
    for n in layers:
        if not 1 <= n <= limits.max_neurons:
            raise PlaygroundError(f"a hidden layer has 1 to {limits.max_neurons} neurons, got {n}", 413)
    return tuple(int(n) for n in layers)


def _activations(data: Mapping[str, Any], n_layers: int) -> tuple[str, ...]:
    """One activation per hidden layer (a single name stands for all), each elementwise (``hidden_activations``)."""
    activations = data.get("activations", ["tanh"] * n_layers)
    if isinstance(activations, str):
        activations = [activations] * n_layers
    if not isinstance(activations, (list, tuple)) or len(activations) != n_layers:
        raise PlaygroundError(
            f"activations must list one name per hidden layer ({n_layers}), got {activations!r}"
        )
    valid = hidden_activations()
    for a in activations:
        if a not in valid:
            raise PlaygroundError(f"unknown activation {a!r}; valid: {', '.join(valid)}")
    return tuple(str(a) for a in activations)


def _features(data: Mapping[str, Any]) -> tuple[str, ...]:
    """The built-in data sets' input features (x₁, x₂ and their transforms, :mod:`~.features`)."""
    try:
        return tuple(validate_features(data.get("features", ["x1", "x2"])))
    except (TypeError, ValueError) as e:
        raise PlaygroundError(str(e)) from None


def _output_activation(data: Mapping[str, Any]) -> str:
    output = data.get("output_activation", "auto")
    return "auto" if output == "auto" else _choice(data, "output_activation", "auto", hidden_activations())


def _loss(data: Mapping[str, Any], problem: str) -> str:
    """"auto" (the head's loss for the task) or a loss of the registry that suits the problem (``losses_for``)."""
    if data.get("loss", "auto") == "auto":
        return "auto"
    return _choice(data, "loss", "auto", losses_for("regression" if problem == "regression" else "classification"))


def _upload_columns(data: Mapping[str, Any], limits: Limits) -> dict[str, Any]:
    """An upload's id and column choices, checked for type; whether the file has them is checked against it
    (:func:`lucidnet.playground.data.upload_points`)."""
    upload = data.get("upload", "")
    if not isinstance(upload, str) or not upload:
        raise PlaygroundError("dataset 'upload' needs an upload id from POST /api/upload")
    columns = {k: data.get(k, "") for k in ("x1", "x2", "target")}
    for k, v in columns.items():
        if not isinstance(v, str):
            raise PlaygroundError(f"{k} must be a column name, got {v!r}")
    inputs = data.get("inputs", [])
    if not isinstance(inputs, (list, tuple)) or not all(isinstance(v, str) and v for v in inputs):
        raise PlaygroundError(f"inputs must be a list of column names, got {inputs!r}"[:300])
    if len(inputs) > limits.max_inputs:
        raise PlaygroundError(f"at most {limits.max_inputs} input columns, got {len(inputs)}", 413)
    if len(set(inputs)) != len(inputs):
        twice = next(v for v in inputs if inputs.count(v) > 1)
        raise PlaygroundError(f"input column {twice!r} is chosen twice")
    return {"upload": upload, "inputs": tuple(inputs), **columns}
