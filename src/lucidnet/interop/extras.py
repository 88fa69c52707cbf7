"""The optional packages the conversions use, imported when a conversion runs (never by ``import lucidnet``)."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["require"]

#: package -> how to install it
_INSTALL = {
    "onnx": "pip install 'lucidnet[onnx]'",
    "onnxruntime": "pip install 'lucidnet[onnx]'",
    "torch": "pip install torch",
    "sklearn": "pip install 'lucidnet[sklearn]'",
}


def require(module: str, what: str) -> ModuleType:
    """Import ``module`` for ``what`` (say "lucidnet.to_onnx"), or raise one ImportError saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"{what} needs the {module} package, which is not installed: "
                          f"{_INSTALL.get(module, f'pip install {module}')}") from exc
