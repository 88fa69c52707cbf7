"""scikit-learn estimators on a lucidnet Network: ``NeuralNetClassifier`` and ``NeuralNetRegressor``.

ŷ = f_L(… f_1(x W_1 + b_1) …) W_L + b_L, trained with lucidnet's hand-written backpropagation behind
scikit-learn's ``fit`` / ``partial_fit`` / ``predict`` / ``score`` interface.

Importing this module imports scikit-learn (``pip install lucidnet[sklearn]``); ``import lucidnet`` never does.
The fitted lucidnet ``Network`` is ``estimator.network_``, so saving, tracing and explaining work on it.
See ``docs/sklearn.md`` for the parameter map to scikit-learn's ``MLPClassifier`` / ``MLPRegressor``.
"""

from __future__ import annotations

try:
    import sklearn as _sklearn
except ImportError as exc:  # pragma: no cover - exercised only without scikit-learn
    raise ImportError(
        "lucidnet.sklearn needs scikit-learn; install it with: pip install lucidnet[sklearn]"
    ) from exc

if tuple(int(part) for part in _sklearn.__version__.split(".")[:2] if part.isdigit()) < (1, 6):
    raise ImportError(
        f"lucidnet.sklearn needs scikit-learn >= 1.6 (estimator tags, validate_data), found "
        f"{_sklearn.__version__}; upgrade with: pip install -U 'lucidnet[sklearn]'"
    )

from ._base import SKLEARN_ACTIVATIONS
from ._estimators import NeuralNetClassifier, NeuralNetRegressor

__all__ = ["SKLEARN_ACTIVATIONS", "NeuralNetClassifier", "NeuralNetRegressor"]
