"""File access every lucidnet format shares: atomic writes, reading bytes with clear errors.

:func:`atomic_write` writes a temporary file in the same folder, fsyncs it and renames it onto the target, so a
crash or an error never leaves a half-written file. :func:`read_bytes` reads a file, raising
:class:`~lucidnet.errors.ModelFileError` (never ``OSError``) for one that is missing or unreadable.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import ModelFileError

__all__ = ["PathLike", "atomic_write", "file_error", "is_int", "read_bytes"]

PathLike = str | os.PathLike[str]


def atomic_write(path: PathLike, write: Callable[[Any], None]) -> Path:
    """Call ``write(fileobj)`` on a temporary file beside ``path``, fsync it, then rename it onto ``path``.

    A crash or an exception leaves any previous ``path`` untouched and no temporary file behind.
    """
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=folder)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:  # make the rename itself durable; not possible on every platform
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return p
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)
    return p


def file_error(path: PathLike, why: str) -> ModelFileError:
    """The error for a file that cannot be loaded: ``"{path}: {why}"``."""
    return ModelFileError(f"{path}: {why}")


def is_int(v: Any) -> bool:
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
