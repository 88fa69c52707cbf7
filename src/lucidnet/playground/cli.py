"""``lucidnet playground [--port 8000] [--host 127.0.0.1] [--no-browser]``: serve the page and open it."""

from __future__ import annotations

import argparse
import sys
import threading
import webbrowser

from lucidnet.playground.security import is_loopback
from lucidnet.playground.web import require_web


def configure_playground_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the playground's options to ``parser`` (the ``lucidnet playground`` sub-command)."""
    parser.description = (
        "Serve the lucidnet playground: watch a network learn on built-in data or your own "
        "CSV, in the browser, trained by the real engine."
    )
    parser.add_argument("--port", type=int, default=8000, help="TCP port (default 8000; 0 picks a free one)")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1: this computer only; the page has no login)",
    )
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    return parser


def _allowed_hosts(host: str) -> tuple[str, ...]:
    """Host names the server answers to besides loopback: the bound name, or any for 0.0.0.0 and ::."""
    if host in ("0.0.0.0", "::"):
        return ("*",)
    return () if is_loopback(host) else (host,)


def run_playground(args: argparse.Namespace) -> int:
    """Run the server until Ctrl-C; returns the process exit status (2 when the port cannot be used or the web
    extra is missing)."""
    try:
        require_web()
    except ImportError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return serve_playground(args)


def serve_playground(args: argparse.Namespace) -> int:
    """:func:`run_playground` once :func:`~lucidnet.playground.web.require_web` has passed (``lucidnet
    playground`` checks it itself, to word the error as the other commands do)."""
    from lucidnet.playground.serve import listening_socket, make_server  # needs the web extra: import on use
    from lucidnet.playground.server import create_app

    if not 0 <= args.port <= 65535:
        print(f"error: --port must be between 0 and 65535, got {args.port}", file=sys.stderr)
        return 2
    try:
        sock = listening_socket(args.host, args.port)
    except OSError as e:
        print(
            f"error: cannot listen on {args.host}:{args.port} ({e.strerror}); "
            f"try another --port, e.g. --port {args.port + 1 if args.port else 8001}",
            file=sys.stderr,
        )
        return 2
    port = sock.getsockname()[1]
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    url = f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}/"
    if not is_loopback(args.host):
        print(
            f"warning: serving on {args.host}: anyone who can reach this address can use the playground",
            file=sys.stderr,
        )
    print(f"lucidnet playground at {url} (Ctrl-C to stop)", file=sys.stderr)
    server = make_server(create_app(allowed_hosts=_allowed_hosts(args.host)))
    if not args.no_browser:
        threading.Timer(0.8, webbrowser.open, args=(url,)).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    return 0
