"""What the registered families (activations, losses, optimizers) share: a stable ``name``, constructor
parameters that describe an object completely, and one way to build an object from a name, a config dict
or an object. The CLI, model files, the playground and the tests all go through ``from_spec``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from .errors import unknown_name

T = TypeVar("T", bound="Configurable")


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
        try:
            return registry[name](**params)
        except TypeError:
            raise ValueError(f"{kind} {name!r} does not take the parameters {sorted(params)}") from None
    raise TypeError(f"{kind} must be a name, a config dict or a {base.__name__} object, got {spec!r}")
