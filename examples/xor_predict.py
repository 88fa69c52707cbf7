"""Inference alone: load the 3-4-1 XOR weights that examples/xor_tanh.py wrote, and predict.

The weights file is plain text (``lucidnet.io.save_txt``): a metadata line, then each weight matrix row by row.
Loading it builds the same network; no training code is involved.

Run: python examples/xor_predict.py xor_tanh_weights.txt
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from lucidnet.io import load_txt


def main(weights_file: Path | str = "xor_tanh_weights.txt") -> dict[str, Any]:
    net = load_txt(weights_file)
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
    o = net.predict(X)[:, 0]
    for x, value in zip(X.astype(int).tolist(), o):
        print(f"{x[0]} xor {x[1]} -> {value:.3f} -> {int(value > 0.5)}")
    return {"network": repr(net), "predictions": o.tolist(), "classes": (o > 0.5).astype(int).tolist()}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights_file", type=Path, nargs="?", default=Path("xor_tanh_weights.txt"))
    main(parser.parse_args().weights_file)
