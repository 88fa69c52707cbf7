"""Mutated model files, text models and checkpoints, and the worker that loads them under a memory limit.

``tests/test_file_fuzz.py`` runs ``python tests/filefuzz.py KIND MODE N SEED`` in a subprocess: the worker writes
a few good files with lucidnet's own CLI, caps its address space (``RLIMIT_AS``: its size after start-up plus
``--memory-mb``), then N times mutates one of them, loads it with a time limit and classifies the outcome. It
prints one JSON line: the outcomes, the worst time and memory, and the first failures.

MODE ``sealed``: the mutated bytes are loaded as they are. A load must give back exactly the original (weights,
metadata, checkpoint state) or raise ModelFileError: the checksums must catch every change that still parses.
MODE ``forged``: wherever the mutated file still parses, its checksums are computed again, as anyone editing a
file on purpose can, so that the checks behind them are what is tested: a load must raise ModelFileError or give
a usable model (finite weights, positive finite scales, an optimizer state that steps). Kind ``v010`` mutates the
lucidnet 0.1.0 files (no checksums), kind ``resume`` runs ``lucidnet train --resume`` on forged checkpoints and
checks, with an audit hook, that nothing outside the checkpoint's folder is read or written because of the file.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import shutil
import signal
import struct
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "v0.1.0"


class LoadTimeout(BaseException):  # BaseException: no except clause of the loader can swallow it
    pass


# --------------------------------------------------------------------------------------------- JSON edits
def _paths(obj: Any, limit: int = 5000) -> list[tuple]:
    out: list[tuple] = [()]
    stack = [((), obj)]
    while stack and len(out) < limit:
        path, v = stack.pop()
        items = v.items() if isinstance(v, dict) else enumerate(v) if isinstance(v, list) else ()
        for k, x in items:
            out.append((*path, k))
            stack.append(((*path, k), x))
    return out


def weird_values(trap: Path | None = None) -> list[Any]:
    """Values a hostile or damaged file may hold where a number, string, list or object belongs."""
    values: list[Any] = [
        None, True, False, 0, -1, 1, 3, 2**31, 2**63, 2**64, 2**128, 2**200, -(2**200), 30_000_000,
        1e308, -1e308, 5e-324, -0.0, 0.5, 1.5, float("nan"), float("inf"), float("-inf"), "@1e999", "@-1e999",
        "", "x", "F32", "dense", "maxout", "PCG64", "adam", "\x00\n\x1b[2J", "a" * 2000, [], [1], [0, 10**12],
        [-3, 4], [1.0] * 3, [None], {}, {"name": "x"}, {"name": "maxout", "k": 30_000_000}, {"value": 1},
        {"tensor": "layers.0.W"}, {"list": []}, "@deep30", "@deep70", "@deep5000", "@wide",
    ]  # fmt: skip
    if trap is not None:
        values += [str(trap / "secret.csv"), "../trap/secret.csv", str(trap / "out.safetensors"),
                   "../trap/out.safetensors", str(trap), "/etc/passwd"]  # fmt: skip
    return values


def _tweak(v: Any, rng: np.random.Generator, pool: list[Any]) -> Any:
    op = rng.integers(5)
    if op == 0 and isinstance(v, (int, float)) and not isinstance(v, bool):
        return [-v, v + 1, v * 1e300, int(v) * 2**100 if v == v and abs(v) != float("inf") else 2**100, -v - 1][
            rng.integers(5)]
    if op == 1:  # the same value as another type
        if isinstance(v, dict):
            return list(v.values())
        if isinstance(v, list):
            return {str(i): x for i, x in enumerate(v)}
        if isinstance(v, str):
            return [v]
        return str(v)
    return pool[rng.integers(len(pool))]


def mutate_json(obj: Any, rng: np.random.Generator, pool: list[Any], focus: tuple = ()) -> Any:
    """A copy of ``obj`` with one edit at a random place (under ``focus`` two times in three, when it exists):
    a value replaced, tweaked or retyped, a key or element dropped, renamed or added."""
    obj = json.loads(json.dumps(obj))
    paths = _paths(obj)
    near = [p for p in paths if p[: len(focus)] == focus and p] if focus else []
    choices = near if near and rng.random() < 0.67 else paths
    path = choices[rng.integers(len(choices))]
    if not path:
        return _tweak(obj, rng, pool)
    parent = obj
    for k in path[:-1]:
        parent = parent[k]
    key = path[-1]
    op = rng.integers(6)
    if op == 0:  # drop it
        del parent[key]
    elif op == 1 and isinstance(parent, dict):  # rename it
        parent[f"{key}_"] = parent.pop(key)
    elif op == 2:  # add a sibling
        extra = pool[rng.integers(len(pool))]
        if isinstance(parent, dict):
            parent[["zzz", "name", "type", "checksums", "init", "k"][rng.integers(6)]] = extra
        else:
            parent.insert(int(rng.integers(len(parent) + 1)), extra)
    else:
        parent[key] = _tweak(parent[key], rng, pool)
    return obj


def dump_json(obj: Any) -> str:
    """JSON text of a mutated object: ``"@1e999"`` becomes the number ``1e999`` (valid JSON that overflows a
    float), ``"@deepN"`` N nested lists, ``"@wide"`` a list of 100,000 numbers; NaN and infinity stay
    Python's ``NaN``/``Infinity`` tokens."""
    text = json.dumps(obj, allow_nan=True)
    text = text.replace('"@1e999"', "1e999").replace('"@-1e999"', "-1e999")
    text = text.replace('"@wide"', "[" + ",".join(["0.5"] * 100_000) + "]")
    for n in (30, 70, 5000):
        text = text.replace(f'"@deep{n}"', "[" * n + "]" * n)
    return text


# ------------------------------------------------------------------------------------- byte-level edits
def split_safetensors(raw: bytes) -> tuple[dict, bytes] | None:
    try:
        (n,) = struct.unpack("<Q", raw[:8])
        header = json.loads(raw[8 : 8 + n])
        return (header, raw[8 + n :]) if isinstance(header, dict) else None
    except (ValueError, struct.error, UnicodeDecodeError, RecursionError):
        return None


def join_safetensors(header_text: str | bytes, buf: bytes) -> bytes:
    hb = header_text.encode() if isinstance(header_text, str) else header_text
    return struct.pack("<Q", len(hb)) + hb + buf


def _bytes_edit(raw: bytes, rng: np.random.Generator, region: int | None = None) -> bytes:
    b = bytearray(raw)
    kind = rng.integers(5)
    if kind == 0:  # flip 1-8 bits (in the first ``region`` bytes when given)
        for _ in range(rng.integers(1, 9)):
            i = rng.integers(region or len(b))
            b[i] ^= 1 << rng.integers(8)
    elif kind == 1:  # truncate
        return raw[: rng.integers(len(raw))]
    elif kind == 2:  # overwrite a run with random bytes
        i, k = rng.integers(len(b)), rng.integers(1, 32)
        b[i : i + k] = rng.integers(0, 256, size=len(b[i : i + k]), dtype=np.uint8).tobytes()
    elif kind == 3:  # insert bytes
        i = rng.integers(len(b) + 1)
        b[i:i] = rng.integers(0, 256, size=rng.integers(1, 17), dtype=np.uint8).tobytes()
    else:  # append garbage
        b += rng.integers(0, 256, size=rng.integers(1, 65), dtype=np.uint8).tobytes()
    return bytes(b)


def mutate_safetensors(raw: bytes, rng: np.random.Generator, pool: list[Any], focus: tuple = ()) -> bytes:
    """One damaged variant of a safetensors model file."""
    parts = split_safetensors(raw)
    assert parts is not None
    header, buf = parts
    n = 8 + struct.unpack("<Q", raw[:8])[0]
    kind = rng.integers(9)
    if kind == 0:
        return _bytes_edit(raw, rng)
    if kind == 1:
        return _bytes_edit(raw, rng, region=n)
    if kind == 2:  # a value in the tensor bytes becomes NaN, infinity or huge
        b = bytearray(raw)
        i = n + 8 * rng.integers(max(1, len(buf) // 8))
        b[i : i + 8] = struct.pack("<d", [float("nan"), float("inf"), 1e300, -0.0][rng.integers(4)])
        return bytes(b[: len(raw)])
    if kind == 3:  # the header size field
        size = [0, 1, 2, n - 9, n - 7, len(raw), 2**63, 2**64 - 1][rng.integers(8)]
        return struct.pack("<Q", max(0, size)) + raw[8:]
    if kind == 4:  # two tensors' offsets swapped: a layout that still parses
        names = [k for k in header if k != "__metadata__"]
        a, b = (names[i] for i in rng.choice(len(names), 2, replace=False))
        header[a]["data_offsets"], header[b]["data_offsets"] = header[b]["data_offsets"], header[a]["data_offsets"]
        return join_safetensors(json.dumps(header), buf)
    if kind == 5:  # the tensor index
        meta = header.pop("__metadata__")
        edited = mutate_json(header, rng, pool)
        if isinstance(edited, dict):
            edited["__metadata__"] = meta
        return join_safetensors(dump_json(edited), buf)
    if kind == 6:  # the __metadata__ map itself
        edited = mutate_json(header["__metadata__"], rng, pool)
        header["__metadata__"] = edited
        return join_safetensors(dump_json(header), buf)
    # kinds 7, 8: the lucidnet metadata object
    m = json.loads(header["__metadata__"]["lucidnet"])
    header["__metadata__"]["lucidnet"] = dump_json(mutate_json(m, rng, pool, focus))
    return join_safetensors(json.dumps(header), buf)


def mutate_text(raw: bytes, rng: np.random.Generator, pool: list[Any]) -> bytes:
    """One damaged variant of a text model file."""
    lines = raw.decode().split("\n")
    kind = rng.integers(7)
    if kind == 0:
        return _bytes_edit(raw, rng)
    if kind == 1:  # drop, repeat or swap lines
        i, j = rng.integers(len(lines), size=2)
        op = rng.integers(3)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[j])
        else:
            lines[i], lines[j] = lines[j], lines[i]
    elif kind in (2, 3):  # the metadata line
        m = json.loads(lines[1][len("# meta: ") :])
        lines[1] = "# meta: " + dump_json(mutate_json(m, rng, pool))
    elif kind == 4:  # a tensor's header line: its dims, dtype or name
        heads = [i for i, line in enumerate(lines) if line.startswith("layers.")]
        i = heads[rng.integers(len(heads))]
        parts = lines[i].split()
        k = rng.integers(1, len(parts))
        parts[k] = ["0", "-1", "1000000000", str(2**200), "x", "float16", "int64", "3", "99999999"][rng.integers(9)]
        lines[i] = " ".join(parts)
    else:  # a value
        rows = [i for i, line in enumerate(lines) if line and line[0] in "-0123456789"]
        i = rows[rng.integers(len(rows))]
        tokens = lines[i].split()
        tokens[rng.integers(len(tokens))] = ["nan", "inf", "-inf", "1e999", "1e-400", "0x10", "1_0", "", "1.5 2.5",
                                             "9" * 5000, "1e38", "3.4e39"][rng.integers(12)]  # fmt: skip
        lines[i] = " ".join(tokens)
    return "\n".join(lines).encode("utf-8", "surrogatepass")


# --------------------------------------------------------------------------------------------- forging
def forge_safetensors(raw: bytes) -> bytes:
    """``raw`` with its checksums computed again where it still parses (else unchanged)."""
    from lucidnet.io.checksums import checksums
    from lucidnet.io.safetensors import read_safetensors

    parts = split_safetensors(raw)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "f.safetensors"
        p.write_bytes(raw)
        try:
            tensors, meta = read_safetensors(p)
            m = json.loads(meta["lucidnet"])
            assert parts is not None and isinstance(m, dict)
            m["checksums"] = checksums(m, tensors)
        except Exception:  # noqa: BLE001 -- what does not parse is loaded as it is
            return raw
    header, buf = parts
    header["__metadata__"]["lucidnet"] = json.dumps(m)
    return join_safetensors(json.dumps(header), buf)


def forge_text(raw: bytes) -> bytes:
    from lucidnet.io.checksums import checksums
    from lucidnet.io.text_file import read_text_parts

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "f.txt"
        p.write_bytes(raw)
        try:
            _, tensors = read_text_parts(p)
            lines = raw.decode().split("\n")
            m = json.loads(lines[1][len("# meta: ") :])
            assert isinstance(m, dict)
            m["checksums"] = checksums(m, tensors)
        except Exception:  # noqa: BLE001
            return raw
    lines[1] = "# meta: " + json.dumps(m)
    return "\n".join(lines).encode()


# ------------------------------------------------------------------------------------------ the originals
#: the CLI runs that write the good files: classes (Adam, early-stopping watch) and values (maxout, float32,
#: RMSprop with momentum: two state buffers, one of them ≥ 0)
RUNS = {
    "people": ["--data", "people.csv", "--target", "sex", "--layers", "4", "--early-stopping", "50"],
    "houses": ["--data", "houses.csv", "--target", "price", "--layers", "3", "--activation", "maxout:k=3",
               "--dtype", "float32", "--optimizer", "rmsprop:momentum=0.9"],
}  # fmt: skip


def make_originals(folder: Path) -> None:
    """``{name}.safetensors``, ``{name}.txt`` and ``{name}.ckpt.safetensors`` for each of :data:`RUNS`."""
    from lucidnet import cli

    for csv in ("people.csv", "houses.csv"):
        shutil.copy(FIXTURES / csv, folder / csv)
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for name, args in RUNS.items():
                common = ["--epochs", "4", "--checkpoint-every", "2", "--seed", "1", "--quiet"]
                assert cli.main(["train", *args, *common, "--out", f"{name}.safetensors"]) == 0
                assert cli.main(["export", f"{name}.safetensors", "--out", f"{name}.txt"]) == 0
    finally:
        os.chdir(cwd)


def originals(kind: str, folder: Path) -> list[tuple[Path, str]]:
    """(file, how to load it: "model" or "checkpoint") for a fuzz kind."""
    if kind == "model":
        return [(folder / "people.safetensors", "model"), (folder / "houses.safetensors", "model"),
                (folder / "people.ckpt.safetensors", "model")]  # fmt: skip
    if kind == "text":
        return [(folder / "people.txt", "model"), (folder / "houses.txt", "model")]
    if kind in ("checkpoint", "resume"):
        return [(folder / "people.ckpt.safetensors", "checkpoint"), (folder / "houses.ckpt.safetensors", "checkpoint")]
    assert kind == "v010"
    return [(FIXTURES / "people-0.1.0.safetensors", "model"), (FIXTURES / "houses-0.1.0.safetensors", "model"),
            (FIXTURES / "houses-0.1.0.txt", "model"), (FIXTURES / "people-0.1.0.ckpt.safetensors", "checkpoint")]


# --------------------------------------------------------------------------------------- loading, judging
def load(path: Path, how: str) -> Any:
    from lucidnet.io import load_checkpoint, load_model

    return load_checkpoint(path) if how == "checkpoint" else load_model(path)


def snapshot(obj: Any) -> Any:
    """Everything a load gives back, as plain values and arrays."""
    b = getattr(obj, "bundle", obj)
    parts: list[Any] = [b.network.get_config(), b.network.get_weights(), b.metadata, repr(b.preprocessing)]
    if b is not obj:
        parts += [obj.epoch, obj.optimizer_config, obj.optimizer_state, obj.rng_state, obj.extra]
    return parts


def same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype
                and a.shape == b.shape and np.array_equal(a, b))  # fmt: skip
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    return type(a) is type(b) and a == b


def check_usable(obj: Any, rng: np.random.Generator) -> bool:
    """What every successful load promises: finite weights, finite positive scales, a model that predicts (or
    says that standardising overflows: True), and for a checkpoint an optimizer state that loads and steps and a
    generator that draws."""
    from lucidnet.optimizers import get_optimizer

    b = getattr(obj, "bundle", obj)
    net = b.network
    assert all(np.isfinite(p).all() for p in net.parameters()), "non-finite weights"
    for s in (b.preprocessing.x_scaler, b.preprocessing.y_scaler):
        if s is not None:
            assert np.isfinite(s.mean_).all() and np.isfinite(s.scale_).all() and (s.scale_ > 0).all(), "scaler"
    with np.errstate(all="ignore"):
        try:
            b.predict(rng.normal(size=(3, net.n_in)))
        except ValueError as exc:  # a forged mean or scale far from any input: said as such, not blamed on X
            if "standardising overflows" not in str(exc):
                raise
            refuses_inputs = True
        else:
            refuses_inputs = False
    if b is not obj:
        opt = get_optimizer(obj.optimizer_config)
        opt.load_state_dict(obj.optimizer_state)
        params = net.parameters()
        with np.errstate(all="ignore"):
            opt.step(params, [np.zeros_like(p) for p in params])
        net.rng.random()
    return refuses_inputs


def _memory_error_in(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, MemoryError):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _alarm(signum: int, frame: Any) -> None:
    raise LoadTimeout()


def _vm_size() -> int:
    try:
        for line in Path("/proc/self/status").read_text().split("\n"):
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Judge:
    """Counts outcomes and keeps the first failures, the worst time and memory."""

    def __init__(self, time_limit: float) -> None:
        self.outcomes: dict[str, int] = {}
        self.examples: dict[str, str] = {}  # the first message of each outcome
        self.failures: list[str] = []
        self.max_seconds = 0.0
        self.max_traced = 0
        self.time_limit = time_limit

    def count(self, outcome: str, failure: str | None = None, example: str = "") -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        self.examples.setdefault(outcome, example[:300])
        if failure is not None and len(self.failures) < 10:
            self.failures.append(failure)

    def timed(self, fn: Any, trace: bool) -> tuple[Any, BaseException | None]:
        if trace:
            tracemalloc.start()
        signal.setitimer(signal.ITIMER_REAL, self.time_limit)
        t0 = time.perf_counter()
        try:
            return fn(), None
        except BaseException as exc:  # noqa: BLE001 -- judged by the caller
            return None, exc
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            self.max_seconds = max(self.max_seconds, time.perf_counter() - t0)
            if trace:
                self.max_traced = max(self.max_traced, tracemalloc.get_traced_memory()[1])
                tracemalloc.stop()

    def error(self, i: int, exc: BaseException, what: str) -> bool:
        """Count a raised exception; True when it is an acceptable ModelFileError."""
        from lucidnet.io import ModelFileError

        msg = str(exc)
        if isinstance(exc, ModelFileError) and not _memory_error_in(exc):
            if "\n" in msg or "\r" in msg or len(msg) > 2000:
                self.count("bad message", f"{what} #{i}: message not one short line: {msg[:200]!r}")
            else:
                self.count("ModelFileError", example=msg)
            return True
        self.count(type(exc).__name__, f"{what} #{i}: {type(exc).__name__}: {msg[:300]}")
        return False


# ------------------------------------------------------------------------------------------------ kinds
def fuzz_loads(kind: str, mode: str, n: int, rng: np.random.Generator, folder: Path, judge: Judge) -> None:
    files = originals(kind, folder)
    good = [(p.read_bytes(), p.suffix, how, snapshot(load(p, how))) for p, how in files]
    pool = weird_values()
    target = folder / "fuzz"
    for i in range(n):
        raw, suffix, how, want = good[rng.integers(len(good))]
        text = suffix == ".txt"
        focus = ("checkpoint",) if how == "checkpoint" else ()
        bad = mutate_text(raw, rng, pool) if text else mutate_safetensors(raw, rng, pool, focus)
        if mode == "forged":
            bad = forge_text(bad) if text else forge_safetensors(bad)
        path = target.with_suffix(suffix)
        path.write_bytes(bad)
        obj, exc = judge.timed(lambda: load(path, how), trace=i % 10 == 0)  # noqa: B023
        if exc is not None:
            judge.error(i, exc, f"{kind}/{how}")
        elif mode == "sealed":
            if same(snapshot(obj), want):
                judge.count("unchanged")
            else:
                judge.count("changed", f"{kind} #{i}: a changed file loaded without ModelFileError")
        else:
            try:
                refuses = check_usable(obj, rng)
                judge.count("same" if same(snapshot(obj), want) else "loaded, refuses inputs" if refuses else "loaded")
            except Exception as e:  # noqa: BLE001
                judge.count("unusable", f"{kind} #{i}: loaded but unusable: {type(e).__name__}: {e}"[:300])


def _audit(root: Path, allowed: Path, trap: Path, log: list[str]) -> Any:
    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = args
            if not isinstance(path, (str, bytes, os.PathLike)):
                return
            p = Path(os.path.abspath(os.fsdecode(path)))
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
            if trap in p.parents or p == trap or (writing and allowed not in p.parents):
                log.append(f"{'wrote' if writing else 'read'} {p}")
        elif event in ("os.rename", "os.remove", "os.listdir", "os.scandir"):
            for a in args[:2] if event == "os.rename" else args[:1]:
                if isinstance(a, (str, bytes, os.PathLike)):
                    p = Path(os.path.abspath(os.fsdecode(a)))
                    if trap in p.parents or p == trap or (event != "os.listdir" and event != "os.scandir"
                                                          and allowed not in p.parents):
                        log.append(f"{event} {p}")
    return hook


def fuzz_resume(n: int, rng: np.random.Generator, folder: Path, judge: Judge) -> None:
    """``lucidnet train --resume`` on forged checkpoints (their training options and checkpoint part edited,
    their checksums made good): exit 0, 1 or 2 with one line, and no read or write outside the checkpoint's
    folder because of what the file says (an audit hook watches every open, rename and removal)."""
    from lucidnet import cli

    root = folder / "resume"
    allowed, trap, cwd = root / "ck", root / "trap", root / "cwd"
    for d in (allowed, trap, cwd):
        d.mkdir(parents=True)
    for csv in ("people.csv", "houses.csv"):
        shutil.copy(folder / csv, allowed / csv)
    (trap / "secret.csv").write_text("a,b\n1,2\n")
    pool = weird_values(trap)
    good = [p.read_bytes() for p, _ in originals("resume", folder)]
    log: list[str] = []
    armed = [False]
    hook = _audit(root, allowed, trap, log)
    sys.addaudithook(lambda e, a: hook(e, a) if armed[0] else None)
    ck = allowed / "fuzz.ckpt.safetensors"
    os.chdir(cwd)
    paths = [v for v in pool if isinstance(v, str) and ("trap" in v or v.startswith("/"))]
    for i in range(n):
        raw = good[rng.integers(len(good))]
        if i % 2:  # a stored path made to point elsewhere, with or without another edit
            header, buf = split_safetensors(raw)  # type: ignore[misc]
            m = json.loads(header["__metadata__"]["lucidnet"])
            m["options"]["train"][["data", "labels", "out", "checkpoint"][rng.integers(4)]] = paths[
                rng.integers(len(paths))]
            header["__metadata__"]["lucidnet"] = json.dumps(m)
            raw = join_safetensors(json.dumps(header), buf)
        focus = [("options", "train"), ("checkpoint",)][rng.integers(2)]
        ck.write_bytes(forge_safetensors(mutate_safetensors(raw, rng, pool, focus) if i % 3 else raw))
        out, err = io.StringIO(), io.StringIO()
        log.clear()
        armed[0] = True
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc, exc = judge.timed(lambda: cli.main(["train", "--resume", str(ck), "--epochs", "6", "--quiet"]),
                                  trace=False)  # fmt: skip
        armed[0] = False
        lines = err.getvalue().strip().split("\n")
        if exc is not None:
            judge.count(type(exc).__name__, f"resume #{i}: {type(exc).__name__}: {str(exc)[:300]}")
        elif log:
            judge.count("escaped", f"resume #{i}: {log[0]}")
        elif rc == 0:
            judge.count("trained")
        elif rc == 2 and len(lines) == 1 and lines[0].startswith("lucidnet: error: "):
            judge.count("exit 2, one line", example=lines[0])
        elif rc == 1 and "Traceback" not in err.getvalue():
            judge.count("exit 1", example=err.getvalue())
        else:
            judge.count(f"exit {rc}", f"resume #{i}: exit {rc}: {err.getvalue()[:300]!r}")
        for p in allowed.iterdir():  # what the run wrote beside the checkpoint
            if p.suffix == ".safetensors" and p != ck:
                p.unlink()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kind", choices=["model", "text", "checkpoint", "v010", "resume"])
    ap.add_argument("mode", choices=["sealed", "forged"])
    ap.add_argument("n", type=int)
    ap.add_argument("seed", type=int)
    ap.add_argument("--memory-mb", type=int, default=256, help="address space allowed above the start-up size")
    ap.add_argument("--time-limit", type=float, default=5.0, help="seconds allowed for one load")
    a = ap.parse_args(argv)
    rng = np.random.default_rng(a.seed)
    judge = Judge(a.time_limit)
    signal.signal(signal.SIGALRM, _alarm)
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        make_originals(folder)
        for p, how in originals(a.kind, folder):  # every lazy import done before the limit is set
            check_usable(load(p, how), rng)
        base_vm = _vm_size()
        if base_vm:
            limit = base_vm + a.memory_mb * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
        base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        if a.kind == "resume":
            fuzz_resume(a.n, rng, folder, judge)
        else:
            fuzz_loads(a.kind, a.mode, a.n, rng, folder, judge)
        os.chdir(Path(__file__).parent)
    print(json.dumps({
        "kind": a.kind, "mode": a.mode, "mutations": a.n, "seed": a.seed, "outcomes": judge.outcomes,
        "failures": judge.failures, "examples": judge.examples, "seconds": round(time.perf_counter() - started, 2),
        "max_seconds_per_load": round(judge.max_seconds, 4),
        "max_rss_growth_mb": round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base_rss) / 1024, 1),
        "max_traced_peak_mb": round(judge.max_traced / 2**20, 2), "address_space_limit_mb": a.memory_mb,
    }))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())


def rewrite(path: Path, edit: Any = None, edit_tensors: Any = None, *, seal: bool = True) -> Path:
    """Edit a safetensors model file in place: ``edit(m)`` on its parsed ``lucidnet`` metadata, ``edit_tensors(t)``
    on its tensors (dicts, changed in place), then write it again with its checksums computed anew (unless
    ``seal`` is False), as someone who edits a file on purpose can."""
    from lucidnet.io import read_safetensors, write_safetensors
    from lucidnet.io.checksums import checksums

    tensors, meta = read_safetensors(path)
    m = json.loads(meta["lucidnet"])
    if edit is not None:
        edit(m)
    if edit_tensors is not None:
        edit_tensors(tensors)
    if seal:
        with contextlib.suppress(ValueError):  # NaN or infinity in m: refused before the checksums anyway
            m["checksums"] = checksums(json.loads(json.dumps(m)), tensors)
    write_safetensors(path, tensors, {"lucidnet": dump_json(m)})
    return path
