"""The lucidnet playground: a TensorFlow-Playground-style page that trains the real engine in the server.

``lucidnet playground`` starts it; :func:`create_app` gives the Starlette app for tests or another ASGI
server. Starlette and uvicorn are imported only when a server is built (``pip install 'lucidnet[web]'``).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from lucidnet.playground.cli import configure_playground_parser, run_playground
from lucidnet.playground.web import require_web

__all__ = ["configure_playground_parser", "create_app", "run_playground"]


def create_app(limits: Any = None, allowed_hosts: Collection[str] = ()) -> Any:
    """The playground's Starlette ASGI app (:func:`lucidnet.playground.server.create_app`); ``limits`` is a
    :class:`~lucidnet.playground.config.Limits`. Raises ImportError naming the extra when it is missing."""
    require_web()
    from lucidnet.playground.server import create_app as _create_app  # starlette is optional: import on use

    return _create_app(limits, allowed_hosts)
