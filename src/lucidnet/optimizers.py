"""Optimizers: how parameters θ move given their gradients g = ∂E/∂θ.

Each follows PyTorch's update equations (``torch.optim``), so a trajectory can be compared step by step, and
keeps its own state (momentum buffers, moment estimates, step count) in lists aligned with the parameter list
it is given; pass the same optimizer to several ``fit`` calls to continue with that state. ``step(params,
grads)`` updates the arrays in place and leaves ``grads`` untouched.

``weight_decay`` λ adds λ·θ to g before the update (PyTorch's coupled L2). scikit-learn's MLP instead adds
its penalty α to the loss, scaled by 1/batch size: ``alpha`` ≈ λ·batch size.

>>> import numpy as np
>>> p, g = [np.array([1.0])], [np.array([0.5])]
>>> opt = SGD(lr=0.1)
>>> opt.step(p, g); p[0]
array([0.95])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .checks import check_positive
from .registry import Configurable, from_spec


class Optimizer(Configurable):
    """Base class. Subclasses implement ``_update(i, p, g)`` for parameter i."""

    #: names of the per-parameter state buffers
    _buffers: tuple[str, ...] = ()
    #: the buffers the update keeps ≥ 0 (sums and running averages of g²); checked when a state is loaded
    nonnegative: tuple[str, ...] = ()

    def __init__(self, lr: float) -> None:
        self.lr = lr
        self.t = 0  # number of steps taken
        self.state: dict[str, list[np.ndarray]] = {}

    @property
    def lr(self) -> float:
        """η, the learning rate (schedules change it between epochs)."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = check_positive("learning rate", value)
        self._eta_arrays: dict[np.dtype, np.ndarray] = {}  # see _eta

    def _eta(self, dtype: np.dtype) -> np.ndarray:
        """η as a 0-d array of ``dtype``, kept until η changes: NumPy converts a Python float operand anew on
        every call, which on a small array costs as much as the multiplication."""
        eta = self._eta_arrays.get(dtype)
        if eta is None:
            eta = self._eta_arrays[dtype] = np.array(self._lr, dtype=dtype)
        return eta

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        """One update of every θ_i in ``params`` (in place) from g_i in ``grads``."""
        if self._buffers and not self.state:
            self.state = {name: [np.zeros_like(p) for p in params] for name in self._buffers}
        self.t += 1
        for i, (p, g) in enumerate(zip(params, grads)):
            self._update(i, p, g)

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError

    def has_state(self) -> bool:
        """Whether the update keeps per-parameter state. One without state updates each element from its own
        θ and g alone, so it may be given all parameters as one vector (``fit`` does)."""
        return bool(self._buffers)

    def reset(self) -> None:
        """Forget the state (buffers and step count)."""
        self.t = 0
        self.state = {}

    def params(self) -> dict[str, Any]:
        return {"lr": self.lr}

    def state_dict(self) -> dict[str, Any]:
        """The state as ``{"t": int, "buffers": {name: [arrays]}}`` (copies), for checkpoints."""
        return {"t": self.t, "buffers": {k: [a.copy() for a in v] for k, v in self.state.items()}}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned."""
        buffers = state.get("buffers", {})
        unknown = set(buffers) - set(self._buffers)
        if unknown:
            raise ValueError(f"{self.name} has no state {sorted(unknown)}; it keeps {list(self._buffers)}")
        self.t = int(state.get("t", 0))
        self.state = {k: [np.array(a) for a in v] for k, v in buffers.items()}

    def check_state(self, state: Any, params: Sequence[np.ndarray]) -> None:
        """ValueError unless ``state`` is a ``state_dict()`` this optimizer could have made for ``params``.

        That is ``{"t": int ≥ 0, "buffers": {…}}`` with the buffers either absent (no step yet) or exactly the
        ones this optimizer keeps, each a list of one finite array per parameter, of its shape and dtype, ≥ 0
        where the update keeps it so (Adam's v, RMSprop's square_avg, Adagrad's sum). A checkpoint's state is
        checked so before ``load_state_dict``.
        """
        if not isinstance(state, dict) or set(state) - {"t", "buffers"}:
            raise ValueError(f"{self.name} state must be {{'t': steps, 'buffers': {{…}}}}, got {str(state)[:60]}")
        t, buffers = state.get("t", 0), state.get("buffers", {})
        if isinstance(t, bool) or not isinstance(t, int) or not 0 <= t < 2**63:
            raise ValueError(f"{self.name} step count t must be an integer >= 0, got {t!r}")
        if not isinstance(buffers, dict) or (buffers and set(buffers) != set(self._buffers)):
            keeps = list(self._buffers)
            got = sorted(buffers) if isinstance(buffers, dict) else type(buffers).__name__
            raise ValueError(f"{self.name} keeps the state buffers {keeps}, got {got}")
        for name, arrays in buffers.items():
            if not isinstance(arrays, list) or len(arrays) != len(params):
                n = len(arrays) if isinstance(arrays, list) else type(arrays).__name__
                raise ValueError(f"{self.name} state {name!r} needs {len(params)} arrays (one per parameter), got {n}")
            for j, (a, p) in enumerate(zip(arrays, params)):
                if not isinstance(a, np.ndarray) or a.shape != p.shape or a.dtype != p.dtype:
                    got = f"{a.dtype} {a.shape}" if isinstance(a, np.ndarray) else type(a).__name__
                    raise ValueError(f"{self.name} state {name}[{j}] must be {p.dtype} of shape {p.shape}, got {got}")
                if not np.isfinite(a).all():
                    raise ValueError(f"{self.name} state {name}[{j}] contains NaN or infinity")
                if name in self.nonnegative and (a < 0).any():
                    raise ValueError(f"{self.name} state {name}[{j}] has negative entries; it is a sum of squares")



class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum μ and Nesterov's variant (``torch.optim.SGD``).

    g ← g + λθ;  b ← g at the first step, else μb + g;  g ← g + μb (Nesterov) or b;  θ ← θ − ηg.
    With μ = 0 this is the lessons' rule θ ← θ − η·∂E/∂θ. (scikit-learn's MLP applies momentum to the
    update η·g instead of g; the two agree while η is constant.)
    """

    name = "sgd"
    _buffers: tuple[str, ...] = ("momentum",)

    def __init__(self, lr: float = 0.1, momentum: float = 0.0, nesterov: bool = False, weight_decay: float = 0.0):
        super().__init__(lr)
        self.momentum = check_positive("momentum", momentum, allow_zero=True)
        self.nesterov = bool(nesterov)
        self.weight_decay = check_positive("weight_decay", weight_decay, allow_zero=True)
        if self.nesterov and self.momentum == 0:
            raise ValueError("nesterov=True needs momentum > 0")
        if self.momentum == 0:
            self._buffers = ()

    def params(self):
        return {"lr": self.lr, "momentum": self.momentum, "nesterov": self.nesterov, "weight_decay": self.weight_decay}

    def step(self, params: Sequence[np.ndarray], grads: Sequence[np.ndarray]) -> None:
        if self.weight_decay or self.momentum:
            super().step(params, grads)
            return
        # plain SGD, the lessons' rule θ ← θ − η·g: on tiny networks the per-parameter dispatch of
        # Optimizer.step would cost as much as the update itself
        self.t += 1
        for p, g in zip(params, grads):
            p -= self._eta(p.dtype) * g

    def _update(self, i, p, g):
        if self.weight_decay:
            g = g + self.weight_decay * p
        if self.momentum:
            b = self.state["momentum"][i]
            if self.t == 1:
                b[...] = g
            else:
                b *= self.momentum
                b += g
            g = g + self.momentum * b if self.nesterov else b
        p -= self._eta(p.dtype) * g


class Adam(Optimizer):
    """Adam (``torch.optim.Adam``): with t the step count,

    g ← g + λθ;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − η·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε).
    """

    name = "adam"
    _buffers = ("m", "v")
    nonnegative = ("v",)

    def __init__(self, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0):
        super().__init__(lr)
        try:
            b1, b2 = (float(b) for b in betas)  # a list from a JSON config is fine
        except (TypeError, ValueError):
            raise ValueError(f"Adam betas must be two numbers (beta_1, beta_2), got {betas!r}") from None
        for name, b in (("beta_1", b1), ("beta_2", b2)):
            if not 0 <= b < 1:
                raise ValueError(f"Adam {name} must be in [0, 1), got {b}")
        self.betas = (float(b1), float(b2))
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_positive("weight_decay", weight_decay, allow_zero=True)

    def params(self):
        return {"lr": self.lr, "betas": self.betas, "eps": self.eps, "weight_decay": self.weight_decay}

    def _update(self, i, p, g):
        b1, b2 = self.betas
        if self.weight_decay:
            g = g + self.weight_decay * p
        m, v = self.state["m"][i], self.state["v"][i]
        m += (1 - b1) * (g - m)
        v *= b2
        v += (1 - b2) * (g * g)
        denom = np.sqrt(v) / math.sqrt(1 - b2**self.t)
        denom += self.eps
        p -= (self.lr / (1 - b1**self.t)) * (m / denom)


class RMSprop(Optimizer):
    """RMSprop (``torch.optim.RMSprop``, not centred):

    g ← g + λθ;  s ← αs + (1−α)g²;  u = g/(√s + ε);  with momentum μ: b ← μb + u, θ ← θ − ηb;  else θ ← θ − ηu.
    """

    name = "rmsprop"
    _buffers: tuple[str, ...] = ("square_avg", "momentum")
    nonnegative = ("square_avg",)

    def __init__(self, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8, momentum: float = 0.0,
                 weight_decay: float = 0.0):
        super().__init__(lr)
        if not 0 <= alpha < 1:
            raise ValueError(f"RMSprop alpha must be in [0, 1), got {alpha}")
        self.alpha = float(alpha)
        self.eps = check_positive("eps", eps)
        self.momentum = check_positive("momentum", momentum, allow_zero=True)
        self.weight_decay = check_positive("weight_decay", weight_decay, allow_zero=True)
        if self.momentum == 0:
            self._buffers = ("square_avg",)

    def params(self):
        return {"lr": self.lr, "alpha": self.alpha, "eps": self.eps, "momentum": self.momentum,
                "weight_decay": self.weight_decay}

    def _update(self, i, p, g):
        if self.weight_decay:
            g = g + self.weight_decay * p
        s = self.state["square_avg"][i]
        s *= self.alpha
        s += (1 - self.alpha) * (g * g)
        u = g / (np.sqrt(s) + self.eps)
        if self.momentum:
            b = self.state["momentum"][i]
            b *= self.momentum
            b += u
            u = b
        p -= self.lr * u


class Adagrad(Optimizer):
    """Adagrad (``torch.optim.Adagrad``, no learning-rate decay):  g ← g + λθ;  s ← s + g²;  θ ← θ − η·g/(√s + ε)."""

    name = "adagrad"
    _buffers = ("sum",)
    nonnegative = ("sum",)

    def __init__(self, lr: float = 1e-2, eps: float = 1e-10, weight_decay: float = 0.0):
        super().__init__(lr)
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_positive("weight_decay", weight_decay, allow_zero=True)

    def params(self):
        return {"lr": self.lr, "eps": self.eps, "weight_decay": self.weight_decay}

    def _update(self, i, p, g):
        if self.weight_decay:
            g = g + self.weight_decay * p
        s = self.state["sum"][i]
        s += g * g
        p -= self.lr * (g / (np.sqrt(s) + self.eps))


#: name -> class; every optimizer lucidnet knows
OPTIMIZERS: dict[str, type[Optimizer]] = {cls.name: cls for cls in (SGD, Adam, RMSprop, Adagrad)}


def get_optimizer(spec: str | dict[str, Any] | Optimizer) -> Optimizer:
    """Return an optimizer from a registry name (default settings), a ``get_config()`` dict or an object."""
    return from_spec("optimizer", spec, OPTIMIZERS, Optimizer)
