"""``lucidnet playground [--port 8000] [--host 127.0.0.1] [--no-browser]``: serve the page and open it."""

from __future__ import annotations

import argparse
import ipaddress
import socket
import sys
import threading
import webbrowser


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


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run_playground(args: argparse.Namespace) -> int:
    """Run the server until Ctrl-C; returns the process exit status (2 when the port cannot be used)."""
    try:
        import uvicorn

        from lucidnet.playground.server import create_app

        app = create_app()
    except ImportError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print(f"error: --port must be between 0 and 65535, got {args.port}", file=sys.stderr)
        return 2
    try:
        family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((args.host, args.port))
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
    if not _is_loopback(args.host):
        print(
            f"warning: serving on {args.host}: anyone who can reach this address can use the playground",
            file=sys.stderr,
        )
    print(f"lucidnet playground at {url} (Ctrl-C to stop)", file=sys.stderr)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1))
    if not args.no_browser:
        threading.Timer(0.8, webbrowser.open, args=(url,)).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    return 0
