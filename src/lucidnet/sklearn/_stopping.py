"""scikit-learn's MLP stopping rule, epoch by epoch, and the fitted attributes it keeps.

Without early stopping: an epoch counts as no improvement when its loss is above ``best_loss_ − tol``;
``best_loss_`` is the lowest loss so far. With early stopping: when its validation score is below
``best_validation_score_ + tol``; the weights of the best score are kept. Training stops once more than
``n_iter_no_change`` epochs in a row brought no improvement.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..callbacks import BestWeights


class Stopping:
    """The no-improvement count of one ``fit`` (or of a series of ``partial_fit`` calls) and the best weights.

    Parameters
    ----------
    validation : tuple (X_val, Y_val, y_val, w_val) or None
        The held-out data of early stopping.
    """

    def __init__(self, validation: tuple | None) -> None:
        self.validation = validation
        self.no_improvement = 0
        self.best = BestWeights(monitor="validation score", mode="max", restore=False)  # lucidnet's one keeper
        self.stopped = False

    @property
    def best_weights(self) -> list[np.ndarray] | None:
        """The weights of the best validation score so far (copies), or None."""
        return self.best.best_weights

    def update(self, est: Any, loss: float) -> bool:
        """Count the epoch that ended with training loss ``loss``; True when training is to stop.

        Updates ``est.best_loss_``, or with early stopping ``validation_scores_``, ``validation_loss_curve_``
        and ``best_validation_score_``.
        """
        if self.validation is None:
            improved = not loss > est.best_loss_ - est.tol
            est.best_loss_ = min(est.best_loss_, loss)
        else:
            X_val, Y_val, y_val, w_val = self.validation
            net = est.network_
            score = float(est._score_network(net, X_val, y_val, w_val))
            est.validation_scores_.append(score)
            est.validation_loss_curve_.append(est._sklearn_loss(X_val, Y_val, w_val))
            improved = not score < est.best_validation_score_ + est.tol
            # the keeper starts with each fit, as best_validation_score_ does (at −inf): they move together
            if self.best.offer(score, len(est.validation_scores_) - 1, net):
                est.best_validation_score_ = score
        self.no_improvement = 0 if improved else self.no_improvement + 1
        self.stopped = self.no_improvement > est.n_iter_no_change
        return self.stopped

    def __repr__(self) -> str:
        return (f"Stopping(validation={self.validation is not None}, no_improvement={self.no_improvement}, "
                f"stopped={self.stopped})")
