"""Run the benchmark suite and write benchmarks/RESULTS.md.

    python -m benchmarks                     # every workload, 7 timed runs each, writes RESULTS.md
    python -m benchmarks --quick             # a tenth of the work, 3 runs, prints the table only
    python -m benchmarks --only xor,mnist128 --impl lucidnet,fused

Each (workload, implementation) pair runs in a fresh ``python -m benchmarks.worker`` process with
OPENBLAS/OMP/MKL_NUM_THREADS set before NumPy is imported (torch.set_num_threads as well), so thread
settings hold and the peak RSS is that implementation's own. This process never imports NumPy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as ``python benchmarks/run.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.workloads import GEMM_THREADS, NOTES, ROOT, WORKLOADS

IMPLEMENTATIONS = ("lucidnet", "fused", "torch", "sklearn")
IMPL_LABEL = {"lucidnet": "lucidnet", "fused": "hand-fused NumPy", "torch": "PyTorch CPU",
              "sklearn": "scikit-learn MLP", "numpy": "NumPy matmul"}
#: (workload, other implementation) -> the largest allowed lucidnet / other time ratio (issue 7)
TARGETS = {
    ("xor", "fused"): 1.25, ("house", "fused"): 1.25, ("gender", "fused"): 1.25,
    ("mnist128", "fused"): 1.15, ("mnist128", "torch"): 0.6, ("mnist128", "sklearn"): 0.7,
    ("mnist1024", "fused"): 1.1, ("mnist1024", "torch"): 1.0, ("mnist1024", "sklearn"): 0.8,
}


def run_worker(workload: str, impl: str, threads: int, repeats: int, quick: bool, paired: bool = False) -> dict:
    env = dict(os.environ)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep
    )
    cmd = [sys.executable, "-m", "benchmarks.worker", "--workload", workload, "--impl", impl,
           "--threads", str(threads), "--repeats", str(repeats)] + (["--quick"] if quick else []) + (
               ["--paired"] if paired else [])
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("BENCH-RESULT "):
            return json.loads(line[len("BENCH-RESULT "):])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
    return {"workload": workload, "impl": impl, "threads": threads, "error": f"worker failed: {tail[0]}"}


# ------------------------------------------------------------------------------------ environment


def machine_info() -> list[str]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    probe = (
        "import json, numpy, numpy.__config__ as c\n"
        "blas = c.CONFIG.get('Build Dependencies', {}).get('blas', {})\n"
        "out = {'numpy': numpy.__version__, 'blas': blas.get('name'), 'blas_version': blas.get('version'),"
        " 'blas_config': blas.get('openblas configuration')}\n"
        "from importlib import metadata\n"
        "for mod, dist in (('torch', 'torch'), ('sklearn', 'scikit-learn')):\n"
        "    try:\n"
        "        out[mod] = metadata.version(dist)\n"
        "    except metadata.PackageNotFoundError:\n"
        "        out[mod] = 'not installed'\n"
        "print(json.dumps(out))\n"
    )
    try:
        info = json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                         check=True).stdout)
    except (subprocess.CalledProcessError, json.JSONDecodeError):
        info = {}
    return [
        f"- machine: {cpu}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, NumPy {info.get('numpy', '?')}, "
        f"BLAS {info.get('blas', '?')} {info.get('blas_version', '')} ({info.get('blas_config', '')})",
        f"- PyTorch {info.get('torch', '?')}, scikit-learn {info.get('sklearn', '?')}",
        "- threads: OPENBLAS_NUM_THREADS = OMP_NUM_THREADS = MKL_NUM_THREADS = the workload's thread count, "
        "set before NumPy is imported in a fresh process per (workload, implementation); "
        "PyTorch also torch.set_num_threads(same)",
    ]


# ------------------------------------------------------------------------------------------ table


def _fmt_time(seconds: float, unit: str) -> str:
    return f"{seconds * 1e6:.1f} µs" if unit == "step" else f"{seconds:.3f} s"


def summarise(r: dict) -> dict:
    """Median and min–max of the per-unit time (per step or per epoch)."""
    if "error" in r:
        return r
    per = [t / r.get("divisor", 1) for t in r["times"]]
    r["median"] = statistics.median(per)
    r["min"], r["max"] = min(per), max(per)
    if r.get("cpu_times"):
        r["cpu_median"] = statistics.median(t / r.get("divisor", 1) for t in r["cpu_times"])
    if r.get("flops"):
        r["gflops"] = r["flops"] / (statistics.median(r["times"]) / r.get("divisor", 1)) / 1e9
        r["gflops_best"] = r["flops"] / (min(r["times"]) / r.get("divisor", 1)) / 1e9
    return r


def render(results: list[dict], gemm: list[dict], quick: bool, repeats: int, rounds: int, elapsed: float) -> str:
    lines = ["# lucidnet benchmark results", ""]
    if quick:
        lines += ["**Quick run** (a tenth of the work): not the reference figures.", ""]
    lines += [f"Run {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC with `python -m benchmarks"
              f"{' --quick' if quick else ''}`, {repeats} timed runs per row, taken "
              f"in {rounds} interleaved round(s) of fresh worker processes (each after a warm-up), "
              f"{elapsed:.0f} s in all. Only ratios within one run count: this machine's speed drifts 20-35%. "
              "What bounds each target, with the profiles: benchmarks/README.md.",
              ""]
    lines += machine_info()
    try:
        lines.append("- load average (1, 5, 15 min) at the end of the run: "
                     + ", ".join(f"{x:.2f}" for x in os.getloadavg()) + " (other work shares this machine)")
    except OSError:
        pass
    lines.append("")
    # the peak is the fastest run: what the machine can do, taken before and after the training rows
    peak = {g["threads"]: g.get("gflops_best") for g in gemm if "error" not in g}
    if gemm:
        lines += ["## float32 GEMM peak (2048³ matmul)", "",
                  "Half the runs before the training rows and half after them. The peak, which the training rows' "
                  "GFLOP/s are set against, is the fastest run.", "",
                  "| BLAS threads | runs | median | min–max | GFLOP/s at the median | peak GFLOP/s |",
                  "|---:|---:|---:|---:|---:|---:|"]
        for g in gemm:
            if "error" in g:
                lines.append(f"| {g['threads']} | {g['error']} | | | | |")
            else:
                lines.append(f"| {g['threads']} | {len(g['times'])} | {g['median']:.3f} s | {g['min']:.3f}–"
                             f"{g['max']:.3f} s | {g['gflops']:.1f} | {g['gflops_best']:.1f} |")
        lines.append("")
    lines += ["## Training", "",
              "Time per SGD step (workloads 1-3, the whole `fit` divided by its steps) or per epoch (4-5), the "
              "per-epoch loss recorded by every implementation. *× lucidnet*: this row's time over lucidnet's "
              "(above 1: lucidnet is faster). *CPU*: the median process CPU time per unit, all threads (it does "
              "not count time the process waited for a core, so on 1 thread it is the steadier figure while other "
              "work shares the machine; on 2 threads it includes BLAS threads spinning). Peak RSS: the worker "
              "process's `ru_maxrss` (data set included; "
              "*data* is the RSS after loading the data).", "",
              "| workload | implementation | median | min–max | × lucidnet | CPU (× lucidnet) | GFLOP/s (% of peak) "
              "| peak RSS (data) "
              "| final loss | notes |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    by_key = {(r["workload"], r["impl"]): r for r in results}
    for name, w in WORKLOADS.items():
        rows = [r for r in results if r["workload"] == name]
        if not rows:
            continue
        base = by_key.get((name, "lucidnet"), {}).get("median")
        base_cpu = by_key.get((name, "lucidnet"), {}).get("cpu_median")
        for r in rows:
            label = IMPL_LABEL[r["impl"]]
            if "error" in r:
                lines.append(f"| {name} | {label} | {r['error']} | | | | | {r.get('peak_rss_mib', 0):.0f} MiB | | |")
                continue
            ratio = f"{r['median'] / base:.2f}" if base else "–"
            cpu = _fmt_time(r["cpu_median"], w.unit) if "cpu_median" in r else "–"
            if base_cpu and "cpu_median" in r:
                cpu += f" ({r['cpu_median'] / base_cpu:.2f})"
            gf = "–"
            if r.get("gflops"):
                pk = peak.get(w.threads)
                gf = f"{r['gflops']:.1f}" + (f" ({100 * r['gflops'] / pk:.0f}%)" if pk else "")
            note = NOTES.get((r["impl"], name), "")
            if w.data == "mnist":
                note = "; ".join(x for x in [r.get("data", ""), note] if x)
            lines.append(
                f"| {name} | {label} | {_fmt_time(r['median'], w.unit)} | {_fmt_time(r['min'], w.unit)}–"
                f"{_fmt_time(r['max'], w.unit)} | {ratio} | {cpu} | {gf} | {r['peak_rss_mib']:.0f} MiB "
                f"({r['rss_data_mib']:.0f}) | {r['final_loss']:.5g} | {note} |"
            )
    lines += ["", "Workloads:", ""] + [f"- **{n}**: {w.title} ({w.threads} BLAS thread"
                                        f"{'s' if w.threads > 1 else ''})" for n, w in WORKLOADS.items()]
    lines += ["", "## Targets (lucidnet's time over the other's, this run)", "",
              "The target is judged on the ratio of the medians; the ratio of the fastest runs (*best*) is the "
              "steadier estimate while other work shares the machine.", "",
              "*Paired*: against the fused loop, the two also train in turns in one process (the order alternating), "
              "and the figure is the median of the ratios within each turn, with their range: a slow spell that "
              "outlasts one turn slows both sides of it alike.", "",
              "| workload | against | ratio of medians | ratio of best runs | paired: median (min–max) "
              "| target | met |",
              "|---|---|---:|---:|---:|---:|:---:|"]
    for (name, other), limit in TARGETS.items():
        a, b = by_key.get((name, "lucidnet"), {}), by_key.get((name, other), {})
        if "median" in a and "median" in b:
            ratio = a["median"] / b["median"]
            pairs = a.get("paired_ratio") if other == "fused" else None
            paired = (f"{statistics.median(pairs):.2f} ({min(pairs):.2f}–{max(pairs):.2f})" if pairs else "–")
            lines.append(f"| {name} | {IMPL_LABEL[other]} | {ratio:.2f} | {a['min'] / b['min']:.2f} | {paired} "
                         f"| ≤ {limit:g} | {'yes' if ratio <= limit else '**no**'} |")
    mem = [(n, by_key.get((n, "lucidnet")), by_key.get((n, "sklearn"))) for n in ("mnist128", "mnist1024")]
    for n, a, b in mem:
        if a and b and "peak_rss_mib" in a and "peak_rss_mib" in b and "error" not in a and "error" not in b:
            ok = a["peak_rss_mib"] <= b["peak_rss_mib"]
            lines.append(f"| {n} | scikit-learn peak RSS | {a['peak_rss_mib']:.0f} / {b['peak_rss_mib']:.0f} MiB "
                         f"| | | ≤ 1 | {'yes' if ok else '**no**'} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Run lucidnet's benchmark suite.")
    p.add_argument("--quick", action="store_true", help="a tenth of the work, 3 runs; prints the table")
    p.add_argument("--only", default="", help="comma-separated workloads (" + ", ".join(WORKLOADS) + ", gemm)")
    p.add_argument("--impl", default="", help="comma-separated implementations (" + ", ".join(IMPLEMENTATIONS) + ")")
    p.add_argument("--repeats", type=int, default=None, help="timed runs per row (default 7, quick 3)")
    p.add_argument("--rounds", type=int, default=None,
                   help="split the runs over this many interleaved rounds of fresh workers (default: one run per "
                        "round; quick: 1)")
    p.add_argument("--output", default=None, help="markdown file (default benchmarks/RESULTS.md; quick: none)")
    a = p.parse_args(argv)
    only = [x for x in a.only.split(",") if x] or [*WORKLOADS, "gemm"]
    bad = [x for x in only if x not in WORKLOADS and x != "gemm"]
    if bad:
        p.error(f"unknown workload {bad[0]!r}; choose from {', '.join([*WORKLOADS, 'gemm'])}")
    impls = [x for x in a.impl.split(",") if x] or list(IMPLEMENTATIONS)
    bad = [x for x in impls if x not in IMPLEMENTATIONS]
    if bad:
        p.error(f"unknown implementation {bad[0]!r}; choose from {', '.join(IMPLEMENTATIONS)}")
    repeats = a.repeats or (3 if a.quick else 7)
    output = a.output or (None if a.quick else str(ROOT / "benchmarks" / "RESULTS.md"))

    t0 = dt.datetime.now()
    gemm_runs: dict[int, dict] = {}
    results = []

    def measure_gemm(n_runs: int, when: str) -> None:
        # the peak is measured before and after the training rows, so that one slow spell does not set it
        for th in GEMM_THREADS:
            print(f"gemm, {th} thread(s), {when} ...", file=sys.stderr, flush=True)
            r = run_worker("gemm", "numpy", th, n_runs, a.quick)
            if th not in gemm_runs or "error" in r:
                gemm_runs[th] = r
            elif "error" not in gemm_runs[th]:
                gemm_runs[th]["times"] += r["times"]

    if "gemm" in only:
        measure_gemm(max(1, repeats // 2) if len(only) > 1 else repeats, "before the training rows")
    rounds = a.rounds or (1 if a.quick else repeats)
    per_round = max(1, -(-repeats // rounds))
    for name in [x for x in only if x != "gemm"]:
        w = WORKLOADS[name]
        merged: dict[str, dict] = {}
        # the implementations take turns, round after round, so a slow spell of this shared machine
        # lands on all of them rather than on one
        for k in range(rounds):
            for impl in impls:
                print(f"{name}: {impl}, round {k + 1}/{rounds} ...", file=sys.stderr, flush=True)
                r = run_worker(name, impl, w.threads, per_round, a.quick)
                if impl not in merged or "error" in r:
                    merged[impl] = r
                elif "error" not in merged[impl]:
                    merged[impl]["times"] += r["times"]
                    merged[impl]["cpu_times"] += r["cpu_times"]
                    merged[impl]["peak_rss_mib"] = max(merged[impl]["peak_rss_mib"], r["peak_rss_mib"])
        for impl in impls:
            r = summarise(merged[impl])
            results.append(r)
            msg = r["error"] if "error" in r else f"median {_fmt_time(r['median'], w.unit)}"
            print(f"{name}: {impl}: {msg}", file=sys.stderr)
        if "lucidnet" in impls and "fused" in impls:
            print(f"{name}: lucidnet and fused in turns in one process ...", file=sys.stderr, flush=True)
            r = run_worker(name, "lucidnet,fused", w.threads, repeats, a.quick, paired=True)
            if "paired" in r:
                pairs = [x / y for x, y in zip(r["paired"]["lucidnet"], r["paired"]["fused"])]
                by_impl = {x["impl"]: x for x in results if x["workload"] == name}
                by_impl["lucidnet"]["paired_ratio"] = pairs
                by_impl["lucidnet"]["paired_times"] = r["paired"]
    if "gemm" in only and len(only) > 1:
        measure_gemm(max(1, repeats - repeats // 2), "after the training rows")
    gemm = [summarise(gemm_runs[th]) for th in GEMM_THREADS if th in gemm_runs]
    text = render(results, gemm, a.quick, repeats, rounds, (dt.datetime.now() - t0).total_seconds())
    if output:
        raw = Path(output).with_suffix(".json")  # every time measured, to re-read or re-render
        raw.write_text(json.dumps({"gemm": gemm, "results": results}, indent=1) + "\n", encoding="utf-8")
        tmp = Path(output).with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, output)
        print(f"wrote {output}", file=sys.stderr)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
