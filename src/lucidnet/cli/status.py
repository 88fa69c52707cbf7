"""Exit statuses of the ``lucidnet`` command, the error that stands for bad input, and how notes are said."""

from __future__ import annotations

import sys
from collections.abc import Iterable

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class CliError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


def tell(lines: Iterable[str]) -> None:
    """Each line on standard error as ``lucidnet: note: …`` (``lucidnet: warning: …`` for one that starts with
    ``warning: ``), one line each."""
    for line in lines:
        kind, text = ("warning", line.removeprefix("warning: ")) if line.startswith("warning: ") else ("note", line)
        sys.stderr.write(f"lucidnet: {kind}: {' '.join(text.split())}\n")
