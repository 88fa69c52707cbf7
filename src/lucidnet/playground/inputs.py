"""What a request sends, read and checked before a route uses it: body size and type, strict JSON, numbers.

Every refusal is a :class:`PlaygroundError` with its 4xx status, which the server answers as JSON.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import ClientDisconnect, Request

from lucidnet.io.files import JSONRefused, loads_json
from lucidnet.playground.config import PlaygroundError

_WHOLE = re.compile(r"[0-9]{1,9}")


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is (or says it will be) over ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise PlaygroundError(f"the request has {declared} bytes, more than the limit of {limit} bytes", 413)
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise PlaygroundError(f"the request is larger than the limit of {limit} bytes", 413)
            chunks.append(chunk)
    except ClientDisconnect:
        raise PlaygroundError("the request ended before its body arrived", 400) from None
    return b"".join(chunks)


def require_type(request: Request, expected: str) -> None:
    """415 unless the request's Content-Type is ``expected`` (parameters such as ``charset`` aside)."""
    essence = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if essence != expected:
        raise PlaygroundError(
            f"{request.method} {request.url.path} reads {expected}: send Content-Type: {expected}, "
            f"not {essence or 'none'}",
            415,
        )


#: the playground's words for what :func:`~lucidnet.io.files.loads_json` refuses, by its ``why``
_REFUSED = {
    "constant": "{text} is not a number JSON allows; send a finite number",
    "overflow": "{text} is too large for a number; send a finite number",
    "depth": "nested too deeply",
}


def parse_json(raw: bytes) -> Any:
    """Strict JSON (:func:`~lucidnet.io.files.loads_json`): NaN, Infinity and numbers that overflow to ±inf (1e999)
    are refused, as is deep nesting.

    >>> parse_json(b'{"lr": 0.1}')
    {'lr': 0.1}
    >>> parse_json(b'{"seed": NaN}')
    Traceback (most recent call last):
    lucidnet.playground.config.PlaygroundError: malformed JSON: NaN is not a number JSON allows; send a finite number
    """
    try:
        return loads_json(raw)
    except RecursionError:
        raise PlaygroundError("malformed JSON: nested too deeply") from None
    except JSONRefused as e:
        words = _REFUSED.get(e.why)
        raise PlaygroundError(f"malformed JSON: {words.format(text=e.text) if words else e}") from None
    except (ValueError, UnicodeDecodeError) as e:  # JSONDecodeError is a ValueError
        raise PlaygroundError(f"malformed JSON: {e}") from None


async def read_json(request: Request, limit: int) -> Any:
    """The JSON body of a request sent with ``Content-Type: application/json``, at most ``limit`` bytes."""
    require_type(request, "application/json")
    return parse_json(await read_body(request, limit))


def whole_number(request: Request, name: str, default: str = "0") -> int:
    """The query parameter ``name`` as a whole number 0 … 999,999,999 (ASCII digits only); 400 otherwise."""
    text = request.query_params.get(name, default)
    if not _WHOLE.fullmatch(text):
        raise PlaygroundError(f"{name} must be a whole number, got {text!r}")
    return int(text)


def weight_index(text: str) -> tuple[int, int, int]:
    """``"l,i,j"`` → (l, i, j), three whole numbers; 400 otherwise.

    >>> weight_index("2,1,3")
    (2, 1, 3)
    """
    parts = text.split(",")
    if len(parts) != 3 or not all(_WHOLE.fullmatch(p) for p in parts):
        raise PlaygroundError(f"weight must be three whole numbers l,i,j, got {text!r}")
    return int(parts[0]), int(parts[1]), int(parts[2])
