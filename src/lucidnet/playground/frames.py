"""What a frame draws, computed from the network: the 50 × 50 grid of the plane passed through every layer once
(``layer.forward``, so every neuron's ``o`` over the plane comes from the same pass), the neurons' 25 × 25
thumbnails, the weights, and the inputs' thumbnails. Grids are quantised to uint8 and base64-encoded to keep
frames small.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

import numpy as np

from lucidnet.network import Network
from lucidnet.playground.data import Points
from lucidnet.playground.features import FEATURES, feature_matrix

GRID = 50
THUMB_STEP = 2  # thumbnails take every second grid point: 25 × 25


def quantise(v: np.ndarray) -> str:
    """q = round((clip(v, -1, 1) + 1)·127.5) as uint8, base64-encoded; the page maps q back to [-1, 1].

    >>> quantise(np.array([-1.0, 0.0, 1.0, 7.0]))  # bytes 0, 128, 255, 255
    'AID//w=='
    """
    q = np.rint((np.clip(np.nan_to_num(v, nan=0.0), -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8)
    return base64.b64encode(q.tobytes()).decode("ascii")


def grid_points(domain: tuple[float, float, float, float], n: int = GRID) -> np.ndarray:
    """(n·n, 2) points of the plane, row-major from the top-left corner (x₁ across, x₂ down from its max)."""
    xmin, xmax, ymin, ymax = domain
    xs = np.linspace(xmin, xmax, n)
    ys = np.linspace(ymax, ymin, n)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def thumbnails(o: np.ndarray) -> list[str]:
    """One 25 × 25 thumbnail per column of o (GRID·GRID, k), values in [-1, 1]."""
    side = o.reshape(GRID, GRID, -1)[::THUMB_STEP, ::THUMB_STEP]
    return [quantise(side[:, :, j]) for j in range(side.shape[2])]


def grid_pass(network: Network, X_grid: np.ndarray) -> tuple[list[list[str]], np.ndarray]:
    """(the thumbnails of each hidden Dense layer's o, the output o (GRID·GRID, n_out)) of one pass of the grid's
    inputs through every layer."""
    x = X_grid
    thumbs: list[list[str]] = []
    dense = [layer for layer in network.layers if hasattr(layer, "W")]
    for layer in network.layers:
        with np.errstate(all="ignore"):
            x = np.nan_to_num(layer.forward(x), nan=0.0)
        if layer is dense[-1]:
            break
        if hasattr(layer, "W"):
            thumbs.append(thumbnails(x))
    return thumbs, x


def weights_of(network: Network) -> tuple[list[list[list[float]]], list[list[float]]]:
    """Each Dense layer's W and b, rounded to 4 decimals, non-finite values replaced (NaN by 0, ±inf by ±10⁶)."""
    weights, biases = [], []
    for layer in network.layers:
        if not hasattr(layer, "W"):
            continue
        weights.append(np.round(np.nan_to_num(layer.W, nan=0.0, posinf=1e6, neginf=-1e6), 4).tolist())
        b = getattr(layer, "b", None)
        biases.append([] if b is None else np.round(np.nan_to_num(b, nan=0.0, posinf=1e6, neginf=-1e6), 4).tolist())
    return weights, biases


def input_pictures(points: Points, features: Sequence[str], grid: np.ndarray) -> dict[str, Any]:
    """The network's inputs (``features``), the input nodes the page draws (``feature_choices``: every feature of
    the built-in sets, used or not; an upload's inputs) and a thumbnail of each over the plane (``feature_thumbs``).
    """
    side = grid.reshape(GRID, GRID, 2)[::THUMB_STEP, ::THUMB_STEP].reshape(-1, 2)
    if points.upload:
        names = points.input_names
        feats = points.to_inputs(side)  # one colour scale for all: a held input is as pale as its value
        scale = np.full(feats.shape[1], np.abs(feats).max() or 1.0)
        choices = [{"name": n, "label": n} for n in names]
        used = choices
    else:
        names = list(FEATURES)
        feats = feature_matrix(side, names)
        scale = np.abs(feats).max(axis=0)
        scale[scale == 0] = 1.0
        choices = [{"name": f.name, "label": f.label} for f in FEATURES.values()]
        used = [{"name": n, "label": FEATURES[n].label} for n in features]
    return {
        "features": used,
        "feature_choices": choices,
        "feature_thumbs": {name: quantise(feats[:, j] / scale[j]) for j, name in enumerate(names)},
    }
