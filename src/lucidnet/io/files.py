"""File access every lucidnet format shares: atomic writes, reading bytes and strict JSON with clear errors.

:func:`atomic_write` writes a temporary file in the same folder, fsyncs it and renames it onto the target, so a
crash or an error never leaves a half-written file; the temporary files of writes that were killed (``kill -9``,
a power cut) are removed by the next save of the same target. :func:`read_bytes` reads a file, raising
:class:`~lucidnet.errors.ModelFileError` (never ``OSError``) for one that is missing or unreadable, and
:func:`loads_json` parses the JSON of a file as strictly as the safetensors format asks (no NaN, no infinity,
no number that overflows to one, bounded nesting).
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeGuard

from ..data.table import PathLike
from ..errors import ModelFileError

try:  # POSIX: a writer holds a lock on its temporary file, so another save can tell a live write from a dead one
    import fcntl
except ImportError:  # pragma: no cover - Windows, where an open file cannot be removed anyway
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "MAX_JSON_CONTAINERS", "MAX_JSON_DEPTH", "STALE_AFTER", "JSONRefused", "PathLike", "atomic_write", "file_error",
    "is_int", "loads_json", "read_bytes", "remove_stale_temporaries",
]

#: a temporary file of a write that no process holds (locked) and that has not changed for this many seconds is
#: a killed write's leftover: the next save of the same target removes it
STALE_AFTER = 5.0
#: nesting depth allowed in the JSON of a file; lucidnet writes at most ~8 levels
MAX_JSON_DEPTH = 64
#: lists and objects allowed in the JSON of a file: each costs Python ~60 bytes, 20 to 30 times its text; a
#: checkpoint of a network of MAX_LAYERS layers holds ~500,000
MAX_JSON_CONTAINERS = 2_000_000
# the longest reason a ModelFileError quotes from a file, in characters
_MAX_WHY = 400


def atomic_write(path: PathLike, write: Callable[[Any], None]) -> Path:
    """Call ``write(fileobj)`` on a temporary file beside ``path``, fsync it, then rename it onto ``path``.

    A crash or an exception leaves any previous ``path`` untouched and no temporary file behind; the temporary
    files that killed writes of ``path`` left (``.{name}.XXXXXXXX.tmp``, unlocked and unchanged for
    :data:`STALE_AFTER` seconds) are removed first. An ``OSError`` without a file name (a full disk: ENOSPC,
    EDQUOT, EFBIG) is raised again naming ``path``.
    """
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    remove_stale_temporaries(p)
    try:
        fd, tmp = _locked_temporary(p, folder)
    except OSError as exc:
        if (named := _naming(exc, p)) is not exc:
            raise named from exc
        raise
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb", closefd=False) as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and (named := _naming(exc, p)) is not exc:
            raise named from exc
        raise
    finally:
        os.close(fd)
    _sync_folder(folder)
    return p


def _locked_temporary(p: Path, folder: Path) -> tuple[int, str]:
    """A new temporary file beside ``p`` and its descriptor, locked (held until after the rename, so that a live
    write is never taken for a stale one). A cleanup by another process may take the file between its creation
    and the lock; the lock then comes on a removed file, and a new one is made."""
    for _ in range(100):
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=folder)
        if fcntl is None:
            return fd, tmp
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # waits only while a cleanup looks at this very file
            if os.fstat(fd).st_nlink > 0:
                return fd, tmp
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    raise OSError(errno.EAGAIN, "cannot keep a temporary file: removed as soon as made", str(p))


def _naming(exc: OSError, p: Path) -> OSError:
    """``exc`` itself when it names a file other than a temporary one, else the same error naming ``p``."""
    if exc.errno is None or (exc.filename is not None and not str(exc.filename).endswith(".tmp")):
        return exc
    return OSError(exc.errno, exc.strerror, str(p))


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; not possible on every platform."""
    try:
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


def remove_stale_temporaries(path: PathLike) -> list[Path]:
    """Remove the temporary files that killed :func:`atomic_write` calls of ``path`` left beside it.

    Only files named as :func:`atomic_write` names them for this target (``.{name}.`` + 8 characters of
    ``tempfile``'s alphabet + ``.tmp``) are looked at, and one is removed only when it is a regular file (not a
    link) of this user, has not changed for :data:`STALE_AFTER` seconds, and no process holds its lock (a
    writer locks its temporary file from creation until after the rename; a killed process's lock is gone).
    Two processes saving the same target at once therefore never remove each other's file. Returns what was
    removed; any error just leaves a file where it is.
    """
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    pattern = re.compile(re.escape(f".{p.name}.") + r"[a-z0-9_]{8}\.tmp")
    try:
        names = [e.name for e in os.scandir(folder) if pattern.fullmatch(e.name)]
    except OSError:
        return []
    return [folder / name for name in names if _remove_if_stale(folder / name)]


def _remove_if_stale(q: Path) -> bool:
    flags = os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(q, flags)
    except OSError:  # gone, a link, not ours to open
        return False
    try:
        st = os.fstat(fd)
        uid = getattr(os, "getuid", None)
        if not stat.S_ISREG(st.st_mode) or (uid is not None and st.st_uid != uid()):
            return False
        if time.time() - st.st_mtime < STALE_AFTER:
            return False
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:  # a live writer holds it
                return False
        now = os.lstat(q)  # still the same file at that name (not renamed onto its target meanwhile)
        if (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
            return False
        os.unlink(q)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def file_error(path: PathLike, why: str) -> ModelFileError:
    """The error for a file that cannot be loaded: ``"{path}: {why}"``, on one line and of bounded length
    (control characters from the file are escaped, a long reason is cut)."""
    why = "".join(repr(c)[1:-1] if unicodedata.category(c) == "Cc" else c for c in why[: _MAX_WHY + 1])
    if len(why) > _MAX_WHY:
        why = why[:_MAX_WHY] + "…"
    return ModelFileError(f"{path}: {why}")


def is_int(v: Any) -> TypeGuard[int]:
    """True for an int that is not a bool (JSON numbers are checked with it)."""
    return isinstance(v, int) and not isinstance(v, bool)


def read_bytes(p: Path, size: int = -1) -> bytes:
    """The first ``size`` bytes of ``p`` (all when -1), with ModelFileError for a file that cannot be read."""
    try:
        with open(p, "rb") as fh:
            return fh.read(size)
    except FileNotFoundError:
        raise file_error(p, "no such file") from None
    except IsADirectoryError:
        raise file_error(p, "is a directory, expected a .safetensors model file") from None
    except OSError as exc:
        raise file_error(p, f"cannot read ({exc.strerror})") from None


class JSONRefused(ValueError):
    """What :func:`loads_json` refuses in JSON that parses: ``why`` is ``"constant"`` (NaN, Infinity), ``"overflow"``
    (a number beyond a float), ``"depth"`` or ``"containers"``; ``text`` is the constant or number at fault. A
    front end words the refusal its own way from these."""

    def __init__(self, message: str, why: str, text: str = "") -> None:
        super().__init__(message)
        self.why, self.text = why, text


def _no_constant(name: str) -> Any:
    raise JSONRefused(f"{name} is not a JSON number", "constant", name)


def _finite_float(text: str) -> float:
    v = float(text)
    if v in (float("inf"), float("-inf")):
        raise JSONRefused(f"number {text[:20]} overflows to infinity", "overflow", text)
    return v


def loads_json(text: str | bytes) -> Any:
    """Parse strict JSON: ``NaN``/``Infinity`` and numbers that overflow a float (``1e999``) are refused, and so are
    more than :data:`MAX_JSON_CONTAINERS` lists and objects (counted on the text, before parsing) and nesting
    deeper than :data:`MAX_JSON_DEPTH` (:class:`JSONRefused`, a ValueError). Raises ValueError (or RecursionError)
    for anything else."""
    opening = text.count("[") + text.count("{") if isinstance(text, str) else text.count(b"[") + text.count(b"{")
    if opening > MAX_JSON_CONTAINERS:
        raise JSONRefused(f"{opening} lists and objects, more than the {MAX_JSON_CONTAINERS} allowed", "containers")
    obj = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    level = [obj] if isinstance(obj, (dict, list)) else []
    for _ in range(MAX_JSON_DEPTH):  # level by level, keeping only containers: no recursion, little memory
        level = [v for c in level for v in (c.values() if isinstance(c, dict) else c) if isinstance(v, (dict, list))]
        if not level:
            return obj
    raise JSONRefused(f"nested deeper than {MAX_JSON_DEPTH} levels", "depth")
