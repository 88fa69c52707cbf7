"""Boundary updates per second of the playground's frame producer, end to end.

One update = what the server does for each frame it streams while playing: train one epoch with the
lucidnet engine (mini-batches of 10), pass the 50 × 50 grid through every layer, quantise and base64 the
boundary and every neuron's thumbnail, compute train/test loss and accuracy, and JSON-encode the frame.
The page's target is at least 20 updates per second for a 2-8-8-1 network on 500 points.

Run:  PYTHONPATH=src python benchmarks/playground_fps.py [--seconds 5] [--write benchmarks/PLAYGROUND.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time

import numpy as np

from lucidnet.playground.config import parse_config
from lucidnet.playground.data import builtin_points
from lucidnet.playground.session import Session

TARGET = 20.0
CASES = [
    ("2-8-8-1 tanh, 500 train points (spiral, batch 10)",
     {"dataset": "spiral", "n_points": 1000, "train_ratio": 50, "layers": [8, 8]}),
    ("2-8-8-1 tanh, 500 points in all: 250 train + 250 test",
     {"dataset": "spiral", "n_points": 500, "train_ratio": 50, "layers": [8, 8]}),
    ("7 features-16-16-16-1, 500 train points",
     {"dataset": "spiral", "n_points": 1000, "train_ratio": 50, "layers": [16, 16, 16],
      "features": ["x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2"]}),
]  # fmt: skip


def measure(config: dict, seconds: float, repeats: int = 5) -> dict[str, float]:
    """Updates per second (median of ``repeats`` runs of ``seconds / repeats`` each) and time per part."""
    cfg = parse_config({"activations": "tanh", "optimizer": "sgd", "lr": 0.03, "batch_size": 10, **config})
    session = Session(cfg, builtin_points(cfg))
    for _ in range(5):  # warm up
        json.dumps(session.advance())
    rates = []
    for _ in range(repeats):
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds / repeats:
            json.dumps(session.advance())
            n += 1
        rates.append(n / (time.perf_counter() - t0))
    # the parts of one update, for the table
    parts = {"train": [], "frame": [], "encode": []}
    for _ in range(30):
        t0 = time.perf_counter()
        with session.lock:
            session._train(1)
        t1 = time.perf_counter()
        frame = session.frame()
        t2 = time.perf_counter()
        json.dumps(frame)
        t3 = time.perf_counter()
        parts["train"].append(t1 - t0)
        parts["frame"].append(t2 - t1)
        parts["encode"].append(t3 - t2)
    return {
        "fps": statistics.median(rates),
        "fps_min": min(rates),
        "train_ms": 1e3 * statistics.median(parts["train"]),
        "frame_ms": 1e3 * statistics.median(parts["frame"]),
        "encode_ms": 1e3 * statistics.median(parts["encode"]),
        "frame_kb": len(json.dumps(frame)) / 1024,
    }


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, NumPy {np.__version__}; "
            f"load average {os.getloadavg()[0]:.1f} when measured")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measuring time per case (default 5)")
    parser.add_argument("--write", metavar="FILE", help="write the results as Markdown to FILE")
    args = parser.parse_args()
    rows = []
    for name, config in CASES:
        r = measure(config, args.seconds)
        rows.append((name, r))
        print(f"{name}: {r['fps']:.1f} updates/s (slowest run {r['fps_min']:.1f}); train {r['train_ms']:.1f} ms, "
              f"frame {r['frame_ms']:.1f} ms, encode {r['encode_ms']:.1f} ms, {r['frame_kb']:.0f} KiB")  # fmt: skip
    ok = rows[0][1]["fps_min"] >= TARGET
    if args.write:
        lines = [
            "# Playground: boundary updates per second",
            "",
            (
                "Measured by `benchmarks/playground_fps.py` through the server's frame producer "
                "(`Session.advance` + JSON encoding): train one epoch with mini-batches of 10, pass the 50 × 50 grid "
                "through every layer, quantise and base64-encode the boundary and every neuron's 25 × 25 thumbnail, "
                "compute the train and test loss and accuracy, encode the frame. The stream then sends at most 30 "
                "frames a second per page."
            ),
            "",
            f"Machine: {machine()}.",
            "",
            "| network and data | updates/s (median) | slowest run | train ms | frame ms | encode ms | frame KiB |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, r in rows:
            lines.append(f"| {name} | {r['fps']:.1f} | {r['fps_min']:.1f} | {r['train_ms']:.1f} | "
                         f"{r['frame_ms']:.1f} | {r['encode_ms']:.1f} | {r['frame_kb']:.0f} |")  # fmt: skip
        lines += ["", (f"Target: at least {TARGET:.0f} updates per second for the 2-8-8-1 network on 500 points: "
                  f"{'met' if ok else 'NOT met'}."), ""]  # fmt: skip
        tmp = args.write + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        os.replace(tmp, args.write)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
