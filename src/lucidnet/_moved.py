"""The module paths of lucidnet 0.1 that moved in 0.2: they still import, with a ``DeprecationWarning``, until 0.3.

``import lucidnet.datasets`` gives a stand-in module whose attributes are those of ``lucidnet.data.datasets``
(the same objects, so ``isinstance`` and identity checks hold). Only the names in :data:`MOVED` are answered;
the finder sits last on ``sys.meta_path``, so a real module of that name would always win. Deleting this file
(and its import in ``lucidnet/__init__.py``) removes the aliases.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from typing import Any

__all__ = ["MOVED", "attribute"]

#: old module path -> the modules that hold its names now: the first is where the module went, the others took
#: a name or two that it also exported
MOVED: dict[str, tuple[str, ...]] = {
    "lucidnet.arrays": ("lucidnet.data.arrays",),
    "lucidnet.bundle": ("lucidnet.io.model",),
    "lucidnet.checkpoints": ("lucidnet.io.checkpoints",),
    "lucidnet.csvfile": ("lucidnet.data.csvfile",),
    "lucidnet.datasets": ("lucidnet.data.datasets",),
    "lucidnet.explain": ("lucidnet.cli.explain",),
    "lucidnet.idx": ("lucidnet.data.idx",),
    "lucidnet.model_file": ("lucidnet.io.model_file", "lucidnet.io.schema"),
    "lucidnet.preprocessing": ("lucidnet.data.preprocessing",),
    "lucidnet.safetensors_file": ("lucidnet.io.safetensors", "lucidnet.errors"),
    "lucidnet.table": ("lucidnet.data.table",),
    "lucidnet.txt_file": ("lucidnet.io.text_file",),
}


def _message(old: str) -> str:
    return f"{old} moved to {MOVED[old][0]} in lucidnet 0.2; the old path goes in 0.3"


def attribute(old: str) -> types.ModuleType:
    """The module for ``lucidnet.<name>`` read as an attribute, as 0.1's package had it; warns at the reader's line."""
    if old not in sys.modules:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            importlib.import_module(old)
        warnings.warn(_message(old), DeprecationWarning, stacklevel=3)
    return sys.modules[old]


class _StandIn(types.ModuleType):
    """A module whose every attribute is read from the module that took its place."""

    def __init__(self, name: str, targets: tuple[str, ...]) -> None:
        super().__init__(name, f"Moved to {targets[0]} in lucidnet 0.2.")
        self.__dict__["_targets"] = targets

    def __getattr__(self, attr: str) -> Any:
        for target in self.__dict__["_targets"]:
            module = importlib.import_module(target)
            if hasattr(module, attr):
                return getattr(module, attr)
        raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r}")

    def __dir__(self) -> list[str]:
        return sorted({n for t in self.__dict__["_targets"] for n in dir(importlib.import_module(t))})


class _Loader(importlib.abc.Loader):
    def __init__(self, targets: tuple[str, ...]) -> None:
        self.targets = targets

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        warnings.warn(_message(spec.name), DeprecationWarning, stacklevel=2)
        return _StandIn(spec.name, self.targets)

    def exec_module(self, module: types.ModuleType) -> None:
        for target in self.targets:  # fail at import time, as the old module would have
            importlib.import_module(target)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        new = MOVED.get(fullname)
        return None if new is None else importlib.machinery.ModuleSpec(fullname, _Loader(new))


if not any(isinstance(f, _Finder) for f in sys.meta_path):
    sys.meta_path.append(_Finder())
