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

from .activations import (
    ACTIVATIONS,
    ELU,
    GELU,
    Activation,
    Identity,
    LeakyReLU,
    Maxout,
    ReLU,
    SiLU,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
    get_activation,
)
from .callbacks import Callback, EarlyStopping, History, LambdaCallback, TrainState
from .errors import TrainingDivergedError
from .gradcheck import GradcheckReport, gradcheck
from .initializers import INITIALIZERS, Initializer, get_initializer
from .layers import LAYERS, Dense, Dropout, Layer
from .losses import LOSSES, BCE, MAE, MSE, SSE, CrossEntropy, HalfSSE, Huber, Loss, get_loss
from .metrics import METRICS
from .network import Network
from .optimizers import OPTIMIZERS, SGD, Adagrad, Adam, Optimizer, RMSprop, get_optimizer
from .preprocessing import LabelEncoder, Standardizer, one_hot
from .schedules import ExponentialLR, ReduceLROnPlateau, StepLR

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS",
    "INITIALIZERS",
    "LAYERS",
    "LOSSES",
    "METRICS",
    "OPTIMIZERS",
    "Activation",
    "Identity",
    "Sigmoid",
    "Tanh",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "Softplus",
    "SiLU",
    "GELU",
    "Softmax",
    "Maxout",
    "get_activation",
    "Loss",
    "SSE",
    "HalfSSE",
    "MSE",
    "MAE",
    "Huber",
    "BCE",
    "CrossEntropy",
    "get_loss",
    "Initializer",
    "get_initializer",
    "Layer",
    "Dense",
    "Dropout",
    "Network",
    "Optimizer",
    "SGD",
    "Adam",
    "RMSprop",
    "Adagrad",
    "get_optimizer",
    "Callback",
    "LambdaCallback",
    "EarlyStopping",
    "History",
    "TrainState",
    "StepLR",
    "ExponentialLR",
    "ReduceLROnPlateau",
    "gradcheck",
    "GradcheckReport",
    "TrainingDivergedError",
    "Standardizer",
    "LabelEncoder",
    "one_hot",
    "__version__",
]
