"""Pictures of a trained model: loss curves, predicted vs actual, decision boundary, weight matrices.

Needs matplotlib (``pip install lucidnet[plot]``), imported only when a plot is drawn. Figures are built with
``matplotlib.figure.Figure`` and the Agg canvas, never pyplot: no window, no global figure state.
"""

from __future__ import annotations

import io
import os
from typing import Any

import numpy as np

from .display.history import loss_panel
from .io import atomic_write
from .metrics import confusion_matrix, r2_score

__all__ = ["KINDS", "plot_decision_boundary", "plot_loss", "plot_pred_vs_actual", "plot_weights", "save_plot"]

KINDS = ("loss", "pred-vs-actual", "decision-boundary", "weights")


def _figure(width: float = 6.4, height: float = 4.8) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "plots need matplotlib: install lucidnet[plot] (pip install 'lucidnet[plot]')"
        ) from None
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def plot_loss(history: dict[str, Any]) -> Any:
    """E per epoch for training (and validation) data, log scale when it spans more than a decade."""
    h = history.get("history", history) if history else {}
    loss = h.get("loss") or []
    if not loss:
        raise ValueError("this model has no training history to plot")
    fig = _figure()
    ax = fig.add_subplot()
    loss_panel(ax, h, history.get("best_epoch"))
    ax.set_xlabel("epoch")
    return fig


def plot_pred_vs_actual(bundle: Any, X: np.ndarray, y: np.ndarray) -> Any:
    """Values: predicted against actual, with the line ŷ = y. Classes: the confusion matrix as an image."""
    pre = bundle.preprocessing
    pred = bundle.predict(X)
    if pre.classes is not None:
        true, p = pre.encode_y(y), pre.encode_y(pred)
        k = len(pre.classes)
        c = confusion_matrix(true, p, n_classes=k)
        fig = _figure(1.6 + 0.8 * k, 1.2 + 0.7 * k)
        ax = fig.add_subplot()
        im = ax.imshow(c, cmap="Blues")
        for i in range(k):
            for j in range(k):
                color = "white" if c[i, j] > c.max() / 2 else "black"
                ax.text(j, i, str(c[i, j]), ha="center", va="center", color=color)
        names = [str(v) for v in pre.classes]
        ax.set_xticks(range(k), names, rotation=30 if max(map(len, names)) > 4 else 0)
        ax.set_yticks(range(k), names)
        ax.set_xlabel("predicted class")
        ax.set_ylabel("actual class")
        ax.set_title(f"Predicted vs actual: accuracy {np.trace(c) / c.sum():.3f}")
        fig.colorbar(im, ax=ax, shrink=0.8)
        return fig
    yt = np.asarray(y, dtype=float).reshape(len(y), -1)
    yp = np.asarray(pred, dtype=float).reshape(len(y), -1)
    fig = _figure(5.2, 5.0)
    ax = fig.add_subplot()
    for j in range(yt.shape[1]):
        ax.scatter(yt[:, j], yp[:, j], s=14, alpha=0.7, label=None if yt.shape[1] == 1 else f"output {j}")
    lo, hi = float(min(yt.min(), yp.min())), float(max(yt.max(), yp.max()))
    ax.plot([lo, hi], [lo, hi], color="grey", linestyle="--", label="ŷ = y")
    name = pre.target_name or "target"
    ax.set_xlabel(f"actual {name}")
    ax.set_ylabel(f"predicted {name}")
    ax.set_title(f"Predicted vs actual: R² {r2_score(yt, yp):.3f}")
    ax.set_aspect("equal", adjustable="datalim")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return fig


def plot_decision_boundary(bundle: Any, X: np.ndarray, y: np.ndarray, resolution: int = 200) -> Any:
    """The predicted class (or value) over the plane of the two features, with the data on top."""
    if X.shape[1] != 2:
        raise ValueError(f"a decision boundary needs 2 features; this model has {X.shape[1]}")
    pre = bundle.preprocessing
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0) + 1e-12)
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([g0.ravel(), g1.ravel()])
    fig = _figure(6.0, 5.0)
    ax = fig.add_subplot()
    names = pre.feature_names or ["x1", "x2"]
    if pre.classes is not None:
        k = len(pre.classes)
        proba = bundle.predict_proba(grid)
        z = proba.argmax(axis=1).reshape(g0.shape)
        cmap = _class_cmap(k)
        ax.contourf(g0, g1, z, levels=np.arange(k + 1) - 0.5, cmap=cmap, alpha=0.35)
        ax.contour(g0, g1, z, levels=np.arange(k) + 0.5, colors="black", linewidths=0.8)
        classes = pre.encode_y(y)
        for i, c in enumerate(pre.classes):
            m = classes == i
            ax.scatter(
                X[m, 0], X[m, 1], s=16, color=cmap(i), edgecolors="black", linewidths=0.4, label=str(c)
            )
        ax.legend(title=pre.target_name or "class")
        ax.set_title("Decision boundary")
    else:
        z = np.asarray(bundle.predict(grid), dtype=float).reshape(len(grid), -1)[:, 0].reshape(g0.shape)
        cs = ax.contourf(g0, g1, z, levels=20, cmap="viridis", alpha=0.8)
        fig.colorbar(cs, ax=ax, label=f"predicted {pre.target_name or 'value'}")
        ax.scatter(X[:, 0], X[:, 1], c=np.asarray(y, dtype=float).reshape(len(y), -1)[:, 0], cmap="viridis",
                   norm=cs.norm, edgecolors="black", linewidths=0.4, s=16)  # fmt: skip
        ax.set_title("Predicted value over the input plane")
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    return fig


def _class_cmap(k: int) -> Any:
    from matplotlib.colors import ListedColormap

    base = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]
    return ListedColormap([base[i % len(base)] for i in range(k)])


def plot_weights(network: Any, feature_names: list[str] | None = None) -> Any:
    """Each weight matrix W (n_in, n_out) as a heat map, one colour scale centred on 0 per layer."""
    from matplotlib.ticker import MaxNLocator

    dense = [(i, layer) for i, layer in enumerate(network.layers) if getattr(layer, "W", None) is not None]
    fig = _figure(3.2 * len(dense) + 0.8, 4.2)
    axes = fig.subplots(1, len(dense), squeeze=False)[0]
    for ax, (i, layer) in zip(axes, dense):
        W = layer.W
        m = float(np.abs(W).max()) or 1.0
        im = ax.imshow(W, cmap="RdBu_r", vmin=-m, vmax=m, aspect="auto", interpolation="nearest")
        ax.set_title(f"layers.{i}.W {W.shape[0]}×{W.shape[1]}\n{layer.activation.name}", fontsize=9)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        if i == dense[0][0] and feature_names and len(feature_names) <= 20:
            ax.set_yticks(range(len(feature_names)), feature_names)
        ax.set_xlabel("to unit (column)")
        ax.set_ylabel("from input (row)")
        fig.colorbar(im, ax=ax, shrink=0.8)
    fig.suptitle("Weight matrices (red > 0, blue < 0)")
    return fig


def save_plot(bundle: Any, kind: str, path: str | os.PathLike[str], table: Any = None) -> None:
    """Draw ``kind`` (one of :data:`KINDS`) for a :class:`~lucidnet.io.ModelBundle` and write a PNG atomically."""
    if kind == "loss":
        fig = plot_loss(bundle.history or {})
    elif kind == "weights":
        fig = plot_weights(bundle.network, bundle.preprocessing.feature_names)
    elif kind in ("pred-vs-actual", "decision-boundary"):
        if table is None or table.y is None:
            raise ValueError(f"{kind} needs labelled data")
        fn = plot_pred_vs_actual if kind == "pred-vs-actual" else plot_decision_boundary
        fig = fn(bundle, table.X, table.y)
    else:
        raise ValueError(f"unknown plot kind {kind!r}; valid kinds are: {', '.join(KINDS)}")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    atomic_write(path, lambda fh: fh.write(buf.getvalue()))
