"""atomic_write: a killed write's temporary file is removed by the next save of the same target (never a live
writer's, never anything else), and a full disk is an error that names the file."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import lucidnet as ln
from lucidnet import cli
from lucidnet.io import atomic_write, load, save_model
from lucidnet.io import files as io_files

fcntl = pytest.importorskip("fcntl", reason="temporary files are locked with fcntl.flock (POSIX)")

SRC = Path(__file__).resolve().parents[1] / "src"


def net() -> ln.Network:
    return ln.Network([ln.Dense(2, 3, "tanh"), ln.Dense(3, 1)], seed=0)


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def age(path: Path, seconds: float) -> None:
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_a_write_killed_mid_file_leaves_a_temporary_file_the_next_save_removes(tmp_path):
    target = tmp_path / "m.safetensors"
    code = (
        "import sys, time\n"
        "from lucidnet.io import atomic_write\n"
        "def write(fh):\n"
        "    fh.write(b'x' * 1_000_000); fh.flush(); print('written', flush=True); time.sleep(60)\n"
        f"atomic_write({str(target)!r}, write)\n"
    )
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                         env={**os.environ, "PYTHONPATH": str(SRC)})  # fmt: skip
    assert p.stdout is not None and p.stdout.readline().strip() == "written"
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    left = temporaries(tmp_path)
    assert len(left) == 1 and left[0].startswith(".m.safetensors.") and not target.exists()
    assert (tmp_path / left[0]).stat().st_size == 1_000_000

    save_model(net(), target)  # the leftover is younger than STALE_AFTER: it could be a live write; kept
    assert temporaries(tmp_path) == left
    age(tmp_path / left[0], io_files.STALE_AFTER + 1)
    save_model(net(), target)
    assert temporaries(tmp_path) == [] and load(target).n_in == 2


def test_a_live_writers_temporary_file_is_kept_however_old(tmp_path):
    target = tmp_path / "m.safetensors"
    live = tmp_path / ".m.safetensors.abcd1234.tmp"
    live.write_bytes(b"half a model")
    age(live, 3600)
    with open(live, "rb+") as fh:  # another writer holds its lock
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        save_model(net(), target)
        assert live.exists()
    save_model(net(), target)  # the writer is gone (its lock with it)
    assert not live.exists() and temporaries(tmp_path) == []


def test_only_this_targets_own_temporary_files_are_removed(tmp_path):
    target = tmp_path / "m.safetensors"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious").write_text("keep me")
    keep = [".m.safetensors.tmp", ".m.safetensors.abc.tmp", ".m.safetensors.ABCD1234.tmp", "m.safetensors.abcd1234.tmp",
            ".other.safetensors.abcd1234.tmp", ".m.safetensors.abcd1234.tmp.bak", ".m.safetensorsXabcd1234.tmp"]
    for name in keep:
        (tmp_path / name).write_text("not ours")
    link = tmp_path / ".m.safetensors.link1234.tmp"  # named like ours, but a link: never followed or removed
    link.symlink_to(elsewhere / "precious")
    folder = tmp_path / ".m.safetensors.dirx1234.tmp"
    folder.mkdir()
    for p in tmp_path.iterdir():
        age(p, 3600)
    stale = tmp_path / ".m.safetensors.stal_e12.tmp"
    stale.write_text("a killed write")
    age(stale, 3600)
    save_model(net(), target)
    assert not stale.exists()
    assert all((tmp_path / name).read_text() == "not ours" for name in keep)
    assert link.is_symlink() and folder.is_dir() and (elsewhere / "precious").read_text() == "keep me"


def test_processes_saving_the_same_file_at_once_never_remove_each_others_write(tmp_path):
    """Three processes, 200 saves each, STALE_AFTER = 0: every save looks at the others' temporary files, and the
    lock alone must protect them, also in the moment between a file's creation and its lock."""
    target = tmp_path / "m.safetensors"
    code = (
        "import lucidnet as ln\n"
        "from lucidnet.io import files, save_model\n"
        "files.STALE_AFTER = 0.0\n"
        "net = ln.Network([ln.Dense(50, 200), ln.Dense(200, 1)], seed=0)\n"
        f"for _ in range(200): save_model(net, {str(target)!r})\n"
        "print('ok')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env) for _ in range(3)]  # fmt: skip
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0 and out.strip() == "ok", err[-2000:]
    assert load(target).n_in == 50 and temporaries(tmp_path) == []


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT, errno.EFBIG])
def test_a_full_disk_names_the_file_and_keeps_the_previous_one(tmp_path, monkeypatch, code):
    target = save_model(net(), tmp_path / "m.safetensors")
    before = target.read_bytes()

    def full(fd):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError) as info:
        atomic_write(target, lambda fh: fh.write(b"new"))
    assert info.value.errno == code and info.value.filename == str(target)
    assert target.read_bytes() == before and temporaries(tmp_path) == []


def test_a_full_disk_during_train_is_one_line_naming_the_model_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    real_write = io_files.os.fdopen

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(io_files.os, "fdopen", lambda *a, **k: Full(real_write(*a, **k)))
    rc = cli.main(["train", "--dataset", "moons", "--epochs", "1", "--quiet", "--out", "out.safetensors"])
    err = capsys.readouterr().err
    assert rc == 2 and err == "lucidnet: error: out.safetensors: No space left on device\n"
    assert temporaries(tmp_path) == [] and not (tmp_path / "out.safetensors").exists()


def test_a_missing_folder_names_the_file_not_a_temporary_one(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        save_model(net(), tmp_path / "missing" / "m.safetensors")
    assert info.value.filename == str(tmp_path / "missing" / "m.safetensors")
    assert np.isfinite(net().predict(np.zeros((1, 2)))).all()
