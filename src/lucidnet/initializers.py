"""Weight initializers: how W (n_in, n_out) and b (n_out,) are drawn before training.

Every draw comes from the generator the network passes in (``Network(seed=...)``), never from global state,
so the same seed gives bit-identical weights. Each initializer also says how it sets the biases: zero for the
modern schemes, drawn for the two classic ones the lessons use (``normal``: N(0, 1) like the seeds and
Nielsen's network.py; ``uniform``: PyTorch's ``nn.Linear`` default) and for scikit-learn's MLP scheme
(``mlp_uniform``).

======================  ===============================  ==========================
name                    W                                b
======================  ===============================  ==========================
zeros                   0                                0
normal                  N(0, 1)                          N(0, 1)
uniform                 U(−1/√n_in, 1/√n_in)             U(−1/√n_in, 1/√n_in)
glorot_uniform          U(±√(6/(n_in + n_out)))          0
glorot_normal           N(0, 2/(n_in + n_out))           0
he_uniform              U(±√(6/n_in))                    0
he_normal               N(0, 2/n_in)                     0
lecun                   N(0, 1/n_in)  (Nielsen's)        0
mlp_uniform             U(±√(f/(n_in + n_out))), f = 6   U(±√(f/(n_in + n_out)))
======================  ===============================  ==========================

>>> import numpy as np
>>> INITIALIZERS["glorot_uniform"]().weights((3, 2), np.random.default_rng(0), np.float64).shape
(3, 2)
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from .checks import unknown_name


class Initializer:
    """Base class: ``weights(shape, rng, dtype)`` for W and ``bias(n_in, n_out, rng, dtype)`` for b."""

    name: ClassVar[str] = ""

    def weights(self, shape: tuple[int, int], rng: np.random.Generator, dtype: Any) -> np.ndarray:
        """W of ``shape`` = (n_in, n_out), drawn from ``rng``."""
        raise NotImplementedError

    def bias(self, n_in: int, n_out: int, rng: np.random.Generator, dtype: Any) -> np.ndarray:
        """b of shape (n_out,); zero unless the scheme draws it."""
        return np.zeros(n_out, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name}

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _uniform(rng: np.random.Generator, limit: float, shape: Any, dtype: Any) -> np.ndarray:
    return rng.uniform(-limit, limit, size=shape).astype(dtype, copy=False)


def _normal(rng: np.random.Generator, std: float, shape: Any, dtype: Any) -> np.ndarray:
    return (rng.standard_normal(size=shape) * std).astype(dtype, copy=False)


class Zeros(Initializer):
    """W = 0, b = 0 (every hidden unit then learns the same thing: for demonstrations)."""

    name = "zeros"

    def weights(self, shape, rng, dtype):
        return np.zeros(shape, dtype=dtype)


class Normal(Initializer):
    """W ~ N(0, 1), b ~ N(0, 1): the lessons' and Nielsen's network.py initialisation."""

    name = "normal"

    def weights(self, shape, rng, dtype):
        return _normal(rng, 1.0, shape, dtype)

    def bias(self, n_in, n_out, rng, dtype):
        return _normal(rng, 1.0, n_out, dtype)


class Uniform(Initializer):
    """W, b ~ U(−1/√n_in, 1/√n_in): PyTorch's ``nn.Linear`` default."""

    name = "uniform"

    def weights(self, shape, rng, dtype):
        return _uniform(rng, 1 / math.sqrt(shape[0]), shape, dtype)

    def bias(self, n_in, n_out, rng, dtype):
        return _uniform(rng, 1 / math.sqrt(n_in), n_out, dtype)


class GlorotUniform(Initializer):
    """W ~ U(−a, a), a = √(6/(n_in + n_out))  (Glorot & Bengio 2010); b = 0."""

    name = "glorot_uniform"

    def weights(self, shape, rng, dtype):
        return _uniform(rng, math.sqrt(6 / (shape[0] + shape[1])), shape, dtype)


class GlorotNormal(Initializer):
    """W ~ N(0, 2/(n_in + n_out)); b = 0."""

    name = "glorot_normal"

    def weights(self, shape, rng, dtype):
        return _normal(rng, math.sqrt(2 / (shape[0] + shape[1])), shape, dtype)


class HeUniform(Initializer):
    """W ~ U(−a, a), a = √(6/n_in)  (He et al. 2015, for ReLU); b = 0."""

    name = "he_uniform"

    def weights(self, shape, rng, dtype):
        return _uniform(rng, math.sqrt(6 / shape[0]), shape, dtype)


class HeNormal(Initializer):
    """W ~ N(0, 2/n_in); b = 0."""

    name = "he_normal"

    def weights(self, shape, rng, dtype):
        return _normal(rng, math.sqrt(2 / shape[0]), shape, dtype)


class LeCun(Initializer):
    """W ~ N(0, 1/n_in)  (LeCun 1998; Nielsen's network2 default); b = 0."""

    name = "lecun"

    def weights(self, shape, rng, dtype):
        return _normal(rng, 1 / math.sqrt(shape[0]), shape, dtype)


class MLPUniform(Initializer):
    """W ~ U(−a, a) and b ~ U(−a, a), a = √(f/(n_in + n_out)): scikit-learn's MLP initialisation.

    f = 6 is Glorot's bound (``glorot_uniform``'s W, but with the biases drawn from the same range instead of
    0); scikit-learn's ``MLPClassifier``/``MLPRegressor`` take f = 2 when their hidden activation is
    "logistic". W is drawn before b, each with one ``rng.uniform`` call, as scikit-learn does, so a generator
    in the state of scikit-learn's ``RandomState`` gives its numbers.
    """

    name = "mlp_uniform"

    def __init__(self, factor: float = 6.0) -> None:
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not factor > 0:
            raise ValueError(f"mlp_uniform factor must be a number > 0, got {factor!r}")
        self.factor = float(factor)

    def _limit(self, n_in: int, n_out: int) -> float:
        return math.sqrt(self.factor / (n_in + n_out))

    def weights(self, shape, rng, dtype):
        return _uniform(rng, self._limit(*shape), shape, dtype)

    def bias(self, n_in, n_out, rng, dtype):
        return _uniform(rng, self._limit(n_in, n_out), n_out, dtype)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "factor": self.factor}

    def __repr__(self) -> str:
        return f"MLPUniform(factor={self.factor:g})"


#: name -> class; every initializer lucidnet knows
INITIALIZERS: dict[str, type[Initializer]] = {
    cls.name: cls
    for cls in (Zeros, Normal, Uniform, GlorotUniform, GlorotNormal, HeUniform, HeNormal, LeCun, MLPUniform)
}


def get_initializer(spec: str | Initializer) -> Initializer:
    """Return an initializer object from a registry name or an object (returned as is)."""
    if isinstance(spec, Initializer):
        return spec
    if isinstance(spec, str):
        if spec not in INITIALIZERS:
            raise unknown_name("initializer", spec, INITIALIZERS)
        return INITIALIZERS[spec]()
    raise TypeError(f"init must be a registry name, an Initializer or an array, got {spec!r}")
