"""``python -m lucidnet``: the ``lucidnet`` command line (see ``python -m lucidnet --help``)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
