"""PyTorch in and out: ``to_torch(net) -> torch.nn.Sequential`` and ``from_torch(module) -> Network``.

A Dense layer is an ``nn.Linear`` followed by its activation's module (none for identity); Dropout is
``nn.Dropout``. **PyTorch's nn.Linear stores its weight as (out, in)** and computes x Wᵀ + b, lucidnet's Dense
stores W as (n_in, n_out) and computes x W + b, samples as rows in both: so ``linear.weight = W.T`` and
``W = linear.weight.T``; the biases are the same vector.

The activations of :data:`lucidnet.ACTIVATIONS` and their modules:

- identity: none (``nn.Identity`` is read as nothing); sigmoid: ``nn.Sigmoid``; tanh: ``nn.Tanh``; relu:
  ``nn.ReLU``; leaky_relu(α): ``nn.LeakyReLU(negative_slope=α)``; elu(α): ``nn.ELU(alpha=α)``; silu:
  ``nn.SiLU``; softmax: ``nn.Softmax(dim=-1)`` (dim 1 is read too);
- gelu: ``nn.GELU(approximate="tanh")``: lucidnet's GELU is the tanh form; PyTorch's default, the exact erf form,
  is refused (they differ by up to 5e-4);
- softplus: ``nn.Softplus(beta=1, threshold=40)``. Above ``threshold`` PyTorch returns net itself where
  ln(1 + e^net) = net + ln(1 + e^(−net)), so it differs by at most e^(−threshold): 2.1e-9 at PyTorch's default
  threshold of 20, nothing in float64 from 37 on. ``from_torch`` reads beta = 1 and threshold ≥ 20;
- maxout(k): PyTorch has no such module: ``to_torch`` writes :class:`Maxout` (``lucidnet.interop.torch.Maxout``,
  o_j = max of the k adjacent columns j·k … j·k+k−1, an ``nn.Module`` without parameters, picklable), which
  ``from_torch`` reads back.

PyTorch modules carry no loss: ``from_torch`` takes the one the network should have (``loss="mse"`` by
default). A classifier trained with ``nn.CrossEntropyLoss`` ends in Linear (logits); append ``nn.Softmax(dim=1)``
and pass ``loss="cross_entropy"`` to get the same E and gradients. ``torch`` is imported when a function runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from ..activations import ACTIVATIONS, Activation, get_activation
from ..layers import Dense, Dropout, Layer
from ..network import Network
from .extras import require

__all__ = ["TORCH_MODULES", "from_torch", "to_torch"]

#: PyTorch's Softplus returns net itself above its threshold; from this one on that moves o by ≤ e^(−20)
_MIN_SOFTPLUS_THRESHOLD = 20.0


def _torch() -> Any:
    return require("torch", "lucidnet's PyTorch conversion")


@functools.cache
def _maxout_class() -> Any:
    nn = _torch().nn

    class Maxout(nn.Module):  # type: ignore[name-defined,misc]
        """o_j = max(net_(j·k), …, net_(j·k+k−1)): lucidnet's maxout over k adjacent columns, (n, m·k) → (n, m)."""

        def __init__(self, k: int) -> None:
            super().__init__()
            self.k = int(k)

        def forward(self, net: Any) -> Any:
            return net.unflatten(-1, (-1, self.k)).max(dim=-1).values

        def extra_repr(self) -> str:
            return f"k={self.k}"

    Maxout.__qualname__ = "Maxout"
    return Maxout


def __getattr__(name: str) -> Any:
    # lucidnet.interop.torch.Maxout is made when first asked for, so that importing this module needs no torch
    if name == "Maxout":
        return _maxout_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: registry name -> the PyTorch module of that activation (None: no module)
TORCH_MODULES: dict[str, Callable[[Any, Any], Any]] = {
    "identity": lambda nn, act: None,
    "sigmoid": lambda nn, act: nn.Sigmoid(),
    "tanh": lambda nn, act: nn.Tanh(),
    "relu": lambda nn, act: nn.ReLU(),
    "leaky_relu": lambda nn, act: nn.LeakyReLU(negative_slope=act.alpha),
    "elu": lambda nn, act: nn.ELU(alpha=act.alpha),
    "softplus": lambda nn, act: nn.Softplus(beta=1.0, threshold=40.0),
    "silu": lambda nn, act: nn.SiLU(),
    "gelu": lambda nn, act: nn.GELU(approximate="tanh"),
    "softmax": lambda nn, act: nn.Softmax(dim=-1),
    "maxout": lambda nn, act: _maxout_class()(act.k),
}

#: the float dtypes both sides hold, by the name numpy and torch share
_DTYPES = ("float64", "float32")


def to_torch(net: Network) -> Any:
    """A ``torch.nn.Sequential`` computing the same function as ``net``, with copies of its weights.

    Each Dense layer becomes ``nn.Linear(n_in, n_out·k)`` with ``weight = W.T`` (PyTorch stores (out, in)) and
    ``bias = b``, then its activation's module; Dropout becomes ``nn.Dropout(p)``. The parameters have the
    network's dtype. As every new PyTorch module, it is in training mode: call ``.eval()`` before predicting
    when it has Dropout.

    Parameters
    ----------
    net : Network

    Returns
    -------
    torch.nn.Sequential
    """
    torch = _torch()
    if not isinstance(net, Network):
        raise TypeError(f"to_torch takes a lucidnet Network, got {type(net).__name__}")
    dtype = getattr(torch, str(net.dtype))  # a Network is float64 or float32: torch.float64 / torch.float32
    modules: list[Any] = []
    for layer in net.layers:
        if isinstance(layer, Dropout):
            modules.append(torch.nn.Dropout(layer.p))
            continue
        assert isinstance(layer, Dense) and layer.W is not None
        linear = torch.nn.Linear(layer.n_in, layer.W.shape[1], bias=layer.b is not None, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(layer.W.T)))
            if layer.b is not None:
                linear.bias.copy_(torch.from_numpy(np.array(layer.b)))
        modules.append(linear)
        act = TORCH_MODULES[layer.activation.name](torch.nn, layer.activation)
        if act is not None:
            modules.append(act)
    return torch.nn.Sequential(*modules)


# --------------------------------------------------------------------------------------- from PyTorch
def _activation_of(torch: Any, module: Any) -> Activation | None:
    """The lucidnet activation of an activation module, or None when ``module`` is none of them."""
    nn = torch.nn
    kind = type(module)
    simple = {nn.Sigmoid: "sigmoid", nn.Tanh: "tanh", nn.ReLU: "relu", nn.SiLU: "silu"}
    if kind in simple:
        return get_activation(simple[kind])
    if kind is nn.LeakyReLU:
        return get_activation({"name": "leaky_relu", "alpha": float(module.negative_slope)})
    if kind is nn.ELU:
        return get_activation({"name": "elu", "alpha": float(module.alpha)})
    if kind is nn.GELU:
        if module.approximate != "tanh":
            raise ValueError(f"{module!r} is the exact (erf) GELU; lucidnet's gelu is the tanh approximation: "
                             "use nn.GELU(approximate='tanh')")
        return get_activation("gelu")
    if kind is nn.Softplus:
        if module.beta != 1 or module.threshold < _MIN_SOFTPLUS_THRESHOLD:
            raise ValueError(f"{module!r}: lucidnet's softplus is ln(1 + e^net), nn.Softplus with beta=1 and "
                             f"threshold >= {_MIN_SOFTPLUS_THRESHOLD:g}")
        return get_activation("softplus")
    if kind is nn.Softmax:
        if module.dim not in (1, -1):
            raise ValueError(f"{module!r}: lucidnet's softmax runs over each row's outputs: use dim=-1 or dim=1")
        return get_activation("softmax")
    if kind is _maxout_class():
        return get_activation({"name": "maxout", "k": module.k})
    return None


def _flat(torch: Any, module: Any) -> list[Any]:
    if isinstance(module, torch.nn.Sequential):
        return [m for child in module for m in _flat(torch, child)]
    return [module]


_SUPPORTED = ("nn.Linear, nn.Dropout, nn.Identity, nested nn.Sequential and the activations nn.Sigmoid, nn.Tanh, "
              "nn.ReLU, nn.LeakyReLU, nn.ELU, nn.Softplus, nn.SiLU, nn.GELU(approximate='tanh'), nn.Softmax(dim=-1), "
              f"lucidnet.interop.torch.Maxout (those of lucidnet's activations {', '.join(ACTIVATIONS)})")


def _dense(linear: Any, act: Activation | None) -> Dense:
    act = act or get_activation("identity")
    W = linear.weight.detach().cpu().numpy().T
    if W.shape[1] % act.k:
        raise ValueError(f"{linear!r} has {W.shape[1]} outputs, not a multiple of maxout's k = {act.k}")
    b = None if linear.bias is None else linear.bias.detach().cpu().numpy()
    return Dense(W.shape[0], W.shape[1] // act.k, activation=act, bias=b is not None, init=W,
                 bias_init=b)


def from_torch(module: Any, loss: Any = "mse", seed: int | None = None) -> Network:
    """The lucidnet ``Network`` of a ``torch.nn.Sequential`` of Linear layers and activations, weights copied.

    ``W = linear.weight.T`` (PyTorch stores (out, in)); each activation module sets the activation of the
    Linear just before it (none: identity); ``nn.Dropout(p)`` becomes ``Dropout(p)``; ``nn.Identity`` is
    skipped and nested Sequentials are read in order. The dtype is the weights' (float32 or float64).

    Parameters
    ----------
    module : torch.nn.Sequential (or one nn.Linear)
    loss : str, dict or Loss
        The network's loss (PyTorch modules carry none), e.g. "bce" for a sigmoid output trained with nn.BCELoss.
    seed : int or None
        Seeds the network's generator (dropout masks, shuffling), as ``Network(seed=...)``.

    Raises
    ------
    ValueError
        For any module lucidnet has no counterpart for, naming it and what is supported.
    """
    torch = _torch()
    if not isinstance(module, (torch.nn.Sequential, torch.nn.Linear)):
        raise ValueError(f"from_torch reads an nn.Sequential, got {type(module).__name__}; supported: {_SUPPORTED}")
    layers: list[Layer] = []
    pending: list[Any] = []  # [linear, activation or None] of the Dense being read
    dtypes = set()
    for i, m in enumerate(_flat(torch, module)):
        if isinstance(m, torch.nn.Identity):
            continue
        if type(m) is torch.nn.Linear:
            if pending:
                layers.append(_dense(*pending))
            pending = [m, None]
            dtypes.add(str(m.weight.dtype).removeprefix("torch."))
            continue
        if type(m) is torch.nn.Dropout:
            if pending:
                layers.append(_dense(*pending))
                pending = []
            layers.append(Dropout(float(m.p)))
            continue
        act = _activation_of(torch, m)
        if act is None:
            raise ValueError(f"from_torch: module {i} ({m!r}) has no lucidnet counterpart; supported: {_SUPPORTED}")
        if not pending or pending[1] is not None:
            after = "another activation" if pending else "no nn.Linear"
            raise ValueError(f"from_torch: module {i} ({m!r}) follows {after}: a lucidnet layer is one Linear and "
                             "at most one activation, in that order")
        pending[1] = act
    if pending:
        layers.append(_dense(*pending))
    if len(dtypes) != 1 or not dtypes <= set(_DTYPES):
        raise ValueError(f"from_torch: the Linear weights are {', '.join(sorted(dtypes)) or 'absent'}; lucidnet "
                         "reads one dtype, float32 or float64 (module.double() or module.float() first)")
    try:
        return Network(layers, loss=loss, dtype=dtypes.pop(), seed=seed)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"from_torch: {exc}") from None
