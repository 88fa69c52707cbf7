"""What a task asks of the output layer and the loss, and a network built from sizes: one policy for everyone.

========================  ===================  ==============  ================  ==========================
task                      output units         activation      loss              targets the network sees
========================  ===================  ==============  ================  ==========================
binary (2 classes)        1                    sigmoid         bce               (n, 1) of 0 and 1
multi-class (K classes)   K                    softmax         cross_entropy     class indices (n,)
multi-label (m labels)    m                    sigmoid         bce               (n, m) of 0 and 1
regression (m values)     m                    identity        mse               (n, m) values
========================  ===================  ==============  ================  ==========================

A binary problem gets one sigmoid unit, as in the lessons' 2-2-1 network and scikit-learn's MLP: o is P(class 1).
An output activation or a loss chosen by the user is kept (a loss alone brings the activation it fuses with:
bce sigmoid units, one per class beyond two); a choice that needs one unit per class (softmax, cross_entropy:
``one_unit_per_class`` on their classes) gives two units for two classes. The CLI, the playground
and the scikit-learn estimators all ask :func:`head_for`, and build with :func:`build_network`.

>>> head_for("classification", 2)
Head(binary: 1 × sigmoid, loss bce)
>>> head_for("classification", 3).encode(np.array([2, 0]))
array([2, 0])
>>> build_network(4, [8], head_for("regression", 1), seed=0)
Network(4 → 8 → 1, loss=mse, dtype=float64)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .activations import Activation, get_activation
from .checks import check_int
from .layers import Dense, Dropout, Layer
from .losses import Loss, get_loss, one_hot
from .network import Network

__all__ = ["KINDS", "Head", "build_network", "head_for", "head_of"]

#: the kinds of head, by task
KINDS = ("binary", "multiclass", "multilabel", "regression")


@dataclass(frozen=True)
class Head:
    """The output layer and loss a task asks for.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    n_out : int
        Output units.
    activation : Activation
        φ of the output layer.
    loss : Loss
    """

    kind: str
    n_out: int
    activation: Activation
    loss: Loss

    def encode(self, y: Any) -> np.ndarray:
        """Targets as this head's network learns them: ``y`` is class indices (n,) for binary and multi-class
        heads, 0/1 rows (n, m) for multi-label, values (n,) or (n, m) for regression.

        Returns (n, 1) floats for a one-unit binary head, the indices themselves where the loss takes them
        (cross_entropy), one-hot rows (n, K) for another loss, and (n, m) floats otherwise.
        """
        arr = np.asarray(y)
        if self.kind in ("binary", "multiclass"):
            idx = arr.astype(np.int64).ravel()
            if self.n_out == 1:
                return idx.astype(np.float64).reshape(-1, 1)
            return idx if self.loss.one_unit_per_class else one_hot(idx, self.n_out)
        values = arr.astype(np.float64)
        return values.reshape(len(values), -1)

    def __repr__(self) -> str:
        act = self.activation.name if not self.activation.params() else repr(self.activation)
        return f"Head({self.kind}: {self.n_out} × {act}, loss {self.loss.name})"


def head_for(task: str, n: int, activation: Any = None, loss: Any = None) -> Head:
    """The head for ``task`` with ``n`` classes (classification), labels (multilabel) or target columns
    (regression); ``activation`` and ``loss`` override the defaults of the table above.

    Parameters
    ----------
    task : "classification", "multilabel" or "regression"
    n : int
        Classes (>= 2), labels or target columns (>= 1).
    activation, loss : registry names, config dicts, objects or None

    Raises
    ------
    ValueError
        An unknown task, too few classes, or a loss that does not suit the task (``Loss.tasks``).
    """
    if task not in ("classification", "multilabel", "regression"):
        raise ValueError(f"task must be 'classification', 'multilabel' or 'regression', got {task!r}")
    n = check_int("the number of classes" if task == "classification" else "the number of outputs", n,
                  minimum=2 if task == "classification" else 1)
    fn = get_loss(loss) if loss is not None else None
    if activation is None and fn is not None and fn.fused_activation is not None:
        activation = fn.fused_activation()  # bce -> sigmoid units, cross_entropy -> softmax
    act = get_activation(activation) if activation is not None else None
    if task == "regression":
        kind, default_act, default_loss, n_out = "regression", "identity", "mse", n
    elif task == "multilabel":
        kind, default_act, default_loss, n_out = "multilabel", "sigmoid", "bce", n
    else:
        kind = "binary" if n == 2 else "multiclass"
        per_class = (act is not None and act.one_unit_per_class) or (fn is not None and fn.one_unit_per_class)
        one_unit = kind == "binary" and not per_class and (act is None or act.elementwise)
        n_out = 1 if one_unit else n
        default_act, default_loss = ("sigmoid", "bce") if one_unit else ("softmax", "cross_entropy")
    act = act if act is not None else get_activation(default_act)
    fn = fn if fn is not None else get_loss(default_loss)
    task_of_loss = "regression" if kind == "regression" else "classification"
    if task_of_loss not in fn.tasks:
        raise ValueError(f"loss {fn.name!r} suits {' and '.join(fn.tasks)} only, not {task_of_loss}")
    return Head(kind, n_out, act, fn)


def build_network(n_in: int, hidden: Sequence[int], head: Head, activation: Any = "relu", *,
                  dropout: float | Sequence[float] = 0.0, init: Any = "glorot_uniform", dtype: Any = "float64",
                  seed: int | np.random.Generator | None = None, l1: float = 0.0, l2: float = 0.0) -> Network:
    """n_in → hidden[0] → … → head.n_out: Dense layers, ``activation`` on the hidden ones, the head's on the
    output layer, the head's loss.

    Parameters
    ----------
    n_in : int
        Input features.
    hidden : sequence of int
        Hidden layer sizes (empty: no hidden layer, a linear or logistic model).
    head : Head
    activation : name, config, object, or a sequence of them (one per hidden layer)
    dropout : float or sequence of float
        Inverted-dropout probability after each hidden layer (0: none).
    init : str or Initializer
        Weight initializer of every Dense layer.
    dtype, seed, l1, l2
        As in :class:`~lucidnet.network.Network`.
    """
    sizes = [check_int("n_in", n_in), *(check_int("a hidden layer size", h) for h in hidden)]
    acts = _per_layer("activation", activation, len(hidden))
    drops = _per_layer("dropout", dropout, len(hidden))
    layers: list[Layer] = []
    for (a, b), act, p in zip(zip(sizes, sizes[1:]), acts, drops):
        layers.append(Dense(a, b, activation=act, init=init))
        if p:
            layers.append(Dropout(p))
    layers.append(Dense(sizes[-1], head.n_out, activation=head.activation, init=init))
    return Network(layers, loss=head.loss, dtype=dtype, seed=seed, l1=l1, l2=l2)


def _per_layer(what: str, value: Any, n: int) -> list[Any]:
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{what} has {len(value)} entries for {n} hidden layers; give one per layer")
        return list(value)
    return [value] * n


def head_of(network: Network, kind: str) -> Head:
    """The head of a network that exists (loaded from a file, say): its output units, activation and loss, with
    the ``kind`` its preprocessing says (one of :data:`KINDS`). Files of lucidnet 0.1 gave two classes two
    softmax units; their head says so, and encodes targets for them."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    return Head(kind, network.n_out, network.output_layer.activation, network.loss_fn)
