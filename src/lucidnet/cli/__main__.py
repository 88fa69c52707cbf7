"""``python -m lucidnet.cli``: the same as ``python -m lucidnet``."""

from . import main

if __name__ == "__main__":
    raise SystemExit(main())
