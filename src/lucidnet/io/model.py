"""A trained network with what it needs to answer in the user's units: :class:`ModelBundle`.

A bundle holds a network with its :class:`~lucidnet.data.Preprocessing` (the standardizers and class labels
that turn raw user data into network inputs and outputs back into answers), its training history and options,
as :func:`lucidnet.io.load_model` returns it. It lives in memory only: :mod:`lucidnet.io.model_file` writes
and reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..activations import Sigmoid
from ..data.preprocessing import Preprocessing
from ..display.model import bundle_html

__all__ = ["ModelBundle"]

@dataclass
class ModelBundle:
    """A trained network with what it needs to answer in the user's units.

    Attributes
    ----------
    network : Network
    preprocessing : Preprocessing
    history : dict or None
        ``History.to_dict()`` of the run that made it.
    options : dict or None
        The training options (optimizer, epochs, batch size, seed, …).
    metadata : dict
        The whole ``lucidnet`` metadata object as read from the file.
    """

    network: Any
    preprocessing: Preprocessing = field(default_factory=Preprocessing)
    history: dict[str, Any] | None = None
    options: dict[str, Any] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"ModelBundle({self.network!r}, {self.preprocessing!r})"

    def _repr_html_(self) -> str:
        return str(bundle_html(self))

    @property
    def n_features(self) -> int:
        return int(self.network.n_in)

    def predict_raw(self, X: np.ndarray) -> np.ndarray:
        """o = network(x'), shape (n, n_out): probabilities for softmax/sigmoid outputs, scaled values else."""
        return np.asarray(self.network.predict(self.preprocessing.transform_X(X, self.network.dtype)))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Answers for raw X (n, n_in): class labels as in the training data, or values in the target's units."""
        return self.preprocessing.decode(self.predict_raw(X))

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """P(class | x), shape (n, n_classes); a single sigmoid output gives columns (σ(−net), o = σ(net)).

        1 − o would lose P(class 0)'s digits where o is near 1 (in float32 all of them once o rounds to 1);
        σ(−net) is the same number computed from the logit, exact to the dtype's precision."""
        o = self.predict_raw(X)
        if o.shape[1] != 1:
            return o
        out = self.network.output_layer
        p0 = out.activation.forward(-out.net) if isinstance(out.activation, Sigmoid) else 1 - o
        return np.hstack([p0, o])
