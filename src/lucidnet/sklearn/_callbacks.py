"""scikit-learn's callback protocol (``sklearn.callback``, scikit-learn ≥ 1.9) where it exists, a stand-in where not.

With ``sklearn.callback``, the estimators are ``CallbackSupportMixin`` estimators: ``set_callbacks(*callbacks)``
registers ``ProgressBar``, ``ScoringMonitor`` or any ``FitCallback``; ``fit`` is one task with one subtask per
epoch (``max_subtasks=max_iter``), ``partial_fit`` one task with one epoch subtask, and meta-estimators
(``Pipeline``, ``GridSearchCV``) propagate their callbacks into them. Each epoch's end hook gets the training
data, ``metadata={"sample_weight": ...}`` when weights were given, and, on request, a ``fitted_estimator``
predicting with that epoch's weights; a hook that returns True stops ``fit`` after that epoch.

Without it (scikit-learn < 1.9), ``CallbackSupportMixin`` is a stand-in without ``set_callbacks`` whose
context does nothing, and ``with_callbacks`` returns the method unchanged: the estimators import and train
as before, and meta-estimators see estimators without callback support.
"""

from __future__ import annotations

from typing import Any

try:
    from sklearn.callback import CallbackSupportMixin, with_callbacks

    HAS_CALLBACKS = True
except ImportError:  # scikit-learn < 1.9 (tested by hiding the module)
    HAS_CALLBACKS = False

    class _NoCallbackContext:
        """A callback context with no callbacks: every hook is a no-op and no hook asks to stop."""

        def subcontext(self, *args: Any, **kwargs: Any) -> _NoCallbackContext:
            return self

        def call_on_fit_task_begin(self, **kwargs: Any) -> _NoCallbackContext:
            return self

        def call_on_fit_task_end(self, **kwargs: Any) -> bool:
            return False

        def __repr__(self) -> str:
            return "_NoCallbackContext()"

    class CallbackSupportMixin:  # type: ignore[no-redef]
        """Stand-in for ``sklearn.callback.CallbackSupportMixin`` on scikit-learn without callbacks."""

        def _init_callback_context(self, task_name: str = "fit", task_id: int = 0, max_subtasks: int | None = 0,
                                   sequential_subtasks: bool = True) -> Any:
            return _NoCallbackContext()

    def with_callbacks(method):  # type: ignore[no-redef]
        return method


__all__ = ["HAS_CALLBACKS", "CallbackSupportMixin", "with_callbacks"]
