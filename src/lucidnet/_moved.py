"""The module paths of lucidnet 0.1 that moved in 0.2: they still import, with a ``DeprecationWarning``, until 0.3.

``import lucidnet.data.datasets`` gives a stand-in module whose attributes are those of ``lucidnet.data.datasets``
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

__all__ = ["MOVED"]

#: old module path -> where it lives now
MOVED: dict[str, str] = {
    "lucidnet.data.arrays": "lucidnet.data.arrays",
    "lucidnet.io.model": "lucidnet.io.model",
    "lucidnet.io.checkpoints": "lucidnet.io.checkpoints",
    "lucidnet.data.csvfile": "lucidnet.data.csvfile",
    "lucidnet.data.datasets": "lucidnet.data.datasets",
    "lucidnet.cli.explain": "lucidnet.cli.explain",
    "lucidnet.data.idx": "lucidnet.data.idx",
    "lucidnet.io.model_file": "lucidnet.io.model_file",
    "lucidnet.data.preprocessing": "lucidnet.data.preprocessing",
    "lucidnet.io.safetensors": "lucidnet.io.safetensors",
    "lucidnet.data.table": "lucidnet.data.table",
    "lucidnet.io.text_file": "lucidnet.io.text_file",
}


class _StandIn(types.ModuleType):
    """A module whose every attribute is read from the module that took its place."""

    def __init__(self, name: str, target: str) -> None:
        super().__init__(name, f"Moved to {target} in lucidnet 0.2.")
        self.__dict__["_target"] = target

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self.__dict__["_target"]), attr)

    def __dir__(self) -> list[str]:
        return dir(importlib.import_module(self.__dict__["_target"]))


class _Loader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        warnings.warn(f"{spec.name} moved to {self.target} in lucidnet 0.2; the old path goes in 0.3",
                      DeprecationWarning, stacklevel=2)
        return _StandIn(spec.name, self.target)

    def exec_module(self, module: types.ModuleType) -> None:
        importlib.import_module(self.target)  # fail at import time, as the old module would have


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        new = MOVED.get(fullname)
        return None if new is None else importlib.machinery.ModuleSpec(fullname, _Loader(new))


if not any(isinstance(f, _Finder) for f in sys.meta_path):
    sys.meta_path.append(_Finder())
