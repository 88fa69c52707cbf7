"""The exceptions lucidnet raises, in one place; each is a standard exception type with a message that names
the value at fault and the fix.

=======================  ===================  =============================================================
exception                base                 raised when
=======================  ===================  =============================================================
TrainingDivergedError    FloatingPointError   the loss became NaN or infinite, or rose far, during ``fit``
DataError                ValueError           a data file or table cannot be read as asked
DataLimitError           DataError            a data file is larger than a limit the caller set (rows, columns)
ModelFileError           ValueError           a model, checkpoint or text model file cannot be loaded
=======================  ===================  =============================================================

Wrong arguments raise ``ValueError`` or ``TypeError`` (see :mod:`lucidnet.checks`).
"""

from __future__ import annotations

from typing import Any

__all__ = ["DataError", "DataLimitError", "ModelFileError", "TrainingDivergedError"]


class TrainingDivergedError(FloatingPointError):
    """Training diverged: the loss became NaN or infinite, or rose far above where it started.

    The network is put back to the weights of its best epoch so far. Attributes: ``history`` (the epochs run),
    ``reason`` ("non_finite" or "rising"), ``epoch`` (0-based, the one that diverged), ``loss`` and ``lr``
    (the learning rate then), so that a caller (the CLI, say) can phrase its own advice.
    """

    def __init__(self, message: str, history: Any = None, reason: str = "non_finite", epoch: int | None = None,
                 loss: float | None = None, lr: float | None = None) -> None:
        super().__init__(message)
        self.history, self.reason, self.epoch, self.loss, self.lr = history, reason, epoch, loss, lr


class DataError(ValueError):
    """A data file that cannot be read as asked: the message names the file, the place and the fix."""


class DataLimitError(DataError):
    """A data file over a limit the caller set (``max_rows``, ``max_columns``): too large here, not malformed."""


class ModelFileError(ValueError):
    """A model file that cannot be loaded: truncated, corrupted, foreign, or from a newer lucidnet."""


#: validators that lived here in lucidnet 0.1 and moved to lucidnet.checks (the old path goes in 0.3)
_MOVED_TO_CHECKS = ("as_2d_array", "as_numeric", "check_finite", "check_int", "check_positive", "unknown_name")


def __getattr__(name: str) -> Any:
    if name in _MOVED_TO_CHECKS:
        import warnings

        from . import checks

        warnings.warn(f"lucidnet.errors.{name} moved to lucidnet.checks in lucidnet 0.2; the old path goes in 0.3",
                      DeprecationWarning, stacklevel=2)
        return getattr(checks, name)
    raise AttributeError(f"module 'lucidnet.errors' has no attribute {name!r}")
