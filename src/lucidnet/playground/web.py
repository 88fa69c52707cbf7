"""The playground's optional dependencies: one check, one message saying which extra to install."""

from __future__ import annotations

import importlib

INSTALL_HINT = "pip install 'lucidnet[web]'"


def require_web() -> None:
    """Raise ImportError naming ``pip install 'lucidnet[web]'`` when starlette or uvicorn is missing; its ``name``
    is the missing module (``lucidnet playground`` words its own message from it)."""
    for name in ("starlette", "uvicorn"):
        try:
            importlib.import_module(name)
        except ImportError:
            raise ImportError(
                f"the playground needs starlette and uvicorn ({name} is missing): {INSTALL_HINT}", name=name
            ) from None
