"""Fuzz: thousands of mutated model files, text models and checkpoints (tests/filefuzz.py) load unchanged or raise
ModelFileError, and nothing else: no other exception, no allocation past a limit the worker sets on its own
address space, no load slower than its time limit, no resumed run that reads or writes outside its folder.

About 11,800 mutations, 24 s on two cores (docs/security.md). ``LUCIDNET_FUZZ_SCALE=10`` runs ten times as many (and
``LUCIDNET_FUZZ_SEED`` other seeds); ``LUCIDNET_FUZZ_REPORT=path`` appends each worker's figures to a JSON-lines
file (docs/security.md quotes them).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("resource", reason="the worker caps its address space with resource.setrlimit (POSIX)")
WORKER = Path(__file__).with_name("filefuzz.py")
SCALE = float(os.environ.get("LUCIDNET_FUZZ_SCALE", "1"))
SEED = int(os.environ.get("LUCIDNET_FUZZ_SEED", "20240601"))
#: the address space a worker may use above its size after start-up, and the most a load may take
MEMORY_MB, TIME_LIMIT_S = 256, 5.0
#: the most memory one traced load may hold at its peak (tracemalloc, every tenth load)
TRACED_PEAK_MB = 32

FORGED = {"same", "loaded", "loaded, refuses inputs", "ModelFileError"}
#: (kind, mode) -> mutations at scale 1, and the outcomes that are allowed
CASES = {
    ("model", "sealed"): (3000, {"unchanged", "ModelFileError"}),
    ("model", "forged"): (1500, FORGED),
    ("text", "sealed"): (2000, {"unchanged", "ModelFileError"}),
    ("text", "forged"): (1000, FORGED),
    ("checkpoint", "sealed"): (1500, {"unchanged", "ModelFileError"}),
    ("checkpoint", "forged"): (1500, FORGED),
    ("v010", "forged"): (1000, FORGED),
    ("resume", "forged"): (300, {"trained", "exit 1", "exit 2, one line"}),
}


@pytest.mark.slow
@pytest.mark.parametrize("kind, mode", list(CASES), ids=[f"{k}-{m}" for k, m in CASES])
def test_mutated_files_load_unchanged_or_raise_model_file_error(kind, mode):
    base, allowed = CASES[kind, mode]
    n = max(1, round(base * SCALE))
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, str(WORKER), kind, mode, str(n), str(SEED + list(CASES).index((kind, mode))),
           "--memory-mb", str(MEMORY_MB), "--time-limit", str(TIME_LIMIT_S)]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120 + 60 * SCALE, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().split("\n")[-1])
    if os.environ.get("LUCIDNET_FUZZ_REPORT"):
        with open(os.environ["LUCIDNET_FUZZ_REPORT"], "a") as fh:
            fh.write(json.dumps(result) + "\n")
    outcomes = result["outcomes"]
    assert not result["failures"], result["failures"]
    assert set(outcomes) <= allowed, outcomes
    assert sum(outcomes.values()) == n
    assert result["max_traced_peak_mb"] < TRACED_PEAK_MB
    assert result["max_seconds_per_load"] < TIME_LIMIT_S
    if mode == "sealed":  # the checksums turn every change that still parses into an error
        assert outcomes.get("ModelFileError", 0) > 0.9 * n, outcomes
    else:  # the checks behind the checksums are reached: some forged files load, most are refused
        loaded = outcomes.get("loaded", 0) + outcomes.get("trained", 0)
        assert 0 < loaded < n, outcomes


def test_the_worker_finds_a_loader_that_lets_changes_through(tmp_path, monkeypatch):
    """The fuzz can fail: with the checksums not checked, sealed mutations load changed, and it says so."""
    sys.path.insert(0, str(WORKER.parent))
    import filefuzz

    import lucidnet.io.schema as schema

    monkeypatch.setattr(schema, "verify", lambda *a: None)
    monkeypatch.chdir(tmp_path)
    judge = filefuzz.Judge(TIME_LIMIT_S)
    filefuzz.make_originals(tmp_path)
    before = signal.signal(signal.SIGALRM, filefuzz._alarm)
    try:
        filefuzz.fuzz_loads("model", "sealed", 200, np.random.default_rng(1), tmp_path, judge)
    finally:
        signal.signal(signal.SIGALRM, before)
    assert judge.outcomes.get("changed", 0) > 10 and "a changed file loaded" in judge.failures[0]
