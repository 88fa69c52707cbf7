"""The hand-fused NumPy reference loop: the practical floor for an MLP trained with SGD in NumPy.

Every buffer is allocated once, before the first step, and every operation writes with ``out=`` (the
shuffled batch excepted: gathering it with ``X[idx]`` is faster here than ``np.take(..., out=)``); the
activation works in place on ``net`` (so ``o`` and ``net`` share a buffer), the loss is fused with the
output delta, and softmax + cross-entropy gives ``delta = (o − onehot(y)) / m`` directly. It records the
per-epoch loss exactly as lucidnet's History does (the sample-weighted mean of the mini-batch losses seen
before each update), so the comparison counts the same work.

Notation as in docs/notation.md: ``net = x W + b``, ``o = f(net)``, ``delta = ∂E/∂net``.
"""

from __future__ import annotations

import numpy as np


class FusedMLP:
    """Dense stack with sigmoid / relu hidden layers and a sigmoid or softmax output, trained by plain SGD.

    Parameters
    ----------
    weights : list of (W (n_in, n_out), b (n_out,) or None)
        Initial parameters; copied.
    activations : sequence of str
        "sigmoid" or "relu" per layer; "softmax" only on the last, with loss "cross_entropy".
    loss : {"half_sse", "mse", "cross_entropy"}
    lr : float
    max_batch : int
        The largest batch that :meth:`train` will see; buffers have this many rows.
    """

    def __init__(self, weights, activations, loss, lr, max_batch, dtype):
        self.dtype = np.dtype(dtype)
        self.W = [np.array(W, dtype=self.dtype, order="C") for W, _ in weights]
        self.b = [None if b is None else np.array(b, dtype=self.dtype) for _, b in weights]
        self.activations = tuple(activations)
        self.loss = loss
        self.lr = float(lr)
        if (loss == "cross_entropy") != (self.activations[-1] == "softmax"):
            raise ValueError("softmax output goes with cross_entropy, and only with it")
        B = max_batch
        # o[i] holds net then o of layer i (in place); d[i] holds delta of layer i
        self.o = [np.empty((B, W.shape[1]), self.dtype) for W in self.W]
        self.d = [np.empty((B, W.shape[1]), self.dtype) for W in self.W]
        self.t = [np.empty((B, W.shape[1]), self.dtype) for W in self.W]  # scratch: 1 − o
        self.mask = [np.empty((B, W.shape[1]), bool) for W in self.W]  # scratch: relu′ = [net > 0]
        self.gW = [np.empty_like(W) for W in self.W]
        self.gb = [None if b is None else np.empty_like(b) for b in self.b]
        self.rowmax = np.empty((B, 1), self.dtype)
        self.rowsum = np.empty((B, 1), self.dtype)
        self.rows = np.arange(B)

    # ---------------------------------------------------------------------------------- one step

    def step(self, x, y):
        """One SGD step on the batch (x (m, n_in), y); returns the batch loss E before the update."""
        m = x.shape[0]
        L = len(self.W)
        a = x
        for i in range(L):
            o = self.o[i][:m]
            np.dot(a, self.W[i], out=o)
            if self.b[i] is not None:
                o += self.b[i]
            act = self.activations[i]
            if act == "sigmoid":  # o = ½(1 + tanh(net/2)): stable at ±500, no overflow warning
                o *= 0.5
                np.tanh(o, out=o)
                o += 1.0
                o *= 0.5
            elif act == "relu":
                np.maximum(o, 0.0, out=o)
            a = o
        # the loss and the output delta, fused
        o = self.o[L - 1][:m]
        if self.loss == "cross_entropy":
            mx, s = self.rowmax[:m], self.rowsum[:m]
            np.max(o, axis=1, keepdims=True, out=mx)
            o -= mx
            picked = o[self.rows[:m], y]  # net_y − max, the only gather of the step
            np.exp(o, out=o)
            np.sum(o, axis=1, keepdims=True, out=s)
            o /= s
            np.log(s, out=s)
            E = (s.sum() - picked.sum()) / m
            d = o  # the output's o is not needed after this: delta = (o − onehot) / m in place
            d[self.rows[:m], y] -= 1.0
            d *= 1.0 / m
        else:
            d = self.d[L - 1][:m]
            np.subtract(o, y, out=d)
            flat = d.reshape(-1)
            if self.loss == "half_sse":
                E = 0.5 * float(np.dot(flat, flat))
            else:  # mse: mean over samples and outputs, dE/do = 2 (o − y) / (m K)
                E = float(np.dot(flat, flat)) / flat.size
                d *= 2.0 / flat.size
            t = self.t[L - 1][:m]
            np.subtract(1.0, o, out=t)  # sigmoid output: ∂o/∂net = o (1 − o)
            d *= t
            d *= o
        # backward and update, last layer first
        for i in range(L - 1, -1, -1):
            a_prev = x if i == 0 else self.o[i - 1][:m]
            if i > 0:
                g = self.d[i - 1][:m]
                np.dot(d, self.W[i].T, out=g)
                t = self.t[i - 1][:m]
                if self.activations[i - 1] == "sigmoid":
                    np.subtract(1.0, a_prev, out=t)
                    g *= t
                    g *= a_prev
                else:  # relu: o > 0 exactly where net > 0
                    mask = self.mask[i - 1][:m]
                    np.greater(a_prev, 0.0, out=mask)
                    g *= mask
            gW = self.gW[i]
            np.dot(a_prev.T, d, out=gW)
            gW *= self.lr
            self.W[i] -= gW
            if self.b[i] is not None:
                gb = self.gb[i]
                np.sum(d, axis=0, out=gb)
                gb *= self.lr
                self.b[i] -= gb
            if i > 0:
                d = g
        return E

    # ---------------------------------------------------------------------------------- training

    def train(self, X, y, epochs, batch_size=None, shuffle=False, seed=0):
        """Train in place; returns the per-epoch loss (sample-weighted mean of the batch losses)."""
        n = X.shape[0]
        B = n if batch_size is None else batch_size
        rng = np.random.default_rng(seed)
        losses = []
        for _ in range(epochs):
            total = 0.0
            order = rng.permutation(n) if shuffle else None
            for s in range(0, n, B):
                e = min(s + B, n)
                if shuffle:
                    # X[idx] copies the batch; np.take(X, idx, axis=0, out=buffer) measured 40% slower here
                    idx = order[s:e]
                    x, t = X[idx], y[idx]
                else:
                    x, t = X[s:e], y[s:e]
                total += self.step(x, t) * (e - s)
            losses.append(total / n)
        return losses
