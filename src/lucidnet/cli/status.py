"""Exit statuses of the ``lucidnet`` command and the error that stands for bad input."""

from __future__ import annotations

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class CliError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""
