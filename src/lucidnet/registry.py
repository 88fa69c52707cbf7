"""What the registered families (activations, losses, optimizers) share: a stable ``name``, constructor
parameters that describe an object completely, and one way to build an object from a name, a config dict
or an object. The CLI, model files, the playground and the tests all go through ``from_spec``.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from .checks import unknown_name

T = TypeVar("T")


class Configurable:
    """A registered object: ``params()`` are its constructor arguments; config, repr and equality follow."""

    name: ClassVar[str] = ""

    def params(self) -> dict[str, Any]:
        """The constructor arguments."""
        return {}

    def get_config(self) -> dict[str, Any]:
        """A JSON-able description, ``{"name": ..., **params}``, that ``from_spec`` turns back into this."""
        return {"name": self.name, **self.params()}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.params() == self.params()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, repr(self)))


def parse_spec(kind: str, text: str) -> str | dict[str, Any]:
    """The command line's form ``name`` or ``name:key=value,key=value`` -> a name or a config dict.

    Values are read as integers, then floats, then ``true``/``false``; anything else stays text.

    >>> parse_spec("activation", "leaky_relu:alpha=0.1")
    {'name': 'leaky_relu', 'alpha': 0.1}
    >>> parse_spec("optimizer", "sgd:momentum=0.9,nesterov=true")
    {'name': 'sgd', 'momentum': 0.9, 'nesterov': True}
    """
    name, sep, rest = text.strip().partition(":")
    if not sep:
        return name
    spec: dict[str, Any] = {"name": name.strip()}
    for item in rest.split(","):
        key, eq, value = item.partition("=")
        if not eq or not key.strip() or not value.strip():
            raise ValueError(
                f"{kind} {text!r} must look like name or name:key=value,key=value (e.g. leaky_relu:alpha=0.1)"
            )
        spec[key.strip()] = _literal(value.strip())
    return spec


def _literal(value: str) -> Any:
    for convert in (int, float):
        try:
            return convert(value)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(value.lower(), value)


def from_spec(kind: str, spec: Any, registry: Mapping[str, type[T]], base: type[T]) -> T:
    """An object of ``registry`` from a name (default parameters), a ``get_config()`` dict or an object.

    Unknown names list the valid ones; wrong parameters name them.
    """
    if isinstance(spec, base):
        return spec
    if isinstance(spec, str):
        spec = {"name": spec}
    if isinstance(spec, dict):
        params = dict(spec)
        name = params.pop("name", None)
        if name not in registry:
            raise unknown_name(kind, name, registry)
        cls = registry[name]
        accepted = [p for p in inspect.signature(cls).parameters if p != "self"]
        unknown = sorted(set(params) - set(accepted))
        if unknown:
            takes = f"it takes {', '.join(accepted)}" if accepted else "it takes none"
            raise ValueError(f"{kind} {name!r} does not take the parameters {unknown}; {takes}")
        return cls(**params)  # the constructor checks the values, with its own messages
    raise TypeError(f"{kind} must be a name, a config dict or a {base.__name__} object, got {spec!r}")
