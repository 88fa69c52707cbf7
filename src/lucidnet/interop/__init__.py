"""Moving models between lucidnet, ONNX Runtime, PyTorch and scikit-learn (``docs/deploy.md``).

- :mod:`~lucidnet.interop.onnx`: :func:`to_onnx`, a model with its preprocessing as one ONNX graph that takes raw
  feature rows (the ops of each activation in :mod:`~lucidnet.interop.onnx_ops`); :mod:`~lucidnet.interop.onnx_read`:
  :func:`load_onnx`, such a file read back, and :func:`load_any`, any lucidnet model file; :func:`graph_inputs`,
  the graph's inputs from a CSV as lucidnet reads it;
- :mod:`~lucidnet.interop.torch`: :func:`to_torch` and :func:`from_torch`, a Network as ``torch.nn.Sequential``
  and back;
- :mod:`~lucidnet.interop.sklearn`: :func:`from_sklearn`, a fitted scikit-learn MLP as a ModelBundle.

The packages they use (onnx, torch, scikit-learn) are imported when a function runs, never by ``import lucidnet``;
without one, the function says how to install it.
"""

from __future__ import annotations

from .onnx import graph_inputs, onnx_model, to_onnx
from .onnx_read import load_any, load_onnx
from .sklearn import from_sklearn
from .torch import from_torch, to_torch

__all__ = ["from_sklearn", "from_torch", "graph_inputs", "load_any", "load_onnx", "onnx_model", "to_onnx", "to_torch"]
