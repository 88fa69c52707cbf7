"""One (workload, implementation) measurement in a fresh process; prints one JSON line.

    python -m benchmarks.worker --workload mnist128 --impl fused --threads 2 --repeats 5 [--quick]
    python -m benchmarks.worker --workload xor --impl lucidnet,fused --paired --threads 1 --repeats 7

The BLAS / OpenMP thread variables are set before NumPy is first imported, which is why this is a
separate process per pair; the process's peak RSS (``ru_maxrss``) is then that implementation's alone.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
MARK = "BENCH-RESULT "
#: seconds of warm-up training before the timed runs
WARM_UP_S = 0.5


def set_threads(n: int) -> None:
    if "numpy" in sys.modules:
        raise RuntimeError("thread variables must be set before NumPy is imported")
    for var in THREAD_VARS:
        os.environ[var] = str(n)


def peak_rss_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def _timed(fn, repeats: int) -> tuple[list[float], object]:
    times, out = [], None
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
        gc.enable()
    return times, out


def run_gemm(n: int, repeats: int) -> dict:
    import numpy as np

    rng = np.random.default_rng(0)
    A = rng.random((n, n), dtype=np.float32)
    B = rng.random((n, n), dtype=np.float32)
    C = np.empty((n, n), np.float32)
    np.matmul(A, B, out=C)  # warm-up: thread pool start, page faults
    times, _ = _timed(lambda: np.matmul(A, B, out=C), repeats)
    return {"times": times, "flops": 2.0 * n**3, "per": "matmul"}


def measure(w, impl: str, threads: int, repeats: int, warm_up_s: float = WARM_UP_S) -> dict:
    """Warm up once, then time ``repeats`` whole ``train`` calls of ``impl`` on workload ``w``."""
    from benchmarks import impls
    from benchmarks.workloads import initial_weights, make_data

    X, y, source = make_data(w)
    rss_data = peak_rss_mib()
    n = X.shape[0]
    trainer = impls.make(impl, w, initial_weights(w), threads, n)
    # warm-up (not timed): imports, thread pools, first touch of the buffers; a tenth of the work
    if w.unit == "epoch":
        k = min(n, 20 * (w.batch_size or n))
        Xw, yw, epochs = X[:k], y[:k], w.epochs
    else:
        Xw, yw, epochs = X, y, max(1, w.epochs // 10)
    if hasattr(trainer, "prime"):
        trainer.prime(Xw, yw)
    # repeated for at least warm_up_s: with one short warm-up, the first timed run of a fresh process was
    # often up to 2x slower than the runs after it (xor: 87 then 43 µs per step)
    t_end = time.perf_counter() + warm_up_s
    while True:
        trainer.reset()
        trainer.train(Xw, yw, epochs)
        if time.perf_counter() >= t_end:
            break
    times, cpu, losses = [], [], []
    for _ in range(repeats):
        trainer.reset()
        gc.collect()
        gc.disable()
        c0, t0 = time.process_time(), time.perf_counter()
        losses = trainer.train(X, y, w.epochs)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        gc.enable()
    steps = w.steps_per_epoch(n) * w.epochs
    return {
        "times": times,
        "cpu_times": cpu,
        "per": w.unit,
        "divisor": steps if w.unit == "step" else w.epochs,
        "flops": w.flops_per_epoch(n) if w.unit == "epoch" else None,
        "losses": [float(v) for v in losses[:3]] + [float(v) for v in losses[-1:]],
        "final_loss": float(losses[-1]) if len(losses) else None,
        "n_losses": len(losses),
        "n_samples": n,
        "data": source,
        "rss_data_mib": rss_data,
    }


def measure_paired(w, impls_: list[str], threads: int, repeats: int, warm_up_s: float = WARM_UP_S) -> dict:
    """Time ``repeats`` rounds in which each of ``impls_`` trains once, in one process, the order alternating
    from round to round. Each round's ratio is then taken within seconds: a slow spell of the machine that
    outlasts a round slows both sides of it alike, which separate processes minutes apart cannot promise."""
    from benchmarks import impls
    from benchmarks.workloads import initial_weights, make_data

    X, y, _ = make_data(w)
    trainers = {name: impls.make(name, w, initial_weights(w), threads, X.shape[0]) for name in impls_}
    for trainer in trainers.values():
        if hasattr(trainer, "prime"):
            trainer.prime(X, y)
    t_end = time.perf_counter() + warm_up_s
    while True:
        for trainer in trainers.values():
            trainer.reset()
            trainer.train(X, y, max(1, w.epochs // 10) if w.unit == "step" else w.epochs)
        if time.perf_counter() >= t_end:
            break
    times: dict[str, list[float]] = {name: [] for name in impls_}
    for k in range(repeats):
        for name in impls_ if k % 2 == 0 else impls_[::-1]:
            trainer = trainers[name]
            trainer.reset()
            times[name] += _timed(lambda t=trainer: t.train(X, y, w.epochs), 1)[0]
    return {"paired": times, "divisor": w.steps_per_epoch(X.shape[0]) * w.epochs if w.unit == "step" else w.epochs}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workload", required=True)
    p.add_argument("--impl", default="numpy")
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--paired", action="store_true",
                   help="--impl names several implementations (a,b): time them in turns in this one process")
    a = p.parse_args(argv)
    set_threads(a.threads)
    result = {"workload": a.workload, "impl": a.impl, "threads": a.threads}
    try:
        if a.workload == "gemm":
            from benchmarks.workloads import GEMM_N

            result.update(run_gemm(512 if a.quick else GEMM_N, a.repeats))
        else:
            from benchmarks.workloads import WORKLOADS, quick

            w = WORKLOADS[a.workload]
            if a.paired:
                result.update(measure_paired(quick(w) if a.quick else w, a.impl.split(","), a.threads, a.repeats,
                                             warm_up_s=0.0 if a.quick else WARM_UP_S))
            else:
                result.update(measure(quick(w) if a.quick else w, a.impl, a.threads, a.repeats,
                                      warm_up_s=0.0 if a.quick else WARM_UP_S))
    except ImportError as exc:
        result["error"] = f"not installed: {exc.name or exc}"
    except Exception as exc:  # noqa: BLE001 - reported in the table, never lost
        result["error"] = f"{type(exc).__name__}: {exc}"
    result["peak_rss_mib"] = peak_rss_mib()
    print(MARK + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
