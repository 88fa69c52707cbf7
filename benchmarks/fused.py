"""The hand-fused NumPy reference loop: the practical floor for an MLP trained with SGD in NumPy.

Every buffer is allocated once, before the first step, and every operation writes with ``out=`` (the
shuffled batch excepted: gathering it with ``X[idx]`` is faster here than ``np.take(..., out=)``); the
activation works in place on ``net`` (so ``o`` and ``net`` share a buffer), the loss is fused with the
output delta, and softmax + cross-entropy gives ``delta = (o − onehot(y)) / m`` directly. It records the
per-epoch loss exactly as lucidnet's History does (the sample-weighted mean of the mini-batch losses seen
before each update), so the comparison counts the same work. What NumPy charges per call is kept to the
minimum as well, since on the lessons' networks (arrays of a few dozen numbers) that is all a step costs:
the buffers cut to each batch size once, constants as 0-d arrays of the model's dtype (a Python float
operand is converted anew on every call), and a clamp-free sigmoid run under ``np.errstate``.

Notation as in docs/notation.md: ``net = x W + b``, ``o = f(net)``, ``delta = ∂E/∂net``.
"""

from __future__ import annotations

import numpy as np

from lucidnet.training import shuffle_rng


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
        self._views: dict[int, tuple] = {}
        # constants as 0-d arrays of the model's dtype: NumPy converts a Python scalar operand on every call,
        # which costs as much as the operation itself on the lessons' small arrays
        self.one = np.array(1, self.dtype)
        self.eta = np.array(self.lr, self.dtype)

    def _views_for(self, m):
        """The buffers cut to m rows, made once per batch size (slicing costs as much as a small ufunc)."""
        v = self._views.get(m)
        if v is None:
            cut = [[a[:m] for a in arrs] for arrs in (self.o, self.d, self.t, self.mask)]
            consts = (np.array(1.0 / m, self.dtype), np.array(2.0 / (m * self.W[-1].shape[1]), self.dtype))
            v = self._views[m] = (*cut, self.rowmax[:m], self.rowsum[:m], self.rows[:m], consts)
        return v

    # ---------------------------------------------------------------------------------- one step

    def step(self, x, y):
        """One SGD step on the batch (x (m, n_in), y); returns the batch loss E before the update.

        Call it inside ``np.errstate(over="ignore")``, as ``train`` does: the sigmoid is 1/(1 + e^(−net)),
        whose e^(−net) overflows to inf for net < −708 and gives o = 0 exactly.
        """
        m = x.shape[0]
        outs, deltas, scratch, masks, mx, s, rows, (inv_m, mse_scale) = self._views_for(m)
        L = len(self.W)
        one = self.one
        a = x
        for i in range(L):
            o = outs[i]
            np.dot(a, self.W[i], out=o)
            if self.b[i] is not None:
                o += self.b[i]
            act = self.activations[i]
            if act == "sigmoid":  # o = 1/(1 + e^(−net)), in place
                np.negative(o, out=o)
                np.exp(o, out=o)
                np.add(o, one, out=o)
                np.reciprocal(o, out=o)
            elif act == "relu":
                np.maximum(o, 0.0, out=o)
            a = o
        # the loss and the output delta, fused
        o = outs[L - 1]
        if self.loss == "cross_entropy":
            np.max(o, axis=1, keepdims=True, out=mx)
            o -= mx
            picked = o[rows, y]  # net_y − max, the only gather of the step
            np.exp(o, out=o)
            np.sum(o, axis=1, keepdims=True, out=s)
            o /= s
            np.log(s, out=s)
            E = (s.sum() - picked.sum()) / m
            d = o  # the output's o is not needed after this: delta = (o − onehot) / m in place
            d[rows, y] -= 1.0
            d *= inv_m
        else:
            d = deltas[L - 1]
            np.subtract(o, y, out=d)
            flat = d.reshape(-1)
            if self.loss == "half_sse":
                E = 0.5 * float(np.dot(flat, flat))
            else:  # mse: mean over samples and outputs, dE/do = 2 (o − y) / (m K)
                E = float(np.dot(flat, flat)) / flat.size
                d *= mse_scale
            t = scratch[L - 1]
            np.subtract(one, o, out=t)  # sigmoid output: ∂o/∂net = o (1 − o)
            d *= t
            d *= o
        # backward and update, last layer first
        eta = self.eta
        for i in range(L - 1, -1, -1):
            a_prev = x if i == 0 else outs[i - 1]
            if i > 0:
                g = deltas[i - 1]
                np.dot(d, self.W[i].T, out=g)
                if self.activations[i - 1] == "sigmoid":
                    t = scratch[i - 1]
                    np.subtract(one, a_prev, out=t)
                    g *= t
                    g *= a_prev
                else:  # relu: o > 0 exactly where net > 0
                    mask = masks[i - 1]
                    np.greater(a_prev, 0.0, out=mask)
                    g *= mask
            gW = self.gW[i]
            np.dot(a_prev.T, d, out=gW)
            gW *= eta
            self.W[i] -= gW
            if self.b[i] is not None:
                gb = self.gb[i]
                np.sum(d, axis=0, out=gb)
                gb *= eta
                self.b[i] -= gb
            if i > 0:
                d = g
        return E

    # ---------------------------------------------------------------------------------- training

    def train(self, X, y, epochs, batch_size=None, shuffle=False, seed=0):
        """Train in place; returns the per-epoch loss (sample-weighted mean of the batch losses)."""
        n = X.shape[0]
        B = n if batch_size is None else batch_size
        rng = shuffle_rng(seed)  # the order of lucidnet's fit(seed=seed)
        losses = []
        with np.errstate(over="ignore"):  # see ``step``: e^(−net) may overflow to inf, which is exact here
            for _ in range(epochs):
                total = 0.0
                order = rng.permutation(n) if shuffle else None
                for s in range(0, n, B):
                    e = min(s + B, n)
                    if e - s == n:  # full batch: the arrays themselves
                        x, t = X, y
                    elif shuffle:
                        # X[idx] copies the batch; np.take(X, idx, axis=0, out=buffer) measured 40% slower here
                        idx = order[s:e]
                        x, t = X[idx], y[idx]
                    else:
                        x, t = X[s:e], y[s:e]
                    total += self.step(x, t) * (e - s)
                losses.append(total / n)
        return losses
