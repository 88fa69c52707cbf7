"""The ``lucidnet`` command's entry point, outside the package so that it runs before lucidnet is imported.

Importing lucidnet (NumPy and the rest) takes a few tenths of a second; a Ctrl-C in that time would otherwise end
in a traceback. Here it is one line and exit status 130, as a Ctrl-C at any later moment is.
"""

from __future__ import annotations

import sys


def main() -> int:
    """Import lucidnet's command line and run it; Ctrl-C during the import is one line, exit status 130."""
    try:
        from lucidnet.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("lucidnet: interrupted\n")
        return 130
    return run()


if __name__ == "__main__":
    raise SystemExit(main())
