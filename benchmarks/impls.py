"""The implementations under test, each behind the same two calls.

``make(name, workload, weights, threads)`` returns a ``Trainer``: ``trainer.reset()`` rebuilds the model
from the shared initial weights (not timed) and ``trainer.train(X, y, epochs)`` trains and returns the
per-epoch losses (timed). Every trainer records its loss per epoch, for fairness.
"""

from __future__ import annotations

import warnings

import numpy as np

from benchmarks.fused import FusedMLP
from benchmarks.workloads import Workload

IMPLEMENTATIONS = ("lucidnet", "fused", "torch", "sklearn")


class Trainer:
    def __init__(self, w: Workload, weights, threads: int):
        self.w, self.weights, self.threads = w, weights, threads

    def reset(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def train(self, X, y, epochs: int) -> list[float]:  # pragma: no cover - interface
        raise NotImplementedError


class Fused(Trainer):
    def reset(self):
        w = self.w
        self.model = FusedMLP(self.weights, w.activations, w.loss, w.lr, self._max_batch, w.dtype)

    def train(self, X, y, epochs):
        return self.model.train(X, y, epochs, self.w.batch_size, self.w.shuffle, seed=0)

    _max_batch = 1

    def fit_shape(self, n):
        self._max_batch = n if self.w.batch_size is None else min(n, self.w.batch_size)


class Lucidnet(Trainer):
    def reset(self):
        import lucidnet as ln

        w = self.w
        layers = [
            ln.Dense(n_in, n_out, activation=act, bias=w.bias)
            for n_in, n_out, act in zip(w.sizes[:-1], w.sizes[1:], w.activations)
        ]
        self.net = ln.Network(layers, loss=w.loss, dtype=w.dtype, seed=0)
        self.net.set_weights([p for W, b in self.weights for p in (W, b) if p is not None])
        self.optimizer = ln.SGD(lr=w.lr)

    def train(self, X, y, epochs):
        w = self.w
        history = self.net.fit(
            X, y, epochs=epochs, batch_size=w.batch_size, optimizer=self.optimizer, shuffle=w.shuffle, seed=0
        )
        return list(history.loss)


class Torch(Trainer):
    def reset(self):
        import torch
        from torch import nn

        torch.set_num_threads(self.threads)
        w = self.w
        dtype = getattr(torch, w.dtype)
        mods = []
        for (W, b), act in zip(self.weights, w.activations):
            lin = nn.Linear(W.shape[0], W.shape[1], bias=b is not None, dtype=dtype)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(W.T.copy()))  # PyTorch stores (out, in)
                if b is not None:
                    lin.bias.copy_(torch.from_numpy(b))
            mods.append(lin)
            if act == "sigmoid":
                mods.append(nn.Sigmoid())
            elif act == "relu":
                mods.append(nn.ReLU())
            # softmax is inside CrossEntropyLoss
        self.model = nn.Sequential(*mods)
        self.opt = torch.optim.SGD(self.model.parameters(), lr=w.lr)
        if w.loss == "cross_entropy":
            self.loss_fn = nn.CrossEntropyLoss()
        elif w.loss == "mse":
            self.loss_fn = nn.MSELoss()
        else:
            self.loss_fn = lambda o, t: 0.5 * ((o - t) ** 2).sum()
        self.gen = torch.Generator().manual_seed(0)

    def train(self, X, y, epochs):
        import torch

        w = self.w
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
        n = X.shape[0]
        B = n if w.batch_size is None else w.batch_size
        model, opt, loss_fn = self.model, self.opt, self.loss_fn
        losses = []
        for _ in range(epochs):
            total = 0.0
            perm = torch.randperm(n, generator=self.gen) if w.shuffle else None
            for s in range(0, n, B):
                if perm is None:
                    xb, yb = Xt[s : s + B], yt[s : s + B]
                else:
                    idx = perm[s : s + B]
                    xb, yb = Xt[idx], yt[idx]
                opt.zero_grad()
                loss = loss_fn(model(xb), yb)
                loss.backward()
                opt.step()
                total += loss.item() * xb.shape[0]
            losses.append(total / n)
        return losses


class Sklearn(Trainer):
    """MLPClassifier / MLPRegressor with solver="sgd", constant lr, no momentum, alpha 0, tol 0.

    Initial weights: a short warm-start fit creates the attributes, then coefs_ / intercepts_ are set.
    """

    def _estimator(self, max_iter):
        from sklearn.neural_network import MLPClassifier, MLPRegressor

        w = self.w
        cls = MLPClassifier if w.loss == "cross_entropy" else MLPRegressor
        hidden = {"sigmoid": "logistic", "relu": "relu"}[w.activations[0]]
        lr = w.lr
        if w.loss == "half_sse":  # sklearn: ½ mean over samples and outputs
            lr = w.lr * (self._n if w.batch_size is None else w.batch_size) * w.sizes[-1]
        elif w.loss == "mse":
            lr = 2 * w.lr
        return cls(
            hidden_layer_sizes=w.sizes[1:-1], activation=hidden, solver="sgd", alpha=0.0,
            batch_size=self._n if w.batch_size is None else w.batch_size, learning_rate="constant",
            learning_rate_init=lr, max_iter=max_iter, shuffle=w.shuffle, random_state=0, tol=0.0,
            momentum=0.0, nesterovs_momentum=False, n_iter_no_change=10**9, warm_start=True,
        )

    _n = 1

    def fit_shape(self, n):
        self._n = n

    def prime(self, X, y):
        """The warm-start fit that creates every fitted attribute (also the warm-up run)."""
        self.est = self._estimator(1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.est.fit(X, y.ravel() if y.ndim == 2 and y.shape[1] == 1 else y)

    def reset(self):
        est = self.est
        est.coefs_ = [W.copy() for W, _ in self.weights]
        est.intercepts_ = [np.zeros(W.shape[1], W.dtype) if b is None else b.copy() for W, b in self.weights]
        est.loss_curve_ = []
        est.t_ = 0
        est._no_improvement_count = 0
        est.best_loss_ = np.inf

    def train(self, X, y, epochs):
        self.est.max_iter = epochs
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ConvergenceWarning: it runs exactly max_iter epochs by design
            self.est.fit(X, y.ravel() if y.ndim == 2 and y.shape[1] == 1 else y)
        return list(self.est.loss_curve_)


def make(name: str, w: Workload, weights, threads: int, n: int) -> Trainer:
    cls = {"lucidnet": Lucidnet, "fused": Fused, "torch": Torch, "sklearn": Sklearn}[name]
    trainer = cls(w, weights, threads)
    if hasattr(trainer, "fit_shape"):
        trainer.fit_shape(n)
    return trainer
