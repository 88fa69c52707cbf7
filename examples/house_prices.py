"""House prices: a 2-5-1 network on ten sales, z-scored, checked against finite differences and PyTorch.

Inputs (size, bedrooms) and the price are z-scored; the hidden layer is sigmoid, the output linear;
E = ½·Σ(o − y)²; full-batch gradient descent with η = 0.05 for 500 epochs.

- The backpropagated gradient agrees with central differences: lucidnet's ``gradcheck`` (largest relative error
  per parameter < 1e-6) and, when scipy is installed, ``scipy.optimize.check_grad`` (‖∇E − differences‖₂ < 1e-6).
- The same network in PyTorch, from the same starting weights, follows the same loss curve to 1e-9 (when torch
  is installed).
- Plots: the loss curve, and predicted against actual prices in thousands.

Run: python examples/house_prices.py [--out DIR] [--seed N]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
from _common import plot_curves, pyplot

from lucidnet import SGD, Dense, Network, Standardizer, gradcheck
from lucidnet.data.datasets import load

EPOCHS, LR = 500, 0.05


def build(seed: int) -> Network:
    return Network([Dense(2, 5, "sigmoid"), Dense(5, 1, "identity")], loss="half_sse", seed=seed)


def torch_loss_curve(weights: list[np.ndarray], X: np.ndarray, y: np.ndarray, epochs: int = EPOCHS,
                     lr: float = LR) -> list[float] | None:
    """The same 2-5-1 network in PyTorch from ``weights`` [W1, b1, W2, b2]; None when torch is missing.

    nn.Linear stores its weight as (out, in), so it gets Wᵀ.
    """
    try:
        import torch
    except ImportError:
        return None
    model = torch.nn.Sequential(torch.nn.Linear(2, 5), torch.nn.Sigmoid(), torch.nn.Linear(5, 1)).double()
    with torch.no_grad():
        for linear, W, b in ((model[0], weights[0], weights[1]), (model[2], weights[2], weights[3])):
            linear.weight.copy_(torch.from_numpy(W.T))
            linear.bias.copy_(torch.from_numpy(b))
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    x, t = torch.from_numpy(X), torch.from_numpy(y.reshape(-1, 1))
    curve = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = 0.5 * ((model(x) - t) ** 2).sum()
        loss.backward()
        optimizer.step()
        curve.append(loss.item())  # taken before the step, as lucidnet's History does
    return curve


def scipy_check_grad(net: Network, X: np.ndarray, y: np.ndarray) -> float | None:
    """scipy.optimize.check_grad on all parameters as one vector: ‖∇E − finite differences‖₂ (None without scipy)."""
    try:
        from scipy.optimize import check_grad
    except ImportError:
        return None
    shapes = [p.shape for p in net.parameters()]
    start = net.get_weights()

    def unflatten(theta: np.ndarray) -> list[np.ndarray]:
        parts, at = [], 0
        for shape in shapes:
            size = int(np.prod(shape))
            parts.append(theta[at:at + size].reshape(shape))
            at += size
        return parts

    def E(theta: np.ndarray) -> float:
        net.set_weights(unflatten(theta))
        return net.loss(X, y)

    def grad(theta: np.ndarray) -> np.ndarray:
        net.set_weights(unflatten(theta))
        return np.concatenate([g.ravel() for g in net.loss_and_gradients(X, y)[1]])

    try:
        return float(check_grad(E, grad, np.concatenate([p.ravel() for p in start])))
    finally:
        net.set_weights(start)


def plot_predictions(path: Path, actual: np.ndarray, predicted: np.ndarray) -> Path | None:
    plt = pyplot()
    if plt is None:
        return None
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.scatter(actual / 1000, predicted / 1000)
    lo, hi = min(actual.min(), predicted.min()) / 1000, max(actual.max(), predicted.max()) / 1000
    ax.plot([lo, hi], [lo, hi], "k--", linewidth=1)
    ax.set(title="2-5-1 network: predicted against actual", xlabel="actual price (thousands)",
           ylabel="predicted price (thousands)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main(out_dir: Path | str = ".", seed: int = 0) -> dict[str, Any]:
    out = Path(out_dir)
    X, price = load("house_prices")
    sx, sy = Standardizer().fit(X), Standardizer().fit(price.reshape(-1, 1))
    Xs, ys = sx.transform(X), sy.transform(price.reshape(-1, 1))[:, 0]
    net = build(seed)
    start = net.get_weights()
    check = gradcheck(net, Xs, ys)
    scipy_error = scipy_check_grad(net, Xs, ys)
    history = net.fit(Xs, ys, epochs=EPOCHS, optimizer=SGD(lr=LR))
    predicted = sy.inverse_transform(net.predict(Xs))[:, 0]
    torch_curve = torch_loss_curve(start, Xs, ys)
    gap = None if torch_curve is None else float(np.max(np.abs(np.array(torch_curve) - history.loss)))
    loss_plot = plot_curves(out / "house_prices_loss.png", {"E": history.loss}, "2-5-1 on house prices",
                            ylabel="E = ½·Σ(o − y)² (z-scored)", log=True)
    fit_plot = plot_predictions(out / "house_prices_fit.png", price, predicted)
    result = {
        "gradcheck_passed": check.passed, "gradcheck_max_rel_error": check.max_rel_error,
        "scipy_check_grad": scipy_error,
        "loss": history.loss, "predicted": predicted.tolist(), "actual": price.tolist(),
        "mean_abs_error": float(np.mean(np.abs(predicted - price))), "torch_max_gap": gap,
        "plots": [str(p) for p in (loss_plot, fit_plot) if p is not None],
    }
    print(check)
    if scipy_error is not None:
        print(f"scipy.optimize.check_grad: ‖∇E − finite differences‖₂ = {scipy_error:.2g}")
    print(f"E: {history.loss[0]:.4f} -> {history.loss[-1]:.4f} after {EPOCHS} epochs (η = {LR})")
    for a, p in zip(price, predicted):
        print(f"  actual {a / 1000:7.1f}k  predicted {p / 1000:7.1f}k")
    print(f"mean absolute error {result['mean_abs_error'] / 1000:.1f}k")
    print("PyTorch: not installed" if gap is None else f"PyTorch loss curve, largest difference: {gap:.2g}")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("."), help="folder for the plots")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    main(args.out, args.seed)
