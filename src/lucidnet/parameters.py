"""θ, every parameter of a network in one vector, and ∂E/∂θ laid out the same way: :class:`Parameters`.

θ = (W¹, b¹, W², b², …): each Dense layer's W and b are views of slices of ``vector``, and its backward writes
grad_W and grad_b into the same slices of ``grad`` (as PyTorch fills ``.grad``). The layout is lucidnet's one
speed trick for small networks: an optimizer that keeps no per-parameter state (plain SGD, with or without
weight decay) then updates the whole network with one NumPy call on two vectors instead of one per array, and on
the lessons' networks, whose arrays hold a few dozen numbers, the cost of a step is mostly the cost of each
NumPy call. Everything that knows about the layout is here; the rest of lucidnet sees ``parameters()`` and
``gradients()`` lists.

Copies keep the layout: ``copy.deepcopy`` and pickle give the copy's layers arrays of their own, which
:meth:`Parameters.__setstate__` lays out in a vector of the copy's own (otherwise the copy's W would be views
no more, and a one-call update would change a vector no layer reads).

>>> import numpy as np
>>> from lucidnet.layers import Dense
>>> layer = Dense(2, 1, init=np.array([[1.0], [2.0]]), bias_init=0.5)
>>> theta = Parameters([layer], np.dtype(np.float64))
>>> theta.vector.tolist(), theta.names
([1.0, 2.0, 0.5], ['W1', 'b1'])
>>> layer.W[0, 0] = 7.0; theta.vector[0]
np.float64(7.0)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .layers import Dense
    from .optimizers import Optimizer

__all__ = ["Parameters"]


class Parameters:
    """The parameters of a list of Dense layers as views of one vector θ, and their gradients of ∂E/∂θ.

    Parameters
    ----------
    layers : sequence of Dense
        Their current W and b are copied into the vector (values unchanged) and replaced by views of it.
    dtype : numpy dtype

    Attributes
    ----------
    vector : ndarray (P,)
        θ, P = the number of parameters.
    grad : ndarray (P,)
        ∂E/∂θ from the last backward pass (zeros before it).
    names : list of str
        "W1", "b1", "W2", … aligned with :meth:`arrays`.
    """

    def __init__(self, layers: Sequence[Dense], dtype: np.dtype) -> None:
        self.layers = list(layers)
        self.dtype = np.dtype(dtype)
        self._pack()

    def _pack(self) -> None:
        total = sum(p.size for layer in self.layers for p in layer.parameters())
        self.vector = np.empty(total, dtype=self.dtype)
        self.grad = np.zeros(total, dtype=self.dtype)
        offset = 0
        for layer in self.layers:
            offset = layer.place(self.vector, self.grad, offset)
        self._views = self.arrays()
        self.names = [f"{kind}{i}" for i, layer in enumerate(self.layers, start=1)
                      for kind in (("W", "b") if layer.b is not None else ("W",))]

    def arrays(self) -> list[np.ndarray]:
        """The live parameter arrays W1, b1, W2, b2, … (absent biases skipped)."""
        return [p for layer in self.layers for p in layer.parameters()]

    def gradients(self) -> list[np.ndarray]:
        """grad_W1, grad_b1, … from the last backward pass, aligned with :meth:`arrays`."""
        return [g for layer in self.layers for g in layer.gradients()]

    @property
    def size(self) -> int:
        """P, the number of parameters."""
        return int(self.vector.size)

    def intact(self) -> bool:
        """Whether every parameter still is its view of θ (False once a layer has been re-initialised, say by
        joining another network)."""
        params = self.arrays()
        return len(params) == len(self._views) and all(
            p is q and p.base is self.vector for p, q in zip(params, self._views))

    def stepper(self, optimizer: Optimizer) -> Callable[[], None]:
        """A function that makes one update θ ← optimizer(θ, ∂E/∂θ) each time it is called: on the whole vector
        when the optimizer keeps no per-parameter state and the layout is intact (one call), else array by array
        (the optimizer's state is kept per array). The choice is made once, here: on the lessons' networks the
        check costs as much as a step, so a trainer asks for a stepper once per ``fit``."""
        if optimizer.has_state() or not self.intact():
            params = self.arrays()
            return lambda: optimizer.step(params, self.gradients())
        return functools.partial(optimizer.step, [self.vector], [self.grad])  # no Python frame of its own

    def keeper(self) -> Keeper:
        """A :class:`Keeper` of copies of θ: ``save()`` copies the current values, ``restore()`` puts the last copy
        back. Like :meth:`stepper`, it decides once how (one vector copy while the layout is intact)."""
        return Keeper(self)

    def __getstate__(self) -> dict[str, Any]:
        return {"layers": self.layers, "dtype": self.dtype}

    def __setstate__(self, state: dict[str, Any]) -> None:
        # pickle and deepcopy restore the layers (their own arrays) before this object: lay them out anew
        self.layers, self.dtype = state["layers"], state["dtype"]
        self._pack()

    def __repr__(self) -> str:
        return f"Parameters({', '.join(self.names)}: {self.size} in one {self.dtype} vector)"


class Keeper:
    """Copies of a network's parameters to go back to: ``save()`` and ``restore()`` (see :meth:`Parameters.keeper`).

    A trainer saves at every best epoch: on the lessons' networks one ``np.copyto`` of θ costs a fraction of a
    microsecond, where a copy per array would cost a noticeable part of a step.
    """

    def __init__(self, params: Parameters) -> None:
        self.params = params
        self.flat = params.intact()
        self.saved: Any = None
        if self.flat:  # one C call, no Python frame: this runs at every best epoch of every fit
            self.saved = params.vector.copy()
            self.save: Callable[[], None] = functools.partial(np.copyto, self.saved, params.vector)
        else:
            self.save = self._save_arrays
        self.save()

    def _save_arrays(self) -> None:
        """Copy the current values, array by array (the layout is not intact)."""
        self.saved = [p.copy() for p in self.params.arrays()]

    def restore(self) -> None:
        """Put the last saved values back (in place: the arrays stay the same objects)."""
        if self.flat:
            self.params.vector[...] = self.saved
        else:
            for p, q in zip(self.params.arrays(), self.saved):
                p[...] = q
