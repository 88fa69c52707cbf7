"""lucidnet: feed-forward neural networks with backpropagation written by hand on NumPy.

>>> import numpy as np
>>> import lucidnet as ln
>>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
>>> y = np.array([0, 1, 1, 0])
>>> net = ln.Network([ln.Dense(2, 4, activation="tanh"), ln.Dense(4, 1, activation="sigmoid")],
...                  loss="bce", seed=1)
>>> history = net.fit(X, y, epochs=500, optimizer=ln.Adam(lr=0.05))
>>> (net.predict(X).ravel() > 0.5).astype(int).tolist()
[0, 1, 1, 0]
"""

from . import _moved  # the 0.1 module paths, deprecated
from ._version import __version__
from .activations import (
    ACTIVATIONS,
    ELU,
    GELU,
    Activation,
    Identity,
    LeakyReLU,
    Maxout,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Tanh,
    get_activation,
)
from .callbacks import BestWeights, Callback, EarlyStopping, History, LambdaCallback, TrainState
from .data import load_mnist, read_idx
from .data.preprocessing import LabelEncoder, Standardizer, one_hot
from .diagnostics import Diagnostics, diagnose
from .errors import TrainingDivergedError
from .gradcheck import GradcheckReport, gradcheck
from .initializers import INITIALIZERS, Initializer, get_initializer
from .interop import from_sklearn, from_torch, to_onnx, to_torch
from .io import ModelBundle, ModelFileError, load, load_model, load_txt, save_model, save_txt
from .layers import LAYERS, Dense, Dropout, Layer
from .losses import BCE, LOSSES, MAE, MSE, SSE, CrossEntropy, HalfSSE, Huber, Loss, get_loss
from .metrics import METRICS
from .network import Network
from .neuron import Neuron
from .optimizers import OPTIMIZERS, SGD, Adagrad, Adam, Optimizer, RMSprop, get_optimizer
from .progress import LiveLossPlot, ProgressBar
from .schedules import ExponentialLR, ReduceLROnPlateau, StepLR


def __getattr__(name: str) -> object:
    """``lucidnet.preprocessing`` and the other 0.1 module paths as attributes (deprecated: see ``_moved``)."""
    if f"{__name__}.{name}" in _moved.MOVED:
        return _moved.attribute(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Diagnostics",
    "ModelBundle",
    "ModelFileError",
    "Neuron",
    "diagnose",
    "from_sklearn",
    "from_torch",
    "to_onnx",
    "to_torch",
    "load",
    "load_mnist",
    "load_model",
    "load_txt",
    "read_idx",
    "save_model",
    "save_txt",
    "ACTIVATIONS",
    "BCE",
    "ELU",
    "GELU",
    "INITIALIZERS",
    "LAYERS",
    "LOSSES",
    "MAE",
    "METRICS",
    "MSE",
    "OPTIMIZERS",
    "SGD",
    "SSE",
    "Activation",
    "Adagrad",
    "Adam",
    "BestWeights",
    "Callback",
    "CrossEntropy",
    "Dense",
    "Dropout",
    "EarlyStopping",
    "ExponentialLR",
    "GradcheckReport",
    "HalfSSE",
    "History",
    "Huber",
    "Identity",
    "Initializer",
    "LabelEncoder",
    "LambdaCallback",
    "Layer",
    "LeakyReLU",
    "LiveLossPlot",
    "Loss",
    "Maxout",
    "Network",
    "Optimizer",
    "ProgressBar",
    "RMSprop",
    "ReLU",
    "ReduceLROnPlateau",
    "SiLU",
    "Sigmoid",
    "Softmax",
    "Softplus",
    "Standardizer",
    "StepLR",
    "Tanh",
    "TrainState",
    "TrainingDivergedError",
    "__version__",
    "get_activation",
    "get_initializer",
    "get_loss",
    "get_optimizer",
    "gradcheck",
    "one_hot",
]
