"""The accuracy anchors' protocols trained by PyTorch: a second, independent implementation on the same data.

    python benchmarks/accuracy.py --impl torch --only nielsen1,nielsen2 --seeds 0-5

When lucidnet misses a published figure, this tells whether lucidnet or the protocol is the cause: the same
architecture, loss, update, initial-weight distribution, batch size, epochs and data, trained by
``torch.nn``/``torch.optim`` with its own random streams (``torch.Generator`` seeded with the run's seed, so
the weights and the shuffles differ from lucidnet's run with the same seed). Every quantity follows
lucidnet's conventions as ``accuracy.py`` sets them, so the update is Nielsen's (see its docstring):

* ``half_sse``: E = ½·Σ (o − y)² summed over the batch; ``bce`` + sigmoid: ``binary_cross_entropy_with_logits``
  with reduction "mean" (over the m·10 elements), the same fused δ = (o − y)/(10m);
* ``l2`` λ₂: ½λ₂·Σ W² added to E, on the weights only (``torch.optim.SGD(weight_decay=...)`` would decay the
  biases too);
* ``normal`` init: W, b ~ N(0, 1); ``lecun`` + ``bias_init="normal"``: W ~ N(0, 1/n_in), b ~ N(0, 1);
* plain SGD with lucidnet's lr, reshuffled every epoch, the last batch kept.

Anchors with dropout or a learning-rate schedule are not ported (they meet their figures in lucidnet).
"""

from __future__ import annotations

import os
import time

import numpy as np


def supports(spec: dict) -> str | None:
    """None when the anchor can be trained here, else why not."""
    if spec.get("dropout") or spec.get("schedule"):
        return "dropout and schedules are not ported to the PyTorch run"
    if set(spec["activations"]) != {"sigmoid"} or spec["loss"] not in ("half_sse", "bce", "mse"):
        return "only sigmoid networks with half_sse, mse or bce are ported"
    if spec["init"] not in ("normal", "lecun") or spec["bias_init"] not in (None, "normal"):
        return "only the normal and lecun initialisations are ported"
    return None


def make_model(spec: dict, gen):
    """(the nn.Linear layers, loss_fn(net, y) -> E, logits(x) -> net of the output layer) for ``spec``.

    Weights are drawn from ``gen`` (a ``torch.Generator``) as lucidnet's initializer of that name draws them.
    """
    import torch
    from torch import nn
    from torch.nn import functional as F

    dtype = getattr(torch, spec["dtype"])
    layers = []
    for n_in, n_out in zip(spec["sizes"][:-1], spec["sizes"][1:]):
        lin = nn.Linear(n_in, n_out, dtype=dtype)
        std = 1.0 if spec["init"] == "normal" else 1.0 / np.sqrt(n_in)
        with torch.no_grad():
            lin.weight.normal_(0.0, std, generator=gen)
            lin.bias.normal_(0.0, 1.0, generator=gen)
        layers.append(lin)
    weights = [lin.weight for lin in layers]
    l2 = spec["l2"]

    def logits(x):
        for lin in layers[:-1]:
            x = torch.sigmoid(lin(x))
        return layers[-1](x)

    def loss_fn(net, y):
        if spec["loss"] == "bce":
            e = F.binary_cross_entropy_with_logits(net, y, reduction="mean")
        else:
            d = torch.sigmoid(net) - y
            e = 0.5 * (d * d).sum() if spec["loss"] == "half_sse" else (d * d).mean()
        if l2:
            e = e + 0.5 * l2 * sum((w * w).sum() for w in weights)
        return e

    return layers, loss_fn, logits


def run_anchor_torch(name: str, spec: dict, data: dict, epochs: int | None, seed: int = 0) -> dict:
    """Train ``spec`` with PyTorch; the same record as ``accuracy.run_anchor`` returns, with impl "torch"."""
    import torch
    from torch.nn import functional as F

    why = supports(spec)
    if why:
        raise ValueError(f"{name}: {why}")
    torch.set_num_threads(int(os.environ.get("OPENBLAS_NUM_THREADS", "1")))
    dtype = getattr(torch, spec["dtype"])
    Xtr, ytr, Xte, yte = data[spec["dtype"]]
    n = spec["train"]
    X, Xval, yval_np = torch.from_numpy(Xtr[:n]), torch.from_numpy(Xtr[n:]), ytr[n:]
    Xte_t = torch.from_numpy(Xte)
    Y = F.one_hot(torch.from_numpy(ytr[:n]), 10).to(dtype)
    gen = torch.Generator().manual_seed(seed)

    layers, loss_fn, logits = make_model(spec, gen)
    params = [p for lin in layers for p in (lin.weight, lin.bias)]
    opt = torch.optim.SGD(params, lr=spec["optimizer"]().lr)

    def accuracy(x, labels):
        with torch.no_grad():
            return float(np.mean(logits(x).argmax(dim=1).numpy() == labels))

    per_epoch: list[float] = []
    per_epoch_val: list[float] = []
    n_epochs = epochs or spec["epochs"]
    bs = spec["batch_size"]
    t_start = time.perf_counter()
    for epoch in range(n_epochs):
        order = torch.randperm(n, generator=gen)
        for s in range(0, n, bs):
            idx = order[s:s + bs]
            opt.zero_grad()
            loss_fn(logits(X[idx]), Y[idx]).backward()
            opt.step()
        per_epoch.append(accuracy(Xte_t, yte))
        line = f"{name} [torch] epoch {epoch + 1}: test accuracy {per_epoch[-1]:.4f}"
        if len(yval_np):
            per_epoch_val.append(accuracy(Xval, yval_np))
            line += f", validation accuracy {per_epoch_val[-1]:.4f}"
        print(f"{line}, {time.perf_counter() - t_start:.0f} s", flush=True)
    from benchmarks.accuracy import record

    return record(name, spec, per_epoch, per_epoch_val, time.perf_counter() - t_start, seed, impl="torch",
                  torch=torch.__version__)
