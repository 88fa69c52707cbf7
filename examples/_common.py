"""Small helpers the example scripts share: where plots go, and drawing them when matplotlib is installed."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def pyplot() -> Any:
    """matplotlib.pyplot on the file-only Agg backend, or None when matplotlib is not installed."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_curves(path: Path, curves: dict[str, list[float]], title: str, ylabel: str = "E",
                log: bool = False) -> Path | None:
    """Draw one or more loss curves (epoch on x) into ``path`` (PNG); None without matplotlib."""
    plt = pyplot()
    if plt is None:
        return None
    fig, ax = plt.subplots(figsize=(6, 4))
    for label, values in curves.items():
        ax.plot(range(1, len(values) + 1), values, label=label)
    ax.set(title=title, xlabel="epoch", ylabel=ylabel)
    if log:
        ax.set_yscale("log")
    if len(curves) > 1:
        ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def out_dir_argument(description: str) -> argparse.Namespace:
    """Parse ``--out DIR`` (where plots and files go; default: the current directory)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=Path("."), help="folder for plots and files (default .)")
    return parser.parse_args()
