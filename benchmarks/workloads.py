"""The benchmark workloads: architecture, loss, learning rate, batching, threads and data of each.

NumPy is imported inside the functions, never at module level: ``run.py`` reads the specs in a process
that must not load a BLAS, and ``worker.py`` sets the thread variables before the first NumPy import.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Workload:
    """One benchmark: a Dense stack ``sizes`` trained with plain SGD (no momentum, no weight decay).

    ``loss`` is a lucidnet loss name: ``half_sse`` E = ½ Σ (o − y)² summed over the batch, ``mse``
    E = mean over samples and outputs of (o − y)², ``cross_entropy`` E = −mean log softmax(net)[y].
    ``batch_size`` None is full batch. ``unit`` is what one timed figure is divided into: "step" or "epoch".
    """

    name: str
    title: str
    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    lr: float
    batch_size: int | None
    epochs: int
    dtype: str
    threads: int
    data: str
    bias: bool = True
    shuffle: bool = False
    unit: str = "step"
    n_samples: int | None = None  # quick runs train on a prefix of the data

    @property
    def n_layers(self) -> int:
        return len(self.sizes) - 1

    def steps_per_epoch(self, n: int) -> int:
        b = n if self.batch_size is None else self.batch_size
        return -(-n // b)

    def flops_per_epoch(self, n: int) -> float:
        """Multiply-adds ×2 of the GEMMs: forward x·W, grad_W = xᵀ·delta, grad_x = delta·Wᵀ (not for layer 1)."""
        pairs = list(zip(self.sizes[:-1], self.sizes[1:]))
        per_sample = sum(6 * i * o for i, o in pairs) - 2 * pairs[0][0] * pairs[0][1]
        return float(per_sample) * n


WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in [
        Workload("xor", "xor 3-4-5-1 sigmoid, no biases, ½SSE, full batch, η 0.1, 5000 epochs",
                 (3, 4, 5, 1), ("sigmoid",) * 3, "half_sse", 0.1, None, 5000, "float64", 1, "xor",
                 bias=False),
        Workload("house", "house 2-5-1 sigmoid, ½SSE, full batch, η 1e-3, 10,000 epochs",
                 (2, 5, 1), ("sigmoid",) * 2, "half_sse", 1e-3, None, 10_000, "float64", 1, "house"),
        Workload("gender", "gender 2-2-1 sigmoid, MSE, per-sample SGD, η 0.1, 1000 epochs",
                 (2, 2, 1), ("sigmoid",) * 2, "mse", 0.1, 1, 1000, "float64", 1, "gender"),
        Workload("mnist128", "MNIST 784-128-10 relu, softmax CE, SGD η 0.01, batch 128, 1 epoch, float32",
                 (784, 128, 10), ("relu", "softmax"), "cross_entropy", 0.01, 128, 1, "float32", 2, "mnist",
                 shuffle=True, unit="epoch"),
        Workload("mnist1024", "MNIST 784-1024-1024-10 relu, softmax CE, SGD η 0.01, batch 256, 1 epoch, float32",
                 (784, 1024, 1024, 10), ("relu", "relu", "softmax"), "cross_entropy", 0.01, 256, 1,
                 "float32", 2, "mnist", shuffle=True, unit="epoch"),
    ]
}

#: where an implementation does not run the same algorithm, what differs (shown in RESULTS.md)
NOTES = {
    ("sklearn", "xor"): "trains biases (no bias-free layers); identity output (MLPRegressor); loss ½·mean",
    ("sklearn", "house"): "identity output (MLPRegressor); loss ½·mean, lr ×n to match ½SSE",
    ("sklearn", "gender"): "identity output (MLPRegressor); loss ½·mean, lr ×2 to match MSE",
    ("sklearn", "mnist128"): "own shuffle order",
    ("sklearn", "mnist1024"): "own shuffle order",
    ("torch", "mnist128"): "own shuffle order (randperm + index)",
    ("torch", "mnist1024"): "own shuffle order (randperm + index)",
}

#: the float32 GEMM peak: C = A·B with n×n operands, at 1 and 2 BLAS threads
GEMM_N = 2048
GEMM_THREADS = (1, 2)


def quick(w: Workload) -> Workload:
    """A tenth of the epochs (or of the MNIST samples): enough to see that everything runs."""
    if w.unit == "epoch":
        return replace(w, n_samples=6000)
    return replace(w, epochs=max(1, w.epochs // 10))


# --------------------------------------------------------------------------------------------- data


def find_mnist_dir() -> Path | None:
    """$LUCIDNET_DATA/mnist or $LUCIDNET_DATA, else the first ``shared/data/mnist`` walking up from the root."""
    from lucidnet.data import find_mnist

    return find_mnist(ROOT)


def load_mnist(split: str = "train", dtype: str = "float32"):
    """(X (n, 784) in [0, 1], labels (n,) int64, source) from the real files, or synthetic when absent.

    The files are read by ``lucidnet.data.load_mnist``; the pixels are scaled into ``dtype`` without a
    float64 copy.
    """
    import numpy as np

    from lucidnet.data import load_mnist as read_mnist

    folder = find_mnist_dir()
    if folder is None:
        n = 60_000 if split == "train" else 10_000
        rng = np.random.default_rng(7)
        labels = rng.integers(0, 10, n)
        X = rng.random((n, 784), dtype=np.float32).astype(dtype, copy=False)
        return X, labels, "synthetic (real MNIST not found)"
    images, labels = read_mnist(folder, split)
    X = np.empty(images.shape, dtype=dtype)
    np.multiply(images, 1.0 / 255.0, out=X, casting="unsafe")
    return X, labels.astype(np.int64), f"real MNIST ({folder.name}/)"


def make_data(w: Workload):
    """(X, y, source) for a workload; y is (n, 1) float for the regressions, (n,) class indices for MNIST."""
    import numpy as np

    if w.data == "mnist":
        X, y, source = load_mnist("train", w.dtype)
    elif w.data == "mnist-synthetic":  # MNIST-shaped noise, n_samples rows (for tests)
        rng = np.random.default_rng(7)
        n = w.n_samples or 60_000
        X = rng.random((n, 784), dtype=np.float32).astype(w.dtype, copy=False)
        y, source = rng.integers(0, 10, n), "synthetic"
    elif w.data == "xor":
        # the classic no-bias xor: the third input is a constant 1 that plays the bias
        X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=w.dtype)
        y = np.array([[0], [1], [1], [0]], dtype=w.dtype)
        source = "4 samples"
    elif w.data == "gender":
        # (weight − 135 lb, height − 66 in) → 1 for female: the 4 samples of the classic intro network
        X = np.array([[-2, -1], [25, 6], [17, 4], [-15, -6]], dtype=w.dtype)
        y = np.array([[1], [0], [0], [1]], dtype=w.dtype)
        source = "4 samples"
    elif w.data == "house":
        # the lessons' ten sales (price per square metre, bedrooms → sold price): z-scored inputs, the price
        # scaled into (0.1, 0.9) for the sigmoid output unit
        from lucidnet.data.datasets import load

        data = load("house_prices")
        raw, price = data.X, data.y.reshape(-1)
        X = ((raw - raw.mean(0)) / raw.std(0)).astype(w.dtype)
        y = ((price - price.min()) / (price.max() - price.min()) * 0.8 + 0.1).astype(w.dtype)[:, None]
        source = "the 10 sales of lucidnet.data.datasets.house_prices"
    else:
        raise ValueError(f"unknown data set {w.data!r}")
    if w.n_samples is not None and w.n_samples < len(X):
        X, y = X[: w.n_samples], y[: w.n_samples]
    return X, y, source


def initial_weights(w: Workload, seed: int = 0):
    """[(W (n_in, n_out), b (n_out,) or None), ...]: Glorot-uniform W, zero b; shared by every implementation."""
    import numpy as np

    rng = np.random.default_rng(seed)
    out = []
    for n_in, n_out in zip(w.sizes[:-1], w.sizes[1:]):
        limit = np.sqrt(6.0 / (n_in + n_out))
        W = rng.uniform(-limit, limit, (n_in, n_out)).astype(w.dtype)
        b = np.zeros(n_out, dtype=w.dtype) if w.bias else None
        out.append((W, b))
    return out
