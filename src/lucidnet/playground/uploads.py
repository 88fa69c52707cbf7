"""Uploaded tables kept in the server's memory, capped by count and by the bytes they hold.

The size of an upload is counted in one place, :func:`stored_bytes`, from the arrays that were kept, whoever
parsed them: a fixed-width text array counts its whole width (one 100,000-character cell in a NumPy ``<U`` column
makes every row 400 kB wide), an object array counts each distinct string once. :class:`UploadStore` refuses an
upload that alone exceeds the budget and otherwise forgets the least recently used ones until the new one fits.
"""

from __future__ import annotations

import secrets
import sys
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import numpy as np

from lucidnet.playground.config import PlaygroundError

MIB = 1024 * 1024


def stored_bytes(values: Mapping[str, np.ndarray], names: Any = ()) -> int:
    """Bytes held by the columns ``values`` (and the column ``names``), as the server keeps them.

    Each array counts its header and buffer (``sys.getsizeof``; a view counts the buffer it keeps alive); an
    object array also counts every distinct object it points to.

    >>> stored_bytes({"a": np.zeros(1000)}) >= 8000
    True
    >>> cells = np.array(["x" * 1000] + ["a"] * 999)
    >>> stored_bytes({"t": cells}) > 1000 * 4000  # fixed width: every row as wide as the widest cell
    True
    >>> stored_bytes({"t": cells.astype(object)}) < 100_000
    True
    """
    total = sum(sys.getsizeof(n) for n in names)
    seen: set[int] = set()
    for column in values.values():
        total += sys.getsizeof(column)
        if column.base is not None:
            total += np.asarray(column.base).nbytes
        if column.dtype == object:
            for cell in column.ravel():
                if id(cell) not in seen:
                    seen.add(id(cell))
                    total += sys.getsizeof(cell)
    return total


class UploadStore:
    """At most ``max_count`` uploads holding at most ``max_bytes`` together; the least recently used go first."""

    def __init__(self, max_count: int, max_bytes: int) -> None:
        self.max_count = max_count
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, tuple[Any, int]] = OrderedDict()

    @property
    def nbytes(self) -> int:
        """Bytes held by the kept uploads, as :func:`stored_bytes` counts them."""
        return sum(size for _, size in self._items.values())

    def add(self, upload: Any) -> str:
        """Keep ``upload`` (anything with ``values`` and ``columns``) and return its key; 413 if it cannot fit."""
        size = stored_bytes(upload.values, upload.columns)
        if size > self.max_bytes:
            raise PlaygroundError(
                f"the file takes {size / MIB:.1f} MiB in memory once read, more than the limit of "
                f"{self.max_bytes / MIB:.0f} MiB; upload fewer rows or columns",
                413,
            )
        while self._items and (len(self._items) >= self.max_count or self.nbytes + size > self.max_bytes):
            self._items.popitem(last=False)
        key = secrets.token_urlsafe(9)
        self._items[key] = (upload, size)
        return key

    def get(self, key: str) -> Any | None:
        """The upload kept under ``key`` (now the most recently used), or None when it is gone."""
        item = self._items.get(key)
        if item is None:
            return None
        self._items.move_to_end(key)
        return item[0]

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return (
            f"UploadStore({len(self)} of {self.max_count} uploads, "
            f"{self.nbytes / MIB:.1f} of {self.max_bytes / MIB:.0f} MiB)"
        )
